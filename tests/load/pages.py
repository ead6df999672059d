"""Pages made by hand and the seeds, and what the loader's tests compare: shared by tests/load/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings

from importers.records import (
    AdvertisementRecord,
    ArticleRecord,
    ContributorRecord,
    FlagRecord,
    IssueRecord,
    PageRecord,
    PhotoRecord,
)
from newsroom.lib.blocks import CROSSHEAD, PARAGRAPH, Block
from newsroom.models import (
    Advertisement,
    Article,
    Credit,
    Issue,
    Person,
    Photo,
    Publication,
    ReviewFlag,
    SourceFile,
)

SEEDS = Path(settings.BASE_DIR) / "seeds"
SEED_2021 = SEEDS / "000_08ceee72487f69f5.txt"
SEED_2022 = SEEDS / "002_758893745608affc.txt"


# ------------------------------------------------------------------ records made by hand


def issue_record(**fields) -> IssueRecord:
    values = {
        "publication": "浙江工人日报",
        "date": dt.date(2021, 3, 19),
        "lunar_date": "辛丑年二月初七",
        "weekday": "星期五",
        "number": 11771,
        "cn_number": "CN33-0018",
        "postal_code": "31-2",
        "website": "www.zjgrrb.com",
        "email": "zjgrrb@163.com",
    }
    values.update(fields)
    return IssueRecord(**values)


def credits(*pairs) -> tuple[ContributorRecord, ...]:
    return tuple(ContributorRecord(name, role) for name, role in pairs)


def blocks(*texts: str) -> tuple[Block, ...]:
    return tuple(
        Block(CROSSHEAD, t.removeprefix("### ")) if t.startswith("### ") else Block(PARAGRAPH, t)
        for t in texts
    )


def article_record(position: int = 1, **fields) -> ArticleRecord:
    start = 20 * position
    values = {
        "heading": f"第{position}篇新闻标题",
        "kicker": "",
        "headline": f"第{position}篇新闻标题",
        "subheadline": "",
        "kind": "article",
        "dateline": "本报讯",
        "contributors": credits(("阮向民", "reporter")),
        "blocks": blocks("第一段。", "### 小标题", "第二段。"),
        "photos": (),
        "truncated": False,
        "flags": (),
        "lines": (start, start + 6),
        "original_text": f"## 第{position}篇新闻标题\n\n本报讯 记者阮向民报道 第一段。",
        "position": position,
    }
    values.update(fields)
    return ArticleRecord(**values)


def photo_record(position: int = 1, **fields) -> PhotoRecord:
    values = {
        "caption": "昨日,比赛现场。",
        "contributors": credits(("邹伟锋", "photographer")),
        "lines": (50 + position, 51 + position),
        "original_text": "昨日,比赛现场。\n记者邹伟锋 摄",
        "position": position,
    }
    values.update(fields)
    return PhotoRecord(**values)


def ad_record(position: int = 1, **fields) -> AdvertisementRecord:
    values = {
        "advertiser": "中国银行",
        "text": "中国银行\n浙江省分行",
        "phone": "95566",
        "website": "",
        "lines": (170 + 4 * position, 172 + 4 * position),
        "original_text": "**中国银行**\n浙江省分行",
        "position": position,
    }
    values.update(fields)
    return AdvertisementRecord(**values)


def page_record(*articles: ArticleRecord, **fields) -> PageRecord:
    values = {
        "source": "pages/2021-03-19.txt",
        "sha256": "a" * 64,
        "encoding": "utf-8",
        "issue": issue_record(),
        "articles": articles or (article_record(1),),
        "advertisements": (),
        "flags": (),
    }
    values.update(fields)
    return PageRecord(**values)


def row_counts() -> dict[str, int]:
    models = (Publication, SourceFile, Issue, Article, Photo, Advertisement, Person, Credit,
              ReviewFlag)
    counts = {model.__name__: model.objects.count() for model in models}
    for model in (Issue, Article, Photo, Advertisement, Person, Credit):
        counts[f"history of {model.__name__}"] = model.history.count()
    return counts


WRITES = ("INSERT", "UPDATE", "DELETE")


def write_statements(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


def natural_keys() -> dict:
    """Return, for each model the importer writes, its rows' natural keys by primary key."""
    issues = {i.pk: (i.publication.name, str(i.date), i.edition) for i in Issue.objects.all()}
    placed = {
        model: {row.pk: (issues[row.issue_id], row.page, row.position) for row in model.objects.all()}
        for model in (Article, Photo, Advertisement)
    }
    keys = {
        Publication: {p.pk: p.name for p in Publication.objects.all()},
        SourceFile: {s.pk: s.sha256 for s in SourceFile.objects.all()},
        Issue: issues,
        Person: {p.pk: p.name for p in Person.objects.all()},
        **placed,
    }
    keys[Credit] = {
        c.pk: (c.person.name, c.role, placed[Article].get(c.article_id), placed[Photo].get(c.photo_id))
        for c in Credit.objects.select_related("person")
    }
    keys[ReviewFlag] = {f.pk: (issues[f.issue_id], f.fingerprint) for f in ReviewFlag.objects.all()}
    return keys


