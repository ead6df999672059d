"""Typeahead benchmark: suggestion latency at 100,000 articles on PostgreSQL (not a test).

Builds the search benchmark's synthetic archive (benchmarks/search_benchmark.py: the seed
pages' sentences shuffled into 100,000 articles, 400 contributors, 1% withdrawn) in its own
database, tags the articles with 300 tags drawn from the seed words, and writes each article's
search document with what the suggestions read (the normalized title, the date, the public
flag). The vector is left empty: the suggestions never read it, and a real one (about 20 KB)
is stored out of line (TOAST), so the table's rows are the same size without it. Then it
times ``suggest()`` (newsroom/search/typeahead.py: headlines, people and tags, three queries)
for many distinct inputs of each kind, each once untimed first, and prints p50/p95/max.

    .venv/bin/python benchmarks/typeahead_benchmark.py                 # 100,000 articles
    .venv/bin/python benchmarks/typeahead_benchmark.py --articles 20000
    .venv/bin/python benchmarks/typeahead_benchmark.py --database-url postgres://.../newsroom_bench_x

The database (default newsroom_bench_typeahead; only names starting newsroom_bench are
accepted) is created and filled when missing or empty. One holding another number of
articles is refused, naming the count, unless --refill empties and refills it.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import load_average, setup_django  # noqa: E402
from benchmarks.search_benchmark import SEED, fill_archive, percentile, seed_sentences  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/newsroom_bench_typeahead"
TAGS = 300
CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--inputs", type=int, default=60, help="distinct inputs per kind")
    parser.add_argument("--refill", action="store_true", help="rebuild the archive even if full")
    # Its own database, never DATABASE_URL's: a refill empties the archive.
    parser.add_argument("--database-url", default=DEFAULT_URL)
    return parser.parse_args()


def tag_archive(sentences: list[str], rng: random.Random) -> None:
    """Give about half the articles one or two of TAGS tags (with their pinyin spellings)."""
    import rjieba
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from taggit.models import Tag, TaggedItem

    from newsroom.lib.pinyin import spellings
    from newsroom.models import Article
    from newsroom.models.tags import TagSpelling

    words = sorted({w for s in sentences for w in rjieba.cut(s, hmm=False)
                    if CJK_RUN.fullmatch(w) and 2 <= len(w) <= 4})
    names = rng.sample(words, min(TAGS, len(words)))
    with transaction.atomic():
        TaggedItem.objects.all().delete()
        Tag.objects.all().delete()
        tags = Tag.objects.bulk_create([Tag(name=n, slug=n) for n in names])
        TagSpelling.objects.bulk_create([TagSpelling(tag=t, spellings=spellings(t.name)) for t in tags])
        kind = ContentType.objects.get_for_model(Article)
        items = []
        for pk in Article.objects.values_list("pk", flat=True).iterator():
            if rng.random() < 0.5:
                for tag in rng.sample(tags, rng.choice((1, 2))):
                    items.append(TaggedItem(tag=tag, content_type=kind, object_id=pk))
        TaggedItem.objects.bulk_create(items, batch_size=5000)
    print(f"tags: {len(tags)}, on {len(items)} articles' taggings")


def write_titles() -> None:
    """Write each article's document as the index would, but for the vector (see the docstring)."""
    from django.db import transaction

    from newsroom.models import Article
    from newsroom.search.models import ArticleDocument
    from newsroom.search.text import SEGMENTER_VERSION, normalize

    started = time.perf_counter()
    rows = (Article.objects.select_related("issue")
            .only("kicker", "headline", "subheadline", "page", "position", "visibility",
                  "issue__date", "issue__edition", "issue__held").order_by("pk"))
    with transaction.atomic():
        ArticleDocument.objects.all().delete()
        batch = []
        for article in rows.iterator(chunk_size=5000):
            date = article.issue.date
            title = "\n".join(p for p in (article.kicker, article.headline, article.subheadline) if p)
            batch.append(ArticleDocument(
                article_id=article.pk, title=normalize(title), published_on=date,
                published_month=date.year * 100 + date.month,
                position_key=article.issue.edition * 100000 + min(article.page, 99) * 1000
                + min(article.position, 999),
                is_public=article.visibility == "published" and not article.issue.held,
                segmenter=SEGMENTER_VERSION,
            ))
            if len(batch) == 5000:
                ArticleDocument.objects.bulk_create(batch)
                batch = []
        ArticleDocument.objects.bulk_create(batch)
    print(f"documents: written in {time.perf_counter() - started:.0f} s")


