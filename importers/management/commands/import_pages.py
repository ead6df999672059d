"""Import OCR'd pages: ``manage.py import_pages [paths/globs...] [--dry-run] [--jobs N] [--format json]``."""

from __future__ import annotations

import json
import textwrap

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from importers.load import PageReport, import_paths, iter_pages


class Command(BaseCommand):
    # The name a run records as started by (import_seeds, the old name, sets its own).
    name = "import_pages"
    help = (
        "Import OCR'd front pages (files, folders of *.txt/*.md, or globs; default: seeds/). "
        "Re-importing a file changes only what the file changed and keeps editors' corrections."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="files, folders or globs (default: seeds/)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="parse and load, report what would change, then roll everything back",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="load the files in this many worker processes (PostgreSQL only; default 1)",
        )
        parser.add_argument(
            "--format",
            choices=["table", "json"],
            default="table",
            help="json: print the parsed pages as JSON and write nothing to the database",
        )

    def handle(self, *args, paths, dry_run, format, jobs, **options):
        paths = paths or [str(settings.BASE_DIR / "seeds")]
        if jobs < 1:
            raise CommandError(f"--jobs must be 1 or more, not {jobs}")
        if format == "json":
            return self.print_json(paths)
        result = import_paths(paths, dry_run=dry_run, started_by=f"manage.py {self.name}",
                              progress=self.progress, jobs=jobs)
        self.print_table(result.files, dry_run=dry_run)
        if result.failures:
            for report in result.failures:
                self.stderr.write(report.error)
            raise CommandError(
                f"{len(result.failures)} of {len(result.files)} files failed (import run {result.run.pk})"
            )

    def progress(self, index: int, total: int, report: PageReport) -> None:
        """Show a running count on stderr when there is more than one file."""
        if total > 1:
            self.stderr.write(f"[{index}/{total}] {report.source} ... {_outcome(report)}")

    def print_table(self, reports: list[PageReport], *, dry_run: bool) -> None:
        header = ("file", "status", "created", "updated", "unchanged", "kept", "flags")
        rows = [header]
        for report in reports:
            numbers = report.summary()
            rows.append((
                report.source,
                report.status + (" (dry run)" if dry_run and not report.failed else ""),
                *(str(numbers[name]) for name in header[2:]),
            ))
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        for row in rows:
            cells = [
                cell.ljust(width) if i < 2 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            ]
            self.stdout.write("  ".join(cells).rstrip())
        for report in reports:
            for note in _notes(report):
                self.stdout.write(f"{report.source}: {note}")

    def print_json(self, paths: list[str]) -> None:
        """Print the parsed pages as one JSON list, a page at a time; write nothing."""
        errors = []
        self.stdout.write("[", ending="")
        first = True
        for _name, page, error in iter_pages(paths):
            if page is None:
                errors.append(error)
                continue
            item = json.dumps(page.as_json(), ensure_ascii=False, indent=2)
            self.stdout.write(("" if first else ",") + "\n" + textwrap.indent(item, "  "), ending="")
            first = False
        self.stdout.write("]" if first else "\n]")
        if errors:
            for error in errors:
                self.stderr.write(error)
            raise CommandError(f"{len(errors)} file(s) could not be parsed")


def _outcome(report: PageReport) -> str:
    if report.failed:
        return "failed"
    return "; ".join(["ok", *_notes(report)])


def _notes(report: PageReport) -> list[str]:
    notes = list(report.notes)
    if report.encoding and report.encoding != "utf-8":
        notes.append(f"decoded from {report.encoding.upper()}")
    return notes
