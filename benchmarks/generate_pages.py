"""Write synthetic front pages of 浙江工人日报 in the exact Markdown the OCR tool produces.

The archive holds over 12,000 issues but only a few ship in seeds/; benchmarks need thousands.
Each page is built from the real seed pages: the same masthead block, articles made of shuffled
real sentences with the same bylines, photo captions with ``记者X 摄`` credits after runs of blank
lines, a photo-news item, bold advertisements, and the same OCR artifacts (a paragraph cut by a
column break, a stray duplicated fragment of a later line, page furniture such as 新闻服务热线 /
88851111, crossheads). Dates are consecutive with the right weekday and lunar date, and the issue
number (总第N号) grows by one a day.

Deterministic: page i depends only on (seed, i), never on --count, so the first 1,000 pages of a
10,000-page run are the 1,000 pages of a 1,000-page run. Pure Python (lunar_python), no Django.

    python benchmarks/generate_pages.py --count 1000 --out /tmp/pages --seed 1

writes /tmp/pages/00000_<hash>.txt ... and /tmp/pages/manifest.json (what each page should parse
to: date, weekday, lunar date, number, article and photo-news counts, advertisements).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import re
import sys
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from lunar_python import Solar

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
DEFAULT_START = dt.date(1990, 1, 1)
DEFAULT_FIRST_NUMBER = 1

PUBLICATION = "浙江工人日报"
SLOGAN = "倾情关注劳动群体 全心服务工会组织"
WEBSITE = "www.zjgrrb.com"
EMAIL = "zjgrrb@163.com"
CN_NUMBER = "CN33-0018"
POSTAL_CODE = "31-2"

REPORTERS = (
    "阮向民", "邹伟锋", "张浩星", "程雪", "王晓东", "李梦瑶", "陈静", "刘洋", "周敏", "吴昊",
    "徐婷", "孙磊", "胡蓉", "朱丹", "高峰", "何佳", "沈一鸣", "姚远", "金海", "叶子青",
)
TRAINEES = ("金钩", "林立", "钱宁", "方圆", "赵一帆", "马骁")
CORRESPONDENTS = (
    "郑莎", "单玉紫枫", "杜珊珊", "蔡伟华", "叶青", "方舟", "吕文", "章程", "潘晓", "俞佳丽",
    "楼宇", "蒋敏",
)
CROSSHEADS = (
    "“至暗时刻”的那一束光", "大主顾从老外变甬商", "线上版“大出海时代”", "数字赋能 提质增效",
    "职工有了“娘家人”", "从“盆景”到“风景”", "让服务更贴心", "小切口撬动大变化",
    "技能人才有了新舞台", "一张清单管到底",
)
PHOTO_NEWS_HEADINGS = (
    "村头来了 党史宣讲小分队", "应急处置练兵", "技能比武展风采", "送清凉进工地", "劳模工匠进校园",
    "春耕备耕正当时", "职工书屋开张了", "夜校里的“充电”时光",
)
FURNITURE = ("88851111", "新闻服务热线")
PUNCTUATION = set("。,,;;::!!??、“”‘’《》()()·…—")

# The advertisements as printed in the seeds: a bold first line, then lines ending in two spaces.
ADVERTISEMENTS = (
    ("ICBC 中国工商银行", ("浙江省分行", "电话银行:95588", "网址:WWW.ICBC.COM.CN")),
    ("中国建设银行", ("China Construction Bank", "浙江省分行", "客户服务热线:95533 网址:www.ccb.com")),
    ("中国农业银行", ("Agricultural Bank of China", "大行漫广 伴您成长", "客服热线:95599 www.abchina.com")),
    ("中国银行", ("BANK OF CHINA", "BEIJING 2022", "Official Partner of the Olympic Winter Games Beijing 2022")),
)


@dataclass(frozen=True)
class Pools:
    """What the seed pages lend the generator: sentences, caption sentences, heading phrases."""

    sentences: tuple[str, ...]
    captions: tuple[str, ...]
    phrases: tuple[str, ...]


@dataclass
class GeneratedPage:
    """One page's text and the facts a correct parser must read off it."""

    name: str
    text: str
    date: str
    weekday: str
    lunar_date: str
    number: int
    articles: int  # every "## " item, photo news included
    photo_news: int
    advertisements: int
    contributors: list[list[str]] = field(default_factory=list)  # per item: [name, role] pairs

    def expectations(self) -> dict:
        data = asdict(self)
        del data["text"]
        return data


