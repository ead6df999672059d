"""Read an IIIF Image API 3.0 image request, and make the image it asks for. No Django here.

``parse`` turns the path's region, size, rotation, quality and format, for an image of a given
size, into an ``ImageRequest``: the region clipped to the image and the size it is scaled to,
computed as the spec says (https://iiif.io/api/image/3.0/#4-image-requests, sections 4.1-4.5).
A malformed request, or one for a feature this server does not have (a rotation other than
a multiple of 90, an unknown quality or format), is a ``RequestError`` with status 400; a valid
request for upscaling (``^`` that needs it) is 501 Not Implemented, as section 4.2 says.
``make_image`` applies a request to decoded pixels with Pillow and encodes the result.

What this server does beyond level 1 is declared once, in ``EXTRA_QUALITIES`` and
``EXTRA_FEATURES`` (level 2 with mirroring and both link headers): info.json lists them.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass

from PIL import Image

PROFILE = "level2"
# Beyond level 2 (whose profile already promises color, gray, png, pct: and !w,h regions/sizes
# and rotation by 90s): the qualities must be listed anyway (section 4.4).
EXTRA_QUALITIES = ["color", "gray", "bitonal"]
EXTRA_FEATURES = ["mirroring", "canonicalLinkHeader", "profileLinkHeader"]
QUALITIES = frozenset(["default", *EXTRA_QUALITIES])
FORMATS = {"jpg": ("JPEG", "image/jpeg"), "png": ("PNG", "image/png")}
# Formats the spec names that this server does not make: 400, as for any unsupported format.
JPEG_QUALITY = 85
PNG_COMPRESS_LEVEL = 4

# Pixel values are non-negative integers, percentages and rotations decimal numbers of digits and
# "." only (section 4.7: no sign, no exponent, no "nan"); nine digits is more than any image has.
_INT = r"\d{1,9}"
_DECIMAL = r"(?:\d{1,9}(?:\.\d{0,9})?|\.\d{1,9})"
_INTS4 = re.compile(rf"({_INT}),({_INT}),({_INT}),({_INT})")
_PCTS4 = re.compile(rf"pct:({_DECIMAL}),({_DECIMAL}),({_DECIMAL}),({_DECIMAL})")
_WH = re.compile(rf"({_INT})?,({_INT})?")
_CONFINED = re.compile(rf"!({_INT}),({_INT})")
_PCT = re.compile(rf"pct:({_DECIMAL})")
_ROTATION = re.compile(rf"(!?)({_DECIMAL})")


class RequestError(ValueError):
    """A request this server refuses: ``status`` 400 (malformed, unsupported) or 501 (upscaling)."""

    def __init__(self, message: str, status: int = 400):
        self.message, self.status = message, status
        super().__init__(message)


def _not_implemented(message: str) -> RequestError:
    return RequestError(message, status=501)


@dataclass(frozen=True)
class ImageRequest:
    """One image to make: a region of the full image (clipped), its output size, then the rest.

    ``size`` is the scaled region's size before rotation; ``output_size`` is the image's.
    """

    region: tuple[int, int, int, int]
    size: tuple[int, int]
    mirror: bool
    rotation: int
    quality: str
    format: str
    full: bool
    size_is_max: bool

    @property
    def canonical(self) -> str:
        """Return the request's canonical path (section 4.8): region/size/rotation/quality.format."""
        region = "full" if self.full else ",".join(map(str, self.region))
        size = "max" if self.size_is_max else f"{self.size[0]},{self.size[1]}"
        return f"{region}/{size}/{self._rotation}/{self.quality}.{self.format}"

    @property
    def key(self) -> str:
        """Return the request with every number spelled out: what the image made depends on."""
        return (f"{','.join(map(str, self.region))}/{self.size[0]},{self.size[1]}/"
                f"{self._rotation}/{self.quality}.{self.format}")

    @property
    def _rotation(self) -> str:
        return f"{'!' if self.mirror else ''}{self.rotation}"

    @property
    def output_size(self) -> tuple[int, int]:
        width, height = self.size
        return (height, width) if self.rotation in (90, 270) else (width, height)

    @property
    def content_type(self) -> str:
        return FORMATS[self.format][1]

    @property
    def reduction(self) -> float:
        """Return how many source pixels the scaled region has per output pixel (the smaller way)."""
        return min(self.region[2] / self.size[0], self.region[3] / self.size[1])


