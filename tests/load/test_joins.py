"""Articles continued across pages joined into one, whichever page comes first (joins.py)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from importers.load import import_paths
from newsroom import editorial
from newsroom.models import Article, ReviewFlag
from newsroom.search import search_articles
from tests.factories import make_user

pytestmark = pytest.mark.django_db

HARD_BREAK = "  "  # Markdown's line break: the OCR tool ends masthead lines with it
MASTHEAD = "\n".join([
    f"辛丑年二月初七{HARD_BREAK}", f"2021年3月19日{HARD_BREAK}", "星期五", "",
    f"电子版:www.zjgrrb.com{HARD_BREAK}", f"国内统一刊号:CN33-0018{HARD_BREAK}",
    "邮发代号:31-2 总第11771号", "", "# 浙江工人日报", "", "",
])

FRONT = MASTHEAD + """## 杭州职工技能大赛开赛

本报讯 记者张浩星报道 昨日,杭州市第十五届职工职业技能大赛在杭州开幕。

大赛设置电工、焊工、数控车工等12个工种,比赛成绩优异的选手将获得

(下转第3版)

## 全省工会数字化改革推进会召开

本报讯 记者阮向民报道 3月18日,全省工会数字化改革推进会在杭州召开。

会议要求,各级工会要把数字化改革作为“一把手”工程。（下转第二版）
"""

PAGE_2 = """2021年3月19日 星期五
第2版 综合
浙江工人日报

## 数字化改革推进会（上接第一版）

会议强调,要以数字化改革撬动工会各领域改革。

各地工会负责人作了交流发言。
"""

PAGE_3 = """# 浙江工人日报

2021年3月19日 星期五
第3版 经济

## (上接第1版)

“浙江金蓝领”称号,并按规定晋升相应职业技能等级。

本次大赛共有3000余名职工报名参赛。

## 小微企业享受减税红利

