"""The day's intake and held issues: both roles may upload and import a day's pages (import_pages)
and follow the intakes; only chief editors may release a held issue (release_issue)."""

from django.db import migrations

EDITOR_CODENAMES = ["import_pages", "view_intake", "view_intakefile"]
CHIEF_CODENAMES = [*EDITOR_CODENAMES, "release_issue"]


def _permissions(apps, codenames):
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
    return list(Permission.objects.filter(content_type__app_label="newsroom", codename__in=codenames))


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, codenames in (("editor", EDITOR_CODENAMES), ("chief editor", CHIEF_CODENAMES)):
        for group in Group.objects.filter(name=name):
            group.permissions.add(*_permissions(apps, codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, codenames in (("editor", EDITOR_CODENAMES), ("chief editor", CHIEF_CODENAMES)):
        for group in Group.objects.filter(name=name):
            group.permissions.remove(*_permissions(apps, codenames))


class Migration(migrations.Migration):

    dependencies = [("newsroom", "0024_intake_and_held_issues")]

    operations = [migrations.RunPython(grant, revoke)]
