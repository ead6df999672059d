"""Both editorial roles may view the import runs' file records, as they view the runs."""

from django.db import migrations

from newsroom.migrations._grants import role_grants

CODENAMES = ["view_importedfile"]

grant, revoke = role_grants({"editor": CODENAMES, "chief editor": CODENAMES})


class Migration(migrations.Migration):

    dependencies = [("newsroom", "0005_imported_file")]

    operations = [migrations.RunPython(grant, revoke)]
