"""Review flags' messages in the reader's language.

The importer's parser is pure Python without Django, so it writes each flag's message in
English and hands over the values it is made of (``FlagRecord.params``). A flag keeps both:
``message`` (the English sentence, searchable, and all that flags written before this module
have) and ``message_key`` + ``message_params``, from which ``flag_message()`` words it in the
active language (Simplified Chinese by default, English in the catalog).
"""

from __future__ import annotations

import re

from django.db.models import TextChoices
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# message_key (the parser's or loader's code) -> the message, with %(name)s for each value.
MESSAGES = {
    "decoded_encoding": _("文件不是 UTF-8 编码，已按 %(encoding)s 解码（GBK 与 GB2312 是它的子集）"),
    "weekday_mismatch": _("报头印的是%(printed)s，但 %(date)s 是星期%(expected)s"),
    "lunar_date_mismatch": _("报头印的农历日期是%(printed)s，但 %(date)s 是%(expected)s"),
    "masthead_mismatch": _("报头印的是 %(printed)s，而本报的%(field)s是 %(expected)s"),
    "unassigned_text": _("广告之后的文字不属于任何文章：请给它加上“## ”标题，或删除"),
    "unattached_credit": _("图片署名“%(credit)s”前没有图片说明，未放入正文"),
    "photo_credit_inferred": _(
        "图片说明“%(caption)s”没有署名，已署名为%(photographer)s（其署名写明“摄影”）"
    ),
    "truncated_article": _("文章在句中结束（“…%(tail)s”），其余部分可能在别的版面，或在识别中丢失"),
    "joined_paragraphs": _(
        "被分栏截断的段落（“…%(tail)s”）已与第 %(line)s 行的续文（“%(head)s…”）合并"
    ),
    "crosshead_detected": _("“%(text)s”单独夹在完整的段落之间且没有标点，已作为小标题"),
    "removed_furniture": _(
        "已删除第 %(lines)s 行的 %(text)s：文章中的版面杂项（热线、电话、编辑或转版提示）"
    ),
    "jump_line": _("已删除第 %(lines)s 行的转版提示 %(text)s：文章在第 %(page)s 版继续"),
    "joined_continuation": _("已把第 %(page)s 版第 %(position)s 位的接续部分（上接）并入本文"),
    "jump_pending": _("本文转至第 %(page)s 版，该版尚未导入"),
    "reader_suggestion": _("读者建议把“%(passage)s”改为“%(suggestion)s”"),
    "jump_unmatched": _("本文转至第 %(page)s 版，但该版没有与之相符的接续部分"),
    "continuation_unmatched": _("本部分上接第 %(where)s 版，但该版没有与之相符的文章"),
    "continuation_ambiguous": _("本部分上接第 %(where)s 版，可能属于多篇文章（%(choices)s），请手动合并"),
    "page_source_changed": _(
        "第 %(page)s 版此前由 %(before)s 导入，现由另一文件 %(source)s 导入；请核对两者是否为同一版面"
    ),
    "file_date_mismatch": _(
        "文件名中的日期是 %(named)s，而版面印的是 %(date)s；已归入 %(date)s 一期，请核对该版是否属于这一天"
    ),
    "scan_unreadable": _(
        "第 %(page)s 版的版面图 %(file)s 无法解码（%(reason)s），读者看不到它；请换上完好的扫描件"
    ),
    "removed_stray_line": _("已删除第 %(lines)s 行的 %(text)s：与第 %(copy)s 行重复的碎行"),
    "possible_duplicate_contributor": _(
        "%(name)s 可能与 %(other)s 是同一作者（都署名为%(role)s）；如是，请合并"
    ),
    "import_conflict": _(
        "%(source)s：新导入把%(field)s改为“%(new)s”，但编辑已改为“%(editor)s”；保留了编辑的版本"
    ),
    "disappeared": _(
        "%(source)s 中已没有第 %(page)s 版第 %(position)s 位的%(what)s；因编辑改过而保留"
        "（如确已不存在，请删除）"
    ),
}

# Values that name a thing of the archive, worded in the active language too.
MASTHEAD_FIELDS = {
    "cn_number": _("国内统一刊号"),
    "postal_code": _("邮发代号"),
    "website": _("网址"),
    "email": _("电子邮箱"),
}


def flag_message(key: str, params: dict, fallback: str, *, roles: type[TextChoices]) -> str:
    """Return a flag's message in the active language, or ``fallback`` (its stored English
    sentence) when the flag predates message keys or its values do not fit the message.

    ``roles`` (the models' Role) labels a contributor's role; passed in, so that the models
    can import this module and it need not import them.
    """
    template = MESSAGES.get(key)
    if template is None:
        return fallback
    values = {
        name: _unquoted(str(template), name, _worded(key, name, value, roles))
        for name, value in (params or {}).items()
    }
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return fallback


# Quote marks a quoted value may already start or end with (the paper's own, or the parser's).
OPENING_QUOTES = "“\"「『'‘"
CLOSING_QUOTES = "”\"」』'’"
# The parser quotes each removed text as 'text' (several joined by " / ") and writes a range
# of lines as "95-97"; the desk quotes with “…” and writes ranges with an en dash.
PARSER_QUOTED = re.compile(r"'([^']*)'")
PARSER_RANGE = re.compile(r"^(\d+)-(\d+)$")


def _unquoted(template: str, name: str, value):
    """Return a value without the quote marks the message puts around it already (no “““…)."""
    if not isinstance(value, str):
        return value
    if f"“%({name})s" in template or f"“…%({name})s" in template:
        value = value[1:] if value[:1] in OPENING_QUOTES else value
    if f"%({name})s”" in template:
        value = value[:-1] if value[-1:] in CLOSING_QUOTES else value
    return value


def _worded(key: str, name: str, value, roles: type[TextChoices]):
    if name in ("lines", "line", "copy") and isinstance(value, str):
        return PARSER_RANGE.sub("\\1–\\2", value)
    if name == "text" and key in ("removed_furniture", "removed_stray_line", "jump_line") and isinstance(value, str):
        return PARSER_QUOTED.sub("“\\1”", value)
    if name == "role" and value in roles.values:
        return roles(value).label
    if name == "field" and key == "masthead_mismatch":
        return MASTHEAD_FIELDS.get(value, value)
    if name in ("field", "what") and isinstance(value, str):
        # Stored as the model's or field's Chinese name, which is its msgid.
        return gettext(value)
    return value
