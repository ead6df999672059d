"""The original OCR's passages beside the corrected text, and the page's name (search scheme 3).

Four nullable columns (SQLite adds them in place, keeping the table and its triggers).
SQLite's FTS5 tables gain the ocr columns: they are made again from the documents
(0002's triggers with one column more). PostgreSQL keeps the OCR's tokens in the vector
(o:-marked), so nothing changes there but the columns. Every document is stale after this
(scheme 3): `manage.py rebuild_search_index --stale` folds traditional characters and
indexes the OCR passages.
"""

from django.db import migrations, models

COLUMNS = {
    "search_trigram": ("trigram", ["title", "body", "extra", "ocr"]),
    "search_words": ("unicode61", ["title_words", "body_words", "extra_words", "ocr_words"]),
}


def _fts_statements(columns_of):
    create, drop = [], [
        "DROP TRIGGER IF EXISTS search_articledocument_au",
        "DROP TRIGGER IF EXISTS search_articledocument_ad",
        "DROP TRIGGER IF EXISTS search_articledocument_ai",
        "DROP TABLE IF EXISTS search_words",
        "DROP TABLE IF EXISTS search_trigram",
    ]
    inserts, deletes = [], []
    for table, (tokenizer, columns) in columns_of.items():
        names = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        create.append(
            f"CREATE VIRTUAL TABLE {table} USING fts5({names},"
            " content='search_articledocument', content_rowid='article_id',"
            f" tokenize='{tokenizer}')"
        )
        inserts.append(f"INSERT INTO {table}(rowid, {names}) VALUES (new.article_id, {new});")
        deletes.append(
            f"INSERT INTO {table}({table}, rowid, {names}) VALUES ('delete', old.article_id, {old});"
        )
    insert, delete = " ".join(inserts), " ".join(deletes)
    create += [
        f"CREATE TRIGGER search_articledocument_ai AFTER INSERT ON search_articledocument BEGIN {insert} END",
        f"CREATE TRIGGER search_articledocument_ad AFTER DELETE ON search_articledocument BEGIN {delete} END",
        "CREATE TRIGGER search_articledocument_au AFTER UPDATE ON search_articledocument"
        f" BEGIN {delete} {insert} END",
        *(f"INSERT INTO {table}({table}) VALUES ('rebuild')" for table in columns_of),
    ]
    return drop + create


WITH_OCR = _fts_statements(COLUMNS)
WITHOUT_OCR = _fts_statements(
    {table: (tokenizer, columns[:-1]) for table, (tokenizer, columns) in COLUMNS.items()}
)


def _on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0005_reader_search_columns'),
    ]

    operations = [
        migrations.AddField(
            model_name='articledocument',
            name='ocr',
            field=models.TextField(blank=True, null=True, verbose_name='OCR原文检索文本'),
        ),
        migrations.AddField(
            model_name='articledocument',
            name='ocr_text',
            field=models.TextField(blank=True, null=True, verbose_name='OCR原文片段'),
        ),
        migrations.AddField(
            model_name='articledocument',
            name='ocr_words',
            field=models.TextField(blank=True, null=True, verbose_name='OCR原文词'),
        ),
        migrations.AddField(
            model_name='articledocument',
            name='page_name',
            field=models.CharField(blank=True, max_length=50, null=True, verbose_name='版名'),
        ),
        migrations.RunPython(_on_sqlite(WITH_OCR), _on_sqlite(WITHOUT_OCR), elidable=False),
    ]
