"""Helpers for the IIIF tests: the IIIF validator's test image, drawn here, and addresses."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

IDENTIFIER = "zjgrrb_2021-03-19_1_2"
BASE = f"/iiif/3/{IDENTIFIER}"


def grid_colours() -> list[list[tuple[int, int, int]]]:
    """The validator's colours: ``[x][y]`` is the square whose top left is (100 x, 100 y)."""
    from iiif_validator.validator import ValidationInfo

    return ValidationInfo().colorInfo


def grid_image() -> Image.Image:
    """The IIIF validator's test image: 1000 x 1000 pixels, ten by ten squares of known colours."""
    image = Image.new("RGB", (1000, 1000))
    draw = ImageDraw.Draw(image)
    for x, column in enumerate(grid_colours()):
        for y, colour in enumerate(column):
            draw.rectangle([x * 100, y * 100, x * 100 + 99, y * 100 + 99], fill=colour)
    return image


def grid_png() -> bytes:
    buffer = io.BytesIO()
    grid_image().save(buffer, "PNG")
    return buffer.getvalue()


def decoded(response) -> Image.Image:
    """Return an image response's picture, decoded by Pillow."""
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


def close_to(pixel, colour, tolerance: int = 6) -> bool:
    return all(abs(a - b) < tolerance for a, b in zip(pixel, colour, strict=True))
