"""Write whole synthetic issues of 浙江工人日报: a front page and 3 to 7 inside pages each.

Built on generate_pages.py (the same seed sentences, bylines and masthead), in the forms
../shared/PAGES.md describes:

* inside-page headers in every form: the date and weekday on one line or two; the page number
  as 第2版, 第二版, 2版, 02版 or 第 2 版; the page name (版名) after it (第3版 综合, 第三版·经济) or
  alone on the next line; the paper's name as ``# 浙江工人日报``, as a plain line or not at all;
  page staff (责任编辑:张三 版式:李四, 本版编辑：张三, 责任编辑 张三 美术编辑 李四); an 电子版 line;
  in varying order;
* jumps: some articles of the front page (and of inside pages) end with a jump line,
  ``(下转第3版)``, ``（下转第三版）`` or ``下转3版`` on its own line, or ``（下转3版）`` closing the
  last paragraph, cut mid-sentence or after a full stop; their rest opens the page named with
  ``## (上接第1版)``, ``## <headline>（上接第一版）`` or the headline repeated over a first
  paragraph opening ``(上接第1版)``. At most one jump leads from one page to another, so a
  bare marker always has one article to belong to, as on a real page.

Files are named ``<shuffled index>_<date>_<page>.md``: the importer reads a folder in name
order, so a run meets the pages of an issue in shuffled order (inside pages before their front
page too). Deterministic: issue i depends only on (seed, i). manifest.json lists, per issue,
its pages (number, name, staff) and its jumps (from page and position, to page).

    python benchmarks/generate_issues.py --issues 200 --out /tmp/issues --seed 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.generate_pages import (
    DEFAULT_START,
    PUBLICATION,
    WEBSITE,
    WEEKDAYS,
    Pools,
    byline,
    heading,
    load_pools,
    masthead,
    paragraphs,
)

PAGE_NAMES = ("综合", "经济", "社会", "文体", "工会", "评论", "副刊")
EDITORS = ("王晓明", "陈丽", "李华", "赵强", "钱多", "孙一", "周正", "吴迪")
CHINESE = "〇一二三四五六七八九十"


def chinese(n: int) -> str:
    return CHINESE[n] if n <= 10 else f"十{CHINESE[n - 10]}"


@dataclass
class GeneratedIssue:
    date: str
    pages: list[dict] = field(default_factory=list)  # number, name, staff, file, text
    jumps: list[dict] = field(default_factory=list)  # from_page, from_position, to_page

    def expectations(self) -> dict:
        return {"date": self.date, "jumps": self.jumps,
                "pages": [{k: v for k, v in page.items() if k != "text"} for page in self.pages]}


@dataclass
class _Story:
    headline: str
    paragraphs: list[str]
    rest: list[str] = field(default_factory=list)  # what goes on on another page
    to_page: int | None = None


def _story(rng: random.Random, pools: Pools) -> _Story:
    opening, _people = byline(rng)
    paras = paragraphs(rng, pools, rng.randint(3, 6))
    paras[0] = opening + paras[0]
    return _Story(heading(rng, pools), paras)


def _jump(rng: random.Random, story: _Story, to_page: int) -> None:
    """Cut the story's last paragraphs off to page ``to_page``, mid-sentence or between them."""
    story.to_page = to_page
    last = story.paragraphs[-1]
    if rng.random() < 0.5 and len(last) > 20:
        at = rng.randrange(8, len(last) - 8)
        while at < len(last) - 8 and last[at - 1] in "。！？，、”“":
            at += 1
        story.paragraphs[-1], story.rest = last[:at], [last[at:]]
    else:
        story.rest = [story.paragraphs.pop()]


def _printed(rng: random.Random, story: _Story) -> str:
    text = "\n\n".join(story.paragraphs)
    if story.to_page is not None:
        n = story.to_page
        form = rng.randrange(4)
        if form == 3 and text[-1] in "。！？”":
            text += f"（下转{n}版）"
        else:
            text += "\n\n" + (f"(下转第{n}版)", f"（下转第{chinese(n)}版）", f"下转{n}版", f"(下转第{n}版)")[form]
    return f"## {story.headline}\n\n{text}"


def _continuation(rng: random.Random, story: _Story, from_page: int) -> str:
    rest = "\n\n".join(story.rest)
    form = rng.randrange(3)
    if form == 0:
        return f"## (上接第{from_page}版)\n\n{rest}"
    if form == 1:
        phrases = story.headline.split()
        repeated = " ".join(phrases[:-1]) if len(phrases) > 2 else story.headline
        return f"## {repeated}（上接第{chinese(from_page)}版）\n\n{rest}"
    return f"## {story.headline}\n\n(上接第{from_page}版){rest}"


def _staff(rng: random.Random) -> tuple[str, list[list[str]]]:
    a, b = rng.sample(EDITORS, 2)
    colon = rng.choice((":", "："))
    form = rng.randrange(3)
    if form == 0:
        return f"责任编辑{colon}{a} 版式{colon}{b}", [[a, "editor", "责任编辑"], [b, "layout", "版式"]]
    if form == 1:
        return f"本版编辑{colon}{a}", [[a, "editor", "本版编辑"]]
    return f"责任编辑 {a} 美术编辑 {b}", [[a, "editor", "责任编辑"], [b, "art_editor", "美术编辑"]]


