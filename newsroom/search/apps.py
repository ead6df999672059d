from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "newsroom.search"
    label = "search"
    verbose_name = _("全文检索")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The index is derived data: newsroom/changes.py connects what keeps it current.
        from newsroom.search import checks  # noqa: F401 (registers the system check)
