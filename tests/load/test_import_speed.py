"""What the importer does faster gives the same documents (docs/performance.md, "Import speed")."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from newsroom.search import indexing
from newsroom.search.indexing import ocr_passages, tsvector_literal
from newsroom.search.models import ArticleDocument
from newsroom.search.text import MAX_POSITION, TOKEN_RUN, long_words, normalize


def reference_literal(fields, *, prefix=""):
    """The vector literal as tsvector_literal wrote it before (one str.format an entry)."""
    entries = []
    entry = ("'" + prefix + "{}':{}").format
    base = 1
    for text, weight in fields:
        table = [f"{p}{weight}" for p in range(MAX_POSITION + 1)]
        for match in TOKEN_RUN.finditer(text):
            start, run = base + match.start(), match.group()
            if match.lastgroup != "cjk":
                entries.append(entry(run, table[min(start, MAX_POSITION)]))
                continue
            labels = [table[min(p, MAX_POSITION)] for p in range(start, start + len(run))]
            entries.extend(map(entry, run, labels))
            entries.extend(map(entry, [run[i : i + 2] for i in range(len(run) - 1)], labels))
            entries.extend(entry(word, labels[offset]) for word, offset in long_words(run))
        base += len(text) + 1
    return " ".join(entries)


TEXTS = [
    "",
    "工会",
    "浙江工会 工会工作",
    "工会在嘉兴调研工会工作，推进工会系统化建设。CN33-0018 加工会 " * 3,
    "史济锡在嘉兴调研工会工作，推进系统化建设。ABC abc 123 ｆｕｌｌ 数字化改革",
    "工" * 400 + "会" * 20,
    "长文" * 9000 + "数字化改革 CN33",  # past the last position PostgreSQL keeps
]


@pytest.mark.parametrize("prefix", ["", "h:", "o:"])
@pytest.mark.parametrize("text", TEXTS)
def test_the_vector_literal_is_the_one_written_before_character_for_character(text, prefix):
    fields = [(normalize(text), "A"), (normalize(text[::-1]), "B"), (normalize(text[:50]), "C")]
    assert tsvector_literal(fields, prefix=prefix) == reference_literal(fields, prefix=prefix)


def test_a_documents_vector_is_its_fields_literals_joined():
    values = indexing.document_values(("浙江工会 工会工作", "工会在嘉兴调研。CN33", "记者 阮向民", "误读一行"),
                                      "postgresql")
    title, body, extra, ocr = (normalize(t) for t in
                               ("浙江工会 工会工作", "工会在嘉兴调研。CN33", "记者 阮向民", "误读一行"))
    assert values["vector"] == " ".join([
        reference_literal([(title, "A"), (body, "B"), (extra, "C")]),
        reference_literal([(title, "A")], prefix="h:"),
        reference_literal([(ocr, "D")], prefix="o:"),
    ])


def reference_passages(originals, corrected):
    """ocr_passages written out character by character: each raw character folded on its own,
    runs of letters grown one folded character at a time, a passage from its first changed
    run's first raw character to its last one's last, then the punctuation right after."""
    not_letters = re.compile(r"[\W_]+")
    present = not_letters.sub("", normalize("\n".join(t for t in corrected if t)))
    kept = {}
    for text in originals:
        for line in (text or "").splitlines():
            runs = []  # [folded letters, first raw index, last raw index]
            in_run = False
            for index, char in enumerate(line):
                for folded in normalize(char):
                    if re.fullmatch(r"[^\W_]", folded):
                        if not in_run:
                            runs.append(["", index, index])
                        runs[-1][0] += folded
                        runs[-1][2] = index
                        in_run = True
                    else:
                        in_run = False
            changed = [letters not in present for letters, _first, _last in runs]
            for number, (_letters, first, _last) in enumerate(runs):
                if not changed[number] or (number and changed[number - 1]):
                    continue  # not changed, or not the first of its group
                following = number
                while following + 1 < len(runs) and changed[following + 1]:
                    following += 1
                end = runs[following][2] + 1
                while (end < len(line) and not line[end].isspace() and not re.match(r"\w", line[end])
                       and line[end] not in "*#`~|>"):
                    end += 1
                kept[line[first:end]] = None
    return "\n".join(kept)


@pytest.mark.parametrize("originals", [
    ["工會，工作\n\n  误读一行  \n误读一行"],
    ["a\r\nb\u2028误读\x85行\x0b臺灣\x0c第二\x1c行\x1d\x1e末\r", None, ""],
    ["ＡＢＣ全角\n㈱株式\nﬁ合字\n正文"],
    ["本报讯 记者阮向民报道 工会工作，职工之冢！正文。\n**误读**_一行_。\n工会，误读……正文 b"],
])
def test_ocr_passages_are_the_changed_clauses_character_by_character(originals):
    corrected = ["工会工作", "正文 b"]
    assert ocr_passages(originals, corrected) == reference_passages(originals, corrected)


def _documents():
    fields = [f.attname for f in ArticleDocument._meta.concrete_fields
              if f.attname not in ("id", "indexed_at")]
    return {row[0]: row for row in ArticleDocument.objects.order_by("article_id").values_list(*fields)}


@pytest.mark.django_db
def test_a_batch_indexes_a_joined_article_once_and_as_a_rebuild_would(
    tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    from benchmarks.generate_issues import write_issues
    from importers.load import import_paths
    from newsroom.models import Article

    built = Counter()
    build = indexing.build_document

    def counting(article, values, page_name=""):
        built[article.pk] += 1
        return build(article, values, page_name)

    monkeypatch.setattr(indexing, "build_document", counting)
    paths = write_issues(3, tmp_path, seed=2)
    with django_capture_on_commit_callbacks(execute=True):
        result = import_paths(paths)

    assert result.ok, [f.error for f in result.files if f.error]
    joined = set(Article.objects.filter(continues__isnull=False).values_list("pk", "continues"))
    assert joined, "the generated issues continue articles on other pages"
    assert set(built) == set(Article.objects.values_list("pk", flat=True))
    assert max(built.values()) == 1, "no document is built twice in one run"
    imported = _documents()
    indexing.rebuild_index()
    assert _documents() == imported
