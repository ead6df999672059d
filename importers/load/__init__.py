"""Load parsed pages into the database: records in, models out, one transaction per issue.

The importer works in pretix's three phases: the parser (importers/parse/) reads and
validates a file into frozen records; ``load_page`` checks what the database cannot store,
then compares the records with the rows already there (keyed on natural keys: publication
+ date + edition, issue + page + position) and writes only what differs, inside one
``transaction.atomic()``. Re-importing the same file therefore writes nothing, and an
editor's correction is never overwritten: the ``imported`` snapshot on each row says what
the importer last wrote, so a value that differs from it is an editor's.

This is the only part of the importer that uses the ORM. Its modules, each answering one
question:

- ``files``: which files the paths name, and reading one (the size limit, the decoding);
- ``values``: what a record stores, and whether the database can hold it;
- ``page``: loading one page (``load_page``, ``PageLoader``), with its collaborators
  ``merge`` (keep the editor's work), ``people`` (names, credits, possible duplicates) and
  ``flags`` (review flags given once, moved, superseded);
- ``writes``: new issues' rows written a kind at a time, with history and search documents;
- ``batches``: the pages of a batch that start new issues written together, with the
  page-by-page fallback;
- ``runs``: a whole run (``import_paths``), in this process or in worker processes;
- ``reports``: what a file and a run did, kept as ImportedFile rows.

Other code imports only the names below.
"""

from importers.load.files import PageFile, expand_paths, iter_pages, read_file
from importers.load.page import load_page
from importers.load.people import flag_missed_duplicates
from importers.load.reports import PageReport, RunReport
from importers.load.runs import effective_jobs, import_page_files, import_paths

__all__ = [
    "PageFile",
    "PageReport",
    "RunReport",
    "effective_jobs",
    "expand_paths",
    "flag_missed_duplicates",
    "import_page_files",
    "import_paths",
    "iter_pages",
    "load_page",
    "read_file",
]
