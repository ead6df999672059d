"""``manage.py import_seeds``: the former name of ``import_pages``, kept for scripts and habits."""

from importers.management.commands.import_pages import Command as ImportPages


class Command(ImportPages):
    name = "import_seeds"
    help = ImportPages.help + " (Another name for import_pages.)"
