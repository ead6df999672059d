"""Small factory functions for tests: each makes one saved object with sensible defaults."""

from __future__ import annotations

import datetime as dt
import itertools

from newsroom.models import (
    Advertisement,
    Article,
    Credit,
    Issue,
    Page,
    PageStaff,
    Person,
    Photo,
    Publication,
    ReviewFlag,
)

_counter = itertools.count(1)


def _next_position(items) -> int:
    last = items.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


def make_publication(**fields) -> Publication:
    defaults = {
        "name": "浙江工人日报",
        "slug": "zjgrrb",
        "slogan": "倾情关注劳动群体 全心服务工会组织",
        "cn_number": "CN33-0018",
        "postal_code": "31-2",
        "website": "www.zjgrrb.com",
        "email": "zjgrrb@163.com",
    }
    defaults.update(fields)
    publication, _ = Publication.objects.get_or_create(name=defaults["name"], defaults=defaults)
    return publication


def make_issue(publication: Publication | None = None, **fields) -> Issue:
    defaults = {
        "date": dt.date(2021, 3, 19),
        "lunar_date": "辛丑年二月初七",
        "weekday": "星期五",
        "number": 11771,
    }
    defaults.update(fields)
    return Issue.objects.create(publication=publication or make_publication(), **defaults)


def make_article(issue: Issue | None = None, **fields) -> Article:
    issue = issue or make_issue()
    defaults = {
        "page": 1,
        "position": _next_position(issue.articles),
        "headline": f"标题{next(_counter)}",
        "body": "第一段。\n\n### 小标题\n\n第二段。",
        "dateline": "本报讯",
    }
    defaults.update(fields)
    tags = defaults.pop("tags", [])
    article = Article.objects.create(issue=issue, **defaults)
    if tags:
        article.tags.add(*tags)
    return article


def make_person(name: str | None = None, **fields) -> Person:
    return Person.objects.create(name=name or f"记者{next(_counter)}", **fields)


def make_credit(*, person: Person, article: Article | None = None, photo: Photo | None = None,
                role: str = "reporter", order: int = 1, printed_name: str | None = None) -> Credit:
    return Credit.objects.create(
        person=person, article=article, photo=photo, role=role, order=order,
        printed_name=person.name if printed_name is None else printed_name,
    )


def make_photo(issue: Issue | None = None, **fields) -> Photo:
    issue = issue or make_issue()
    defaults = {
        "page": 1,
        "position": _next_position(issue.photos),
        "caption": "比赛现场。",
    }
    defaults.update(fields)
    return Photo.objects.create(issue=issue, **defaults)


def make_advertisement(issue: Issue | None = None, **fields) -> Advertisement:
    issue = issue or make_issue()
    defaults = {
        "page": 1,
        "position": _next_position(issue.advertisements),
        "advertiser": "中国工商银行",
        "text": "ICBC 中国工商银行\n浙江省分行\n电话银行:95588",
        "phone": "95588",
    }
    defaults.update(fields)
    return Advertisement.objects.create(issue=issue, **defaults)


def make_page(issue: Issue | None = None, number: int = 1, name: str = "", **fields) -> Page:
    return Page.objects.create(issue=issue or make_issue(), number=number, name=name, **fields)


def make_page_staff(page: Page, *, person: Person, role: str = "editor", label: str = "责任编辑",
                    order: int = 1) -> PageStaff:
    return PageStaff.objects.create(page=page, person=person, role=role, label=label, order=order)


def make_flag(issue: Issue, **fields) -> ReviewFlag:
    defaults = {
        "code": ReviewFlag.Code.JOINED_PARAGRAPHS,
        "message": "joined two paragraphs cut by a column break",
        "fingerprint": f"fp{next(_counter)}",
    }
    defaults.update(fields)
    return ReviewFlag.objects.create(issue=issue, **defaults)


# The migrations after 0003 that grant the editorial roles more permissions (a grant(apps, editor)).
ROLE_GRANTS = ["0006_imported_file_view", "0019_page_permissions", "0023_scan_permissions",
               "0025_intake_permissions"]


def make_user(username: str | None = None, *, role: str | None = None, password: str | None = None,
              **fields):
    """Make a staff user, in the editorial group ``role`` ("editor" or "chief editor") if given.

    The groups come from the data migration newsroom/0003_editorial_roles; tests that flush the
    database (live server) lose them, so they are re-created here when missing. Without a
    password (the default: hashing one is slow) the user can only be logged in with force_login.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(
        username=username or f"user{next(_counter)}", password=password, is_staff=True, **fields
    )
    if role:
        restore_roles(apps)
        user.groups.add(Group.objects.get(name=role))
    return user


def restore_roles(apps) -> None:
    """Re-create the editorial groups and their permissions where a flush removed them.

    The data migrations made them (newsroom/0003_editorial_roles and ROLE_GRANTS); a test that
    commits (transactional_db, a live server) ends by emptying every table, and the tests that
    run after it in the same process expect them again (tests/conftest.py calls this after each
    flush). Nothing happens while the groups are there.
    """
    import importlib

    Group = apps.get_model("auth", "Group")
    if Group.objects.filter(name__in=["editor", "chief editor"]).count() == 2:
        return
    importlib.import_module("newsroom.migrations.0003_editorial_roles").create_roles(apps)
    for later in ROLE_GRANTS:
        importlib.import_module(f"newsroom.migrations.{later}").grant(apps, None)
