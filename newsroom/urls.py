from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from newsroom.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("newsroom.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("newsroom.iiif.urls")),
    path("", include("archive.urls")),
]

# Under /api/v1/ every error is the API's JSON, also those no API view answers.
handler400 = "newsroom.api.exceptions.bad_request"
handler403 = "newsroom.api.exceptions.permission_denied"
handler404 = "newsroom.api.exceptions.page_not_found"
handler500 = "newsroom.api.exceptions.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
