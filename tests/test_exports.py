"""Yearly bulk exports: only public content, whole files with their checksums, a safe download page."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from importers.load import import_paths
from newsroom.models import Article, Visibility

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

pytestmark = pytest.mark.django_db


@pytest.fixture
def exports(tmp_path):
    with override_settings(EXPORT_DIR=tmp_path / "exports"):
        yield tmp_path / "exports"


@pytest.fixture
def seeded(db):
    assert import_paths([SEEDS]).ok


def lines(path: Path) -> list[str]:
    return gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()


def test_a_year_exports_its_public_articles_as_ninjs_and_text(exports, seeded):
    withdrawn = Article.objects.filter(issue__date__year=2021).order_by("pk").first()
    Article.objects.filter(pk=withdrawn.pk).update(visibility=Visibility.WITHDRAWN)
    call_command("export_archive", "2021")
    public = Article.objects.public().filter(issue__date__year=2021)
    items = [json.loads(line) for line in lines(exports / "zjgrrb-2021-ninjs.jsonl.gz")]
    assert len(items) == public.count() > 0
    assert all(item["type"] == "text" for item in items)
    text = "\n".join(lines(exports / "zjgrrb-2021-text.txt.gz"))
    assert withdrawn.headline not in text and withdrawn.headline not in json.dumps(items, ensure_ascii=False)
    first = public.order_by("page", "position").first()
    assert first.headline in text and "浙江工人日报 2021-03-19 第1版" in text
    index = json.loads((exports / "index.json").read_text())
    for entry in index:
        data = (exports / entry["name"]).read_bytes()
        assert entry["size"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["articles"] == public.count() and entry["year"] == 2021
    assert not [p for p in exports.iterdir() if p.name.startswith(".tmp-")]


def test_the_download_page_lists_the_files_and_serves_only_those(client, exports, seeded):
    assert "还没有可下载的数据" in client.get("/data/").content.decode()
    call_command("export_archive", "--all")
    page = client.get("/data/").content.decode()
    index = json.loads((exports / "index.json").read_text())
    assert {entry["year"] for entry in index} == {2021, 2022}
    for entry in index:
        assert entry["name"] in page and entry["sha256"] in page
    response = client.get(f"/data/{index[0]['name']}")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == index[0]["sha256"]
    (exports / "secret.txt").write_text("not listed")
    for name in ("secret.txt", "index.json", "..%2Fsettings.py", "%2Fetc%2Fpasswd"):
        assert client.get(f"/data/{name}").status_code == 404


def test_an_export_that_fails_leaves_the_previous_files_whole(exports, seeded, monkeypatch):
    call_command("export_archive", "2021")
    before = (exports / "zjgrrb-2021-ninjs.jsonl.gz").read_bytes()

    def broken(article, request=None):
        raise RuntimeError("disk full")

    monkeypatch.setattr("newsroom.api.ninjs.article_ninjs", broken)
    with pytest.raises(RuntimeError):
        call_command("export_archive", "2021")
    assert (exports / "zjgrrb-2021-ninjs.jsonl.gz").read_bytes() == before
    assert not [p for p in exports.iterdir() if p.name.startswith(".tmp-")]


def test_a_held_issue_is_not_exported(exports, seeded):
    from newsroom.models import Issue

    Issue.objects.filter(date__year=2022).update(held=True)
    call_command("export_archive", "--all")
    assert {entry["year"] for entry in json.loads((exports / "index.json").read_text())} == {2021}
    call_command("export_archive", "2022")
    assert lines(exports / "zjgrrb-2022-ninjs.jsonl.gz") == []


def test_an_export_reads_a_fixed_number_of_queries_whatever_the_number_of_articles(
        exports, seeded, django_assert_max_num_queries):
    from newsroom.exports import export_year

    # The API's prefetching QuerySet, read in chunks: one query per table per chunk, no query per article.
    with django_assert_max_num_queries(8):
        made = export_year(2021)
    assert made[0].articles >= 4
