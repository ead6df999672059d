"""Granting permissions to the editorial roles in a data migration (not a migration: the name's
leading underscore keeps Django's loader from reading it as one).

``role_grants({"editor": [...], "chief editor": [...]})`` returns the migration's ``grant`` and
``revoke`` functions; tests/factories.py replays ``grant`` after a test flushes the groups.
"""

from __future__ import annotations


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


def role_grants(codenames_by_role: dict[str, list[str]]):
    """Return (grant, revoke): RunPython functions giving each named group its permissions, or taking them."""

    def grant(apps, schema_editor):
        Group = apps.get_model("auth", "Group")
        for name, codenames in codenames_by_role.items():
            for group in Group.objects.filter(name=name):
                group.permissions.add(*_permissions(apps, codenames))

    def revoke(apps, schema_editor):
        Group = apps.get_model("auth", "Group")
        for name, codenames in codenames_by_role.items():
            for group in Group.objects.filter(name=name):
                group.permissions.remove(*_permissions(apps, codenames))

    return grant, revoke
