from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from newsroom.api import views
from newsroom.api.root import Router

app_name = "api"

router = Router()
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
