"""How an article of the paper is cited: one record (``Work``), written out in every format.

Pure Python, no Django: ``newsroom/models`` makes a Work of an article (``Article.citation``),
the archive page, its download links, the meta tags Zotero reads and the API all write it
with the functions here, so the formats never disagree.

* **GB/T 7714-2015**, the national standard Chinese readers cite by, in its numbered ([N]) form
  for a newspaper article read online (8.1, 8.7, 8.8; document type ``[N/OL]``)::

      [1] 阮向民, 金钩. 标题: 副题[N/OL]. 浙江工人日报, 2021-03-19(1)[2026-12-05]. https://….

  Up to three authors, then ``等``; none printed: ``佚名`` (8.1.1). The page is the 版次 the
  article starts on.
* **BibTeX** (``@article``, biblatex's ``date`` and ``urldate`` with the classic ``year``/``month``
  beside them), **RIS** (``TY  - NEWS``, lines ended with CR LF as the format says) and
  **CSL-JSON** (``article-newspaper``: the record citeproc processors and Zotero read).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

GBT_MAX_AUTHORS = 3
ANONYMOUS = "佚名"
LANGUAGE = "zh-CN"


@dataclass(frozen=True)
class Work:
    """An article as a citation sees it."""

    key: str  # a stable identifier: the paper's short name, the date and the article's id
    title: str
    subtitle: str
    authors: tuple[str, ...]
    newspaper: str
    date: dt.date
    pages: tuple[int, ...]
    url: str
    accessed: dt.date
    tags: tuple[str, ...] = field(default=())

    @property
    def full_title(self) -> str:
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title

    @property
    def first_page(self) -> str:
        return str(self.pages[0]) if self.pages else ""


def gb7714(work: Work, number: int | None = 1) -> str:
    """Return the GB/T 7714-2015 reference ("[1] 阮向民, 金钩. 标题[N/OL]. 浙江工人日报, 2021-03-19(1)[…]. URL.")."""
    authors = list(work.authors[:GBT_MAX_AUTHORS]) or [ANONYMOUS]
    names = ", ".join(authors) + (", 等" if len(work.authors) > GBT_MAX_AUTHORS else "")
    page = f"({work.first_page})" if work.first_page else ""
    prefix = f"[{number}] " if number is not None else ""
    title = work.full_title.rstrip("。.")
    return (f"{prefix}{names}. {title}[N/OL]. {work.newspaper}, {work.date.isoformat()}{page}"
            f"[{work.accessed.isoformat()}]. {work.url}.")


_BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")


def _bibtex_value(text: str) -> str:
    escaped = _BIBTEX_SPECIAL.sub(lambda m: "\\textbackslash{}" if m.group(1) == "\\" else
                                  "\\textasciitilde{}" if m.group(1) == "~" else
                                  "\\textasciicircum{}" if m.group(1) == "^" else "\\" + m.group(1), text)
    return " ".join(escaped.split())  # a value on one line: no line break from the OCR


def bibtex(work: Work) -> str:
    """Return the BibTeX entry: each Chinese name braced, so no tool splits it into given and family names."""
    fields = [
        ("author", " and ".join("{" + _bibtex_value(name) + "}" for name in work.authors)),
        ("title", _bibtex_value(work.full_title)),
        ("journal", _bibtex_value(work.newspaper)),
        ("date", work.date.isoformat()),
        ("year", str(work.date.year)),
        ("month", str(work.date.month)),
        ("pages", work.first_page),
        ("url", work.url),
        ("urldate", work.accessed.isoformat()),
        ("language", "chinese"),
        ("keywords", _bibtex_value(", ".join(work.tags))),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@article{{{work.key},\n{body}\n}}\n"


def _ris_value(text: str) -> str:
    return " ".join(text.split())


def ris(work: Work) -> str:
    """Return the RIS record (TY  - NEWS ... ER  - ), lines ended with CR LF."""
    lines = [("TY", "NEWS")]
    lines += [("AU", _ris_value(name)) for name in work.authors]
    lines += [
        ("TI", _ris_value(work.full_title)),
        ("T2", _ris_value(work.newspaper)),
        ("DA", work.date.strftime("%Y/%m/%d")),
        ("PY", str(work.date.year)),
        ("SP", work.first_page),
        ("UR", work.url),
        ("Y2", work.accessed.strftime("%Y/%m/%d")),
        ("LA", LANGUAGE),
        ("ID", work.key),
    ]
    lines += [("KW", _ris_value(tag)) for tag in work.tags]
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines if value or tag == "ER")


def _date_parts(date: dt.date) -> dict:
    return {"date-parts": [[date.year, date.month, date.day]]}


def csl_item(work: Work) -> dict:
    """Return the CSL-JSON item (type article-newspaper); names as literals, as Chinese names are written."""
    item = {
        "id": work.key,
        "type": "article-newspaper",
        "title": work.full_title,
        "author": [{"literal": name} for name in work.authors],
        "container-title": work.newspaper,
        "issued": _date_parts(work.date),
        "page": work.first_page,
        "URL": work.url,
        "accessed": _date_parts(work.accessed),
        "language": LANGUAGE,
    }
    if work.tags:
        item["keyword"] = ", ".join(work.tags)
    return {name: value for name, value in item.items() if value not in ("", [])}


def csl_json(work: Work) -> str:
    """Return the CSL-JSON document: a list holding the one item."""
    return json.dumps([csl_item(work)], ensure_ascii=False, indent=2) + "\n"


def meta_tags(work: Work) -> list[tuple[str, str]]:
    """Return the Highwire Press ``citation_*`` tags reference managers (Zotero) read from the page."""
    tags = [("citation_title", work.full_title)]
    tags += [("citation_author", name) for name in work.authors]
    tags += [
        ("citation_publication_date", work.date.strftime("%Y/%m/%d")),
        ("citation_date", work.date.strftime("%Y/%m/%d")),
        ("citation_journal_title", work.newspaper),
        ("citation_firstpage", work.first_page),
        ("citation_language", LANGUAGE),
        ("citation_public_url", work.url),
    ]
    tags += [("citation_keywords", tag) for tag in work.tags]
    return [(name, value) for name, value in tags if value]


@dataclass(frozen=True)
class Format:
    """A citation format: its writer, the media type it is served as and its file's extension."""

    name: str
    label: str
    write: object
    content_type: str
    extension: str


FORMATS: dict[str, Format] = {
    "gb7714": Format("gb7714", "GB/T 7714-2015", gb7714, "text/plain; charset=utf-8", "txt"),
    "bibtex": Format("bibtex", "BibTeX", bibtex, "application/x-bibtex; charset=utf-8", "bib"),
    "ris": Format("ris", "RIS", ris, "application/x-research-info-systems; charset=utf-8", "ris"),
    "csl-json": Format("csl-json", "CSL-JSON", csl_json, "application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}


def write(work: Work, name: str) -> str:
    """Return the citation in the named format (a key of FORMATS); KeyError for another name."""
    return FORMATS[name].write(work)
