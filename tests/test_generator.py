"""The synthetic page generator the benchmarks run on (benchmarks/generate_pages.py)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from benchmarks.generate_pages import generate_page, load_pools, main, write_pages
from importers.parse import read_page
from importers.records import ARTICLE, PHOTO_NEWS

PAGES = 40


@pytest.fixture(scope="module")
def pages():
    pools = load_pools()
    return [generate_page(i, seed=7, pools=pools) for i in range(PAGES)]


def test_the_same_seed_writes_the_same_pages_byte_for_byte(tmp_path):
    first = write_pages(5, tmp_path / "a", seed=3)
    second = write_pages(5, tmp_path / "b", seed=3)
    assert [p.name for p in first] == [p.name for p in second]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_another_seed_writes_other_pages():
    assert generate_page(0, seed=1).text != generate_page(0, seed=2).text


def test_a_page_does_not_depend_on_how_many_pages_are_written(tmp_path):
    short = write_pages(3, tmp_path / "short", seed=5)
    long = write_pages(8, tmp_path / "long", seed=5)
    assert [p.read_bytes() for p in short] == [p.read_bytes() for p in long[:3]]


def test_dates_follow_one_another_with_the_printed_weekday_lunar_date_and_number():
    # The two seed pages' own facts: 2021-03-19 was issue 11771, a Friday, 辛丑年二月初七.
    first = generate_page(0, start=dt.date(2021, 3, 19), first_number=11771)
    second = generate_page(1, start=dt.date(2021, 3, 19), first_number=11771)
    assert "辛丑年二月初七  \n2021年3月19日  \n星期五\n" in first.text
    assert "总第11771号" in first.text
    assert "辛丑年二月初八  \n2021年3月20日  \n星期六\n" in second.text
    assert "总第11772号" in second.text
    seed_2022 = generate_page(455, start=dt.date(2021, 3, 19), first_number=11771)
    assert "壬寅年五月十九  \n2022年6月17日  \n星期五\n" in seed_2022.text


def test_a_leap_lunar_month_is_printed_as_such():
    page = generate_page(0, start=dt.date(2023, 3, 22))
    assert page.lunar_date == "癸卯年闰二月初一"
    assert page.lunar_date in page.text


def test_every_page_carries_the_seed_pages_features(pages):
    for page in pages:
        text = page.text
        assert text.count("\n## ") == page.articles
        assert 3 <= page.articles <= 6
        assert "\n# 浙江工人日报\n" in text
        assert "\n88851111\n\n新闻服务热线\n" in text  # page furniture inside a cut paragraph
        # A photo credit after a run of blank lines, and the photo-news credit.
        assert re.search(r"\n\n\n\n[^\n]+(  \n|。)记者\w+ 摄\n", text)
        assert re.search(r"\n通讯员\w+ 摄\n", text)
        assert re.search(r"\n(本报讯 )?(记者|通讯员)\w+( 见习记者\w+)?报道 ", text)
        assert text.count("\n**") == page.advertisements
    # Crossheads and advertisements are on some pages, not all.
    assert 0 < sum("\n\n大主顾从老外变甬商\n\n" in p.text or "\n\n让服务更贴心\n\n" in p.text
                   for p in pages) < PAGES
    assert 0 < sum(p.advertisements > 0 for p in pages) < PAGES


def test_the_command_writes_pages_and_a_manifest(tmp_path, capsys):
    assert main(["--count", "4", "--out", str(tmp_path), "--seed", "9"]) == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    names = sorted(p.name for p in tmp_path.glob("*.txt"))
    assert [entry["name"] for entry in manifest["pages"]] == names
    assert manifest["pages"][3]["number"] == 4
    assert manifest["pages"][3]["date"] == "1990-01-04"
    assert "wrote 4 pages" in capsys.readouterr().out


def test_generated_pages_parse_with_the_expected_masthead_and_article_counts(pages):
    for page in pages:
        record = read_page(page.text.encode("utf-8"), page.name)
        issue = record.issue
        assert issue.publication == "浙江工人日报"
        assert issue.date.isoformat() == page.date
        assert issue.weekday == page.weekday
        assert issue.lunar_date == page.lunar_date
        assert issue.number == page.number
        assert (issue.cn_number, issue.postal_code) == ("CN33-0018", "31-2")
        assert not record.flags, record.flags  # no masthead, weekday or lunar-date mismatch
        kinds = [article.kind for article in record.articles]
        assert len(kinds) == page.articles
        assert kinds.count(PHOTO_NEWS) == page.photo_news
        assert kinds.count(ARTICLE) == page.articles - page.photo_news
        assert len(record.advertisements) == page.advertisements


def test_generated_pages_parse_with_the_credits_they_print(pages):
    for page in pages:
        record = read_page(page.text.encode("utf-8"), page.name)
        for article, expected in zip(record.articles, page.contributors, strict=True):
            printed = {(c.name, c.role) for c in article.contributors}
            printed |= {(c.name, c.role) for photo in article.photos for c in photo.contributors}
            assert printed == {tuple(pair) for pair in expected}, (page.name, article.heading)


def test_the_parser_repairs_the_artifacts_the_generator_prints(pages):
    codes = {
        flag.code for page in pages
        for article in read_page(page.text.encode("utf-8"), page.name).articles
        for flag in article.flags
    }
    assert {"joined_paragraphs", "removed_furniture", "removed_stray_line",
            "crosshead_detected"} <= codes


# ------------------------------------------------------------------ whole issues


def test_generated_whole_issues_parse_to_what_the_manifest_says(tmp_path):
    import json

    from benchmarks.generate_issues import write_issues
    from importers.parse import read_page

    paths = write_issues(12, tmp_path, seed=5)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    pages = {p["file"]: (issue, p) for issue in manifest["issues"] for p in issue["pages"]}
    assert len(paths) == len(pages) and all(4 <= len(i["pages"]) <= 8 for i in manifest["issues"])
    assert [p.name for p in paths] != sorted(paths, key=lambda p: p.name.split("_", 1)[1])  # shuffled
    for path in paths:
        issue, expected = pages[path.name]
        record = read_page(path.read_bytes(), path.name)
        assert (record.page, record.page_name, record.front) == (
            expected["number"], expected["name"], expected["number"] == 1), path.name
        assert [[s.name, s.role, s.label] for s in record.staff] == expected["staff"], path.name
        jumps = {(a.position, a.jump.to_page) for a in record.articles if a.jump}
        assert jumps == {(j["from_position"], j["to_page"]) for j in issue["jumps"]
                         if j["from_page"] == record.page}, path.name
        continued = sorted(a.continued_from.from_page for a in record.articles if a.continued_from)
        assert continued == sorted(j["from_page"] for j in issue["jumps"] if j["to_page"] == record.page)


@pytest.mark.django_db
def test_importing_shuffled_whole_issues_joins_every_jump(tmp_path):
    import json

    from benchmarks.generate_issues import write_issues
    from importers.load import import_paths
    from newsroom.models import Article, Page, ReviewFlag

    paths = write_issues(3, tmp_path, seed=2)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))

    result = import_paths(paths)

    assert result.ok, [f.error for f in result.files if f.error]
    assert Page.objects.count() == len(paths)
    for issue in manifest["issues"]:
        for jump in issue["jumps"]:
            lead = Article.objects.get(issue__date=issue["date"], page=jump["from_page"],
                                       position=jump["from_position"])
            assert jump["to_page"] in lead.pages, (issue["date"], jump)
    assert not ReviewFlag.objects.filter(
        code__in=["continuation_unmatched", "jump_pending"], status="open").exists()


@pytest.mark.django_db(transaction=True)
def test_two_processes_importing_shuffled_whole_issues_join_every_jump(tmp_path, monkeypatch):
    """With --jobs 2 two processes load pages of one issue at once: each waits for the other's
    page (the issue row is locked while a page of it loads), so no join is missed (PostgreSQL;
    SQLite imports in one process)."""
    import json

    from benchmarks.generate_issues import write_issues
    from importers.load import import_paths, runs
    from newsroom.models import Article, ReviewFlag

    monkeypatch.setattr(runs, "FILES_PER_TASK", 8)  # lots of batches: both processes share issues
    paths = write_issues(20, tmp_path, seed=4)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))

    result = import_paths(paths, jobs=2)

    assert result.ok, [f.error for f in result.files if f.error]
    jumps = [(issue["date"], jump) for issue in manifest["issues"] for jump in issue["jumps"]]
    assert Article.objects.filter(continues__isnull=False).count() == len(jumps)
    for date, jump in jumps:
        lead = Article.objects.get(issue__date=date, page=jump["from_page"], position=jump["from_position"])
        assert jump["to_page"] in lead.pages, (date, jump)
    assert not ReviewFlag.objects.filter(
        code__in=["continuation_unmatched", "jump_pending"], status="open").exists()
