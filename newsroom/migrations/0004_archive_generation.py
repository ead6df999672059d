"""The archive's generation: one number that grows whenever anything public may have changed.

A plain table outside Django's models on purpose: `flush`, `dumpdata` and `loaddata` (the
backup commands) leave it alone, so a restore can never move the number back to one that
cached pages were stored under. See newsroom/pagecache.py.
"""

from django.db import migrations

CREATE = """
CREATE TABLE newsroom_archive_generation (
    id integer NOT NULL PRIMARY KEY CHECK (id = 1),
    value bigint NOT NULL
)
"""


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0003_editorial_roles")]

    operations = [
        migrations.RunSQL(
            sql=[CREATE, "INSERT INTO newsroom_archive_generation (id, value) VALUES (1, 0)"],
            reverse_sql=["DROP TABLE newsroom_archive_generation"],
        )
    ]
