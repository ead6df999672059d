"""PostgreSQL: an index of the pairs of adjacent characters in each document's title, for the
search box's suggestions (newsroom/search/typeahead.py).

A suggestion is the newest public headlines containing what the reader typed: ``title LIKE
'%...%'``, which no B-tree answers (a scan of 100,000 titles took 20-40 ms). The GIN index
over ``search_title_bigrams(title)`` (its distinct bigrams, an immutable SQL function) finds
the titles holding every bigram of the text, two characters or more, and LIKE checks the few
it returns. Its statistics are per bigram, so for a common pair (工会) the planner walks the
date index newest first instead and stops at the first matches. No extension is needed
(pg_trgm answers only three characters and more). Nothing on SQLite, where the suggestions
scan the titles of a small archive.
"""

from django.db import migrations

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION search_title_bigrams(title text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT coalesce(array_agg(DISTINCT substr(title, i, 2)), '{}')
    FROM generate_series(1, char_length(title) - 1) AS i
$$
"""
CREATE_INDEX = """
CREATE INDEX IF NOT EXISTS search_articledocument_title_bigrams
ON search_articledocument USING gin (search_title_bigrams(title))
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_FUNCTION)
        schema_editor.execute(CREATE_INDEX)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_articledocument_title_bigrams")
        schema_editor.execute("DROP FUNCTION IF EXISTS search_title_bigrams(text)")


class Migration(migrations.Migration):
    # Renumber or re-parent freely: it depends on nothing but the document table's title.
    dependencies = [("search", "0006_scheme_3")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
