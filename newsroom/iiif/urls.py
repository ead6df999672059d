"""The IIIF addresses: each page scan's image service, each issue's manifest (under /iiif/3/)."""

from django.urls import path

from newsroom.iiif import images, manifests

app_name = "iiif"

urlpatterns = [
    path("iiif/3/manifests/<str:identifier>/manifest.json", manifests.issue_manifest, name="manifest"),
    path("iiif/3/<str:identifier>", images.image_base, name="image-base"),
    path("iiif/3/<str:identifier>/info.json", images.image_info, name="image-info"),
    path("iiif/3/<str:identifier>/<str:region>/<str:size>/<str:rotation>/<str:quality>.<str:format>",
         images.image, name="image"),
    # Anything else under /iiif/3/ (an identifier with an unescaped slash): IIIF's 404, with CORS.
    path("iiif/3/<path:rest>", images.not_found, name="not-found"),
]
