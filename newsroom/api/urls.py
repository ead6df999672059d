from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from newsroom.api import views

app_name = "api"

router = DefaultRouter()
router.register("publications", views.PublicationViewSet, basename="publication")
router.register("issues", views.IssueViewSet, basename="issue")
router.register("articles", views.ArticleViewSet, basename="article")
router.register("photos", views.PhotoViewSet, basename="photo")
router.register("advertisements", views.AdvertisementViewSet, basename="advertisement")
router.register("people", views.PersonViewSet, basename="person")
router.register("tags", views.TagViewSet, basename="tag")
router.register("flags", views.ReviewFlagViewSet, basename="flag")

urlpatterns = [
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
