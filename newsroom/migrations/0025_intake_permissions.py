"""The day's intake and held issues: both roles may upload and import a day's pages (import_pages)
and follow the intakes; only chief editors may release a held issue (release_issue)."""

from django.db import migrations

from newsroom.migrations._grants import role_grants

EDITOR_CODENAMES = ["import_pages", "view_intake", "view_intakefile"]
CHIEF_CODENAMES = [*EDITOR_CODENAMES, "release_issue"]


grant, revoke = role_grants({"editor": EDITOR_CODENAMES, "chief editor": CHIEF_CODENAMES})


class Migration(migrations.Migration):

    dependencies = [("newsroom", "0024_intake_and_held_issues")]

    operations = [migrations.RunPython(grant, revoke)]
