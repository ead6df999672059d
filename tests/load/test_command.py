"""manage.py import_pages (and its old name, import_seeds): the thin command over the loader,
and the bad inputs it must refuse."""

from __future__ import annotations

import json
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from importers.load import files, runs
from importers.parse import read_page
from newsroom.models import (
    Article,
    Credit,
    ImportRun,
    Issue,
    Person,
    Publication,
    ReviewFlag,
    SourceFile,
)

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR) / "seeds"
SEED_2021 = SEEDS / "000_08ceee72487f69f5.txt"
SEED_2022 = SEEDS / "002_758893745608affc.txt"

PAGE = """辛丑年二月初七
2021年3月19日
星期五

国内统一刊号:CN33-0018
邮发代号:31-2 总第11771号

# 浙江工人日报

## 职工技能比武在杭举行

本报讯 记者张三报道 昨日,全省职工技能比武在杭州举行。

比武共设六个项目。
"""


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_pages", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args) -> tuple[str, str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_pages", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), str(caught.value)


def test_without_arguments_it_imports_the_seeds_and_a_second_run_changes_nothing():
    out, err = run()
    assert Issue.objects.count() == 2
    assert "[1/2] seeds/000_08ceee72487f69f5.txt ... ok" in err
    lines = out.splitlines()
    assert lines[0].split() == ["file", "status", "created", "updated", "unchanged", "kept", "flags"]
    assert lines[1].split()[:3] == ["seeds/000_08ceee72487f69f5.txt", "created", "18"]

    out, err = run()

    assert [line.split()[1] for line in out.splitlines()[1:3]] == ["unchanged", "unchanged"]
    assert "[2/2] seeds/002_758893745608affc.txt ... ok" in err
    assert ImportRun.objects.filter(status="succeeded").count() == 2


def test_a_single_file_shows_no_running_count():
    out, err = run(SEED_2022)
    assert err == ""
    assert out.splitlines()[1].split()[:2] == ["seeds/002_758893745608affc.txt", "created"]


def test_a_glob_names_the_files_to_import(tmp_path):
    shutil.copy(SEED_2021, tmp_path / "2021.txt")
    shutil.copy(SEED_2022, tmp_path / "2022.txt")
    run(tmp_path / "2022*")
    assert list(Issue.objects.values_list("date__year", flat=True)) == [2022]


def test_a_dry_run_reports_what_would_change_and_writes_nothing():
    out, _err = run("--dry-run")
    assert "created (dry run)" in out
    assert Issue.objects.count() == Article.objects.count() == 0
    assert ImportRun.objects.get().status == "dry_run"


def test_json_prints_the_parsed_pages_and_writes_nothing():
    out, _err = run("--format", "json", SEED_2021, SEED_2022)
    pages = json.loads(out)
    expected = [
        read_page(path.read_bytes(), f"seeds/{path.name}").as_json() for path in (SEED_2021, SEED_2022)
    ]
    assert pages == expected
    assert "浙江工人日报" in out  # not \\u-escaped
    assert set(pages[0]["articles"][0]) == {
        "heading", "kicker", "headline", "subheadline", "kind", "dateline", "contributors",
        "blocks", "photos", "truncated", "flags", "lines", "page", "jump", "continued_from",
    }
    assert {"page", "page_name", "staff", "front"} <= set(pages[0])
    assert (pages[0]["page"], pages[0]["front"], pages[0]["articles"][0]["jump"]) == (1, True, None)
    assert Issue.objects.count() == 0
    assert ImportRun.objects.count() == 0


