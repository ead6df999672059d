"""Both editorial roles may view an issue's pages and their staff, as they view the issues."""

from django.db import migrations

from newsroom.migrations._grants import role_grants

CODENAMES = ["view_page", "view_pagestaff"]

grant, revoke = role_grants({"editor": CODENAMES, "chief editor": CODENAMES})


class Migration(migrations.Migration):

    dependencies = [("newsroom", "0018_article_continuations")]

    operations = [migrations.RunPython(grant, revoke)]