def _header(rng: random.Random, day: dt.date, number: int, name: str, staff: str) -> str:
    """Return an inside page's header lines, in one of the forms PAGES.md lists, in some order."""
    date = f"{day.year}年{day.month}月{day.day}日"
    weekday = WEEKDAYS[day.weekday()]
    dated = f"{date} {weekday}" if rng.random() < 0.5 else f"{date}  \n{weekday}"
    page_line = rng.choice((f"第{number}版", f"第{chinese(number)}版", f"{number}版", f"{number:02}版",
                            f"第 {number} 版"))
    placement = rng.randrange(3)
    if placement == 0:
        page_line += rng.choice((" ", "·")) + name
    elif placement == 1:
        page_line += f"  \n{name}"
    else:
        page_line += f"\n\n{name}"
    blocks = [dated, page_line, staff]
    paper = rng.randrange(3)
    if paper == 0:
        blocks.append(f"# {PUBLICATION}")
    elif paper == 1:
        blocks.append(PUBLICATION)
    if rng.random() < 0.3:
        blocks.append(f"电子版:{WEBSITE}")
    rng.shuffle(blocks)
    return "\n\n".join(blocks)


def generate_issue(index: int, *, seed: int = 1, start: dt.date = DEFAULT_START,
                   pools: Pools | None = None) -> GeneratedIssue:
    """Return issue ``index`` (from 0) of the run for ``seed``: its pages' texts and facts."""
    pools = pools or load_pools()
    rng = random.Random(f"newsroom-issues:{seed}:{index}")
    day = start + dt.timedelta(days=index)
    count = rng.randint(4, 8)
    names = rng.sample(PAGE_NAMES, count - 1)
    stories = {number: [_story(rng, pools) for _ in range(rng.randint(2, 4))] for number in range(1, count + 1)}
    issue = GeneratedIssue(day.isoformat())
    # Jumps go forward, at most one from a page to another, from the front page and some inside.
    for from_page in [1, *[n for n in range(2, count) if rng.random() < 0.3]]:
        targets = rng.sample(range(from_page + 1, count + 1), min(rng.randint(1, 2), count - from_page))
        jumpers = rng.sample(range(len(stories[from_page])), len(targets))
        for to_page, at in zip(targets, jumpers, strict=True):
            _jump(rng, stories[from_page][at], to_page)
            issue.jumps.append({"from_page": from_page, "from_position": at + 1, "to_page": to_page})
    continued: dict[int, list[str]] = {n: [] for n in range(1, count + 1)}
    for jump in issue.jumps:
        story = stories[jump["from_page"]][jump["from_position"] - 1]
        continued[jump["to_page"]].append(_continuation(rng, story, jump["from_page"]))
    for number in range(1, count + 1):
        items = [_printed(rng, story) for story in stories[number]]
        if number == 1:
            text = "\n\n".join([masthead(rng, day, 10000 + index), *items])
            page = {"number": 1, "name": "", "staff": []}
        else:
            staff_line, staff = _staff(rng)
            name = names[number - 2]
            header = _header(rng, day, number, name, staff_line)
            text = "\n\n".join([header, *continued[number], *items])
            page = {"number": number, "name": name, "staff": staff}
        # Continuations open the page: each story after them sits one position further down.
        issue.pages.append({**page, "text": text + "\n", "continuations": len(continued[number])})
    for jump in issue.jumps:
        jump["from_position"] += issue.pages[jump["from_page"] - 1]["continuations"]
    return issue


def write_issues(count: int, out: Path, *, seed: int = 1, start: dt.date = DEFAULT_START) -> list[Path]:
    """Write ``count`` whole issues and manifest.json into ``out``; return the paths in name order."""
    out.mkdir(parents=True, exist_ok=True)
    pools = load_pools()
    issues = [generate_issue(i, seed=seed, start=start, pools=pools) for i in range(count)]
    total = sum(len(issue.pages) for issue in issues)
    order = list(range(total))
    random.Random(f"newsroom-issues-order:{seed}:{count}").shuffle(order)
    paths, slot = [], iter(order)
    for issue in issues:
        for page in issue.pages:
            name = f"{next(slot):06d}_{issue.date}_{page['number']:02d}.md"
            (out / name).write_text(page.pop("text"), encoding="utf-8")
            page["file"] = name
            paths.append(out / name)
    manifest = {"seed": seed, "issues": [issue.expectations() for issue in issues]}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return sorted(paths)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, required=True, help="how many whole issues to write")
    parser.add_argument("--out", type=Path, required=True, help="folder to write them into")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same issues (default 1)")
    args = parser.parse_args(argv)
    paths = write_issues(args.issues, args.out, seed=args.seed)
    print(f"wrote {len(paths)} pages of {args.issues} issues to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