本报讯 记者阮向民报道 今年以来,我省小微企业享受减税降费政策红利持续释放。
"""

FILES = {"1.txt": FRONT, "2.md": PAGE_2, "3.md": PAGE_3}


def _write(folder: Path, names) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        (folder / name).write_text(FILES[name], encoding="utf-8")
        paths.append(folder / name)
    return paths


def _contest() -> Article:
    return Article.objects.public().get(headline="杭州职工技能大赛开赛")


def _assert_joined():
    contest = _contest()
    assert contest.pages == [1, 3]
    # Cut mid-sentence: joined with no break, as a column break is.
    assert "选手将获得“浙江金蓝领”称号,并按规定晋升" in contest.body_text
    assert contest.body_text.endswith("本次大赛共有3000余名职工报名参赛。")
    assert "(上接第1版)" not in contest.body_text and "下转" not in contest.body_text
    assert "(下转第3版)" in contest.original_text  # the jump line stays in the OCR
    meeting = Article.objects.public().get(headline="全省工会数字化改革推进会召开")
    assert meeting.pages == [1, 2]
    # Cut after a full sentence: the continuation starts a paragraph of its own.
    assert "“一把手”工程。\n会议强调" in meeting.body_text
    # Each continued article once, and the parts are not articles of their own.
    assert Article.objects.public().count() == 3
    assert Article.objects.count() == 5
    assert not ReviewFlag.objects.filter(code__in=["jump_pending", "continuation_unmatched"],
                                         status="open").exists()
    assert ReviewFlag.objects.filter(code="joined_continuation", status="open").count() == 2


@pytest.mark.parametrize("order", list(itertools.permutations(FILES)), ids="-".join)
def test_a_three_page_issue_joins_in_any_order_in_one_run(tmp_path, order):
    paths = _write(tmp_path, order)
    result = import_paths(paths)
    assert result.ok, [f.error for f in result.files]
    _assert_joined()


@pytest.mark.parametrize("order", [("1.txt", "3.md", "2.md"), ("3.md", "2.md", "1.txt"),
                                   ("2.md", "1.txt", "3.md")], ids="-".join)
def test_pages_in_separate_runs_join_when_the_last_one_comes(tmp_path, order):
    paths = _write(tmp_path, order)
    for path in paths[:-1]:
        import_paths([path])
    if order[0] == "1.txt":
        flag = ReviewFlag.objects.get(code="jump_pending", status="open")
        assert flag.article.headline == "全省工会数字化改革推进会召开"
        assert "page 2" in flag.message and "not in the archive" in flag.message
    import_paths([paths[-1]])
    _assert_joined()


def test_reimporting_either_page_keeps_the_join_and_the_editors_corrections(tmp_path):
    paths = _write(tmp_path, FILES)
    import_paths(paths)
    editor = make_user(role="chief editor")
    contest = _contest()
    part = Article.objects.get(page=3, position=1)
    editorial.edit_article(contest, changes={"body": contest.body.replace("昨日", "3月18日")},
                           expected_version=contest.version, user=editor)
    editorial.edit_article(part, changes={"body": part.body.replace("3000余名", "三千余名")},
                           expected_version=part.version, user=editor)
    (tmp_path / "3.md").write_text(PAGE_3 + "\n## 新的一篇\n\n又一段新闻。\n", encoding="utf-8")

    for path in paths:
        import_paths([path])

    contest = _contest()
    assert "3月18日" in contest.body_text and "三千余名" in contest.body_text
    assert contest.pages == [1, 3]
    assert Article.objects.filter(is_continuation=True).count() == 2  # no part twice
    assert Article.objects.public().filter(headline="新的一篇").exists()


def test_undoing_a_join_splits_the_part_off_and_a_reimport_leaves_it_apart(tmp_path):
    paths = _write(tmp_path, FILES)
    import_paths(paths)
    contest = _contest()
    flag = ReviewFlag.objects.get(code="joined_continuation", article=contest)
    assert flag.is_repair

    editorial.undo_flag(flag, user=make_user(role="chief editor"))

    contest = _contest()
    assert contest.pages == [1] and "3000余名" not in contest.body_text
    part = Article.objects.public().get(page=3, position=1)  # an article of its own again
    assert "3000余名" in part.body_text
    import_paths([tmp_path / "3.md"])
    import_paths([tmp_path / "1.txt"])
    assert _contest().pages == [1]
    assert Article.objects.public().filter(page=3, position=1).exists()


def test_a_continuation_two_articles_could_start_is_flagged_with_both_and_joins_nothing(tmp_path):
    (tmp_path / "1.txt").write_text(
        MASTHEAD + "## 职工书屋建设\n\n第一段,没有写完的\n\n(下转第2版)\n\n"
        "## 职工书屋管理\n\n另一篇,也没有写完的\n\n(下转第2版)\n", encoding="utf-8")
    (tmp_path / "2.md").write_text(
        "2021年3月19日 星期五\n第2版 综合\n\n## (上接第1版)\n\n半句话的后面。\n", encoding="utf-8")

    import_paths([tmp_path])

    flag = ReviewFlag.objects.get(code="continuation_unmatched", status="open")
    assert flag.article.page == 2
    assert "职工书屋建设" in flag.message and "职工书屋管理" in flag.message
    assert not Article.objects.filter(continues__isnull=False).exists()
    assert Article.objects.public().count() == 3


def test_a_joined_article_is_found_by_its_continuations_text_once(
    tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_paths(_write(tmp_path, FILES))
    found = list(search_articles("金蓝领"))
    assert [a.headline for a in found] == ["杭州职工技能大赛开赛"]


def test_an_article_joined_across_batches_has_its_search_document_written_once(
    tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    """A lead whose continuation comes in a later batch waits for it: its document is written
    once, with the continuation's text, not once without it and again after the join (on
    SQLite the pages load one by one, on PostgreSQL a batch at a time: both wait)."""
    from newsroom.search import indexing

    written: list[int] = []
    real_write = indexing._write

    def counting_write(documents, using):
        written.extend(document.article_id for document in documents)
        return real_write(documents, using)

    monkeypatch.setattr(indexing, "_write", counting_write)
    # Page 3 (the continuation of page 1's lead) in a batch of its own, after 1 and 2.
    monkeypatch.setattr(django_settings, "IMPORT_BATCH_PAGES", 2)
    with django_capture_on_commit_callbacks(execute=True):
        import_paths(_write(tmp_path, FILES))

    articles = Article.objects.count()
    assert sorted(written) == sorted(Article.objects.values_list("pk", flat=True))
    assert len(written) == articles
    assert [a.headline for a in search_articles("金蓝领")] == ["杭州职工技能大赛开赛"]
    assert Article.objects.filter(continues__isnull=False).count() == 2


def test_an_article_whose_continuation_never_comes_is_still_found(
    tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_paths(_write(tmp_path, {"1.txt": FRONT}))

    assert [a.headline for a in search_articles("数控车工")] == ["杭州职工技能大赛开赛"]
    assert ReviewFlag.objects.filter(code="jump_pending", status="open").count() == 2


def test_joining_a_page_costs_the_same_queries_however_full_the_issue_is(tmp_path):
    """Loading page 3 joins its part with a fixed number of queries, whatever else the issue holds."""

    def queries_for_page_3(day: int, extra: int) -> int:
        def dated(text: str) -> str:
            return text.replace("2021年3月19日", f"2021年3月{day}日").replace("星期五", "")

        others = "".join(f"## 其他新闻{n}\n\n本报讯 第{n}条消息。\n\n" for n in range(extra))
        folder = tmp_path / str(day)
        folder.mkdir()
        (folder / "1.txt").write_text(dated(FRONT) + "\n" + others, encoding="utf-8")
        (folder / "2.md").write_text(dated(PAGE_2), encoding="utf-8")
        import_paths([folder])
        (tmp_path / f"{day}-3.md").write_text(dated(PAGE_3), encoding="utf-8")
        with CaptureQueriesContext(connection) as captured:
            import_paths([tmp_path / f"{day}-3.md"])
        joined = Article.objects.public().get(issue__date__day=day, headline="杭州职工技能大赛开赛")
        assert joined.pages == [1, 3]
        return len(captured.captured_queries)

    assert queries_for_page_3(19, extra=0) == queries_for_page_3(20, extra=8)


def test_withdrawing_a_continued_article_withdraws_its_parts_and_a_late_part_joins_withdrawn(tmp_path):
    import_paths(_write(tmp_path, ["1.txt", "2.md"]))
    chief = make_user(role="chief editor")
    meeting = Article.objects.get(headline="全省工会数字化改革推进会召开")
    editorial.set_visibility(Article.objects.filter(pk=meeting.pk), "withdrawn", user=chief)
    assert Article.objects.get(page=2, position=1).visibility == "withdrawn"

    contest = Article.objects.get(headline="杭州职工技能大赛开赛")
    editorial.set_visibility(Article.objects.filter(pk=contest.pk), "withdrawn", user=chief)
    import_paths(_write(tmp_path, ["3.md"]))  # the rest of the withdrawn article arrives

    part = Article.objects.get(page=3, position=1)
    assert (part.continues_id, part.visibility) == (contest.pk, "withdrawn")
    assert not Article.objects.public().filter(headline__in=[contest.headline, meeting.headline])
    assert Article.objects.public().count() == 1  # 小微企业享受减税红利 alone


def test_an_editor_joins_an_ambiguous_continuation_by_hand_and_imports_keep_it(tmp_path):
    (tmp_path / "1.txt").write_text(
        MASTHEAD + "## 职工书屋建设\n\n第一段,没有写完的\n\n(下转第2版)\n\n"
        "## 职工书屋管理\n\n另一篇,也没有写完的\n\n(下转第2版)\n", encoding="utf-8")
    (tmp_path / "2.md").write_text(
        "2021年3月19日 星期五\n第2版 综合\n\n## (上接第1版)\n\n半句话的后面。\n", encoding="utf-8")
    import_paths([tmp_path])
    lead = Article.objects.get(headline="职工书屋管理")
    part = Article.objects.get(page=2)
    chief = make_user(role="chief editor")

    editorial.join_articles(lead, part, user=chief)

    lead = Article.objects.get(pk=lead.pk)
    # Its jump was cut mid-sentence: the continuation goes on in the same paragraph.
    assert lead.pages == [1, 2] and lead.body_text.endswith("也没有写完的半句话的后面。")
    assert lead.version == 2
    assert not ReviewFlag.objects.filter(code="continuation_unmatched", status="open").exists()
    assert part.history.latest().history_user == chief
    import_paths([tmp_path / "2.md"])
    import_paths([tmp_path / "1.txt"])
    assert Article.objects.get(pk=lead.pk).pages == [1, 2]  # the importer leaves the join

    editorial.split_article(Article.objects.get(pk=part.pk), user=chief)
    import_paths([tmp_path])
    assert Article.objects.get(pk=lead.pk).pages == [1]
    assert not Article.objects.filter(continues__isnull=False).exists()


def test_joining_is_refused_across_issues_in_loops_and_twice(tmp_path):
    import_paths(_write(tmp_path, FILES))
    chief = make_user(role="chief editor")
    contest, part = _contest(), Article.objects.get(page=3, position=1)
    other = Article.objects.get(headline="小微企业享受减税红利")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        editorial.join_articles(other, part, user=chief)  # the part continues the contest already
    with pytest.raises(ValidationError):
        editorial.join_articles(part, contest, user=chief)  # a loop
    with pytest.raises(ValidationError):
        editorial.join_articles(contest, other, user=chief)  # the contest has its continuation
    editor = make_user(role="editor")
    editorial.split_article(part, user=editor)  # editors correct articles: they may split
    assert _contest().pages == [1]


def test_a_continuations_photo_and_its_credit_find_the_whole_article(
    tmp_path, django_capture_on_commit_callbacks
):
    """The photo on page 3 is the continued article's: search finds the lead by its caption and
    its photographer, whichever page came first (the lead is re-indexed when the part joins)."""
    with_photo = PAGE_3.replace(
        "## (上接第1版)\n\n",
        "## (上接第1版)\n\n选手在数控机床前比拼操作技能。记者邹伟锋 摄\n\n",
    )
    for name, text in (("3.md", with_photo), ("1.txt", FRONT)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        with django_capture_on_commit_callbacks(execute=True):
            import_paths([tmp_path / name])
    contest = _contest()
    assert contest.pages == [1, 3]
    assert [a.headline for a in search_articles("数控机床")] == ["杭州职工技能大赛开赛"]
    assert [a.headline for a in search_articles("邹伟锋")] == ["杭州职工技能大赛开赛"]


def test_reimporting_unchanged_pages_writes_nothing_and_skips_the_join_pass(tmp_path):
    paths = _write(tmp_path, FILES)
    import_paths(paths)
    with CaptureQueriesContext(connection) as captured:
        report = import_paths(paths)
    assert not any(r.wrote for r in report.files)
    sql = [q["sql"] for q in captured.captured_queries]
    writes = [s for s in sql if s.split()[0] in ("INSERT", "UPDATE", "DELETE")
              and "newsroom_import" not in s]  # the run and its file list are recorded
    assert writes == []
    assert not [s for s in sql if "joined_continuation" in s or "jump_pending" in s]
    _assert_joined()


def test_a_batch_joins_its_issues_with_the_same_queries_however_many_there_are():
    from importers.load.joins import join_issues
    from tests.factories import make_article, make_issue, make_page

    def issues_with_a_jump(count: int, first_day: int) -> dict:
        issues = {}
        for day in range(first_day, first_day + count):
            issue = make_issue(date=f"2021-03-{day:02d}")
            for number in (1, 3):
                make_page(issue, number)
            make_article(issue, page=1, position=1, headline="杭州职工技能大赛开赛", jump_to=3,
                         body="比赛成绩优异的选手将获得")
            make_article(issue, page=3, position=1, headline="", heading="(上接第1版)",
                         is_continuation=True, continued_from=1, body="“浙江金蓝领”称号。")
            issues[issue.pk] = (issue, "导入")
        return issues

    def queries(issues: dict) -> int:
        with CaptureQueriesContext(connection) as captured:
            changed = join_issues(issues)
        assert len(changed) == 2 * len(issues)
        return len(captured.captured_queries)

    assert queries(issues_with_a_jump(1, first_day=1)) == queries(issues_with_a_jump(4, first_day=10))
    assert Article.objects.filter(continues__isnull=False).count() == 5
    assert ReviewFlag.objects.filter(code="joined_continuation", status="open").count() == 5


def test_a_batch_indexes_its_joined_articles_from_its_rows_as_the_general_path_does(
    tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    """Joined in the batch that wrote them, a lead and its parts are indexed there from the
    rows in hand, not read back after the run; their documents are those index_articles
    writes (the page-by-page path), photos, credits and aliases of the parts included."""
    from importers.load.page import PageLoader
    from newsroom import changes
    from newsroom.models import Person, PersonAlias
    from newsroom.search import index_articles
    from newsroom.search.models import ArticleDocument
    from tests.load.pages import archive_snapshot, empty_the_archive

    with_photo = PAGE_3.replace(
        "## (上接第1版)\n\n",
        "## (上接第1版)\n\n选手在数控机床前比拼操作技能。记者邹伟锋 摄\n\n",
    )
    texts = {**FILES, "3.md": with_photo}
    paths = []
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    read_back: list[int] = []
    real_reindex = changes._reindex
    monkeypatch.setattr(changes, "_reindex", lambda ids, using: (read_back.extend(ids), real_reindex(ids, using)))

    def run(bulk: bool) -> dict:
        monkeypatch.setattr(PageLoader, "BULK_NEW_ISSUES", bulk)
        with django_capture_on_commit_callbacks(execute=True):
            empty_the_archive()
            PersonAlias.objects.create(person=Person.objects.create(name="邹伟锋"), name="邹伟峰")
            import_paths(paths)
        return archive_snapshot()

    one_by_one = run(bulk=False)
    read_back.clear()
    in_bulk = run(bulk=True)

    # (Their flags and history differ: page by page, a jump waits for its page, then joins.)
    for kind in ("Article", "Photo", "Credit", "search documents"):
        assert in_bulk[kind] == one_by_one[kind], kind
    joined = set(Article.objects.filter(continues__isnull=False).values_list("pk", "continues"))
    assert len(joined) == 2
    assert not {pk for pair in joined for pk in pair} & set(read_back)
    # What the general path would write now is what the batch wrote.
    written = {d.article_id: (d.title, d.vector, d.body, d.extra, d.ocr_text)
               for d in ArticleDocument.objects.all()}
    with django_capture_on_commit_callbacks(execute=True):
        index_articles(list(written))
    assert {d.article_id: (d.title, d.vector, d.body, d.extra, d.ocr_text)
            for d in ArticleDocument.objects.all()} == written
    assert [a.headline for a in search_articles("邹伟峰")] == ["杭州职工技能大赛开赛"]
