"""Fuzz the page parser: mutate the seed pages thousands of times and report what escapes.

    .venv/bin/python benchmarks/fuzz_parser.py                 # 5,000 cases, seed 1
    .venv/bin/python benchmarks/fuzz_parser.py --cases 20000 --seed 7 --show 5

The contract under test (docs/reliability.md): ``read_page(bytes, source)`` either returns a
PageRecord or raises ``ParseError`` whose message starts with the file name and, when it names a
line, a line that exists. Anything else (another exception, a record whose line numbers point
outside the file, a record that cannot be printed as JSON) is a failure. Each case is one seed page
put through one to four mutations (cut, duplicate and shuffle lines, masthead parts removed, stray
``**``/``##``/blank runs, huge lines, random characters and bytes, other encodings); the same
mutations drive the bounded property tests in tests/parse/test_fuzz.py.

Prints cases/s, how each case ended (records, ParseError) and every failure (mutation recipe,
exception, traceback tail); exits 1 if there was one. Pure Python, no Django, no database.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from importers.parse import read_page  # noqa: E402
from importers.records import PageRecord, ParseError  # noqa: E402

SEEDS = sorted((ROOT / "seeds").glob("*.txt"))

MASTHEAD_MARKERS = (
    "年", "星期", "电子版", "电子邮件", "刊号", "邮发代号", "总第", "# ", "社址", "邮编",
)
STRAY_MARKUP = (
    "**", "****", "** **", "**未闭合", "##", "## ", "###", "### ", "#", "# ", "##  ##",
    "![](", "![]()", "<img", "\\", "  ", "本报讯", "记者 摄", "（记者", "下转第2版", "2021年2月30日",
    "0年0月0日", "99999年12月31日", "辛丑年闰二月卅", "星期八", "总第0号", "总第99999999999999999999号",
)  # fmt: skip
OTHER_ENCODINGS = ("gb18030", "utf-16", "utf-16-le", "utf-16-be", "big5", "latin-1", "utf-8-sig",
                   "shift_jis", "cp1252")  # fmt: skip
# Characters OCR output can plausibly contain, plus control and invisible ones.
ODD_CHARS = "\x00\x01\x07\x0b\x0c\x1b\x7f\x85\u2028\u2029\u200b\u200d\ufeff\ufffd\u3000\U0001f600"


def _span(lines: list[str], rnd: random.Random) -> tuple[int, int]:
    """Return a random slice [start, end) of the lines (possibly empty)."""
    if not lines:
        return 0, 0
    start = rnd.randrange(len(lines))
    return start, min(len(lines), start + rnd.randint(0, 12))


def cut_lines(lines: list[str], rnd: random.Random) -> list[str]:
    start, end = _span(lines, rnd)
    return lines[:start] + lines[end:]


def duplicate_lines(lines: list[str], rnd: random.Random) -> list[str]:
    start, end = _span(lines, rnd)
    at = rnd.randint(0, len(lines))
    return lines[:at] + lines[start:end] + lines[at:]


def shuffle_lines(lines: list[str], rnd: random.Random) -> list[str]:
    start, end = _span(lines, rnd)
    middle = lines[start:end]
    rnd.shuffle(middle)
    return lines[:start] + middle + lines[end:]


def shuffle_all(lines: list[str], rnd: random.Random) -> list[str]:
    lines = list(lines)
    rnd.shuffle(lines)
    return lines


def drop_masthead_part(lines: list[str], rnd: random.Random) -> list[str]:
    marker = rnd.choice(MASTHEAD_MARKERS)
    first_heading = next((i for i, line in enumerate(lines) if line.startswith("## ")), len(lines))
    return [
        line for i, line in enumerate(lines) if i >= first_heading or marker not in line
    ]


def stray_markup(lines: list[str], rnd: random.Random) -> list[str]:
    lines = list(lines)
    for _ in range(rnd.randint(1, 5)):
        mark = rnd.choice(STRAY_MARKUP)
        at = rnd.randint(0, len(lines))
        if lines and at < len(lines) and rnd.random() < 0.5:
            line = lines[at]
            cut = rnd.randint(0, len(line))
            lines[at] = line[:cut] + mark + line[cut:]
        else:
            lines.insert(at, mark)
    return lines


def blank_run(lines: list[str], rnd: random.Random) -> list[str]:
    at = rnd.randint(0, len(lines))
    return lines[:at] + [rnd.choice(("", " ", "  ", "\t"))] * rnd.randint(2, 60) + lines[at:]


def huge_line(lines: list[str], rnd: random.Random) -> list[str]:
    size = rnd.choice((5_000, 50_000, 400_000))
    unit = rnd.choice(("字", "，", "。", "ab ", "** ", "## ", " ", "记者", "2021年3月19日", "\\"))
    prefix = rnd.choice(("", "## ", "**", "### ", "本报讯 记者"))
    at = rnd.randint(0, len(lines))
    return [*lines[:at], prefix + unit * (size // len(unit)), *lines[at:]]


def odd_characters(lines: list[str], rnd: random.Random) -> list[str]:
    lines = list(lines)
    for _ in range(rnd.randint(1, 8)):
        if not lines:
            lines.append("")
        at = rnd.randrange(len(lines))
        chars = "".join(
            rnd.choice(ODD_CHARS) if rnd.random() < 0.5 else chr(rnd.randint(0x20, 0x2FFFF))
            for _ in range(rnd.randint(1, 6))
        )
        chars = "".join(c for c in chars if not 0xD800 <= ord(c) <= 0xDFFF)
        cut = rnd.randint(0, len(lines[at]))
        lines[at] = lines[at][:cut] + chars + lines[at][cut:]
    return lines


def truncate_text(lines: list[str], rnd: random.Random) -> list[str]:
    text = "\n".join(lines)
    return text[: rnd.randint(0, len(text))].split("\n")


def crlf(lines: list[str], rnd: random.Random) -> list[str]:
    ending = rnd.choice(("\r", "\r\r", "\u2028"))
    return [line + ending if rnd.random() < 0.5 else line for line in lines]


LINE_MUTATIONS: dict[str, Callable[[list[str], random.Random], list[str]]] = {
    "cut_lines": cut_lines,
    "duplicate_lines": duplicate_lines,
    "shuffle_lines": shuffle_lines,
    "shuffle_all": shuffle_all,
    "drop_masthead_part": drop_masthead_part,
    "stray_markup": stray_markup,
    "blank_run": blank_run,
    "huge_line": huge_line,
    "odd_characters": odd_characters,
    "truncate_text": truncate_text,
    "crlf": crlf,
}


def other_encoding(data: bytes, rnd: random.Random) -> bytes:
    encoding = rnd.choice(OTHER_ENCODINGS)
    return data.decode("utf-8", errors="replace").encode(encoding, errors="replace")


def flip_bytes(data: bytes, rnd: random.Random) -> bytes:
    buffer = bytearray(data)
    for _ in range(rnd.randint(1, 16)):
        if buffer:
            buffer[rnd.randrange(len(buffer))] = rnd.randrange(256)
    return bytes(buffer)


def insert_bytes(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randint(0, len(data))
    return data[:at] + rnd.randbytes(rnd.randint(1, 64)) + data[at:]


def truncate_bytes(data: bytes, rnd: random.Random) -> bytes:
    return data[: rnd.randint(0, len(data))]


def random_file(data: bytes, rnd: random.Random) -> bytes:
    return rnd.randbytes(rnd.randint(0, 4096))


BYTE_MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "other_encoding": other_encoding,
    "flip_bytes": flip_bytes,
    "insert_bytes": insert_bytes,
    "truncate_bytes": truncate_bytes,
    "random_file": random_file,
}


def mutate(seed_text: str, recipe: list[tuple[str, int]]) -> bytes:
    """Return the seed page put through each (mutation name, random seed) of the recipe, as bytes.

    Line mutations apply to the text; once a byte mutation has run the rest apply to bytes.
    """
    lines: list[str] | None = seed_text.split("\n")
    data = b""
    for name, seed in recipe:
        rnd = random.Random(seed)
        if name in LINE_MUTATIONS and lines is not None:
            lines = LINE_MUTATIONS[name](lines, rnd)
        elif name in BYTE_MUTATIONS:
            if lines is not None:
                data, lines = "\n".join(lines).encode("utf-8"), None
            data = BYTE_MUTATIONS[name](data, rnd)
    return "\n".join(lines).encode("utf-8") if lines is not None else data


class Hang(Exception):
    """A case ran longer than the per-case limit (a quadratic or worse path in the parser)."""


def _on_alarm(signum, frame):
    raise Hang("no answer within the per-case limit")


class ContractBroken(AssertionError):
    """The parser's answer broke its contract (wrong error, or records that point nowhere)."""


