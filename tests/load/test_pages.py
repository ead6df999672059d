"""The pages of an issue: inside pages filed into their issue, with their name, staff and file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from importers.load import import_paths
from newsroom.models import Article, Issue, Page, PageStaff, Publication, ReviewFlag
from tests.load.pages import SEED_2021

pytestmark = pytest.mark.django_db

INSIDE = Path(__file__).resolve().parent.parent / "parse" / "pages" / "2021-03-19_02.md"

# Page 3 of the same day, printing no paper's name, its header lines in another order.
PAGE_3 = """第三版·经济
2021年3月19日
星期五
本版编辑:李华 美编:赵强

## 小微企业享受减税红利

本报讯 记者阮向民报道 今年以来,我省小微企业享受减税降费政策红利持续释放。

据统计,全省已有12万家企业受益。
"""


def _folder(tmp_path: Path, *files: tuple[str, str | Path]) -> Path:
    folder = tmp_path / "day"
    folder.mkdir(exist_ok=True)
    for name, content in files:
        if isinstance(content, Path):
            shutil.copy(content, folder / name)
        else:
            (folder / name).write_text(content, encoding="utf-8")
    return folder


def _pages() -> list[tuple[int, str, list[tuple[str, str, str]]]]:
    return [
        (page.number, page.name, [(s.person.name, s.role, s.label) for s in page.staff.order_by("order")])
        for page in Page.objects.order_by("number")
    ]


def test_a_days_pages_make_one_issue_with_each_page_recorded(tmp_path):
    folder = _folder(tmp_path, ("2021-03-19_01.txt", SEED_2021), ("2021-03-19_02.md", INSIDE),
                     ("2021-03-19_03.md", PAGE_3))

    result = import_paths([folder])

    assert result.ok, [f.error for f in result.files]
    issue = Issue.objects.get()
    assert issue.lunar_date == "辛丑年二月初七"  # the front page's masthead, untouched by the others
    assert _pages() == [
        (1, "", []),
        (2, "综合", [("王晓明", "editor", "责任编辑"), ("陈丽", "layout", "版式")]),
        (3, "经济", [("李华", "editor", "本版编辑"), ("赵强", "art_editor", "美编")]),
    ]
    assert Page.objects.get(number=2).source.name.endswith("2021-03-19_02.md")
    assert Article.objects.filter(issue=issue, page=3).get().headline == "小微企业享受减税红利"
    assert Article.objects.filter(page=1).count() == 5  # the front page as before


def test_a_new_issues_pages_are_written_as_one_batch_whichever_file_comes_first(tmp_path, monkeypatch):
    from importers.load import batches

    def one_by_one(item, **kwargs):
        raise AssertionError(f"{item.file.name} was loaded on its own: the batch failed")

    monkeypatch.setattr(batches, "_load_file", one_by_one)
    folder = _folder(tmp_path, ("a-02.md", INSIDE), ("b-03.md", PAGE_3), ("c-01.txt", SEED_2021))

    result = import_paths([folder])

    assert result.ok, [f.error for f in result.files]
    assert [number for number, _name, _staff in _pages()] == [1, 2, 3]
    assert Issue.objects.get().lunar_date == "辛丑年二月初七"


@pytest.mark.parametrize("order", ["inside pages first", "front page first"])
def test_an_inside_page_naming_no_paper_waits_for_its_front_page_in_the_same_run(tmp_path, order):
    names = ("0.md", "1.txt") if order == "inside pages first" else ("1.md", "0.txt")
    folder = _folder(tmp_path, (names[0], PAGE_3), (names[1], SEED_2021))

    result = import_paths([folder])

    assert result.ok, [f.error for f in result.files]
    assert Issue.objects.count() == 1 and Publication.objects.count() == 1
    assert [number for number, _name, _staff in _pages()] == [1, 3]


def test_an_inside_page_before_any_front_page_fails_clearly_and_imports_after_it(tmp_path):
    alone = _folder(tmp_path, ("2021-03-19_03.md", PAGE_3))
    first = import_paths([alone])
    assert not first.ok
    error = first.files[0].error
    assert "2021-03-19_03.md" in error and "front page" in error and "2021-03-19" in error
    assert not Issue.objects.exists() and not Page.objects.exists()

    import_paths([_folder(tmp_path, ("front.txt", SEED_2021))])
    again = import_paths([alone / "2021-03-19_03.md"])

    assert again.ok
    assert [number for number, _name, _staff in _pages()] == [1, 3]


def test_reimporting_pages_writes_nothing_twice_and_follows_changed_staff(tmp_path):
    folder = _folder(tmp_path, ("1.txt", SEED_2021), ("3.md", PAGE_3))
    import_paths([folder])
    import_paths([folder])
    assert Page.objects.count() == 2 and PageStaff.objects.count() == 2

    (folder / "3.md").write_text(PAGE_3.replace("美编:赵强", "校对:钱多"), encoding="utf-8")
    result = import_paths([folder / "3.md"])

    assert result.files[0].status == "updated"
    assert _pages()[1] == (3, "经济", [("李华", "editor", "本版编辑"), ("钱多", "proofreader", "校对")])
    assert not ReviewFlag.objects.filter(code="page_source_changed").exists()


def test_another_file_claiming_a_stored_page_is_flagged_not_silently_merged(tmp_path):
    folder = _folder(tmp_path, ("1.txt", SEED_2021), ("page-3.md", PAGE_3))
    import_paths([folder])
    other = tmp_path / "other"
    other.mkdir()
    (other / "scan-0003.md").write_text(PAGE_3.replace("据统计", "另据统计"), encoding="utf-8")

    import_paths([other])

    flag = ReviewFlag.objects.get(code="page_source_changed")
    assert flag.status == "open" and flag.article is None
    assert "page-3.md" in flag.message and "scan-0003.md" in flag.message
    assert Page.objects.get(number=3).source.name.endswith("scan-0003.md")
    assert Page.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_jobs_file_shuffled_inside_pages_into_their_issues(tmp_path, monkeypatch):
    from importers.load import runs

    monkeypatch.setattr(runs, "FILES_PER_TASK", 1)  # each file in its own lot: both processes work
    days = []
    for day in (19, 20, 21):
        front = SEED_2021.read_text(encoding="utf-8").replace("2021年3月19日", f"2021年3月{day}日")
        inside = PAGE_3.replace("2021年3月19日", f"2021年3月{day}日").replace("星期五\n", "")
        days += [(f"{day}-3.md", inside), (f"{day}-1.txt", front)]
    folder = _folder(tmp_path, *days)  # sorted by name: each inside page before its front page

    result = import_paths([folder], jobs=2)

    assert result.ok, [f.error for f in result.files]
    assert sorted(r.source.rsplit("/", 1)[-1] for r in result.files) == sorted(name for name, _ in days)
    assert Issue.objects.count() == 3 and Publication.objects.count() == 1
    assert sorted(Page.objects.values_list("issue__date__day", "number")) == [
        (19, 1), (19, 3), (20, 1), (20, 3), (21, 1), (21, 3)]


def test_a_page_filed_under_another_days_name_is_flagged_not_silently_merged(tmp_path):
    from django.utils import translation

    folder = _folder(tmp_path, ("2021-03-19_01.txt", SEED_2021), ("2021-03-20_03.md", PAGE_3))

    result = import_paths([folder])

    assert result.ok, [f.error for f in result.files]
    page = Page.objects.get(number=3)
    assert page.issue.date.isoformat() == "2021-03-19"  # the printed date decides
    flag = ReviewFlag.objects.get(code="file_date_mismatch")
    assert flag.status == "open" and flag.issue == page.issue
    with translation.override("zh-hans"):
        assert "2021-03-20" in flag.display_message and "2021-03-19" in flag.display_message
    with translation.override("en"):
        assert flag.display_message.startswith("The file's name says 2021-03-20")
    assert import_paths([folder]).ok
    assert ReviewFlag.objects.filter(code="file_date_mismatch").count() == 1  # given once
