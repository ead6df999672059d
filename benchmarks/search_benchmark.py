"""Search benchmark: query latency at 100,000 articles on PostgreSQL (not a test).

Builds a synthetic archive from the sentences of the two seed pages (split into
sentences, shuffled into articles of 800-2000 characters with a fixed random seed) in
its own PostgreSQL database, indexes it through the rebuild path, then prints p50/p95
latency of 1-, 2-, 4-character and multi-word queries: the top 20 by relevance with
their snippets, and the count.

    .venv/bin/python benchmarks/search_benchmark.py                 # 100,000 articles
    .venv/bin/python benchmarks/search_benchmark.py --articles 20000 --queries 10
    .venv/bin/python benchmarks/search_benchmark.py --database-url postgres://.../newsroom_bench_x

The database (default newsroom_bench_search; only names starting newsroom_bench are accepted) is
created and filled when missing or empty, and measured as it is when it holds exactly --articles
articles. One holding another number is refused (exit status 2), naming the count, unless
--rebuild is given: then it is emptied and filled with --articles articles, and the script says
so before it starts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import setup_django  # noqa: E402

SEED = 20210319
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/newsroom_bench_search"
ARTICLES_PER_ISSUE = 8
CJK = re.compile(r"[\u4e00-\u9fff]")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤阮"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=25, help="queries per kind")
    parser.add_argument("--rebuild", "--refill", dest="rebuild", action="store_true",
                        help="empty the benchmark database and write --articles articles, "
                             "whatever it holds")
    # Its own database, never DATABASE_URL's: a refill empties the archive.
    parser.add_argument("--database-url", default=DEFAULT_URL)
    return parser.parse_args()


def seed_sentences() -> list[str]:
    """Return the Chinese sentences of the seed pages, each ending with its punctuation."""
    sentences: list[str] = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith(("#", "|", "!", "<")):
                continue
            for sentence in re.findall(r"[^。！？]+[。！？]?", line):
                sentence = sentence.strip()
                if len(CJK.findall(sentence)) >= 8:
                    sentences.append(sentence)
    return sentences


def fill_archive(total: int, sentences: list[str], rng: random.Random) -> None:
    """Replace the archive with `total` synthetic articles, written by bulk inserts."""
    from django.db import transaction

    from newsroom.models import Article, Credit, Issue, Person, Photo, Publication
    from newsroom.search.models import ArticleDocument

    started = time.perf_counter()
    with transaction.atomic():
        ArticleDocument.objects.all().delete()
        Credit.objects.all().delete()
        Photo.objects.all().delete()
        Article.objects.all().delete()
        Issue.objects.all().delete()
        Person.objects.all().delete()
        publication, _ = Publication.objects.get_or_create(
            name="浙江工人日报", defaults={"slug": "zjgrrb"}
        )
        chars = [c for s in sentences for c in s if CJK.match(c)]
        names = {"阮向民", "金钩", "史济锡"}
        while len(names) < 400:
            names.add(rng.choice(SURNAMES) + "".join(rng.choices(chars, k=rng.choice((1, 2)))))
        people = Person.objects.bulk_create([Person(name=n) for n in sorted(names)])
        issues = Issue.objects.bulk_create(
            [
                Issue(publication=publication, date=dt.date(1985, 1, 1) + dt.timedelta(days=k))
                for k in range(-(-total // ARTICLES_PER_ISSUE))
            ],
            batch_size=2000,
        )
        articles: list[Article] = []
        for n in range(total):
            target = rng.randint(800, 2000)
            paragraphs, length = [], 0
            while length < target:
                paragraph = "".join(rng.choices(sentences, k=rng.randint(2, 5)))
                paragraphs.append(paragraph)
                length += len(paragraph)
            headline = rng.choice(sentences).rstrip("。！？")[: rng.randint(8, 24)]
            articles.append(
                Article(
                    issue=issues[n // ARTICLES_PER_ISSUE],
                    page=1,
                    position=n % ARTICLES_PER_ISSUE + 1,
                    headline=headline,
                    kicker=rng.choice(sentences)[:16] if rng.random() < 0.2 else "",
                    body="\n\n".join(paragraphs),
                    visibility="withdrawn" if rng.random() < 0.01 else "published",
                )
            )
        Article.objects.bulk_create(articles, batch_size=2000)
        photos = [
            Photo(
                issue_id=a.issue_id,
                article=a,
                page=1,
                position=a.position,
                caption=rng.choice(sentences),
            )
            for a in articles[::5]
        ]
        Photo.objects.bulk_create(photos, batch_size=2000)
        credits = [
            Credit(person=rng.choice(people), article=a, role="reporter") for a in articles
        ] + [Credit(person=rng.choice(people), photo=p, role="photographer") for p in photos]
        Credit.objects.bulk_create(credits, batch_size=5000)
    print(f"archive: {total} articles written in {time.perf_counter() - started:.0f} s")


def make_queries(sentences: list[str], rng: random.Random, count: int) -> dict[str, list[str]]:
    """Return queries of each kind, drawn from the seed text like a reader's would be."""
    import rjieba

    text = "".join(sentences)
    words = [w for w in rjieba.cut(text, hmm=False) if CJK.fullmatch(w[0])]
    two = sorted({w for w in words if len(w) == 2})
    four = sorted({w for w in words if len(w) == 4})
    runs = [r for r in re.findall(r"[\u4e00-\u9fff]{4,}", text)]
    four += [r[i : i + 4] for r in rng.sample(runs, 40) for i in (0,)]
    chars = sorted({c for c in text if CJK.match(c)})
    multi = []
    for sentence in rng.sample(sentences, count):
        cut = [w for w in rjieba.cut(sentence, hmm=False) if len(w) >= 2 and CJK.match(w)]
        multi.append(" ".join(rng.sample(cut, min(len(cut), rng.choice((2, 3))))))
    kinds = {
        "1 character": rng.sample(chars, count),
        "2 characters": rng.sample(two, count),
        "4 characters": rng.sample(sorted(set(four)), count),
        "several words": multi,
    }
    # A reader in Hong Kong or Taiwan types the same words in traditional characters (from
    # OpenCC's simplified-to-traditional table; only queries that differ are kept).
    for kind in ("2 characters", "4 characters", "several words"):
        pool = [t for q in kinds[kind] if (t := _traditional(q)) != q]
        kinds[f"{kind[:6]} trad."] = pool[:count]
    return kinds


