"""Both editorial roles may view the import runs' file records, as they view the runs."""

from django.db import migrations

ROLES = ["editor", "chief editor"]


def _permission(apps):
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
    return Permission.objects.get(content_type__app_label="newsroom", codename="view_importedfile")


def grant(apps, schema_editor):
    permission = _permission(apps)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(
            content_type__app_label="newsroom", codename="view_importedfile"))


class Migration(migrations.Migration):

    dependencies = [("newsroom", "0005_imported_file")]

    operations = [migrations.RunPython(grant, revoke)]
