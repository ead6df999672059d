"""Give generated pages their scans: a copy of each page's folder with a scan beside every file.

A scan is a white page of ``--width`` x ``--height`` pixels (2,500 x 3,500 by default: a broadsheet
page at about 200 dpi) with the page's own first lines drawn on it in a CJK font (the tests'
font, tests/scans.py) and its file name, so every scan's bytes differ (content-hash storage
would otherwise store one file). JPEG by default; ``formats`` cycles through others (PNG, PDF)
when a mix is wanted. Written once into BENCH_DIR and reused; made by two processes.

    python benchmarks/generate_scans.py /tmp/newsroom-bench/issues-seed1-200 --out /tmp/scanned
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SUFFIX = {"JPEG": ".jpg", "PNG": ".png", "PDF": ".pdf", "TIFF": ".tif"}


def scan_bytes(lines: list[str], label: str, *, width: int, height: int, fmt: str) -> bytes:
    """The bytes of one page's scan: its lines drawn large, its label at the foot."""
    from PIL import Image, ImageDraw, ImageFont

    from tests.scans import cjk_font_path

    image = Image.new("RGB" if fmt != "PNG" else "L", (width, height), "white")
    draw = ImageDraw.Draw(image)
    size = max(12, width // 40)
    font = ImageFont.truetype(cjk_font_path(), size)
    y = size
    for line in lines:
        if y > height - 4 * size:
            break
        draw.text((size, y), line[:36], fill="black", font=font)
        y += int(size * 1.6)
    draw.text((size, height - 2 * size), label, fill="black", font=font)
    draw.rectangle([4, 4, width - 5, height - 5], outline="black", width=4)
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, "JPEG", quality=80)
    elif fmt == "PDF":
        image.save(buffer, "PDF", resolution=200.0)
    else:
        image.save(buffer, fmt, **({"optimize": False, "compress_level": 6} if fmt == "PNG" else {}))
    return buffer.getvalue()


def _write_one(job: tuple[str, str, int, int, str]) -> int:
    source, target, width, height, fmt = job
    text = Path(source).read_text(encoding="utf-8")
    lines = [line.strip("# ").strip() for line in text.splitlines() if line.strip()][:60]
    data = scan_bytes(lines, Path(source).name, width=width, height=height, fmt=fmt)
    Path(target).with_suffix(SUFFIX[fmt]).write_bytes(data)
    return len(data)


def with_scans(paths: list[Path], out: Path, *, width: int = 2500, height: int = 3500,
               formats: tuple[str, ...] = ("JPEG",), workers: int = 2) -> list[Path]:
    """Return copies of ``paths`` in ``out``, each with its scan beside it (made once, then reused)."""
    done = out / ".complete"
    targets = [out / path.name for path in paths]
    if done.exists() and all(target.exists() for target in targets):
        return targets
    out.mkdir(parents=True, exist_ok=True)
    jobs = []
    for index, (path, target) in enumerate(zip(paths, targets, strict=True)):
        shutil.copyfile(path, target)
        jobs.append((str(path), str(target), width, height, formats[index % len(formats)]))
    print(f"drawing {len(jobs)} scans of {width} x {height} into {out} ...", file=sys.stderr, flush=True)
    with ProcessPoolExecutor(workers) as pool:
        total = sum(pool.map(_write_one, jobs, chunksize=8))
    print(f"  {total / 2**20:.0f} MiB of scans, {total / len(jobs) / 1024:.0f} KiB each",
          file=sys.stderr, flush=True)
    done.write_text("ok\n")
    return targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a folder of generated pages (*.md)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--width", type=int, default=2500)
    parser.add_argument("--height", type=int, default=3500)
    parser.add_argument("--formats", default="JPEG", help="comma-separated: JPEG, PNG, PDF, TIFF")
    args = parser.parse_args()
    paths = sorted(args.folder.glob("*.md"))
    with_scans(paths, args.out, width=args.width, height=args.height,
               formats=tuple(f.strip().upper() for f in args.formats.split(",")))


if __name__ == "__main__":
    main()
