"""Create the editorial roles as groups: 编辑 (editor) and 主编 (chief editor).

editor: views everything; corrects articles, photos, credits and tags; reviews and resolves
flags. It cannot withdraw or publish, merge people, or delete what the paper printed.
chief editor: all of that, plus withdraw/re-publish (newsroom.publish_article), merge people
(newsroom.merge_person), and add/change/delete on the editorial models. Provenance
(source files, import runs) stays read-only for both.

The permission lists are frozen here, as migrations must be; change them in a new migration.
"""

from django.db import migrations

EDITOR = "editor"
CHIEF_EDITOR = "chief editor"

VIEWED = {
    "newsroom": [
        "publication", "sourcefile", "importrun", "issue", "person", "personalias", "article",
        "photo", "advertisement", "credit", "reviewflag",
    ],
    "taggit": ["tag", "taggeditem"],
}
EDITOR_PERMS = [
    ("newsroom", "change_article"),
    ("newsroom", "change_photo"),
    ("newsroom", "add_credit"),
    ("newsroom", "change_credit"),
    # Removing a credit the importer misread is part of correcting the credits.
    ("newsroom", "delete_credit"),
    ("newsroom", "change_reviewflag"),
    ("taggit", "add_tag"),
    ("taggit", "change_tag"),
    ("taggit", "add_taggeditem"),
    ("taggit", "change_taggeditem"),
    ("taggit", "delete_taggeditem"),
]
CHIEF_MANAGED = {
    "newsroom": [
        "publication", "issue", "person", "personalias", "article", "photo", "advertisement",
        "credit", "reviewflag",
    ],
    "taggit": ["tag", "taggeditem"],
}
CHIEF_EXTRA = [("newsroom", "publish_article"), ("newsroom", "merge_person")]


def _editor_codenames():
    perms = [(app, f"view_{model}") for app, models in VIEWED.items() for model in models]
    return perms + EDITOR_PERMS


def _chief_codenames():
    perms = list(_editor_codenames())
    for app, models in CHIEF_MANAGED.items():
        for model in models:
            perms += [(app, f"{action}_{model}") for action in ("add", "change", "delete")]
    return sorted(set(perms + CHIEF_EXTRA))


def create_roles(apps, schema_editor=None):
    """Create or update both groups with exactly their permissions (idempotent)."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_config in apps.get_app_configs():
        # Historical app configs have no models module, which create_permissions skips.
        stub = getattr(app_config, "models_module", None) is None
        if stub:
            app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        if stub:
            app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ((EDITOR, _editor_codenames()), (CHIEF_EDITOR, _chief_codenames())):
        group, _ = Group.objects.get_or_create(name=name)
        perms = []
        for app_label, codename in wanted:
            perms.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITOR, CHIEF_EDITOR]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("newsroom", "0002_editorial_permissions"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
