"""Page scans: both roles may attach or replace a page's scan (change_page) and see releases;
only chief editors may release the scan of a page that shows a withdrawn article."""

from django.db import migrations

from newsroom.migrations._grants import role_grants

EDITOR_CODENAMES = ["change_page", "view_scanrelease"]
CHIEF_CODENAMES = [*EDITOR_CODENAMES, "release_scan", "add_scanrelease", "delete_scanrelease"]


grant, revoke = role_grants({"editor": EDITOR_CODENAMES, "chief editor": CHIEF_CODENAMES})


class Migration(migrations.Migration):

    dependencies = [("newsroom", "0022_page_scans")]

    operations = [migrations.RunPython(grant, revoke)]
