from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "newsroom.search"
    label = "search"
    verbose_name = _("全文检索")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The index is derived data: receivers collect changed articles and index
        # them after commit (see newsroom/search/signals.py for why a signal is right).
        from newsroom.search import checks, signals  # noqa: F401

        signals.connect()
