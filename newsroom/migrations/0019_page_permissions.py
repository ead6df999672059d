"""Both editorial roles may view an issue's pages and their staff, as they view the issues."""

from django.db import migrations

ROLES = ["editor", "chief editor"]


CODENAMES = ["view_page", "view_pagestaff"]


def _permissions(apps):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("newsroom")
    # Historical app configs have no models module, which create_permissions skips.
    stub = getattr(app_config, "models_module", None) is None
    if stub:
        app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    if stub:
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="newsroom", codename__in=CODENAMES)


def grant(apps, schema_editor):
    permissions = list(_permissions(apps))
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(
            content_type__app_label="newsroom", codename__in=CODENAMES))


class Migration(migrations.Migration):

    dependencies = [("newsroom", "0018_article_continuations")]

    operations = [migrations.RunPython(grant, revoke)]
