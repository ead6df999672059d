"""The OCR page parser (importers/parser.py): two real front pages and one small page per rule.

No database and no Django: run with ``pytest tests/test_parser.py -p no:django``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importers.parser import (
    MAX_PAGE_BYTES,
    Draft,
    Entry,
    UniqueWindows,
    ends_sentence,
    lunar_date_of,
    mark_stray_copies,
    parse_page,
    read_page,
    split_heading,
)
from importers.publications import KNOWN_PUBLICATIONS, masthead_mismatches
from importers.records import (
    CORRESPONDENT,
    INTERN,
    PHOTO_NEWS,
    PHOTOGRAPHER,
    REPORTER,
    SPECIAL_CORRESPONDENT,
    TRAINEE_REPORTER,
    ContributorRecord,
    ParseError,
)
from newsroom.lib.blocks import CROSSHEAD, PARAGRAPH, parse_body, render_body

ROOT = Path(__file__).resolve().parent.parent
SEED_000 = ROOT / "seeds" / "000_08ceee72487f69f5.txt"
SEED_002 = ROOT / "seeds" / "002_758893745608affc.txt"
REPAIRS = {"joined_paragraphs", "removed_stray_line", "removed_furniture", "crosshead_detected"}

HARD_BREAK = "  "  # Markdown hard break, as the OCR tool writes it
MASTHEAD = "\n".join(
    [
        "辛丑年二月初七" + HARD_BREAK,
        "2021年3月19日" + HARD_BREAK,
        "星期五",
        "",
        "电子版:www.zjgrrb.com" + HARD_BREAK,
        "电子邮件:zjgrrb@163.com" + HARD_BREAK,
        "国内统一刊号:CN33-0018" + HARD_BREAK,
        "邮发代号:31-2 总第11771号",
        "",
        "# 浙江工人日报",
        "",
        "倾情关注劳动群体 全心服务工会组织",
        "",
        "浙工之家 掌上娘家",
        "",
        "",
        "",
        "浙江省总工会官方微信公众号",
        "",
        "社址:杭州市学院路107号 邮编:310012",
        "",
    ]
)
HEADING_LINE = MASTHEAD.count("\n") + 2  # page() puts one blank line between
BODY_LINE = HEADING_LINE + 2  # article() puts one blank line under the heading


def page(body: str, masthead: str = MASTHEAD):
    """Parse a hand-written page: the standard masthead, then ``body``."""
    return parse_page(masthead + "\n" + body, "test.md")


def article(body: str, heading: str = "测试标题"):
    """Parse a page holding one article and return that article."""
    return page(f"## {heading}\n\n{body}").articles[0]


def who(contributors) -> list[tuple[str, str]]:
    """Return contributors as (name, role) pairs."""
    return [(c.name, c.role) for c in contributors]


def codes(flags) -> list[str]:
    return [f.code for f in flags]


def body_of(record) -> str:
    return render_body(record.blocks)


@pytest.fixture(scope="module")
def seed_000():
    return read_page(SEED_000.read_bytes(), "seeds/000_08ceee72487f69f5.txt")


@pytest.fixture(scope="module")
def seed_002():
    return read_page(SEED_002.read_bytes(), "seeds/002_758893745608affc.txt")


@pytest.fixture(scope="module", params=["000", "002"])
def seed_page(request, seed_000, seed_002):
    return {"000": seed_000, "002": seed_002}[request.param]


# ----------------------------------------------------------------------------- seed 000


def test_seed_000_masthead_reads_every_printed_fact(seed_000):
    issue = seed_000.issue
    assert issue.publication == "浙江工人日报"
    assert issue.date == dt.date(2021, 3, 19)
    assert issue.lunar_date == "辛丑年二月初七"
    assert issue.weekday == "星期五"
    assert issue.number == 11771
    assert issue.cn_number == "CN33-0018"
    assert issue.postal_code == "31-2"
    assert issue.website == "www.zjgrbb.com"
    assert issue.email == "zjarkw@163.com"
    assert issue.slogan == "倾情关注劳动群体 全心服务工会组织"
    assert issue.address == "杭州市学院路107号"
    assert issue.postcode == "310012"


def test_seed_000_flags_the_misprinted_website_and_email_only(seed_000):
    flags = seed_000.flags
    assert codes(flags) == ["masthead_mismatch", "masthead_mismatch"]
    assert "www.zjgrbb.com" in flags[0].message and "www.zjgrrb.com" in flags[0].message
    assert flags[0].lines == (9, 9)
    assert "zjarkw@163.com" in flags[1].message and "zjgrrb@163.com" in flags[1].message
    assert flags[1].original == "电子邮件:zjarkw@163.com  "


def test_seed_000_has_five_articles_and_four_ads_in_page_order(seed_000):
    headings = [a.heading for a in seed_000.articles]
    assert headings == [
        "史济锡在嘉兴调研工会工作时强调 以党史学习教育为契机 奋力打造红色工会",
        "村头来了 党史宣讲小分队",
        "全国首个跨境电商出海联盟落地近一年 中小外贸企业成功“搭船出海”",
        "浙江发布 数字商贸建设 三年行动计划 到2022年网络零售额实现2.5万亿元",
        "用工实名制、工资支付 全程监管、超期未发会预警 绍兴17万劳动者 工资支付 纳入数字化监管",
    ]
    assert [a.position for a in seed_000.articles] == [1, 2, 3, 4, 5]
    assert [a.kind for a in seed_000.articles] == [
        "article",
        "photo",
        "article",
        "article",
        "article",
    ]
    assert [ad.position for ad in seed_000.advertisements] == [1, 2, 3, 4]


def test_seed_000_headings_split_into_kicker_headline_and_subheadline(seed_000):
    parts = [(a.kicker, a.headline, a.subheadline) for a in seed_000.articles]
    assert parts == [
        ("史济锡在嘉兴调研工会工作时强调", "以党史学习教育为契机 奋力打造红色工会", ""),
        ("", "村头来了 党史宣讲小分队", ""),
        ("全国首个跨境电商出海联盟落地近一年", "中小外贸企业成功“搭船出海”", ""),
        ("", "浙江发布 数字商贸建设 三年行动计划", "到2022年网络零售额实现2.5万亿元"),
        (
            "用工实名制、工资支付 全程监管、超期未发会预警",
            "绍兴17万劳动者 工资支付 纳入数字化监管",
            "",
        ),
    ]


def test_seed_000_first_article_byline_names_reporter_and_trainee(seed_000):
    first = seed_000.articles[0]
    assert first.dateline == "本报讯"
    assert who(first.contributors) == [("阮向民", REPORTER), ("金钩", TRAINEE_REPORTER)]
    assert first.blocks[0].text.startswith("昨日,省人大常委会副主任")
    assert "报道" not in first.blocks[0].text


def test_seed_000_first_article_photo_is_captioned_and_credited_not_body(seed_000):
    first = seed_000.articles[0]
    (photo,) = first.photos
    assert photo.caption == (
        "昨日,史济锡赴嘉兴调研工会工作,在“卫星石化”,详细了解新时代产业工人队伍建设改革工作情况。"
    )
    assert who(photo.contributors) == [("邹伟锋", PHOTOGRAPHER)]
    assert photo.lines == (50, 51)
    assert photo.position == 1
    assert "卫星石化”,详细了解" not in body_of(first)
    assert "邹伟锋" not in body_of(first)


def test_seed_000_first_article_drops_the_stray_copy_and_joins_across_the_photo(seed_000):
    first = seed_000.articles[0]
    body = body_of(first)
    stray = [f for f in first.flags if f.code == "removed_stray_line"]
    assert [f.lines for f in stray] == [(36, 36)]
    assert body.count("史济锡指出,要深刻认识省委") == 1
    assert "要深刻认识省委提出的数字化改革的重要意义" in body
    assert "在系统化建设上下功夫;以全力打造" in body
    joins = [f.lines for f in first.flags if f.code == "joined_paragraphs"]
    assert joins == [(34, 38), (46, 53), (55, 57), (59, 61)]


def test_seed_000_unfinished_short_lines_are_continuations_not_crossheads(seed_000):
    first = seed_000.articles[0]
    body = body_of(first)
    assert all(block.type == PARAGRAPH for block in first.blocks)
    assert "要以浙江高质量发展建设共同富裕示范区" in body
    assert "以锻造“唯实惟先、善作善成”堪当" in body
    assert len(first.blocks) == 11


def test_seed_000_photo_news_item_is_its_own_caption(seed_000):
    item = seed_000.articles[1]
    assert item.kind == PHOTO_NEWS
    assert item.dateline == ""
    assert who(item.contributors) == [("郑莎", PHOTOGRAPHER)]
    (photo,) = item.photos
    assert who(photo.contributors) == [("郑莎", PHOTOGRAPHER)]
    assert photo.caption == "\n".join(block.text for block in item.blocks)
    assert photo.position == 2
    assert len(item.blocks) == 2
    assert "确保党史“讲”得好、“传”得开。当天" in item.blocks[1].text
    assert "摄" not in body_of(item)


def test_seed_000_third_article_has_three_crossheads_and_ends_complete(seed_000):
    third = seed_000.articles[2]
    assert third.dateline == ""
    assert who(third.contributors) == [("单玉紫枫", CORRESPONDENT)]
    assert third.blocks[0].text.startswith("一家传统中小外贸企业")
    crossheads = [b.text for b in third.blocks if b.type == CROSSHEAD]
    assert crossheads == ["“至暗时刻”的那一束光", "大主顾从老外变甬商", "线上版“大出海时代”"]
    assert codes(third.flags).count("crosshead_detected") == 3
    assert third.truncated is False
    assert third.blocks[-1].text.endswith("联盟服务企业超过1万家。")
    assert "吴威告诉笔者,联盟今年的运行目标" in third.blocks[-1].text


def test_seed_000_third_article_mends_three_column_breaks(seed_000):
    body = body_of(seed_000.articles[2])
    assert "宁波的进出口总额为1842.2亿元" in body
    assert "中国外贸先抑后扬" in body
    assert "无需抵押担保,就能获批最高500万元授信" in body
    joins = [f.lines for f in seed_000.articles[2].flags if f.code == "joined_paragraphs"]
    assert joins == [(91, 93), (111, 113), (121, 123)]


def test_seed_000_fourth_and_fifth_articles_credit_their_authors(seed_000):
    fourth, fifth = seed_000.articles[3], seed_000.articles[4]
    assert who(fourth.contributors) == [("张浩星", REPORTER)]
    assert fourth.blocks[0].text.startswith("记者近日从省商务厅获悉")
    assert who(fifth.contributors) == [("杜珊珊", CORRESPONDENT)]
    assert fifth.dateline == "本报讯"
    assert fourth.flags == () and fifth.flags == ()


def test_seed_000_no_article_is_truncated(seed_000):
    assert [a.truncated for a in seed_000.articles] == [False] * 5


def test_seed_000_bank_ads_give_advertiser_phone_and_website(seed_000):
    ads = [(ad.advertiser, ad.phone, ad.website) for ad in seed_000.advertisements]
    assert ads == [
        ("中国工商银行", "95588", "WWW.ICBC.COM.CN"),
        ("中国建设银行", "95533", "www.ccb.com"),
        ("中国农业银行", "95599", "www.abchina.com"),
        ("中国银行", "", ""),
    ]
    icbc = seed_000.advertisements[0]
    assert icbc.text == "ICBC 中国工商银行\n浙江省分行\n电话银行:95588\n网址:WWW.ICBC.COM.CN"
    assert icbc.lines == (155, 158)


def test_seed_000_ads_end_the_last_article(seed_000):
    last = seed_000.articles[-1]
    assert "工商银行" not in body_of(last)
    assert last.lines == (145, 154)
    assert last.blocks[-1].text.endswith("新兴业态企业延伸。")


# ----------------------------------------------------------------------------- seed 002


def test_seed_002_masthead_flags_the_misprinted_cn_number(seed_002):
    issue = seed_002.issue
    assert (issue.date, issue.lunar_date, issue.weekday) == (
        dt.date(2022, 6, 17),
        "壬寅年五月十九",
        "星期五",
    )
    assert (issue.number, issue.website, issue.email) == (12135, "www.zjgrrb.com", "zjgrrb@163.com")
    assert issue.address == "杭州市学院路107号" and issue.postcode == "310012"
    (flag,) = seed_002.flags
    assert flag.code == "masthead_mismatch"
    assert flag.message == "masthead prints CN33-001E where the paper's CN number is CN33-0018"
    assert flag.lines == (12, 12)


def test_seed_002_has_four_articles_and_no_ads(seed_002):
    assert [a.headline for a in seed_002.articles] == [
        "加快建成一批具有工会辨识度 和全省影响力的标志性成果",
        "这场微型消防站技能比武“燃爆”夏日",
        "应急处置练兵",
        "浙企享受税收优惠 超5600万元",
    ]
    assert [a.kind for a in seed_002.articles] == ["article", "article", "photo", "article"]
    assert seed_002.advertisements == ()
    assert [a.truncated for a in seed_002.articles] == [False] * 4


def test_seed_002_first_article_photo_stands_before_the_byline(seed_002):
    first = seed_002.articles[0]
    assert first.kicker == "全省工会数字化改革推进会强调"
    (photo,) = first.photos
    assert photo.caption == "昨日下午,全省工会数字化改革推进会召开。"
    assert who(photo.contributors) == [("邹伟锋", PHOTOGRAPHER)]
    assert first.dateline == "本报讯"
    assert who(first.contributors) == [("阮向民", REPORTER)]
    assert first.blocks[0].text.startswith("全省工会数字化改革推进会昨日下午以视频形式召开")
    joins = [f.lines for f in first.flags if f.code == "joined_paragraphs"]
    assert joins == [(37, 39), (45, 47), (51, 53)]


def test_seed_002_second_article_infers_the_uncredited_photo_from_the_byline(seed_002):
    second = seed_002.articles[1]
    assert second.subheadline == "省总工会、省红十字会联合开展“救在身边·助力企业安全生产”专项行动"
    assert who(second.contributors) == [("程雪", REPORTER), ("程雪", PHOTOGRAPHER)]
    (photo,) = second.photos
    assert photo.caption == "比赛现场。"
    assert who(photo.contributors) == [("程雪", PHOTOGRAPHER)]
    assert "photo_credit_inferred" in codes(second.flags)
    assert "比赛现场" not in body_of(second)
    assert "技能比武、隐患排查竞赛" in body_of(second)
    assert "默契配合,灭火" in body_of(second)


def test_seed_002_third_item_is_photo_news_by_its_correspondent(seed_002):
    item = seed_002.articles[2]
    assert item.kind == PHOTO_NEWS
    assert who(item.contributors) == [("蔡伟华", PHOTOGRAPHER)]
    (photo,) = item.photos
    assert photo.caption.endswith("图为消防队员将“伤员”抬下车。")
    assert photo.caption == item.blocks[0].text
    assert [p.position for a in seed_002.articles for p in a.photos] == [1, 2, 3]


def test_seed_002_fourth_article_drops_the_hotline_and_joins_the_date(seed_002):
    fourth = seed_002.articles[3]
    assert fourth.kicker == "RCEP生效实施5个月"
    assert who(fourth.contributors) == [("张浩呈", REPORTER)]
    body = body_of(fourth)
    assert "RCEP于2022年1月1日起正式生效实施" in body
    assert "88851111" not in body and "新闻服务热线" not in body
    (furniture,) = [f for f in fourth.flags if f.code == "removed_furniture"]
    assert furniture.lines == (95, 97)
    assert furniture.original == "88851111\n\n新闻服务热线"
    join = next(f for f in fourth.flags if f.code == "joined_paragraphs")
    assert join.lines == (93, 99)


# ----------------------------------------------------------------------- both seeds: contracts


def test_every_heading_splits_back_into_itself(seed_page):
    for item in seed_page.articles:
        parts = [item.kicker, item.headline, item.subheadline]
        assert " ".join(part for part in parts if part) == item.heading
        assert item.headline


def test_every_repair_flag_names_text_found_once_in_the_body(seed_page):
    for item in seed_page.articles:
        body = body_of(item)
        for flag in item.flags:
            if flag.code not in REPAIRS:
                assert flag.before == flag.after == ""
                continue
            assert body.count(flag.after) == 1, flag
            assert flag.before != flag.after
            assert flag.original


def test_each_undo_alone_restores_what_the_repair_changed(seed_page):
    for item in seed_page.articles:
        body = body_of(item)
        for flag in (f for f in item.flags if f.code in REPAIRS):
            undone = parse_body(body.replace(flag.after, flag.before, 1))
            if flag.code == "crosshead_detected":
                assert CROSSHEAD not in {b.type for b in undone if b.text in flag.original}
            elif flag.code == "joined_paragraphs":
                assert len(undone) == len(item.blocks) + 1
            else:
                removed = flag.original.split("\n\n")
                assert set(removed) <= {b.text for b in undone}


def test_undoing_every_repair_in_order_gives_back_the_printed_fragments(seed_page):
    for item in seed_page.articles:
        text = body_of(item)
        for flag in (f for f in item.flags if f.code in REPAIRS):
            if flag.after in text:  # a removal at a join undoes the join as well
                text = text.replace(flag.after, flag.before, 1)
        restored = {b.text for b in parse_body(text)}
        for flag in (f for f in item.flags if f.code in REPAIRS):
            first, last = flag.lines
            for number in {first, last}:
                line = item.original_text.split("\n")[number - item.lines[0]].strip()
                assert line in restored, (flag.code, number, line)


def test_article_original_text_is_the_verbatim_span(seed_page):
    source = SEED_000 if seed_page.issue.number == 11771 else SEED_002
    lines = source.read_text(encoding="utf-8").split("\n")
    for item in seed_page.articles:
        first, last = item.lines
        assert item.original_text == "\n".join(lines[first - 1 : last])
        assert lines[first - 1].startswith("## ")
    for ad in seed_page.advertisements:
        assert ad.original_text == "\n".join(lines[ad.lines[0] - 1 : ad.lines[1]])


def test_page_prints_as_json(seed_page):
    printed = json.loads(json.dumps(seed_page.as_json(), ensure_ascii=False))
    assert len(printed["articles"]) == len(seed_page.articles)
    assert printed["issue"]["date"] == seed_page.issue.date.isoformat()


def test_page_records_sha256_of_the_raw_bytes(seed_000):
    assert seed_000.sha256 == hashlib.sha256(SEED_000.read_bytes()).hexdigest()
    assert seed_000.encoding == "utf-8"


def test_parser_module_imports_no_django():
    code = (
        "import sys, importers.parser, importers.publications; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


# ------------------------------------------------------------------------------- masthead


def test_masthead_fields_read_with_full_width_colons_and_shared_lines():
    masthead = (
        "2021年3月19日 星期五 辛丑年二月初七\n"
        "电子版：www.zjgrrb.com 电子信箱 ： zjgrrb@163.com\n"
        "国内统一刊号：CN33-0018 邮发代号：31-2 总第 11771 号  \n"
        "# 浙江工人日报\n"
        "倾情关注劳动群体 全心服务工会组织  \n"
        "社址：杭州市学院路107号  邮编：310012  \n"
    )
    issue = page("## 标题\n\n正文第一段。\n", masthead).issue
    assert issue.website == "www.zjgrrb.com"
    assert issue.email == "zjgrrb@163.com"
    assert issue.cn_number == "CN33-0018"
    assert issue.postal_code == "31-2"
    assert issue.number == 11771
    assert issue.slogan == "倾情关注劳动群体 全心服务工会组织"
    assert issue.address == "杭州市学院路107号"
    assert issue.postcode == "310012"


def test_qr_code_captions_in_the_masthead_are_ignored():
    result = page("## 标题\n\n正文。\n")
    assert [a.heading for a in result.articles] == ["标题"]
    assert result.flags == ()


def test_weekday_that_does_not_fall_on_the_date_is_flagged():
    result = page("## 标题\n\n正文。\n", MASTHEAD.replace("星期五", "星期四"))
    (flag,) = result.flags
    assert flag.code == "weekday_mismatch"
    assert "星期五" in flag.message and flag.lines == (3, 3)


def test_lunar_date_that_does_not_match_is_flagged_with_the_right_one():
    result = page("## 标题\n\n正文。\n", MASTHEAD.replace("二月初七", "二月初八"))
    (flag,) = result.flags
    assert flag.code == "lunar_date_mismatch"
    assert "辛丑年二月初七" in flag.message and flag.lines == (1, 1)


def lunar_python_date(date: dt.date) -> str:
    """The lunar date as lunar_python converts one day on its own (what lunar_date_of speeds up)."""
    from lunar_python import Solar

    lunar = Solar.fromYmd(date.year, date.month, date.day).getLunar()
    return f"{lunar.getYearInGanZhi()}年{lunar.getMonthInChinese()}月{lunar.getDayInChinese()}"


def test_lunar_dates_equal_lunar_pythons_day_by_day_conversion():
    # Every day of a year with a leap month (闰四月), around both new years, and a day of
    # each month across the twentieth and twenty-first centuries.
    days = [dt.date(2020, 1, 1) + dt.timedelta(days=n) for n in range(366 + 60)]
    days += [dt.date(year, month, 28) for year in range(1901, 2100, 7) for month in range(1, 13)]
    days += [dt.date(1901, 1, 1), dt.date(2099, 12, 31)]
    assert [lunar_date_of(day) for day in days] == [lunar_python_date(day) for day in days]


def test_lunar_leap_month_and_month_aliases_are_accepted():
    assert lunar_date_of(dt.date(2020, 5, 23)) == "庚子年闰四月初一"
    leap = (
        MASTHEAD.replace("辛丑年二月初七", "庚子年闰四月初一")
        .replace("2021年3月19日", "2020年5月23日")
        .replace("星期五", "星期六")
    )
    assert page("## 标题\n\n正文。\n", leap).flags == ()
    winter = (
        MASTHEAD.replace("辛丑年二月初七", "辛丑年十一月廿二")
        .replace("2021年3月19日", "2021年12月25日")
        .replace("星期五", "星期六")
    )
    assert page("## 标题\n\n正文。\n", winter).flags == ()


def test_unknown_paper_gets_no_masthead_mismatch():
    other = MASTHEAD.replace("# 浙江工人日报", "# 某某晚报").replace("CN33-0018", "CN11-0000")
    result = page("## 标题\n\n正文。\n", other)
    assert result.issue.publication == "某某晚报"
    assert result.flags == ()


def test_masthead_mismatches_compare_case_and_space_insensitively(seed_002):
    known = KNOWN_PUBLICATIONS["浙江工人日报"]
    issue = seed_002.issue
    from dataclasses import replace

    shouting = replace(issue, cn_number="cn33-0018", website=" WWW.ZJGRRB.COM ", email="")
    assert masthead_mismatches(shouting, known) == []
    (flag,) = masthead_mismatches(issue, known, {"cn_number": 12})
    assert flag.lines == (12, 12)
    assert flag.message == "masthead prints CN33-001E where the paper's CN number is CN33-0018"
    assert masthead_mismatches(issue, {**known, "cn_number": "CN33-001E"}) == []


# ---------------------------------------------------------------------------------- bylines


def test_byline_with_dateline_names_reporter_and_trainee():
    item = article("本报讯 记者阮向民 见习记者金钩报道 昨日,会议召开。\n")
    assert item.dateline == "本报讯"
    assert who(item.contributors) == [("阮向民", REPORTER), ("金钩", TRAINEE_REPORTER)]
    assert item.blocks[0].text == "昨日,会议召开。"


def test_byline_without_dateline_names_the_correspondent():
    item = article("通讯员单玉紫枫报道 一家企业转型了。\n")
    assert item.dateline == ""
    assert who(item.contributors) == [("单玉紫枫", CORRESPONDENT)]
    assert item.blocks[0].text == "一家企业转型了。"


def test_byline_with_photographer_gives_two_credits():
    item = article("本报讯 记者程雪摄影报道 本月是安全生产月。\n")
    assert who(item.contributors) == [("程雪", REPORTER), ("程雪", PHOTOGRAPHER)]


def test_byline_lists_several_names_per_role():
    item = article("本报讯 通讯员杜珊珊、王五 实习生李四 特约记者赵六报道 员工姓名一目了然。\n")
    assert who(item.contributors) == [
        ("杜珊珊", CORRESPONDENT),
        ("王五", CORRESPONDENT),
        ("李四", INTERN),
        ("赵六", SPECIAL_CORRESPONDENT),
    ]


@pytest.mark.parametrize(
    ("opening", "dateline", "people"),
    [
        ("本报杭州3月18日电 记者张三报道 ", "本报杭州3月18日电", [("张三", REPORTER)]),
        (
            "新华社北京3月18日电(记者 李四 王五) ",
            "新华社北京3月18日电",
            [("李四", REPORTER), ("王五", REPORTER)],
        ),
        (
            "本报讯（记者 张三 通讯员 李四）",
            "本报讯",
            [("张三", REPORTER), ("李四", CORRESPONDENT)],
        ),
        ("本报讯 ", "本报讯", []),
    ],
)
def test_datelines_follow_a_general_pattern(opening, dateline, people):
    item = article(opening + "会议昨日召开。\n")
    assert item.dateline == dateline
    assert who(item.contributors) == people
    assert item.blocks[0].text == "会议昨日召开。"


def test_sentence_opening_with_the_word_reporter_is_not_a_byline():
    item = article("记者近日从省商务厅获悉,全省网络零售额实现增长。\n")
    assert item.contributors == () and item.dateline == ""
    assert item.blocks[0].text == "记者近日从省商务厅获悉,全省网络零售额实现增长。"


# ----------------------------------------------------------------------------------- photos


def test_caption_after_an_empty_image_slot_with_credit_line_is_a_photo():
    item = article(
        "本报讯 记者张三报道 会议召开。\n\n\n\n\n会场一角。  \n记者李四 摄\n\n会议指出,要团结奋斗。\n"
    )
    (photo,) = item.photos
    assert photo.caption == "会场一角。"
    assert who(photo.contributors) == [("李四", PHOTOGRAPHER)]
    assert [b.text for b in item.blocks] == ["会议召开。", "会议指出,要团结奋斗。"]


def test_credit_at_the_end_of_the_caption_line_is_split_off():
    item = article(
        "\n\n\n昨日下午,推进会召开。记者邹伟锋 摄\n\n本报讯 记者阮向民报道 推进会召开。\n"
    )
    (photo,) = item.photos
    assert photo.caption == "昨日下午,推进会召开。"
    assert who(photo.contributors) == [("邹伟锋", PHOTOGRAPHER)]
    assert who(item.contributors) == [("阮向民", REPORTER)]


def test_markdown_image_line_is_an_image_slot_and_agency_credits_are_read():
    item = article(
        "本报讯 记者张三报道 会议召开。\n\n![](img/1.jpg)\n\n代表们在会场交流。新华社记者 赵五 摄\n"
    )
    (photo,) = item.photos
    assert photo.caption == "代表们在会场交流。"
    assert who(photo.contributors) == [("赵五", PHOTOGRAPHER)]
    assert body_of(item) == "会议召开。"


def test_uncredited_caption_is_credited_to_the_byline_photographer():
    item = article("本报讯 记者程雪摄影报道 比赛开始。\n\n比赛结束。\n\n\n\n比赛现场。\n")
    (photo,) = item.photos
    assert who(photo.contributors) == [("程雪", PHOTOGRAPHER)]
    (flag,) = item.flags
    assert flag.code == "photo_credit_inferred" and flag.lines == (BODY_LINE + 6, BODY_LINE + 6)


def test_uncredited_caption_without_photographer_byline_has_no_credit():
    item = article("本报讯 记者程雪报道 比赛开始。\n\n比赛结束。\n\n\n\n比赛现场。\n")
    (photo,) = item.photos
    assert photo.contributors == ()
    assert item.flags == ()


def test_photo_news_has_one_photo_captioned_with_its_text():
    item = article("近日,小分队在村里宣讲党史。\n\n村民们听得认真。\n\n通讯员郑莎 摄\n", "村头来了")
    assert item.kind == PHOTO_NEWS
    assert who(item.contributors) == [("郑莎", PHOTOGRAPHER)]
    (photo,) = item.photos
    assert photo.caption == "近日,小分队在村里宣讲党史。\n村民们听得认真。"
    assert [b.text for b in item.blocks] == ["近日,小分队在村里宣讲党史。", "村民们听得认真。"]


def test_article_with_a_report_byline_is_not_photo_news():
    item = article("本报讯 记者张三报道 会议召开。\n\n会场一角。\n\n记者李四 摄\n")
    assert item.kind == "article"
    assert [p.caption for p in item.photos] == ["会场一角。"]


# ---------------------------------------------------------------------------------- repairs


def test_paragraph_cut_mid_sentence_joins_the_next_one():
    item = article("本报讯 记者张三报道 今年,工会在系统化建\n\n设上下功夫。\n")
    assert [b.text for b in item.blocks] == ["今年,工会在系统化建设上下功夫。"]
    (flag,) = item.flags
    assert flag.code == "joined_paragraphs" and flag.lines == (BODY_LINE, BODY_LINE + 2)
    assert flag.after in body_of(item) and "\n\n" in flag.before
    assert flag.original == "本报讯 记者张三报道 今年,工会在系统化建\n\n设上下功夫。"


def test_full_stop_inside_closing_quotes_ends_the_paragraph():
    item = article("他说:“我们会做好。”\n\n第二段开始了。\n")
    assert len(item.blocks) == 2 and item.flags == ()


def test_closing_quote_without_full_stop_does_not_end_the_paragraph():
    item = article("大家称它为“大船\n\n”,很形象。\n")
    assert [b.text for b in item.blocks] == ["大家称它为“大船”,很形象。"]


def test_stray_copy_interrupting_a_sentence_is_removed_and_its_twin_kept():
    item = article(
        "调研中,工会在系统化建\n\n史济锡指出,要深刻认识省委\n\n设上下功夫。\n\n"
        "他说,工作很好。\n\n史济锡指出,要深刻认识省委\n\n提出的改革的意义。\n"
    )
    assert [b.text for b in item.blocks] == [
        "调研中,工会在系统化建设上下功夫。",
        "他说,工作很好。",
        "史济锡指出,要深刻认识省委提出的改革的意义。",
    ]
    stray = next(f for f in item.flags if f.code == "removed_stray_line")
    assert stray.lines == (BODY_LINE + 2, BODY_LINE + 2)
    assert "史济锡指出,要深刻认识省委" in stray.before


def test_of_two_equal_fragments_the_one_cutting_into_a_sentence_goes_even_if_second():
    item = article(
        "他说,工作很好。\n\n史济锡指出,要深刻认识省委\n\n提出的改革的意义。\n\n"
        "调研中,工会在系统化建\n\n史济锡指出,要深刻认识省委\n\n设上下功夫。\n"
    )
    assert [b.text for b in item.blocks] == [
        "他说,工作很好。",
        "史济锡指出,要深刻认识省委提出的改革的意义。",
        "调研中,工会在系统化建设上下功夫。",
    ]
    stray = next(f for f in item.flags if f.code == "removed_stray_line")
    assert stray.lines == (BODY_LINE + 8, BODY_LINE + 8)


def test_fragment_repeating_part_of_a_longer_paragraph_is_removed():
    item = article("他强调,要坚持正确的政治方向,强化思想引领。\n\n要坚持正确的政治\n\n会议结束。\n")
    assert [b.text for b in item.blocks] == [
        "他强调,要坚持正确的政治方向,强化思想引领。",
        "会议结束。",
    ]
    assert codes(item.flags) == ["removed_stray_line"]


@pytest.mark.parametrize(
    "furniture",
    ["88851111", "新闻服务热线", "本版编辑:张三 美术编辑:李四", "0571-85311234", "(下转第2版)"],
)
def test_page_furniture_inside_an_article_is_removed(furniture):
    item = article(f"第一段写完了。\n\n{furniture}\n\n第二段也写完了。\n")
    assert [b.text for b in item.blocks] == ["第一段写完了。", "第二段也写完了。"]
    (flag,) = item.flags
    assert flag.code == "removed_furniture"
    assert body_of(item).replace(flag.after, flag.before, 1).count(furniture) == 1


def test_short_unpunctuated_line_between_finished_paragraphs_is_a_crosshead():
    item = article("第一段写完了。\n\n大主顾从老外变甬商\n\n第二段也写完了。\n")
    assert [(b.type, b.text) for b in item.blocks] == [
        (PARAGRAPH, "第一段写完了。"),
        (CROSSHEAD, "大主顾从老外变甬商"),
        (PARAGRAPH, "第二段也写完了。"),
    ]
    (flag,) = item.flags
    assert flag.code == "crosshead_detected"
    assert body_of(item).replace(flag.after, flag.before, 1) == (
        "第一段写完了。\n\n大主顾从老外变甬商\n\n第二段也写完了。"
    )


@pytest.mark.parametrize(
    "fragment", ["史济锡强调,要以浙江高质量", "史济锡希望嘉兴工会以锻造", "嘉兴工会的"]
)
def test_short_line_that_reads_unfinished_is_a_continuation_not_a_crosshead(fragment):
    item = article(f"第一段写完了。\n\n{fragment}\n\n发展为目标。\n")
    assert [b.type for b in item.blocks] == [PARAGRAPH, PARAGRAPH]
    assert item.blocks[1].text == fragment + "发展为目标。"
    assert codes(item.flags) == ["joined_paragraphs"]


def test_short_line_after_an_unfinished_paragraph_is_not_a_crosshead():
    item = article("他说,在系统化\n\n大主顾从老外变甬商\n\n第二段也写完了。\n")
    assert CROSSHEAD not in [b.type for b in item.blocks]


@pytest.mark.parametrize("markup", ["**至暗时刻**", "### 至暗时刻"])
def test_crosshead_marked_up_by_the_ocr_is_kept_without_a_flag(markup):
    item = article(f"第一段写完了。\n\n{markup}\n\n第二段也写完了。\n")
    assert [b.type for b in item.blocks] == [PARAGRAPH, CROSSHEAD, PARAGRAPH]
    assert item.blocks[1].text == "至暗时刻" and item.flags == ()


def test_article_ending_mid_sentence_is_truncated():
    item = article("本报讯 记者张三报道 第一段写完了。\n\n吴威告诉笔者,\n")
    assert item.truncated is True
    assert codes(item.flags) == ["truncated_article"]
    flag = item.flags[-1]
    assert flag.before == flag.after == ""


def test_article_ending_with_a_full_stop_is_not_truncated():
    item = article("本报讯 记者张三报道 第一段写完了。\n\n吴威告诉笔者,目标已经实现。\n")
    assert item.truncated is False and item.flags == ()


# ------------------------------------------------------------------------- advertisements


def test_bold_block_is_an_advertisement_that_ends_the_article():
    result = page(
        "## 标题\n\n正文写完了。\n\n**ICBC 中国工商银行**  \n浙江省分行  \n电话银行:95588  \n"
        "网址:WWW.ICBC.COM.CN\n\n**中国银行**  \nBANK OF CHINA\n\n## 第二篇\n\n又一篇。\n"
    )
    assert [a.heading for a in result.articles] == ["标题", "第二篇"]
    assert [a.position for a in result.articles] == [1, 2]
    assert body_of(result.articles[0]) == "正文写完了。"
    first, second = result.advertisements
    assert (first.advertiser, first.phone, first.website) == (
        "中国工商银行",
        "95588",
        "WWW.ICBC.COM.CN",
    )
    assert first.text == "ICBC 中国工商银行\n浙江省分行\n电话银行:95588\n网址:WWW.ICBC.COM.CN"
    assert (second.advertiser, second.website, second.position) == ("中国银行", "", 2)


def test_customer_hotline_is_the_ad_phone():
    result = page("## 标题\n\n正文。\n\n**中国建设银行**  \n客户服务热线:95533 网址:www.ccb.com\n")
    (ad,) = result.advertisements
    assert (ad.phone, ad.website) == ("95533", "www.ccb.com")


def test_ad_website_is_found_without_a_label_and_email_domains_are_not_websites():
    result = page("## 标题\n\n正文。\n\n**某某公司**  \n邮箱 info@mou.com  \n官网www.mou.com.cn\n")
    (ad,) = result.advertisements
    assert (ad.advertiser, ad.phone, ad.website) == ("某某公司", "", "www.mou.com.cn")


def test_text_between_ads_and_no_heading_is_flagged_not_lost():
    result = page("## 标题\n\n正文。\n\n**中国银行**  \nBANK OF CHINA\n\n一段没有标题的文字。\n")
    (flag,) = result.flags
    assert flag.code == "unassigned_text"
    assert flag.original.strip() == "一段没有标题的文字。"
    assert body_of(result.articles[0]) == "正文。"


def test_credit_line_with_no_caption_above_is_flagged_and_left_out():
    item = article("通讯员李四 摄\n\n本报讯 记者张三报道 会议召开。\n\n会议结束。\n")
    assert item.kind == "article"
    assert codes(item.flags) == ["unattached_credit"]
    assert body_of(item) == "会议召开。\n\n会议结束。"


# ------------------------------------------------------------------------ another daily


OTHER_DAILY = """\
2023年3月22日  星期三
癸卯年闰二月初一
国内统一连续出版物号：CN 11-0065  邮发代号：1-1
第27563期（总第27563号）
网址：http://www.people.com.cn

