"""What an import did: a report per file, and the run's reports kept as ImportedFile rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from newsroom.models import ImportedFile, ImportRun

# What a report counts, and the ways each thing can fare.
KINDS = ("articles", "photos", "advertisements", "people", "credits", "flags", "pages", "scans")
CREATED, UPDATED, UNCHANGED, KEPT, DELETED = "created", "updated", "unchanged", "kept", "deleted"
FAILED = "failed"

# A run's file reports are written as ImportedFile rows this many at a time (RunFiles).
FILE_RECORDS_PER_WRITE = 500


@dataclass
class PageReport:
    """What loading one file did (or would do, in a dry run), or why it failed."""

    source: str
    status: str = UNCHANGED  # created | updated | unchanged | failed
    encoding: str = ""
    issue_id: int | None = None
    error: str = ""
    counts: dict[str, Counter] = field(default_factory=lambda: {kind: Counter() for kind in KINDS})
    notes: list[str] = field(default_factory=list)
    # Failed only for want of its front page (an inside page naming no paper): the run loads
    # it once more after its other files (importers/load/runs.py).
    awaits_front_page: bool = False

    def count(self, kind: str, action: str, n: int = 1) -> None:
        """Count ``n`` things of this kind as faring this way."""
        self.counts[kind][action] += n

    def total(self, action: str, kinds: Iterable[str] = ("articles", "photos", "advertisements")) -> int:
        """Return how many things of these kinds fared this way."""
        return sum(self.counts[kind][action] for kind in kinds)

    @property
    def wrote(self) -> bool:
        """Return whether loading the file created, updated or deleted anything."""
        return any(
            self.counts[kind][action]
            for kind in KINDS
            for action in (CREATED, UPDATED, DELETED)
        )

    @property
    def failed(self) -> bool:
        """Return whether the file failed (and wrote nothing)."""
        return self.status == FAILED

    def summary(self) -> dict[str, int]:
        """Return the numbers the command's table shows."""
        return {
            "created": self.total(CREATED, ("articles", "photos", "advertisements", "people")),
            "updated": self.total(UPDATED),
            "unchanged": self.total(UNCHANGED),
            "kept": self.total(KEPT),
            "flags": self.counts["flags"][CREATED],
        }

    def as_record(self, run: ImportRun, position: int, *, with_issue: bool = True) -> ImportedFile:
        """Return the unsaved ImportedFile row of this report, the run's file number ``position``."""
        return ImportedFile(
            run=run,
            position=position,
            source=self.source[: ImportedFile._meta.get_field("source").max_length],
            status=self.status,
            encoding=self.encoding,
            issue_id=self.issue_id if with_issue else None,
            error=self.error,
            counts={kind: dict(counter) for kind, counter in self.counts.items() if counter},
            notes=self.notes,
        )

    @classmethod
    def from_record(cls, row: ImportedFile) -> PageReport:
        """Return the report an ImportedFile row keeps."""
        return cls(
            source=row.source,
            status=row.status,
            encoding=row.encoding,
            issue_id=row.issue_id,
            error=row.error,
            counts={kind: Counter(row.counts.get(kind, {})) for kind in KINDS},
            notes=list(row.notes),
        )


class RunFiles:
    """Records a run's file reports as they arrive: ImportedFile rows, written
    FILE_RECORDS_PER_WRITE at a time, so a run of any length holds only that many.

    A dry run keeps its records until it has rolled back (its writes would roll back
    with it), and records no issue, since the dry run's issues never existed.
    """

    def __init__(self, run: ImportRun, *, dry_run: bool = False):
        self.run = run
        self.dry_run = dry_run
        self.count = 0
        self.failed = 0
        self.totals: Counter = Counter()
        self.pending: list[ImportedFile] = []

    def add(self, report: PageReport, *, position: int | None = None) -> None:
        """Record one file's report, writing the pending records when there are enough.

        ``position`` is the file's place (0-based) among the run's files, which may be loaded
        in another order; by default, the order the reports are added in.
        """
        self.count += 1
        self.failed += report.failed
        self.totals.update(report.summary())
        number = self.count if position is None else position + 1
        self.pending.append(report.as_record(self.run, number, with_issue=not self.dry_run))
        if not self.dry_run and len(self.pending) >= FILE_RECORDS_PER_WRITE:
            self.write()

    def write(self) -> None:
        """Write the pending records."""
        ImportedFile.objects.bulk_create(self.pending)
        self.pending = []


class ReportedFiles(Sequence):
    """A run's file reports (PageReport), read from its ImportedFile rows in file order."""

    def __init__(self, run: ImportRun):
        self.run = run

    def __len__(self) -> int:
        return self.run.files.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [PageReport.from_record(row) for row in list(self.run.files.all())[index]]
        position = index + 1 if index >= 0 else len(self) + index + 1
        row = self.run.files.filter(position=position).first() if position > 0 else None
        if row is None:
            raise IndexError(index)
        return PageReport.from_record(row)

    def __iter__(self) -> Iterator[PageReport]:
        for row in self.run.files.order_by("position").iterator(chunk_size=FILE_RECORDS_PER_WRITE):
            yield PageReport.from_record(row)


@dataclass
class RunReport:
    """What one run of the importer did to each file, and the ImportRun that records it."""

    run: ImportRun
    dry_run: bool = False

    @property
    def files(self) -> ReportedFiles:
        """Return the reports of every file, in file order."""
        return ReportedFiles(self.run)

    @property
    def failures(self) -> list[PageReport]:
        """Return the reports of the files that failed."""
        return [PageReport.from_record(row) for row in self.run.files.filter(status=FAILED)]

    @property
    def ok(self) -> bool:
        """Return whether every file loaded."""
        return not self.run.files.filter(status=FAILED).exists()