def check_contract(data: bytes, source: str) -> PageRecord | ParseError:
    """Return what read_page gave (records or a ParseError); raise if it broke the contract.

    The contract: a PageRecord whose line numbers stay inside the file and that prints as JSON,
    or a ParseError naming ``source`` first and, if it names a line, a line of the file. Any
    other exception propagates unchanged.
    """
    # The most lines any reading of the bytes can have (every \n and every \r a line break;
    # neither byte is part of a multi-byte character in UTF-8 or GB18030).
    line_count = data.count(b"\n") + data.count(b"\r") + 1
    try:
        page = read_page(data, source)
    except ParseError as error:
        message = str(error)
        if error.source != source or not message.startswith(source):
            raise ContractBroken(f"ParseError does not name the file first: {message!r}") from error
        if error.line is not None:
            if not 1 <= error.line <= line_count:
                raise ContractBroken(
                    f"ParseError names line {error.line} of a {line_count}-line file: {message!r}"
                ) from error
            if f"line {error.line}" not in message:
                raise ContractBroken(f"ParseError hides its line number: {message!r}") from error
        if not error.message.strip():
            raise ContractBroken("ParseError with an empty message") from error
        return error
    if not isinstance(page, PageRecord) or not page.articles:
        raise ContractBroken(f"read_page returned {page!r} instead of a page with articles")
    spans = [article.lines for article in page.articles]
    spans += [photo.lines for article in page.articles for photo in article.photos]
    spans += [ad.lines for ad in page.advertisements]
    for first, last in spans:
        if not 1 <= first <= last <= line_count:
            raise ContractBroken(f"record spans lines {first}-{last} of a {line_count}-line file")
    json.dumps([page.as_json()], ensure_ascii=False)
    return page


