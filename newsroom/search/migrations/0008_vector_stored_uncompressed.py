"""PostgreSQL: the search vector is stored out of line without trying to compress it.

A document's tsvector (every token of the article at its positions, 10 KB on average) does
not compress: PostgreSQL's pglz gave up on 99% of them (``pg_column_compression(vector)`` is
NULL for 4,261 of 4,297 documents of the import benchmark) after spending the attempt on
each write, about a tenth of what writing a document costs apart from its index entries
(docs/performance.md). ``STORAGE EXTERNAL`` keeps the vector in the TOAST table as before,
uncompressed, as it already was; only the attempt goes. Nothing is rewritten: documents
written from now on are stored this way. Nothing on SQLite, which has no vector column.
"""

from django.db import migrations

TABLE_COLUMN = "search_articledocument ALTER COLUMN vector"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE_COLUMN} SET STORAGE EXTERNAL")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE_COLUMN} SET STORAGE EXTENDED")


class Migration(migrations.Migration):
    dependencies = [("search", "0007_title_bigrams")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
