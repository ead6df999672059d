from rest_framework import serializers, viewsets

from newsroom.models import Publication


class PublicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Publication
        fields = [
            "id", "name", "slug", "slogan", "cn_number", "postal_code",
            "website", "email", "address", "postcode",
        ]


class PublicationViewSet(viewsets.ReadOnlyModelViewSet):
    """Newspapers whose issues the archive holds."""

    queryset = Publication.objects.all()
    serializer_class = PublicationSerializer
