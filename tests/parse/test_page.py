"""The parser's entry points end to end (importers/parse/page.py): the two real front pages, the
contracts every page keeps, another daily's page, and what a page as a whole is refused for.

No database and no Django: run with ``pytest tests/parse/test_page.py -p no:django``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys

import pytest

import importers.parse.page as page_module
from importers.parse import MAX_PAGE_BYTES, parse_page, read_page
from importers.records import PHOTO_NEWS, ContributorRecord, ParseError
from newsroom.lib.blocks import CROSSHEAD, PARAGRAPH, parse_body
from newsroom.lib.roles import (
    CORRESPONDENT,
    INTERN,
    PHOTOGRAPHER,
    REPORTER,
    TRAINEE_REPORTER,
)
from tests.parse.pages import (
    MASTHEAD,
    REPAIRS,
    ROOT,
    SEED_000,
    SEED_002,
    SHORT_MASTHEAD,
    SHORT_PAGE,
    body_of,
    codes,
    page,
    refusal,
    who,
)

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


def test_the_parser_imports_no_django():
    code = (
        "import sys, importers.parse, importers.publications; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


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


# ----------------------------------------------------------------------------- bad input


def test_empty_file_is_refused():
    with pytest.raises(ParseError, match="empty file"):
        read_page(b"", "x.md")


def test_page_without_articles_is_refused():
    with pytest.raises(ParseError, match="no articles"):
        page("只有一行字,没有标题。\n")


def test_file_over_the_size_limit_is_refused_with_size_and_limit():
    data = (MASTHEAD + "\n## 标题\n\n").encode() + b"a" * MAX_PAGE_BYTES
    with pytest.raises(ParseError) as caught:
        read_page(data, "big.md")
    assert f"{len(data):,}" in caught.value.message
    assert f"{MAX_PAGE_BYTES:,}" in caught.value.message


def test_contributor_record_equality_is_by_name_and_role():
    assert ContributorRecord("程雪", REPORTER) != ContributorRecord("程雪", PHOTOGRAPHER)


# -------------------------------------------------------------------------------- positions


def test_an_article_past_the_last_position_is_refused_at_its_heading(monkeypatch):
    monkeypatch.setattr(page_module, "POSITIONS", range(1, 3))  # 32,767 articles take a while
    text = SHORT_MASTHEAD + "\n" + "".join(f"## 标题{n}\n\n正文。\n\n" for n in range(1, 4))
    error = refusal(text)
    assert error.line == text.split("\n").index("## 标题3") + 1
    assert error.message == (
        "article number 3 on the page is out of range: positions must be within 1..2; "
        "split the file into pages"
    )


def test_a_photo_past_the_last_position_is_refused_at_its_caption(monkeypatch):
    monkeypatch.setattr(page_module, "POSITIONS", range(1, 3))
    photos = "".join(f"\n\n\n图{n}的说明。记者张三 摄\n" for n in range(1, 4))
    text = SHORT_PAGE + photos
    error = refusal(text)
    assert error.line == text.split("\n").index("图3的说明。记者张三 摄") + 1
    assert error.message.startswith("photo number 3 on the page is out of range")


def test_an_advertisement_past_the_last_position_is_refused_at_its_first_line(monkeypatch):
    monkeypatch.setattr(page_module, "POSITIONS", range(1, 3))
    text = SHORT_PAGE + "".join(f"\n**广告{n}**\n热线:88888888\n" for n in range(1, 4))
    error = refusal(text)
    assert error.line == text.split("\n").index("**广告3**") + 1
    assert error.message.startswith("advertisement number 3 on the page is out of range")
