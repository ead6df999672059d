"""Full-text machinery that Django models cannot describe, per database vendor.

PostgreSQL: a GIN index on the tsvector. SQLite: two external-content FTS5 tables
over search_articledocument (trigram over the normalized text, unicode61 over the
word lists) kept in step by triggers. Note: if a later migration makes Django
rebuild search_articledocument on SQLite, the triggers go with it; recreate them
(run `create_sqlite` again) and run `manage.py rebuild_search_index`.
"""

from django.db import migrations

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE search_trigram USING fts5(
        title, body, extra,
        content='search_articledocument', content_rowid='article_id',
        tokenize='trigram')""",
    """CREATE VIRTUAL TABLE search_words USING fts5(
        title_words, body_words, extra_words,
        content='search_articledocument', content_rowid='article_id',
        tokenize='unicode61')""",
    """CREATE TRIGGER search_articledocument_ai AFTER INSERT ON search_articledocument BEGIN
        INSERT INTO search_trigram(rowid, title, body, extra)
            VALUES (new.article_id, new.title, new.body, new.extra);
        INSERT INTO search_words(rowid, title_words, body_words, extra_words)
            VALUES (new.article_id, new.title_words, new.body_words, new.extra_words);
    END""",
    """CREATE TRIGGER search_articledocument_ad AFTER DELETE ON search_articledocument BEGIN
        INSERT INTO search_trigram(search_trigram, rowid, title, body, extra)
            VALUES ('delete', old.article_id, old.title, old.body, old.extra);
        INSERT INTO search_words(search_words, rowid, title_words, body_words, extra_words)
            VALUES ('delete', old.article_id, old.title_words, old.body_words, old.extra_words);
    END""",
    """CREATE TRIGGER search_articledocument_au AFTER UPDATE ON search_articledocument BEGIN
        INSERT INTO search_trigram(search_trigram, rowid, title, body, extra)
            VALUES ('delete', old.article_id, old.title, old.body, old.extra);
        INSERT INTO search_words(search_words, rowid, title_words, body_words, extra_words)
            VALUES ('delete', old.article_id, old.title_words, old.body_words, old.extra_words);
        INSERT INTO search_trigram(rowid, title, body, extra)
            VALUES (new.article_id, new.title, new.body, new.extra);
        INSERT INTO search_words(rowid, title_words, body_words, extra_words)
            VALUES (new.article_id, new.title_words, new.body_words, new.extra_words);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_articledocument_au",
    "DROP TRIGGER IF EXISTS search_articledocument_ad",
    "DROP TRIGGER IF EXISTS search_articledocument_ai",
    "DROP TABLE IF EXISTS search_words",
    "DROP TABLE IF EXISTS search_trigram",
]
POSTGRES_CREATE = [
    "CREATE INDEX search_articledocument_vector_gin ON search_articledocument USING gin (vector)",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS search_articledocument_vector_gin"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


create = _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE})
drop = _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