@lru_cache(maxsize=4)
def load_pools(seeds_dir: Path = SEEDS_DIR) -> Pools:
    """Return the sentences and heading phrases of the seed pages, in a stable order."""
    sentences: list[str] = []
    phrases: list[str] = []
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        in_body = False
        starts_paragraph = True
        for raw in text.splitlines():
            line = raw.strip()
            if line.startswith("## "):
                in_body, starts_paragraph = True, True
                phrases.extend(p for p in line[3:].split() if len(p) >= 4)
                continue
            # Captions (lines ending in two spaces or in a credit), ads and bylines lend nothing.
            if (not in_body or not line or line.startswith(("**", "#")) or raw.endswith("  ")
                    or line.endswith("摄") or "报道" in line[:40] or "本报讯" in line):
                continue
            found = re.findall(r"[^。!?]+[。!?]”?", line)
            if not starts_paragraph:
                found = found[1:]  # the rest of a sentence a column break cut
            starts_paragraph = line[-1] in "。!?”"
            for sentence in found:
                sentence = sentence.strip()
                if 12 <= len(sentence) <= 150 and "摄" not in sentence and sentence[0] not in PUNCTUATION:
                    sentences.append(sentence)
    unique_sentences = tuple(dict.fromkeys(sentences))
    captions = tuple(s for s in unique_sentences if s.startswith(("昨日", "近日", "当天", "今年")))
    if len(unique_sentences) < 20 or not phrases:
        raise SystemExit(f"{seeds_dir}: too few seed sentences to build pages from")
    return Pools(unique_sentences, captions or unique_sentences, tuple(dict.fromkeys(phrases)))


def lunar_date(day: dt.date) -> str:
    """Return the lunar date the masthead prints for a Gregorian day, e.g. 辛丑年二月初七."""
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    return f"{lunar.getYearInGanZhi()}年{lunar.getMonthInChinese()}月{lunar.getDayInChinese()}"


def masthead(rng: random.Random, day: dt.date, number: int) -> str:
    """Return the masthead block in one of the two layouts the seeds show."""
    head = f"\n\n\n\n{lunar_date(day)}  \n{day.year}年{day.month}月{day.day}日  \n{WEEKDAYS[day.weekday()]}\n\n"
    if rng.random() < 0.5:
        ids = (
            f"电子版:{WEBSITE}  \n电子邮件:{EMAIL}  \n国内统一刊号:{CN_NUMBER}  \n"
            f"邮发代号:{POSTAL_CODE} 总第{number}号"
        )
        address = "社址:杭州市学院路107号 邮编:310012"
    else:
        ids = (
            f"电子版: {WEBSITE}  \n电子信箱: {EMAIL}\n\n国内统一刊号: {CN_NUMBER}  \n"
            f"邮发代号: {POSTAL_CODE} 总第{number}号"
        )
        address = "社址: 杭州市学院路107号 邮编: 310012"
    return (
        head + ids + f"\n\n# {PUBLICATION}\n\n{SLOGAN}\n\n浙工之家 掌上娘家\n\n\n\n"
        "浙江省总工会官方微信公众号\n\n" + address
    )


def cut_point(rng: random.Random, paragraph: str) -> int | None:
    """Return where a column break may cut a paragraph: mid-sentence, between two characters."""
    candidates = [
        i for i in range(8, len(paragraph) - 8)
        if paragraph[i - 1] not in PUNCTUATION and paragraph[i] not in PUNCTUATION
        and not (paragraph[i - 1].isascii() and paragraph[i].isascii())
    ]
    return rng.choice(candidates) if candidates else None