def parse(region: str, size: str, rotation: str, quality: str, format: str, *,
          width: int, height: int, max_area: int) -> ImageRequest:
    """Return the request for an image of ``width`` x ``height``; raise RequestError if refused."""
    if format not in FORMATS:
        raise RequestError(f"format {format!r} is not served here (use one of: {', '.join(FORMATS)})")
    if quality not in QUALITIES:
        raise RequestError(f"quality {quality!r} is not served here (use one of: {', '.join(sorted(QUALITIES))})")
    mirror, degrees = parse_rotation(rotation)
    box = parse_region(region, width, height)
    scaled, is_max = parse_size(size, box[2], box[3], max_area)
    return ImageRequest(region=box, size=scaled, mirror=mirror, rotation=degrees, quality=quality,
                        format=format, full=box == (0, 0, width, height), size_is_max=is_max)


def _half_up(value: float) -> int:
    return math.floor(value + 0.5)


def parse_region(text: str, width: int, height: int) -> tuple[int, int, int, int]:
    """Return the region ``text`` names as x, y, w, h in pixels, clipped to the image (section 4.1)."""
    if text == "full":
        return (0, 0, width, height)
    if text == "square":
        side = min(width, height)
        return ((width - side) // 2, (height - side) // 2, side, side)
    if match := _INTS4.fullmatch(text):
        x, y, w, h = (int(value) for value in match.groups())
        if w == 0 or h == 0:
            raise RequestError(f"region {text!r} has no width or no height")
        left, top, right, bottom = x, y, x + w, y + h
    elif match := _PCTS4.fullmatch(text):
        px, py, pw, ph = (float(value) for value in match.groups())
        if pw == 0 or ph == 0:
            raise RequestError(f"region {text!r} has no width or no height")
        left, top = _half_up(px * width / 100), _half_up(py * height / 100)
        # Both edges rounded, so regions that share an edge share it in pixels too; a sliver
        # narrower than a pixel still gets one.
        right = max(left + 1, _half_up((px + pw) * width / 100))
        bottom = max(top + 1, _half_up((py + ph) * height / 100))
    else:
        raise RequestError(
            f"region {text!r} is not full, square, x,y,w,h or pct:x,y,w,h (e.g. 0,0,512,512)")
    if left >= width or top >= height:
        raise RequestError(f"region {text!r} lies outside the image ({width} x {height} pixels)")
    right, bottom = min(right, width), min(bottom, height)
    return (left, top, right - left, bottom - top)


def _scaled(length: int, numerator: int, denominator: int) -> int:
    """Return length * numerator / denominator rounded half up, in integers (no float error)."""
    return max(1, (2 * length * numerator + denominator) // (2 * denominator))


def max_size(width: int, height: int, max_area: int) -> tuple[int, int]:
    """Return the largest size of a width x height region within max_area, keeping its shape."""
    if width * height <= max_area:
        return (width, height)
    factor = math.sqrt(max_area / (width * height))
    w = max(1, math.floor(width * factor))
    # The min()s keep w * h within the limit whatever floating point (or a 1-pixel-wide strip) does.
    h = max(1, min(math.floor(height * factor), max_area // w))
    return (min(w, max_area // h), h)


def parse_size(text: str, width: int, height: int, max_area: int) -> tuple[tuple[int, int], bool]:
    """Return the size a width x height region is scaled to (section 4.2) and whether it is ``max``."""
    upscale = text.startswith("^")
    body = text[1:] if upscale else text
    largest = max_size(width, height, max_area)
    if body == "max":
        if upscale and largest == (width, height) and width * height < max_area:
            raise _not_implemented(f"size {text!r} asks to upscale to the area limit; this server does not upscale")
        return largest, True
    if match := _PCT.fullmatch(body):
        percent = float(match.group(1))
        if percent == 0:
            raise RequestError(f"size {text!r} is 0 per cent")
        size = (max(1, _half_up(width * percent / 100)), max(1, _half_up(height * percent / 100)))
    elif match := _CONFINED.fullmatch(body):
        w, h = int(match.group(1)), int(match.group(2))
        if w == 0 or h == 0:
            raise RequestError(f"size {text!r} has no width or no height")
        # As large as fits in w x h, keeping the region's shape (the narrower side of the box wins).
        size = (w, _scaled(height, w, width)) if w * height <= h * width else (_scaled(width, h, height), h)
    elif (match := _WH.fullmatch(body)) and body != ",":
        w, h = (int(value) if value is not None else None for value in match.groups())
        if w == 0 or h == 0:
            raise RequestError(f"size {text!r} has no width or no height")
        size = (w if w is not None else _scaled(width, h, height),
                h if h is not None else _scaled(height, w, width))
    else:
        raise RequestError(f"size {text!r} is not max, w,, ,h, w,h, !w,h or pct:n (e.g. 512,)")
    if size[0] > width or size[1] > height:
        # The IIIF validator reads !w,h the same way: a box larger than the region asks for
        # upscaling, which needs ^ (and a server that upscales).
        if upscale:
            raise _not_implemented(f"size {text!r} needs upscaling the {width} x {height} region; "
                                   "this server does not upscale")
        raise RequestError(f"size {text!r} is larger than the {width} x {height} region "
                           "(a larger size needs ^, and this server does not upscale)")
    if size[0] * size[1] > max_area:
        raise RequestError(f"size {text!r} is {size[0]} x {size[1]} pixels; at most {max_area:,} "
                           "pixels are made at once (maxArea): ask for max or a smaller size")
    return size, size == largest


def parse_rotation(text: str) -> tuple[bool, int]:
    """Return (mirrored, degrees) for a rotation by a multiple of 90 (section 4.3)."""
    match = _ROTATION.fullmatch(text)
    if not match:
        raise RequestError(f"rotation {text!r} is not a number of degrees (e.g. 0, 90 or !0)")
    degrees = float(match.group(2))
    if degrees > 360:
        raise RequestError(f"rotation {text!r} is more than 360 degrees")
    if degrees % 90:
        raise RequestError(f"rotation {text!r} is not served here: only multiples of 90 degrees")
    return bool(match.group(1)), int(degrees) % 360


# --- Making the image ----------------------------------------------------------------------------

_TRANSPOSE = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}


def make_image(source: Image.Image, request: ImageRequest, scale: tuple[float, float] = (1.0, 1.0)) -> Image.Image:
    """Return the image a request asks for, made from ``source`` (mode L or RGB).

    ``scale`` is the source's size over the full image's: a JPEG decoded at a fraction of its
    size for a small request (newsroom/scans/raster.py) has its region scaled to match.
    """
    x, y, w, h = request.region
    sx, sy = scale
    box = (x * sx, y * sy, (x + w) * sx, (y + h) * sy)
    if scale == (1.0, 1.0) and request.size == (w, h):
        image = source.crop((x, y, x + w, y + h))
    else:
        # reducing_gap: a fast integer reduction first, then Lanczos over the last factor of 3.
        image = source.resize(request.size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
    if request.mirror:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if request.rotation:
        image = image.transpose(_TRANSPOSE[request.rotation])
    if request.quality == "gray" and image.mode != "L":
        image = image.convert("L")
    elif request.quality == "bitonal":
        image = image.convert("L").convert("1", dither=Image.Dither.NONE)
    # "color" of a grey scan is its grey pixels, as the spec allows; "default" is the scan's own.
    return image


def encode(image: Image.Image, format: str) -> bytes:
    """Return the image's bytes as a JPEG (jpg) or PNG (png)."""
    buffer = io.BytesIO()
    if format == "jpg":
        (image.convert("L") if image.mode == "1" else image).save(buffer, "JPEG", quality=JPEG_QUALITY)
    else:
        image.save(buffer, "PNG", compress_level=PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


# --- What info.json declares ------------------------------------------------------------------------

TILE_SIZE = 512
# The smallest whole-image size info.json offers (its longer side, in pixels).
SMALLEST_SIZE = 100


def scale_factors(width: int, height: int, tile: int = TILE_SIZE) -> list[int]:
    """Return 1, 2, 4, ... up to the first factor at which the whole image fits in one tile."""
    factors = [1]
    while math.ceil(width / factors[-1]) > tile or math.ceil(height / factors[-1]) > tile:
        factors.append(factors[-1] * 2)
    return factors


def sizes(width: int, height: int, max_area: int) -> list[dict[str, int]]:
    """Return the whole image's halvings, smallest first, each within max_area: sizes a viewer may ask for."""
    found = []
    factor = 2
    while max(math.ceil(width / factor), math.ceil(height / factor)) >= SMALLEST_SIZE:
        w, h = math.ceil(width / factor), math.ceil(height / factor)
        if w * h <= max_area:
            found.append({"width": w, "height": h})
        factor *= 2
    return found[::-1]
