"""Name the punctuation, character classes and Markdown line shapes several steps of the parser share.

Pure: the standard library only. A pattern only one step uses lives with that step.
"""

from __future__ import annotations

import re

from newsroom.lib.roles import (
    CORRESPONDENT,
    INTERN,
    PHOTOGRAPHER,
    REPORTER,
    SPECIAL_CORRESPONDENT,
    TRAINEE_REPORTER,
)

# Punctuation: where sentences end, and what a finished phrase does not end on.
SENTENCE_FINAL = "。！？!?…：:"
CLOSING_MARKS = "”’」』）)》〉】\"'"
INNER_PUNCTUATION = ",，、;；:：。.!！?？"
# Characters a finished phrase does not end on: a line ending on one runs on.
DANGLING_ENDINGS = "的地得和与及或在以对把被将向从为于是要让使由而并且但等之其这那每各该"
REPORTING_VERBS = (
    "强调", "指出", "希望", "表示", "认为", "要求", "介绍", "告诉", "透露", "提出",
    "坦言", "感慨", "直言", "说道", "寄语", "勉励", "号召", "称赞", "宣布", "呼吁",
)  # fmt: skip


# Names, and the roles printed before them (记者, 通讯员, 新华社记者).
CJK = r"\u3400-\u9fff"
NAME = rf"[{CJK}·•]{{2,6}}"
ROLE_WORDS: tuple[tuple[str, str], ...] = (
    ("特约记者", SPECIAL_CORRESPONDENT),
    ("见习记者", TRAINEE_REPORTER),
    ("摄影记者", PHOTOGRAPHER),
    ("本报记者", REPORTER),
    ("记者", REPORTER),
    ("通讯员", CORRESPONDENT),
    ("实习生", INTERN),
)
ROLE = "|".join(word for word, _ in ROLE_WORDS)
ROLE_OF = dict(ROLE_WORDS)
# A role may name its newsroom first: 新华社记者, 人民网记者.
CREDIT_ROLE = rf"(?:[{CJK}]{{1,5}}?(?:社|报|网|台))?(?:{ROLE})"
CREDIT_ROLE_RE = re.compile(rf"(?:[{CJK}]{{1,5}}?(?:社|报|网|台))?({ROLE})")


# The shapes of the Markdown lines the OCR tool writes.
HEADING_RE = re.compile(r"^##(?!#)\s*(.*?)\s*#*\s*$")
CROSSHEAD_LINE_RE = re.compile(r"^#{3,6}\s+(?P<text>.+?)\s*#*$")
IMAGE_LINE_RE = re.compile(r"^(?:!\[[^\]]*\]\([^)]*\)|<img\b[^>]*>)$", re.I)
NAME_LINE_RE = re.compile(r"^#(?!#)\s*(.+?)\s*#*\s*$")
BOLD_LINE_RE = re.compile(r"^\*\*(?P<text>[^*].*?)\*\*\s*$")


# Dates printed on the masthead.
GREGORIAN_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
LUNAR_RE = re.compile(
    r"([甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥])年\s*"
    r"(闰?(?:十[一二]|[正一二三四五六七八九十冬腊]))月\s*"
    r"(初[一二三四五六七八九十]|十[一二三四五六七八九]|二十|廿[一二三四五六七八九]|三十|卅)"
)