@dataclass
class Failure:
    seed_file: str
    recipe: list[tuple[str, int]]
    error: str
    trace: str


def random_recipe(rnd: random.Random) -> list[tuple[str, int]]:
    """Return one to four mutations, line mutations first (then maybe one byte mutation)."""
    names = [rnd.choice(list(LINE_MUTATIONS)) for _ in range(rnd.randint(0, 3))]
    if not names or rnd.random() < 0.3:
        names.append(rnd.choice(list(BYTE_MUTATIONS)))
    return [(name, rnd.randrange(2**32)) for name in names]


def run(
    cases: int, seed: int, case_timeout: float = 10.0
) -> tuple[collections.Counter, list[Failure], float]:
    """Run the cases; return how they ended, the failures and the seconds taken.

    A case that takes longer than ``case_timeout`` seconds is stopped and counted as a failure.
    """
    signal.signal(signal.SIGALRM, _on_alarm)
    rnd = random.Random(seed)
    texts = {path.name: path.read_text(encoding="utf-8") for path in SEEDS}
    outcomes: collections.Counter = collections.Counter()
    failures: list[Failure] = []
    started = time.perf_counter()
    for _ in range(cases):
        seed_file = rnd.choice(sorted(texts))
        recipe = random_recipe(rnd)
        data = mutate(texts[seed_file], recipe)
        signal.setitimer(signal.ITIMER_REAL, case_timeout)
        try:
            result = check_contract(data, f"fuzz/{seed_file}")
        except Exception as error:  # every other exception is what we are looking for
            outcomes["failure"] += 1
            failures.append(
                Failure(
                    seed_file, recipe, f"{type(error).__name__}: {error}"[:300],
                    "".join(traceback.format_exc().splitlines(keepends=True)[-6:]),
                )
            )
        else:
            outcomes["records" if isinstance(result, PageRecord) else "ParseError"] += 1
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return outcomes, failures, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=10, help="failures to print in full")
    parser.add_argument("--case-timeout", type=float, default=10.0,
                        help="seconds after which a case counts as a hang")
    args = parser.parse_args(argv)
    outcomes, failures, seconds = run(args.cases, args.seed, args.case_timeout)
    print(f"fuzzed read_page with {args.cases:,} mutated seed pages (seed {args.seed}) "
          f"in {seconds:.1f} s: {args.cases / seconds:,.0f} cases/s")
    print("outcomes: " + ", ".join(f"{name} {count:,}" for name, count in outcomes.most_common()))
    distinct = collections.Counter(f.error.split(":")[0] for f in failures)
    print(f"failures: {len(failures)} ({len(distinct)} distinct exception types)")
    for failure in failures[: args.show]:
        print(f"\n- {failure.seed_file} recipe={failure.recipe}\n  {failure.error}\n{failure.trace}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