def _traditional(text: str) -> str:
    from newsroom.lib.hanzi import read_table

    table = {key: values[0] for key, values in read_table("STCharacters.txt").items()}
    return "".join(table.get(char, char) for char in text)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_queries(queries: dict[str, list[str]]) -> None:
    """Time what a reader's search page asks of the search module, each query once warm.

    "count + facets": the total and the counts per year (one pass), as the page asks
    first. "top 20 + snippets": then the first page of 20 by relevance (search_public),
    read with their photos, and a highlighted snippet each. Each query is run once
    before, so the database's pages are in memory, but the totals cache is emptied
    before every timed query: these are the figures of a query no one asked before.
    "count, cached": the same totals asked again (a reader paging, or picking a year).
    """
    from django.core.cache import cache

    from newsroom.models import Article
    from newsroom.search import ocr_matches, parse_query, search_public, snippet

    articles = Article.objects.public().prefetch_related("photos")

    def top_page(q: str) -> int:
        parsed = parse_query(q)
        page = search_public(parsed, articles=articles)[0:20]
        in_ocr = ocr_matches(page, parsed)
        for article in page:
            in_ocr.get(article.pk) or snippet(article, parsed)
        return len(page)

    def count(q: str) -> tuple[int, bool]:
        results = search_public(q, articles=articles)
        results.year_facets()
        results.page_name_facets()
        return results.count(), results.is_exact

    for qs in queries.values():  # warm the caches once
        for q in qs:
            top_page(q)
            count(q)
    print(
        f"\n{'query kind':<15}{'what':<28}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}"
        "  matches (median), estimated"
    )
    for kind, qs in queries.items():
        counts, estimated = [], 0
        timings: dict[str, list[float]] = {
            "count + facets": [], "top 20 + snippets": [], "page (both)": [],
            "count, cached": [],
        }
        for q in qs:
            cache.clear()
            t0 = time.perf_counter()
            total, exact = count(q)
            t1 = time.perf_counter()
            top_page(q)
            t2 = time.perf_counter()
            count(q)
            t3 = time.perf_counter()
            counts.append(total)
            estimated += not exact
            timings["count + facets"].append((t1 - t0) * 1000)
            timings["top 20 + snippets"].append((t2 - t1) * 1000)
            timings["page (both)"].append((t2 - t0) * 1000)
            timings["count, cached"].append((t3 - t2) * 1000)
        for what, values in timings.items():
            print(
                f"{kind:<15}{what:<28}{percentile(values, 50):>8.1f}{percentile(values, 95):>8.1f}"
                f"{max(values):>8.1f}  {statistics.median(counts):.0f}, {estimated} of {len(qs)}"
            )
        print(f"{'':<15}e.g. {', '.join(qs[:4])}")


def describe_machine() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('search_articledocument')),"
            " pg_size_pretty(pg_relation_size('search_articledocument_gin'))"
        )
        table, gin = cursor.fetchone()
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"PostgreSQL {version}; index table {table} (GIN {gin}); "
        f"load average {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    args = parse_args()
    setup_django(args.database_url)  # refuses any database not named newsroom_bench*
    from django.db import connection

    from newsroom.models import Article
    from newsroom.search import rebuild_index

    rng = random.Random(SEED)
    sentences = seed_sentences()
    print(f"seed: {len(sentences)} sentences")
    found = Article.objects.count()
    database = connection.settings_dict["NAME"]
    if found and found != args.articles and not args.rebuild:
        print(
            f"search_benchmark.py: the benchmark database {database} holds {found} articles, "
            f"not {args.articles}; nothing was changed. Pass --rebuild to empty it and write "
            f"{args.articles}, or --articles {found} to measure it as it is.",
            file=sys.stderr,
        )
        raise SystemExit(2)
    if args.rebuild or not found:
        print(
            f"database {database}: "
            + (f"emptying its {found} articles (--rebuild), then " if found else "empty; ")
            + f"writing {args.articles} articles and rebuilding the search index",
            flush=True,
        )
        fill_archive(args.articles, sentences, rng)
        started = time.perf_counter()
        indexed = rebuild_index()
        elapsed = time.perf_counter() - started
        print(f"rebuild_index: {indexed} articles in {elapsed:.0f} s ({indexed / elapsed:.0f}/s)")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        print(f"database {database}: {found} articles, as asked; measured as they are")
    describe_machine()
    run_queries(make_queries(sentences, random.Random(SEED + 1), args.queries))


if __name__ == "__main__":
    main()
