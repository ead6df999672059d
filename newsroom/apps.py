from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = _("编辑部")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: an app's models are not ready before ready().
        from newsroom import changes, siteurl  # noqa: F401 (siteurl registers its system check)

        changes.connect()
