"""Citing an article: GB/T 7714-2015, BibTeX, RIS and CSL-JSON from one record, checked against
strings written by hand; the article page's citation and meta tags; the downloads."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from importers.load import import_paths
from newsroom.lib.citations import Work, bibtex, csl_json, gb7714, meta_tags, ris
from newsroom.models import Article, Visibility

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ACCESSED = dt.date(2026, 12, 5)


def work(**changes) -> Work:
    fields = dict(
        key="zjgrrb-2021-03-19-1", title="以党史学习教育为契机 奋力打造红色工会", subtitle="",
        authors=("阮向民", "金钩"), newspaper="浙江工人日报", date=dt.date(2021, 3, 19), pages=(1,),
        url="https://archive.example.org/articles/1/", accessed=ACCESSED, tags=("工会",),
    )
    return Work(**(fields | changes))


def test_gb7714_is_the_numbered_newspaper_form():
    assert gb7714(work()) == (
        "[1] 阮向民, 金钩. 以党史学习教育为契机 奋力打造红色工会[N/OL]. 浙江工人日报, "
        "2021-03-19(1)[2026-12-05]. https://archive.example.org/articles/1/."
    )
    assert gb7714(work(subtitle="副题"), number=7).startswith("[7] 阮向民, 金钩. 以党史学习教育为契机 奋力打造红色工会: 副题[N/OL]")
    assert gb7714(work(), number=None).startswith("阮向民, 金钩. ")


def test_gb7714_names_three_authors_then_et_al_and_none_as_anonymous():
    assert gb7714(work(authors=("甲", "乙", "丙", "丁"))).startswith("[1] 甲, 乙, 丙, 等. ")
    assert gb7714(work(authors=("甲", "乙", "丙"))).startswith("[1] 甲, 乙, 丙. ")
    assert gb7714(work(authors=())).startswith("[1] 佚名. ")


def test_bibtex_braces_each_chinese_name_and_escapes_what_latex_reads():
    assert bibtex(work()) == (
        "@article{zjgrrb-2021-03-19-1,\n"
        "  author = {{阮向民} and {金钩}},\n"
        "  title = {以党史学习教育为契机 奋力打造红色工会},\n"
        "  journal = {浙江工人日报},\n"
        "  date = {2021-03-19},\n"
        "  year = {2021},\n"
        "  month = {3},\n"
        "  pages = {1},\n"
        "  url = {https://archive.example.org/articles/1/},\n"
        "  urldate = {2026-12-05},\n"
        "  language = {chinese},\n"
        "  keywords = {工会}\n"
        "}\n"
    )
    hostile = bibtex(work(title="50% & {x}_1 #2 $3 ^ ~ \\end", authors=()))
    assert r"title = {50\% \& \{x\}\_1 \#2 \$3 \textasciicircum{} \textasciitilde{} \textbackslash{}end}" in hostile
    assert "author" not in hostile
    assert "\n  title = {第一行 第二行}," in bibtex(work(title="第一行\n第二行"))


def test_ris_is_one_record_with_crlf_lines():
    assert ris(work()) == (
        "TY  - NEWS\r\nAU  - 阮向民\r\nAU  - 金钩\r\nTI  - 以党史学习教育为契机 奋力打造红色工会\r\n"
        "T2  - 浙江工人日报\r\nDA  - 2021/03/19\r\nPY  - 2021\r\nSP  - 1\r\n"
        "UR  - https://archive.example.org/articles/1/\r\nY2  - 2026/12/05\r\nLA  - zh-CN\r\n"
        "ID  - zjgrrb-2021-03-19-1\r\nKW  - 工会\r\nER  - \r\n"
    )
    # A line break in the OCR cannot start a record field of its own.
    injected = ris(work(title="标题\r\nTY  - JOUR"))
    assert injected.count("TY  - ") == 1 and "TI  - 标题 TY - JOUR\r\n" in injected


def test_csl_json_is_an_article_newspaper_item():
    assert json.loads(csl_json(work())) == [{
        "id": "zjgrrb-2021-03-19-1", "type": "article-newspaper",
        "title": "以党史学习教育为契机 奋力打造红色工会",
        "author": [{"literal": "阮向民"}, {"literal": "金钩"}],
        "container-title": "浙江工人日报", "issued": {"date-parts": [[2021, 3, 19]]}, "page": "1",
        "URL": "https://archive.example.org/articles/1/", "accessed": {"date-parts": [[2026, 12, 5]]},
        "language": "zh-CN", "keyword": "工会",
    }]


def test_meta_tags_are_what_zotero_reads():
    tags = meta_tags(work())
    assert ("citation_title", "以党史学习教育为契机 奋力打造红色工会") in tags
    assert [v for k, v in tags if k == "citation_author"] == ["阮向民", "金钩"]
    assert ("citation_publication_date", "2021/03/19") in tags and ("citation_journal_title", "浙江工人日报") in tags


@pytest.fixture
def seeded(db):
    assert import_paths([SEEDS]).ok
    return Article.objects.get(kicker="史济锡在嘉兴调研工会工作时强调")


def test_the_article_page_offers_its_citation_and_zotero_s_meta_tags(client, seeded):
    html = client.get(seeded.get_absolute_url()).content.decode()
    today = timezone.localdate().isoformat()
    url = f"{settings.SITE_URL}/articles/{seeded.pk}/"
    assert (f"[1] 阮向民, 金钩. 以党史学习教育为契机 奋力打造红色工会[N/OL]. 浙江工人日报, "
            f"2021-03-19(1)[{today}]. {url}.") in html
    assert '<meta name="citation_author" content="阮向民">' in html
    assert '<meta name="citation_publication_date" content="2021/03/19">' in html
    for fmt in ("gb7714", "bibtex", "ris", "csl-json"):
        assert f'href="/articles/{seeded.pk}/cite.{fmt}"' in html


@pytest.mark.parametrize(("fmt", "content_type", "start"), [
    ("bibtex", "application/x-bibtex", "@article{zjgrrb-2021-03-19-"),
    ("ris", "application/x-research-info-systems", "TY  - NEWS\r\nAU  - 阮向民\r\n"),
    ("csl-json", "application/vnd.citationstyles.csl+json", "[\n  {\n"),
    ("gb7714", "text/plain", "[1] 阮向民, 金钩. "),
])
def test_each_format_downloads_as_a_file(client, seeded, fmt, content_type, start, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get(f"/articles/{seeded.pk}/cite.{fmt}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"].startswith(f'attachment; filename="zjgrrb-2021-03-19-{seeded.pk}.')
    assert response.content.decode().startswith(start)


def test_a_withdrawn_article_or_an_unknown_format_is_not_cited(client, seeded):
    assert client.get(f"/articles/{seeded.pk}/cite.endnote").status_code == 404
    assert client.get("/articles/999999/cite.ris").status_code == 404
    Article.objects.filter(pk=seeded.pk).update(visibility=Visibility.WITHDRAWN)
    assert client.get(f"/articles/{seeded.pk}/cite.ris").status_code == 410
    assert client.post(f"/articles/{seeded.pk}/cite.ris").status_code == 405


def test_the_api_gives_the_same_citations(client, seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/articles/{seeded.pk}/citation/")
    assert response.status_code == 200
    data = response.json()
    page = client.get(f"/articles/{seeded.pk}/cite.bibtex").content.decode()
    assert data["bibtex"] == page
    assert data["gb7714"] == client.get(f"/articles/{seeded.pk}/cite.gb7714").content.decode()
    assert data["ris"].startswith("TY  - NEWS\r\nAU  - 阮向民\r\nAU  - 金钩\r\n")
    assert data["csl_json"]["type"] == "article-newspaper" and data["csl_json"]["page"] == "1"
    Article.objects.filter(pk=seeded.pk).update(visibility=Visibility.WITHDRAWN)
    assert client.get(f"/api/v1/articles/{seeded.pk}/citation/").status_code == 404