# 人民日报

## 代表委员热议高质量发展 稳中求进

本报北京3月21日电（记者 王某某、李某 实习生 张三）代表委员们认为，
高质量发展是首要任务。

![](images/photo1.jpg)

代表们在会场交流。新华社记者 赵五 摄

### 稳增长

他说：“我们要做好。”

本版责编：刘某某  版式设计：孙某

更多内容见第5版
"""


def test_another_dailys_page_in_the_same_shape_is_read_by_the_same_rules():
    result = parse_page(OTHER_DAILY, "other.md")
    assert result.issue.publication == "人民日报"
    assert result.issue.date == dt.date(2023, 3, 22)
    assert (result.issue.cn_number, result.issue.number) == ("CN 11-0065", 27563)
    assert result.flags == ()
    (item,) = result.articles
    assert item.dateline == "本报北京3月21日电"
    assert who(item.contributors) == [("王某某", REPORTER), ("李某", REPORTER), ("张三", INTERN)]
    assert [(p.caption, who(p.contributors)) for p in item.photos] == [
        ("代表们在会场交流。", [("赵五", PHOTOGRAPHER)])
    ]
    assert (
        body_of(item)
        == "代表委员们认为，高质量发展是首要任务。\n\n### 稳增长\n\n他说：“我们要做好。”"
    )
    assert codes(item.flags) == ["removed_furniture"]
    assert item.truncated is False


# ----------------------------------------------------------------------------- headings


@pytest.mark.parametrize(
    ("heading", "parts"),
    [
        ("会议强调 奋力打造红色工会", ("会议强调", "奋力打造红色工会", "")),
        ("联盟成立近一年 企业成功出海", ("联盟成立近一年", "企业成功出海", "")),
        ("RCEP生效实施5个月 浙企享受税收优惠", ("RCEP生效实施5个月", "浙企享受税收优惠", "")),
        (
            "比武燃爆夏日 省总工会联合省红十字会开展企业安全生产专项行动",
            ("", "比武燃爆夏日", "省总工会联合省红十字会开展企业安全生产专项行动"),
        ),
        ("村头来了 党史宣讲小分队", ("", "村头来了 党史宣讲小分队", "")),
        (
            "推进会强调 加快建成一批成果 和全省影响力",
            ("推进会强调", "加快建成一批成果 和全省影响力", ""),
        ),
        ("单行标题", ("", "单行标题", "")),
        ("两个  空格", ("", "两个  空格", "")),
    ],
)
def test_heading_splits_only_where_clearly_so(heading, parts):
    assert split_heading(heading) == parts


@given(st.text(alphabet="测试会议强调年月个近 ,、“”和的0123456789AB", max_size=40))
def test_heading_split_always_gives_the_heading_back(heading):
    kicker, headline, subheadline = split_heading(heading)
    assert " ".join(part for part in (kicker, headline, subheadline) if part) == heading


# ----------------------------------------------------------------------------- bad input


def test_empty_file_is_refused():
    with pytest.raises(ParseError, match="empty file"):
        read_page(b"", "x.md")


def test_binary_data_is_refused():
    with pytest.raises(ParseError, match="binary data"):
        read_page(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.png")


def test_undecodable_bytes_are_refused():
    with pytest.raises(ParseError, match="undecodable"):
        read_page(b"\xff\xfe\xff\xfe\xff", "x.md")


def test_gb18030_text_is_decoded_and_flagged():
    data = (MASTHEAD + "\n## 标题\n\n本报讯 记者张三报道 正文。\n").encode("gb18030")
    result = read_page(data, "x.md")
    assert result.encoding == "gb18030"
    assert result.flags[0].code == "decoded_encoding"
    assert who(result.articles[0].contributors) == [("张三", REPORTER)]
    assert result.sha256 == hashlib.sha256(data).hexdigest()


def test_utf8_with_bom_and_crlf_reads_without_flags():
    data = ("\ufeff" + MASTHEAD + "\n## 标题\n\n正文。\n").replace("\n", "\r\n").encode("utf-8")
    result = read_page(data, "x.md")
    assert result.encoding == "utf-8" and result.flags == ()
    assert result.issue.date == dt.date(2021, 3, 19)
    assert result.articles[0].blocks[0].text == "正文。"


def test_page_without_a_masthead_date_is_refused_with_the_fix():
    with pytest.raises(ParseError) as caught:
        parse_page("\n\n星期五\n# 浙江工人日报\n\n## 标题\n\n正文。\n", "seeds/x.txt")
    assert caught.value.line == 3
    assert str(caught.value) == (
        "seeds/x.txt line 3: no Gregorian date in the masthead (expected e.g. 2021年3月19日 "
        "before the first '## ' heading)"
    )


def test_impossible_date_is_refused_naming_its_line():
    with pytest.raises(ParseError) as caught:
        page("## 标题\n\n正文。\n", MASTHEAD.replace("2021年3月19日", "2021年2月30日"))
    assert caught.value.line == 2
    assert "2021年2月30日" in caught.value.message and "28 days" in caught.value.message


def test_page_without_articles_is_refused():
    with pytest.raises(ParseError, match="no articles"):
        page("只有一行字,没有标题。\n")


def test_empty_heading_is_refused_naming_its_line():
    with pytest.raises(ParseError) as caught:
        page("## \n\n正文。\n")
    assert caught.value.line == HEADING_LINE


def test_file_over_the_size_limit_is_refused_with_size_and_limit():
    data = (MASTHEAD + "\n## 标题\n\n").encode() + b"a" * MAX_PAGE_BYTES
    with pytest.raises(ParseError) as caught:
        read_page(data, "big.md")
    assert f"{len(data):,}" in caught.value.message
    assert f"{MAX_PAGE_BYTES:,}" in caught.value.message


def test_contributor_record_equality_is_by_name_and_role():
    assert ContributorRecord("程雪", REPORTER) != ContributorRecord("程雪", PHOTOGRAPHER)


# ------------------------------------------------------------------ huge articles stay linear


def places_of(text: str, piece: str) -> list[int]:
    """Return every place ``piece`` starts in ``text``, overlapping ones included."""
    found, at = [], text.find(piece)
    while at != -1:
        found.append(at)
        at = text.find(piece, at + 1)
    return found


def test_undo_windows_in_a_long_body_come_from_its_index_without_one_search_of_the_body():
    parts = [f"第{i}行的一些文字内容" for i in range(2000)]
    body = "".join(parts)
    joins = [sum(len(part) for part in parts[: i + 1]) for i in range(len(parts) - 1)]
    windows = UniqueWindows(body, repairs=len(joins))
    for at in joins:
        low, high = windows.around(at, at)
        assert places_of(body, body[low:high]) == [low]
        reach = at - low
        if reach > 3 and high < len(body):  # one step smaller would not be unique
            assert len(places_of(body, body[low + 2 : high - 2])) > 1
    assert windows.searches == 0


@given(
    body=st.text(alphabet="ab。\n", min_size=1, max_size=60),
    where=st.floats(min_value=0, max_value=1),
    length=st.sampled_from([0, 1, 4]),
)
def test_the_index_finds_the_same_undo_windows_as_searching_the_body(body, where, length):
    at = int(where * len(body))
    end = min(len(body), at + length)
    searched = UniqueWindows(body, repairs=0)
    indexed = UniqueWindows(body, repairs=10**9)
    few_places = UniqueWindows(body, repairs=10**9)
    few_places.many_places = 1  # compare at one place, then search: both paths in one window
    assert searched.places is None and indexed.places is not None
    expected = searched.around(at, end)
    assert indexed.around(at, end) == few_places.around(at, end) == expected
    low, high = expected
    assert places_of(body, body[low:high]) == [low] or (low, high) == (0, len(body))


def mark_stray_copies_pairwise(entries: list[Entry]) -> None:
    """Mark stray copies by comparing every pair of entries (the rule, written plainly)."""
    kept = [e for e in entries if not e.removed]
    index_of = {id(e): i for i, e in enumerate(kept)}

    def interrupts(e):
        return index_of[id(e)] > 0 and not ends_sentence(kept[index_of[id(e)] - 1].text)

    for entry in kept:
        if entry.removed or not 6 <= len(entry.text) <= 30 or ends_sentence(entry.text):
            continue
        others = [o for o in kept if o is not entry and not o.removed and entry.text in o.text]
        if not others:
            continue
        twin = next((o for o in others if o.text == entry.text), None)
        stray = entry
        if twin is not None and interrupts(twin) and not interrupts(entry):
            stray = twin
        copy = entry if stray is twin else (twin or others[0])
        stray.remove_as_copy_of(copy)


# Fragments (6 to 30 characters, unfinished), lines holding them, and lines that end sentences.
PIECES_OF_TEXT = (
    "甲乙丙丁戊己", "甲乙丙丁戊己庚", "乙丙丁戊己庚", "子甲乙丙丁戊己", "甲乙丙丁戊己。",
    "丑寅卯辰巳午", "丑寅卯辰巳午未申。", "长句子里有甲乙丙丁戊己也有丑寅卯辰巳午的", "短", "完。",
)  # fmt: skip


@given(
    st.lists(
        st.one_of(st.sampled_from(PIECES_OF_TEXT), st.text(alphabet="甲乙丙。", min_size=1)),
        max_size=20,
    )
)
def test_indexed_stray_copies_are_those_of_comparing_every_pair(texts):
    def entries():
        return [Entry(text, 2 * i + 1, 2 * i + 1) for i, text in enumerate(texts)]

    indexed, searched, pairwise = entries(), entries(), entries()
    mark_stray_copies(indexed, search_limit=0)  # always through the index of fragments
    mark_stray_copies(searched)  # a short article: each fragment searched for in each entry
    mark_stray_copies_pairwise(pairwise)
    assert indexed == searched == pairwise


@given(
    st.lists(
        st.one_of(
            st.sampled_from(["文", "。", "。 ", "”", "” ", "）”", " ", "\u3000", "，", "文。”"]),
            st.text(alphabet="文 。”）,", max_size=4),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_a_paragraph_joined_from_pieces_knows_whether_it_ends_a_sentence(pieces):
    draft = Draft(PARAGRAPH, last=1)
    for piece in pieces:
        draft.add(piece)
    text = "".join(pieces)
    assert draft.finished == ends_sentence(text)
    assert draft.tail(8) == text[-8:]
    assert draft.text == text


def test_an_article_of_thousands_of_repeated_short_lines_keeps_the_first():
    line = "第一行的一些文字内容"
    found = article("\n\n".join([line] * 3000))
    assert body_of(found) == line
    (removed,) = found.flags[:1]
    assert removed.code == "removed_stray_line"
    assert removed.lines == (BODY_LINE + 2, BODY_LINE + 2 * 2999)
    assert f"line {BODY_LINE}" in removed.message


def test_an_article_repeating_one_long_line_over_and_over_is_refused_naming_its_heading():
    # 300 unfinished copies of a 34-character line (too long to be a stray copy) run on into one
    # paragraph; no window around a join is unique short of most of the article, so the flags
    # would quote about 10 MB.
    line = "这是一行重复的很长的没有标点的文字内容它超过了三十个字符所以不算碎片"
    assert len(line) > 30
    with pytest.raises(ParseError) as caught:
        article("\n\n".join([line] * 300))
    assert caught.value.line == HEADING_LINE
    assert "repeats the same text" in caught.value.message
    assert "299 column-break repairs" in caught.value.message
