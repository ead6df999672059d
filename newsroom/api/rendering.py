"""Article bodies as HTML and plain text for API clients, a plain-text renderer, and which
format a request asks for.

Everything here came from OCR, so every piece of text is escaped: a body can
never smuggle markup into a client that inserts the HTML as it is.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.html import format_html, format_html_join
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer

from newsroom.lib.blocks import CROSSHEAD, Block

# Crossheads are h3 so a client can place the headline (h1) and subheadline (h2) above them.
_TAGS = {CROSSHEAD: "h3"}


def blocks_html(blocks: list[Block]) -> str:
    """Return the blocks as escaped HTML: <p> for paragraphs, <h3> for crossheads."""
    return format_html_join(
        "\n", "<{0}>{1}</{0}>", ((_TAGS.get(block.type, "p"), block.text) for block in blocks)
    )


def caption_html(text: str) -> str:
    """Return a caption as one escaped paragraph."""
    return format_html("<p>{}</p>", text) if text else ""


class PlainTextRenderer(BaseRenderer):
    """Render a string as text/plain (the verbatim OCR text); an error as its message."""

    media_type = "text/plain"
    format = "txt"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, dict):
            data = str(data.get("detail", data))
        return str(data).encode(self.charset)


class StrictContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, except that an empty ``?format=`` is refused (404, as any format the
    endpoint does not offer) rather than read as no format at all: the schema lists the formats."""

    def select_renderer(self, request, renderers, format_suffix=None):
        override = self.settings.URL_FORMAT_OVERRIDE
        if not format_suffix and override and request.query_params.get(override, None) == "":
            raise Http404
        return super().select_renderer(request, renderers, format_suffix)