def test_json_names_a_file_it_cannot_parse_and_exits_non_zero(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    out, err, message = run_failing("--format", "json", tmp_path / "empty.txt", SEED_2022)
    assert [page["issue"]["date"] for page in json.loads(out)] == ["2022-06-17"]
    assert "empty.txt: empty file (0 bytes)" in err
    assert message == "1 file(s) could not be parsed"


def test_a_gb18030_page_imports_and_says_it_was_decoded(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(PAGE.encode("gb18030"))
    out, _err = run(path)
    article = Article.objects.get()
    assert article.headline == "职工技能比武在杭举行"
    assert "decoded from GB18030" in out
    assert ReviewFlag.objects.filter(code="decoded_encoding").count() == 1
    assert Issue.objects.get().source.encoding == "gb18030"


BAD_INPUTS = {
    "empty": (b"", "empty.txt: empty file (0 bytes)"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary.txt: binary data"),
    "no date": (
        PAGE.replace("2021年3月19日\n", "").encode(),
        "no_date.txt line 1: no Gregorian date in the masthead",
    ),
    "impossible date": (
        PAGE.replace("2021年3月19日", "2021年2月30日").encode(),
        "impossible_date.txt line 2: impossible date 2021年2月30日",
    ),
    "no articles": (
        PAGE.split("## ")[0].encode(),
        "no_articles.txt: no articles: found no '## ' heading",
    ),
}


@pytest.mark.parametrize("kind", BAD_INPUTS)
def test_a_bad_file_fails_with_its_name_and_line_while_the_others_import(tmp_path, kind):
    data, expected = BAD_INPUTS[kind]
    bad = tmp_path / f"{kind.replace(' ', '_')}.txt"
    bad.write_bytes(data)
    good = tmp_path / "zz_good.txt"
    good.write_bytes(PAGE.encode())

    out, err, message = run_failing(bad, good)

    assert expected in err
    assert "Traceback" not in err
    assert message.startswith("1 of 2 files failed")
    assert [line.split()[1] for line in out.splitlines()[1:3]] == ["failed", "created"]
    assert Article.objects.count() == 1
    assert ImportRun.objects.get().status == "failed"


@pytest.mark.parametrize(
    "number",
    [
        "2147483648",  # a DataError on PostgreSQL; SQLite stored it
        "9223372036854775808",  # an OverflowError traceback on SQLite
        "0",
        "9" * 5000,  # a ValueError from int() that stopped the whole run
    ],
)
def test_an_issue_number_out_of_range_fails_its_file_alike_on_every_database(tmp_path, number):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(PAGE.replace("11771", number).encode())
    good = tmp_path / "zz_good.txt"
    good.write_bytes(PAGE.replace("2021年3月19日", "2021年3月20日").encode())

    _out, err, message = run_failing(bad, good)

    assert message.startswith("1 of 2 files failed")
    assert "Traceback" not in err
    failed = ImportRun.objects.get().files.get(status="failed")
    assert failed.source.endswith("bad.txt")
    assert failed.error.startswith(f"{failed.source} line 6: issue number 总第{number[:20]}")
    assert failed.error.endswith(
        "号 is out of range: it must be within 1..2,147,483,647; correct the number in the masthead"
    )
    assert list(Issue.objects.values_list("number", flat=True)) == [11771]  # the good file only


def test_a_utf16_page_with_a_byte_order_mark_imports_and_stores_its_text_without_the_mark(
    tmp_path,
):
    path = tmp_path / "utf16.txt"
    path.write_bytes(PAGE.encode("utf-16"))  # Python writes the mark

    out, _err = run(path)

    assert Article.objects.get().headline == "职工技能比武在杭举行"
    source = Issue.objects.get().source
    assert source.encoding in ("utf-16-le", "utf-16-be")
    assert source.text == PAGE
    assert f"decoded from {source.encoding.upper()}" in out
    assert not ReviewFlag.objects.filter(code="decoded_encoding").exists()


def test_a_50_mb_file_is_refused_by_its_size_without_being_parsed(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    with big.open("wb") as file:
        chunk = PAGE.encode() * 1000
        while file.tell() < 50 * 1024 * 1024:
            file.write(chunk)
        file.truncate(50 * 1024 * 1024)
    parsed = []
    # The loader's own name for the parser's entry point: what it would call to parse the file.
    monkeypatch.setattr(files, "read_page", lambda data, source: parsed.append(source))

    _out, err, _message = run_failing(big)

    assert "big.txt: file is 50.0 MB, over the 5 MB limit for one page" in err
    assert parsed == []


def test_a_path_that_names_nothing_is_an_error(tmp_path):
    _out, err, message = run_failing(tmp_path / "missing.txt")
    assert "missing.txt: no such file or folder" in err
    assert message.startswith("1 of 1 files failed")


def archive_rows() -> dict[str, list]:
    """Return the imported articles and flags, with each possible duplicate as a pair of names."""
    duplicate = ReviewFlag.Code.POSSIBLE_DUPLICATE_CONTRIBUTOR
    return {
        "articles": sorted(
            Article.objects.values_list("issue__date", "page", "position", "headline", "body")),
        "credits": sorted(Credit.objects.values_list(
            "person__name", "role", "order", "article__position", "photo__position"), key=repr),
        "flags": sorted(ReviewFlag.objects.exclude(code=duplicate).values_list(
            "issue__date", "code", "fingerprint", "article__position", "photo__position"),
            key=repr),
        "possible duplicates": sorted((
            frozenset(re.match(r"(\S+) may be the same contributor as (\S+) ", m).groups())
            for m in ReviewFlag.objects.filter(code=duplicate).values_list("message", flat=True)
        ), key=sorted),
    }


@pytest.mark.django_db(transaction=True)
def test_jobs_2_imports_the_same_rows_and_flags_as_jobs_1(monkeypatch):
    monkeypatch.setattr(runs, "FILES_PER_TASK", 1)  # one seed per worker, both at once
    out_one, _err = run("--jobs", "1")
    one = archive_rows()
    for model in (Issue, Person, SourceFile, Publication):
        model.objects.all().delete()

    out_two, err = run("--jobs", "2")

    assert archive_rows() == one
    assert one["possible duplicates"] == [frozenset({"张浩呈", "张浩星"})]
    # Which file created a shared person (and so counts it) depends on which process got
    # there first; the files, their order and status do not.
    assert [line.split()[:2] for line in out_two.splitlines()[1:3]] == [
        line.split()[:2] for line in out_one.splitlines()[1:3]]
    assert "[2/2] seeds/002_758893745608affc.txt ... ok" in err
    assert ImportRun.objects.order_by("pk").last().status == "succeeded"


def test_jobs_below_one_is_refused_naming_the_option():
    _out, _err, message = run_failing("--jobs", "0")
    assert message == "--jobs must be 1 or more, not 0"
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("name", ["import_pages", "import_seeds"])
def test_the_command_answers_to_its_name_and_to_its_old_name_import_seeds(name):
    out, err = StringIO(), StringIO()
    call_command(name, str(SEED_2021), stdout=out, stderr=err)

    assert out.getvalue().splitlines()[1].split()[:2] == ["seeds/000_08ceee72487f69f5.txt", "created"]
    assert ImportRun.objects.get().started_by == f"manage.py {name}"