# Written at the time of the run, or numbered by the run: not part of what was imported.
VOLATILE = {"created_at", "updated_at", "imported_at", "indexed_at", "history_date", "history_id"}


def archive_snapshot() -> dict[str, list]:
    """Return every row the importer writes (and its history and search document), by natural key.

    Keys and foreign keys are replaced by natural keys, so two imports into emptied tables
    compare equal whatever the order their rows were numbered in.
    """
    import re

    from newsroom.search.models import ArticleDocument

    keys = natural_keys()

    def clean(model, row, original=None) -> tuple:
        values = {}
        for f in model._meta.concrete_fields:
            value = getattr(row, f.attname)
            if f.attname in VOLATILE:
                continue
            if f.is_relation and f.related_model in keys:
                value = keys[f.related_model].get(value, value)
            elif f.primary_key and original is None:
                value = keys[model][value]
            elif f.attname == "id" and original is not None:
                value = keys[original][value]
            elif f.attname == "history_change_reason" and value:
                value = re.sub(r"导入批次 \d+", "导入批次 N", value)
            values[f.attname] = value
        return tuple(sorted(values.items(), key=lambda item: item[0]))

    snapshot = {}
    for model in keys:
        snapshot[model.__name__] = sorted(map(repr, (clean(model, row) for row in model.objects.all())))
        history = getattr(model, "history", None)
        if history is not None:
            snapshot[f"history of {model.__name__}"] = sorted(
                repr(clean(history.model, row, original=model)) for row in history.all()
            )
    snapshot["search documents"] = sorted(
        repr(clean(ArticleDocument, row)) for row in ArticleDocument.objects.all()
    )
    return snapshot


def empty_the_archive() -> None:
    """Delete everything an import writes, history included (the import runs stay)."""
    Issue.objects.all().delete()
    for model in (Person, SourceFile, Publication, Issue, Article, Photo, Advertisement, Credit):
        model.objects.all().delete()
        if hasattr(model, "history"):
            model.history.all().delete()


def a_page_with_every_kind_of_row() -> PageRecord:
    return page_record(
        article_record(1, photos=(photo_record(1), photo_record(2)),
                       flags=(FlagRecord("photo_credit_inferred", "inferred", (52, 52)),)),
        article_record(2, contributors=credits(("张浩星", "reporter"), ("张浩呈", "reporter")),
                       flags=(FlagRecord("joined_paragraphs", "joined", (41, 42)),)),
        article_record(3, contributors=()),
        advertisements=(ad_record(1), ad_record(2)),
        flags=(FlagRecord("weekday_mismatch", "星期不符", (3, 3)),),
        # Not a seed's date: the seeds are new issues too.
        issue=issue_record(date=dt.date(2021, 3, 18), weekday="", lunar_date=""),
    )


def seed_pages(folder: Path, days: range, month: int = 4) -> Path:
    """Write copies of the 2021 seed dated 2021-<month>-<day>, one file a day."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SEED_2021.read_text(encoding="utf-8")
    for day in days:
        dated = text.replace("2021年3月19日", f"2021年{month}月{day}日")
        (folder / f"{month:02}-{day:02}.txt").write_text(dated, encoding="utf-8")
    return folder
