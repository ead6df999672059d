"""The importer under bad input: the parser answers with records or a ParseError, never anything else,
and the loader writes a whole page or nothing.

The mutations (cut, duplicated and shuffled lines, masthead parts removed, stray ``**``/``##`` and
blank runs, huge lines, odd characters, random bytes, other encodings) are those of
benchmarks/fuzz_parser.py, which runs thousands of cases; here hypothesis runs a bounded,
derandomized number so the suite is stable and quick. ``check_contract`` (also from the benchmark)
is the assertion: a PageRecord whose line spans stay inside the file, or a ParseError whose message
starts with the file name and, when it names a line, names a line of the file.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import transaction
from django.db.models.signals import post_save
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.fuzz_parser import (
    BYTE_MUTATIONS,
    LINE_MUTATIONS,
    MASTHEAD_MARKERS,
    SEEDS,
    check_contract,
    drop_masthead_part,
    mutate,
)
from importers.load import load_page
from importers.parse import MAX_PAGE_BYTES, parse_page, read_page
from importers.records import PageRecord, ParseError
from tests.snapshot import database_snapshot

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXTS = {path.name: path.read_text(encoding="utf-8") for path in SEEDS}
MASTHEAD_000 = SEED_TEXTS["000_08ceee72487f69f5.txt"].split("\n## ")[0]

# Bounded and reproducible: the same examples on every run, nothing written to .hypothesis/.
FUZZ = settings(
    max_examples=70,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ_DB = settings(
    FUZZ,
    max_examples=15,
    suppress_health_check=[*FUZZ.suppress_health_check, HealthCheck.function_scoped_fixture],
)

mutation = st.tuples(
    st.sampled_from(sorted(LINE_MUTATIONS) + sorted(BYTE_MUTATIONS)),
    st.integers(min_value=0, max_value=2**32 - 1),
)
recipes = st.lists(mutation, min_size=1, max_size=4)
seed_names = st.sampled_from(sorted(SEED_TEXTS))


# ------------------------------------------------------------------------------------ parser


@FUZZ
@given(seed=seed_names, recipe=recipes)
def test_mutated_seed_pages_give_records_or_a_parse_error_naming_the_file(seed, recipe):
    check_contract(mutate(SEED_TEXTS[seed], recipe), f"fuzz/{seed}")


@settings(FUZZ, max_examples=40)
@given(
    text=st.lists(
        st.one_of(
            st.sampled_from(["\n", "\n\n", "## ", "**", "### ", "# ", "  ", "\\", "![]()", "摄"]),
            st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
        ),
        max_size=60,
    ).map("".join)
)
def test_arbitrary_text_after_the_masthead_gives_records_or_a_parse_error(text):
    source = "fuzz/text.md"
    try:
        page = parse_page(MASTHEAD_000 + "\n" + text, source)
    except ParseError as error:
        assert str(error).startswith(source)
    else:
        assert isinstance(page, PageRecord)
        assert page.articles


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("gb18030", "records"),
        ("utf-8-sig", "records"),
        ("utf-16", "records"),  # Python writes a byte-order mark
        ("utf-32", "records"),
        ("utf-16-le", "looks like UTF-16-LE text without a byte-order mark"),
        ("utf-16-be", "looks like UTF-16-BE text without a byte-order mark"),
        ("utf-32-le", "looks like UTF-32-LE text without a byte-order mark"),
        ("big5", "looks like Big5 (traditional Chinese) encoding"),
        ("latin-1", "either"),
    ],
)
def test_a_seed_page_in_another_encoding_is_read_or_refused_naming_the_file(encoding, expected):
    source = f"seeds/in-{encoding}.txt"
    data = SEED_TEXTS["000_08ceee72487f69f5.txt"].encode(encoding, errors="replace")
    result = check_contract(data, source)
    if expected == "records":
        assert isinstance(result, PageRecord)
        assert result.issue.publication == "浙江工人日报"
    elif expected != "either":
        assert isinstance(result, ParseError)
        assert str(result).startswith(source + ": " + expected)


@pytest.mark.parametrize("marker", MASTHEAD_MARKERS)
def test_a_masthead_missing_a_part_is_read_or_refused_naming_file_and_line(marker):
    lines = drop_masthead_part(SEED_TEXTS["000_08ceee72487f69f5.txt"].split("\n"), rnd=_Choose(marker))
    result = check_contract("\n".join(lines).encode("utf-8"), "seeds/no-masthead-part.txt")
    if marker == "年":  # the Gregorian date is gone: nothing says which day's paper this is
        assert isinstance(result, ParseError)
        assert result.line is not None
        assert "no Gregorian date" in str(result)
    else:
        assert isinstance(result, PageRecord)


class _Choose:
    """Stand in for random.Random where a mutation picks one thing: pick this one."""

    def __init__(self, value):
        self.value = value

    def choice(self, options):
        assert self.value in options
        return self.value


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00" * 10, b"\xff\xfe\x00\x00", b"## \n", b"\n" * 10_000, "## 标题\n".encode()],
    ids=["empty", "nul-bytes", "utf-32-bom", "empty-heading", "blank-lines", "no-masthead"],
)
def test_degenerate_files_are_refused_with_a_parse_error(data):
    result = check_contract(data, "bad/page.md")
    assert isinstance(result, ParseError)


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed():
    result = check_contract(b"a" * (MAX_PAGE_BYTES + 1), "big/page.md")
    assert isinstance(result, ParseError)
    assert "limit" in str(result)


# Each of these pages stays under the size limit; a parser that does linear work per line and per
# paragraph answers in about a second, a quadratic one takes hours. The parse runs in a child
# process so a hang stops at the timeout instead of stopping the suite.
HUGE_PAGES = {
    "a heading of 150,000 words": 'MASTHEAD + "\\n## " + "ab " * 150_000 + "\\n\\n本报讯 正文。"',
    "a heading of 150,000 clauses opening with 和": (
        'MASTHEAD + "\\n## 标题 " + "和 " * 150_000 + "\\n\\n本报讯 正文。"'
    ),
    "an article of 30,000 short paragraphs": (
        'MASTHEAD + "\\n## 标题\\n\\n" + "\\n\\n".join(f"第{i}行的一些文字内容" for i in range(30_000))'
    ),
}


@pytest.mark.parametrize("shape", sorted(HUGE_PAGES))
def test_a_page_near_the_size_limit_is_answered_instead_of_hanging_the_importer(shape):
    script = textwrap.dedent(
        f"""
        from importers.parse import read_page
        from importers.records import ParseError
        MASTHEAD = {MASTHEAD_000!r}
        text = {HUGE_PAGES[shape]}
        data = text.encode("utf-8")
        assert len(data) < {MAX_PAGE_BYTES}, len(data)
        try:
            read_page(data, "huge.md")
        except ParseError as error:
            assert str(error).startswith("huge.md"), error
        print("answered")
        """
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=30
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"read_page gave no answer within 30 s on {shape} (quadratic work?)")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "answered"


# ------------------------------------------------------------------------------------ loader


class InjectedCrash(Exception):
    """Stands for a crash (a lost connection, a killed process) in the middle of an import."""


class _Rollback(Exception):
    """Undo what one hypothesis example wrote, so each example starts from the same database."""


def saves_during(page: PageRecord) -> int:
    """Return how many rows loading the page saves, counting inside a rolled-back transaction."""
    count = 0

    def counter(**kwargs):
        nonlocal count
        count += 1

    post_save.connect(counter, weak=False)
    try:
        with transaction.atomic():
            load_page(page)
            raise _Rollback
    except _Rollback:
        pass
    finally:
        post_save.disconnect(counter)
    return count


def crash_on_save(n: int):
    """Return a post_save receiver that raises InjectedCrash on the n-th row saved."""
    seen = 0

    def receiver(**kwargs):
        nonlocal seen
        seen += 1
        if seen == n:
            raise InjectedCrash(f"crash after row {n} ({kwargs['sender'].__name__})")

    return receiver


@pytest.fixture(scope="module")
def seed_pages():
    return {
        name: read_page(text.encode("utf-8"), f"seeds/{name}") for name, text in SEED_TEXTS.items()
    }


@FUZZ_DB
@given(data=st.data())
@pytest.mark.django_db
def test_a_crash_between_any_two_rows_of_an_import_leaves_the_database_as_before(
    seed_pages, data
):
    name = data.draw(st.sampled_from(sorted(seed_pages)), label="seed")
    page = seed_pages[name]
    total = saves_during(page)
    before = database_snapshot()
    n = data.draw(st.integers(min_value=1, max_value=total), label="crash at row")
    receiver = crash_on_save(n)
    post_save.connect(receiver, weak=False)
    try:
        with pytest.raises(InjectedCrash):
            load_page(page)
    finally:
        post_save.disconnect(receiver)
    assert database_snapshot() == before


@pytest.mark.django_db
def test_the_crash_test_counts_every_row_an_import_writes(seed_pages):
    # The property above is only as good as its range of crash points: an import of a seed page
    # saves the issue, its articles, photos, ads, people, credits, flags and their history.
    page = seed_pages["000_08ceee72487f69f5.txt"]
    total = saves_during(page)
    assert total > len(page.articles) * 2
    assert database_snapshot()["newsroom.article"] == []


@FUZZ_DB
@given(seed=seed_names, recipe=st.lists(st.tuples(st.sampled_from(sorted(LINE_MUTATIONS)),
                                                   st.integers(0, 2**32 - 1)), min_size=1, max_size=3))
@pytest.mark.django_db
def test_a_mutated_page_that_parses_loads_whole_or_is_refused_leaving_nothing(seed, recipe):
    data = mutate(SEED_TEXTS[seed], recipe)
    result = check_contract(data, f"fuzz/{seed}")
    if isinstance(result, ParseError):
        return
    before = database_snapshot()
    try:
        with transaction.atomic():
            try:
                load_page(result)
            except ParseError as error:
                assert str(error).startswith(f"fuzz/{seed}")
                assert database_snapshot() == before
                return
            assert database_snapshot()["newsroom.issue"] != before["newsroom.issue"]
            raise _Rollback
    except _Rollback:
        pass