def make_inputs(rng: random.Random, count: int) -> dict[str, list[str]]:
    """Return distinct inputs of each kind, as a reader would type them."""
    from taggit.models import Tag

    from newsroom.models import Article, Person

    headlines = rng.sample(list(Article.objects.order_by("pk").values_list("headline", flat=True)), 2000)
    people = list(Person.objects.values_list("name", "name_pinyin"))
    tags = list(Tag.objects.values_list("name", flat=True))

    def distinct(make) -> list[str]:
        found: dict[str, None] = {}
        for _ in range(count * 50):
            if len(found) == count:
                break
            text = make()
            if text:
                found[text] = None
        return list(found)

    def headline_part(length: int) -> str:
        runs = [r for r in CJK_RUN.findall(rng.choice(headlines)) if len(r) >= length]
        if not runs:
            return ""
        run = rng.choice(runs)
        start = rng.randrange(len(run) - length + 1)
        return run[start:start + length]

    def pinyin_prefix() -> str:
        full = rng.choice(people)[1].split()[0]
        return full[: rng.randint(3, len(full))] if len(full) > 3 else full

    chars = sorted({c for h in headlines for c in CJK_RUN.findall(h) for c in c})
    return {
        "2 characters": distinct(lambda: headline_part(2)),
        "3 characters": distinct(lambda: headline_part(3)),
        "5 characters": distinct(lambda: headline_part(5)),
        "a name": distinct(lambda: rng.choice(people)[0]),
        "pinyin": distinct(pinyin_prefix),
        "initials": distinct(lambda: rng.choice(people)[1].split()[1]),
        "a tag": distinct(lambda: rng.choice(tags)),
        # Typos and words no headline holds: the slowest case for a scan, nothing to stop at.
        "no match": distinct(lambda: "".join(rng.sample(chars, 3)) + rng.choice("丨亅乛")),
    }


def run_inputs(inputs: dict[str, list[str]]) -> None:
    """Time suggest() for every input, each once untimed first (the database's pages in memory)."""
    from newsroom.search.typeahead import suggest

    for texts in inputs.values():
        for text in texts:
            suggest(text)
    print(f"\n{'input':<14}{'n':>4}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}  found (median h/p/t)  e.g.")
    everything: list[float] = []
    for kind, texts in inputs.items():
        timings, found = [], []
        for text in texts:
            started = time.perf_counter()
            result = suggest(text)
            timings.append((time.perf_counter() - started) * 1000)
            found.append(tuple(len(getattr(result, k)) for k in ("headlines", "people", "tags")))
        everything += timings
        medians = "/".join(str(sorted(f[i] for f in found)[len(found) // 2]) for i in range(3))
        print(f"{kind:<14}{len(texts):>4}{percentile(timings, 50):>8.1f}{percentile(timings, 95):>8.1f}"
              f"{max(timings):>8.1f}  {medians:<20}  {', '.join(texts[:4])}")
    print(f"{'every input':<14}{len(everything):>4}{percentile(everything, 50):>8.1f}"
          f"{percentile(everything, 95):>8.1f}{max(everything):>8.1f}")


def main() -> None:
    args = parse_args()
    setup_django(args.database_url)  # refuses any database not named newsroom_bench*
    from django.db import connection

    from newsroom.models import Article

    rng = random.Random(SEED)
    sentences = seed_sentences()
    found = Article.objects.count()
    if found and found != args.articles and not args.refill:
        raise SystemExit(
            f"the benchmark database holds {found} articles, not {args.articles}: pass --refill to "
            f"empty it and write {args.articles}, or --articles {found} to measure it as it is"
        )
    if args.refill or not found:
        fill_archive(args.articles, sentences, rng)
        tag_archive(sentences, rng)
        write_titles()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(f"machine: {os.cpu_count()} cores, PostgreSQL {version}; load average {load_average()}")
    run_inputs(make_inputs(random.Random(SEED + 2), args.inputs))
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