def byline(rng: random.Random) -> tuple[str, list[list[str]]]:
    """Return an article's opening byline and the contributors it names."""
    reporter, trainee, correspondent = (
        rng.choice(REPORTERS), rng.choice(TRAINEES), rng.choice(CORRESPONDENTS)
    )
    choice = rng.randrange(4)
    if choice == 0:
        return (f"本报讯 记者{reporter} 见习记者{trainee}报道 ",
                [[reporter, "reporter"], [trainee, "trainee_reporter"]])
    if choice == 1:
        return f"本报讯 记者{reporter}报道 ", [[reporter, "reporter"]]
    if choice == 2:
        return f"本报讯 通讯员{correspondent}报道 ", [[correspondent, "correspondent"]]
    return f"通讯员{correspondent}报道 ", [[correspondent, "correspondent"]]


def heading(rng: random.Random, pools: Pools) -> str:
    return " ".join(rng.sample(pools.phrases, rng.randint(2, 3)))


def paragraphs(rng: random.Random, pools: Pools, count: int) -> list[str]:
    return ["".join(rng.sample(pools.sentences, rng.randint(1, 4))) for _ in range(count)]


def regular_article(
    rng: random.Random, pools: Pools, *, cut: bool, stray: bool, furniture: bool, photo: str | None
) -> tuple[str, list[list[str]]]:
    """Return one article as printed, with the artifacts asked for, and its contributors.

    ``photo`` places a captioned photo: "top" (caption with the credit run in, right under
    the heading), "between" (after runs of blank lines between two paragraphs) or "inside"
    (inside a paragraph cut by the column break, as in the 2021-03-19 seed).
    """
    opening, contributors = byline(rng)
    paras = paragraphs(rng, pools, rng.randint(4, 9))
    paras[0] = opening + paras[0]
    blocks: list[str] = list(paras)
    # Crossheads in longer pieces, never before the second paragraph.
    if len(paras) >= 6 and rng.random() < 0.5:
        for at in sorted(rng.sample(range(2, len(paras)), rng.randint(1, 2)), reverse=True):
            blocks.insert(at, rng.choice(CROSSHEADS))
    body_indexes = [i for i, b in enumerate(blocks) if i > 0 and b in paras and len(b) >= 30]

    def split(index: int, middle: list[str]) -> None:
        text = blocks[index]
        at = cut_point(rng, text)
        if at is None:
            return
        blocks[index:index + 1] = [text[:at], *middle, text[at:]]

    wanted = [kind for kind, on in (("cut", cut), ("furniture", furniture), ("stray", stray)) if on]
    if photo == "inside" and not cut:
        wanted.append("photo")
    credit = rng.choice(REPORTERS)
    caption = rng.choice(pools.captions)
    caption_block = f"\n\n{caption}  \n记者{credit} 摄"
    chosen = rng.sample(body_indexes, min(len(body_indexes), len(wanted)))
    # Work from the end so earlier indexes stay valid.
    for index, kind in sorted(zip(chosen, wanted, strict=False), reverse=True):
        if kind == "cut":
            split(index, [caption_block] if photo == "inside" else [])
        elif kind == "photo":
            split(index, [caption_block])
        elif kind == "furniture":
            split(index, list(FURNITURE))
        elif kind == "stray":
            later = [b for b in blocks[index + 1:] if b in paras and len(b) >= 20]
            if later:
                split(index, [later[0][: rng.randint(8, 14)]])
    if photo == "between":
        # Between two whole paragraphs, after runs of blank lines.
        places = [i for i in range(1, len(blocks)) if blocks[i - 1][-1] in "。!?”"]
        blocks.insert(rng.choice(places) if places else len(blocks), caption_block)
    head = f"## {heading(rng, pools)}\n\n"
    if photo == "top":
        head += f"\n\n{caption}记者{credit} 摄\n\n"
    if photo:
        contributors = [*contributors, [credit, "photographer"]]
    return head + "\n\n".join(blocks), contributors


def photo_news(rng: random.Random, pools: Pools) -> tuple[str, list[list[str]]]:
    """Return a photo-news item (图片新闻): a caption in one or two paragraphs and a credit."""
    correspondent = rng.choice(CORRESPONDENTS)
    title = rng.choice(PHOTO_NEWS_HEADINGS)
    first = rng.choice(pools.captions)
    if rng.random() < 0.5:
        second = "".join(rng.sample(pools.sentences, rng.randint(1, 2)))
        text = f"## {title}\n\n{first}\n\n{second}\n\n通讯员{correspondent} 摄\n\n"
    else:
        text = f"## {title}\n\n\n\n{first}\n\n通讯员{correspondent} 摄"
    return text, [[correspondent, "photographer"]]


