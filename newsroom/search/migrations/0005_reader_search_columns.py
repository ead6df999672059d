"""What a reader's search filters and sorts on, kept in the document itself (index scheme 2).

PostgreSQL: one GIN index over the vector, the publication month and the public flag
(btree_gin makes the last two indexable by GIN), so the database intersects a query with
a window of months and with the public articles inside the index, and reads from the
table only the rows it returns; the vector also holds the headline's tokens a second
time, marked h:. See docs/search.md ("At archive scale"). Existing documents are brought
to scheme 2 here, from their own vectors and their articles: nothing needs re-indexing.

`is_public` follows the article's visibility through a database trigger, whatever writes
it (a save, `QuerySet.update()`, raw SQL): a withdrawn article is never counted by a
reader's search, even before the index has caught up. (The results themselves are read
from Article.objects.public() too.) If a later migration makes Django rebuild
newsroom_article on SQLite, the trigger goes with it: create it again.
"""

from django.db import migrations, models

# The headline's tokens (weight A) once more, marked h:, at the same positions. Joined as
# text: tsvector || tsvector would shift the right-hand positions past the left's.
HEADLINE_LEXEMES = """COALESCE((
    SELECT string_agg(
        quote_ident('h:' || u.lexeme) || ':'
        || (SELECT string_agg(p::text || 'A', ',') FROM unnest(u.positions) p),
        ' ')
    FROM unnest(ts_filter(d.vector, '{a}')) u
), '')"""

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "DROP INDEX IF EXISTS search_articledocument_vector_gin",
    f"""UPDATE search_articledocument d SET
           vector = (d.vector::text || ' ' || replace({HEADLINE_LEXEMES}, '"', ''''))::tsvector,
           segmenter = replace(d.segmenter, '/scheme-1', '/scheme-2'),
           published_on = i.date,
           published_month = EXTRACT(YEAR FROM i.date)::int * 100 + EXTRACT(MONTH FROM i.date)::int,
           position_key = i.edition * 100000 + LEAST(a.page, 99) * 1000 + LEAST(a.position, 999),
           is_public = (a.visibility = 'published')
       FROM newsroom_article a JOIN newsroom_issue i ON i.id = a.issue_id
       WHERE a.id = d.article_id""",
    """CREATE INDEX search_articledocument_gin ON search_articledocument
           USING gin (vector, published_month, is_public)""",
    """CREATE FUNCTION search_follow_visibility() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
           UPDATE search_articledocument SET is_public = (NEW.visibility = 'published')
           WHERE article_id = NEW.id;
           RETURN NULL;
       END $$""",
    """CREATE TRIGGER search_follow_visibility AFTER UPDATE OF visibility ON newsroom_article
           FOR EACH ROW WHEN (OLD.visibility IS DISTINCT FROM NEW.visibility)
           EXECUTE FUNCTION search_follow_visibility()""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_follow_visibility ON newsroom_article",
    "DROP FUNCTION IF EXISTS search_follow_visibility()",
    "DROP INDEX IF EXISTS search_articledocument_gin",
    "CREATE INDEX search_articledocument_vector_gin ON search_articledocument USING gin (vector)",
    # The h: lexemes stay (older code never asks for them); the documents say scheme 2,
    # so `rebuild_search_index --stale` rewrites them as scheme 1.
]
SQLITE_FORWARD = [
    # Nothing changes in SQLite's documents but their scheme number.
    """UPDATE search_articledocument SET
           segmenter = replace(segmenter, '/scheme-1', '/scheme-2'),
           published_on = (SELECT i.date FROM newsroom_article a JOIN newsroom_issue i
                            ON i.id = a.issue_id WHERE a.id = article_id),
           published_month = (SELECT CAST(strftime('%Y%m', i.date) AS integer)
                              FROM newsroom_article a JOIN newsroom_issue i
                              ON i.id = a.issue_id WHERE a.id = article_id),
           position_key = (SELECT i.edition * 100000 + MIN(a.page, 99) * 1000
                                  + MIN(a.position, 999)
                           FROM newsroom_article a JOIN newsroom_issue i
                           ON i.id = a.issue_id WHERE a.id = article_id),
           is_public = (SELECT a.visibility = 'published' FROM newsroom_article a
                        WHERE a.id = article_id)""",
    """CREATE TRIGGER search_follow_visibility AFTER UPDATE OF visibility ON newsroom_article
           FOR EACH ROW WHEN OLD.visibility IS NOT NEW.visibility BEGIN
           UPDATE search_articledocument SET is_public = (NEW.visibility = 'published')
           WHERE article_id = NEW.id;
       END""",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS search_follow_visibility"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_matching_function_plpgsql"),
        ("newsroom", "0004_archive_generation"),
    ]

    operations = [
        migrations.AddField(
            model_name="articledocument",
            name="published_on",
            field=models.DateField(blank=True, db_index=True, null=True, verbose_name="出版日期"),
        ),
        migrations.AddField(
            model_name="articledocument",
            name="published_month",
            field=models.IntegerField(blank=True, null=True, verbose_name="出版年月"),
        ),
        migrations.AddField(
            model_name="articledocument",
            name="position_key",
            field=models.IntegerField(blank=True, null=True, verbose_name="版面顺序"),
        ),
        migrations.AddField(
            model_name="articledocument",
            name="is_public",
            field=models.BooleanField(blank=True, null=True, verbose_name="公开"),
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
            elidable=False,
        ),
    ]
