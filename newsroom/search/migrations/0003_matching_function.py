"""PostgreSQL: a function that finds matching articles through the GIN index only.

A plain `vector @@ query` lets the planner pick a sequential scan when a word is common
(工会 is in most articles). That scan decompresses every article's ~20 KB tsvector and
takes seconds, while the GIN index answers the same question exactly, without
rechecking the rows, in milliseconds; the planner's cost model cannot tell the two
apart. The function's SET clause keeps the scan on the index. Nothing on SQLite.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION search_matching_articles(query tsquery) RETURNS SETOF bigint
LANGUAGE sql STABLE PARALLEL SAFE ROWS 1000
SET enable_seqscan = off
AS $$ SELECT article_id FROM search_articledocument WHERE vector @@ query $$
"""
DROP = "DROP FUNCTION IF EXISTS search_matching_articles(tsquery)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
