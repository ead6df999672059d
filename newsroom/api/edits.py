"""What a client may send, and the errors it may get back: an editor's changes to an article.

Shapes only: the edit itself goes through newsroom.editorial (newsroom/api/views.py), which
checks the version (If-Match) and records it like any editor's save.
"""

from __future__ import annotations

from rest_framework import serializers

from newsroom.api.serializers import BlockSerializer
from newsroom.lib.blocks import Block, render_body
from newsroom.models import Article


def _max_length(name: str) -> int:
    """Return the longest text the article's field ``name`` holds (the model's own limit)."""
    return Article._meta.get_field(name).max_length


class ArticleEditSerializer(serializers.Serializer):
    """The fields an editor may change (Article.TEXT_FIELDS, as blocks too, and the tags);
    any other key is refused."""

    #: What the schema says of the whole body (see newsroom/api/schema.py): the checks below.
    request_schema_rules = {
        "additionalProperties": False,
        "minProperties": 1,
        "not": {"required": ["body", "blocks"]},
    }

    kicker = serializers.CharField(
        max_length=_max_length("kicker"), allow_blank=True, required=False,
        help_text="Kicker (引题).",
    )
    headline = serializers.CharField(
        max_length=_max_length("headline"), required=False, help_text="Main headline."
    )
    subheadline = serializers.CharField(
        max_length=_max_length("subheadline"), allow_blank=True, required=False,
        help_text="Subheadline (副题).",
    )
    dateline = serializers.CharField(
        max_length=_max_length("dateline"), allow_blank=True, required=False,
        help_text="Dateline, e.g. 本报讯.",
    )
    body = serializers.CharField(
        allow_blank=True, required=False, trim_whitespace=False,
        help_text="The body as stored: blocks separated by a blank line, crossheads start with `### `.",
    )
    blocks = BlockSerializer(
        many=True, required=False,
        help_text="The body as blocks, instead of `body` (send one or the other).",
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False,
        help_text="The complete new list of tag names (replaces the old list).",
    )

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["此字段不可通过 API 修改。"] for name in unknown}
                )
        return super().to_internal_value(data)

    def validate(self, attrs):
        if "body" in attrs and "blocks" in attrs:
            raise serializers.ValidationError({"blocks": ["请只提供 body 或 blocks 其中之一。"]})
        if not attrs:
            raise serializers.ValidationError({"detail": ["没有要修改的字段。"]})
        if "blocks" in attrs:
            attrs["body"] = render_body([Block(b["type"], b["text"]) for b in attrs.pop("blocks")])
        return attrs


# --- errors -------------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong and how to fix it.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For invalid input: the messages for each parameter or field, by name.",
    )


class PreconditionErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Why the edit was refused.")
    version = serializers.IntegerField(help_text="The article's current version.")
    etag = serializers.CharField(help_text="The current entity tag: send it in If-Match after re-reading.")