def advertisements(rng: random.Random) -> list[str]:
    count = rng.randint(0, len(ADVERTISEMENTS))
    picked = sorted(rng.sample(range(len(ADVERTISEMENTS)), count))
    ads = []
    for i in picked:
        name, lines = ADVERTISEMENTS[i]
        ads.append("  \n".join([f"**{name}**", *lines]))
    return ads


def generate_page(
    index: int,
    *,
    seed: int = 1,
    start: dt.date = DEFAULT_START,
    first_number: int = DEFAULT_FIRST_NUMBER,
    pools: Pools | None = None,
) -> GeneratedPage:
    """Return page ``index`` (from 0) of the run for ``seed``: its text and expected facts."""
    pools = pools or load_pools()
    rng = random.Random(f"newsroom-pages:{seed}:{index}")
    day = start + dt.timedelta(days=index)
    number = first_number + index
    item_count = rng.randint(3, 6)
    photo_at = rng.randrange(1, item_count)  # never the lead story
    regular = [i for i in range(item_count) if i != photo_at]
    # Each page carries every artifact at least once, on different stories when it can.
    cut_at, stray_at, furniture_at = (rng.choice(regular) for _ in range(3))
    photo_stories = {regular[0]: rng.choice(("top", "between", "inside"))}
    if len(regular) > 2 and rng.random() < 0.5:
        photo_stories[regular[-1]] = rng.choice(("between", "inside"))
    items: list[str] = []
    contributors: list[list[str]] = []
    for i in range(item_count):
        if i == photo_at:
            text, people = photo_news(rng, pools)
        else:
            text, people = regular_article(
                rng, pools, cut=i == cut_at, stray=i == stray_at, furniture=i == furniture_at,
                photo=photo_stories.get(i),
            )
        items.append(text)
        contributors.append(people)
    ads = advertisements(rng)
    text = "\n\n".join([masthead(rng, day, number), *items, *ads]) + "\n"
    text = re.sub(r"\n{6,}", "\n\n\n\n\n", text)  # at most four blank lines in a row, as printed
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return GeneratedPage(
        name=f"{index:05d}_{digest}.txt",
        text=text,
        date=day.isoformat(),
        weekday=WEEKDAYS[day.weekday()],
        lunar_date=lunar_date(day),
        number=number,
        articles=item_count,
        photo_news=1,
        advertisements=len(ads),
        contributors=contributors,
    )


def write_pages(
    count: int, out: Path, *, seed: int = 1, start: dt.date = DEFAULT_START,
    first_number: int = DEFAULT_FIRST_NUMBER,
) -> list[Path]:
    """Write ``count`` pages and manifest.json into ``out``; return the page paths in order."""
    out.mkdir(parents=True, exist_ok=True)
    pools = load_pools()
    paths: list[Path] = []
    manifest = []
    for index in range(count):
        page = generate_page(index, seed=seed, start=start, first_number=first_number, pools=pools)
        path = out / page.name
        path.write_text(page.text, encoding="utf-8")
        paths.append(path)
        manifest.append(page.expectations())
    (out / "manifest.json").write_text(
        json.dumps({"seed": seed, "count": count, "pages": manifest}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, required=True, help="how many pages to write")
    parser.add_argument("--out", type=Path, required=True, help="folder to write them into")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same pages (default 1)")
    parser.add_argument("--start", type=dt.date.fromisoformat, default=DEFAULT_START,
                        help=f"date of the first page (default {DEFAULT_START})")
    parser.add_argument("--first-number", type=int, default=DEFAULT_FIRST_NUMBER,
                        help="总第N号 of the first page (default 1)")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    paths = write_pages(args.count, args.out, seed=args.seed, start=args.start,
                        first_number=args.first_number)
    print(f"wrote {len(paths)} pages to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
