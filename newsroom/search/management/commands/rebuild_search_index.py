from django.core.management.base import BaseCommand

from newsroom.changes import rebuild_search_index
from newsroom.search.indexing import stale_article_ids
from newsroom.search.text import SEGMENTER_VERSION


class Command(BaseCommand):
    help = (
        "Re-index articles for search. Run after bulk changes that send no signals "
        "(QuerySet.update, bulk_create) and after a segmenter or dictionary upgrade."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale",
            action="store_true",
            help="Only articles with no document or one made by another segmenter version.",
        )

    def handle(self, *args, stale, **options):
        if stale:
            self.stdout.write(f"Stale documents: {stale_article_ids().count()}")
        count = rebuild_search_index(stale_only=stale)
        self.stdout.write(f"Indexed {count} article(s) with {SEGMENTER_VERSION}.")
