"""Export the public archive a year at a time: ``manage.py export_archive 2021`` (see newsroom/exports.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from newsroom.exports import export_dir, export_year, years_with_public_articles


class Command(BaseCommand):
    help = ("Write each year's public articles as ninjs JSON Lines and as plain text (gzip), with "
            "their sizes and SHA-256 in index.json, for the download page /data/.")

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int, help="the years to export (e.g. 2021 2022)")
        parser.add_argument("--all", action="store_true", help="every year with public articles")

    def handle(self, *args, years, all, **options):
        if all:
            years = years_with_public_articles()
        if not years:
            raise CommandError("name the years to export, or --all")
        for year in years:
            if not 1 <= year <= 9999:
                raise CommandError(f"{year}: not a year")
            for made in export_year(year):
                self.stdout.write(f"{export_dir() / made.name}: {made.articles} articles, "
                                  f"{made.size:,} bytes, sha256 {made.sha256}")
