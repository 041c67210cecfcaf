"""Thumbnail throughput and memory of the media upload path.

Run with ``.venv/bin/python benchmarks/media_thumbnails.py``.  It makes (once,
cached under ``.cache/bench/media_thumbnails/``) twenty 12-megapixel phone-like
JPEGs, then compares:

* **raw Pillow**: ``open → draft → thumbnail → save`` and nothing else, the
  floor for producing a 256 px WebP from these files;
* **registry pipeline**: what an upload does to the bytes: content sniffing,
  ``verify()``, a complete decode (at the DCT scale the thumbnail needs) that
  would catch truncation, EXIF metadata, the thumbnail with orientation,
  colour management and metadata stripping;
* **registry upload**: the whole path through :class:`LocalMediaStorage` in a
  temporary directory: streaming the file in 1 MiB chunks while hashing it,
  fsync, the pipeline above, the atomic commit and the thumbnail write.

The ratio registry pipeline / raw should stay at or above 0.8.  Memory per
upload is measured in fresh child processes: the resident-set peak of each
upload above the resident set before it (Linux ``/proc/self/clear_refs``),
the process high-water growth from ``resource.getrusage``, and the Python
heap peak from ``tracemalloc`` (which does not see Pillow's pixel buffers).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from heritage.media import testing
from heritage.media.ingest import MediaIngestor, prepare_upload
from heritage.media.storage import LocalMediaStorage

REPO = Path(__file__).resolve().parent.parent
CACHE_DIR = REPO / ".cache" / "bench" / "media_thumbnails"
PHOTO_SIZE = (4000, 3000)
PHOTO_COUNT = 20
JPEG_QUALITY = 90
THUMB_BOX = (256, 256)
TARGET_RATIO = 0.8
MiB = 1024 * 1024


def synthetic_photo(seed: int) -> Image.Image:
    """A 12 MP picture that compresses like a photo: smooth light, shapes, texture, noise."""
    rng = random.Random(seed)
    width, height = PHOTO_SIZE
    bands = []
    for _ in range(3):
        light = (
            Image.linear_gradient("L")
            .rotate(rng.uniform(0, 360))
            .resize(PHOTO_SIZE, Image.Resampling.BILINEAR)
        )
        glow = (
            Image.radial_gradient("L")
            .resize((rng.randint(2000, 6000), rng.randint(2000, 5000)))
            .crop((0, 0, width, height))
        )
        bands.append(ImageChops.add(light.point(lambda v: v * 0.6), glow.point(lambda v: v * 0.4)))
    picture = Image.merge("RGB", bands)
    draw = ImageDraw.Draw(picture)
    for _ in range(60):
        x, y = rng.randrange(width), rng.randrange(height)
        w, h = rng.randint(50, 900), rng.randint(50, 900)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if rng.random() < 0.5:
            draw.ellipse((x, y, x + w, y + h), fill=colour)
        else:
            corners = [(x + rng.randint(-w, w), y + rng.randint(-h, h)) for _ in range(5)]
            draw.polygon(corners, fill=colour)
    picture = picture.filter(ImageFilter.GaussianBlur(3))
    # Mid-frequency texture (foliage, brick, stone) and fine sensor noise.
    texture = Image.effect_noise((width // 4, height // 4), rng.uniform(30, 60)).resize(
        PHOTO_SIZE, Image.Resampling.BICUBIC
    )
    picture = ImageChops.add(picture, Image.merge("RGB", (texture,) * 3), offset=-128)
    sigma = rng.uniform(2, 6)
    noise = Image.merge("RGB", tuple(Image.effect_noise(PHOTO_SIZE, sigma) for _ in range(3)))
    return ImageChops.add(picture, noise, offset=-128)


def ensure_photos(count: int = PHOTO_COUNT) -> list[Path]:
    """The benchmark photos, generated on first use (a few seconds each)."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = CACHE_DIR / f"photo-{index:02d}.jpg"
        if not path.exists():
            print(f"  generating {path.name} …", file=sys.stderr, flush=True)
            exif = testing.camera_exif(orientation=6 if index % 3 == 0 else 1)
            partial = path.with_suffix(".part")
            synthetic_photo(index).save(partial, "JPEG", quality=JPEG_QUALITY, exif=exif)
            os.replace(partial, path)
        paths.append(path)
    return paths


def raw_thumbnail(path: Path) -> bytes:
    """The baseline: the least Pillow work that yields the same kind of thumbnail."""
    with Image.open(path) as image:
        image.draft("RGB", THUMB_BOX)
        image.thumbnail(THUMB_BOX)
        buffer = io.BytesIO()
        image.save(buffer, "WEBP", quality=80, method=4)
        return buffer.getvalue()


def pipeline_thumbnail(path: Path) -> bytes:
    """The registry's upload processing of a staged file."""
    return prepare_upload(path).renditions[0].data


async def _upload_all(paths: list[Path], root: Path) -> list[float]:
    ingestor = MediaIngestor(LocalMediaStorage(root))
    seconds = []
    for path in paths:
        with path.open("rb") as body:
            started = time.perf_counter()
            await ingestor.ingest(body)
            seconds.append(time.perf_counter() - started)
    return seconds


def time_uploads(paths: list[Path]) -> list[float]:
    with tempfile.TemporaryDirectory(prefix="media-bench-") as root:
        return asyncio.run(_upload_all(paths, Path(root)))


def time_function(function: Callable[[Path], bytes], paths: list[Path]) -> list[float]:
    seconds = []
    for path in paths:
        started = time.perf_counter()
        function(path)
        seconds.append(time.perf_counter() - started)
    return seconds


# --- memory, measured in a child process so nothing else has grown the heap --


def _status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (Linux)
    except OSError:
        return False
    return True


def _memory_child(kind: str, paths: list[Path]) -> dict[str, float | None]:
    root = Path(tempfile.mkdtemp(prefix="media-bench-mem-"))
    storage = LocalMediaStorage(root)
    ingestor = MediaIngestor(storage)

    def one(path: Path) -> None:
        if kind == "raw":
            raw_thumbnail(path)
        elif kind == "pipeline":
            pipeline_thumbnail(path)
        else:
            with path.open("rb") as body:
                asyncio.run(ingestor.ingest(body))

    one(paths[-1])  # warm up codecs, thread pool and imports on the last file
    baseline_maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss_peaks: list[float] = []
    for path in paths[:-1]:
        before = _status_kib("VmRSS")
        if before is not None and _reset_peak_rss():
            one(path)
            peak = _status_kib("VmHWM")
            if peak is not None:
                rss_peaks.append((peak - before) / 1024)
        else:
            one(path)
    growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline_maxrss) / 1024

    tracemalloc.start()
    heap_peaks = []
    for path in paths[:-1]:
        current, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        one(path)
        heap_peaks.append((tracemalloc.get_traced_memory()[1] - current) / MiB)
    tracemalloc.stop()
    return {
        "rss_peak_mib": max(rss_peaks) if rss_peaks else None,
        "rss_peak_median_mib": statistics.median(rss_peaks) if rss_peaks else None,
        "maxrss_growth_mib": growth,
        "tracemalloc_peak_mib": max(heap_peaks),
    }


def measure_memory(kind: str, paths: list[Path]) -> dict[str, float | None]:
    command = [sys.executable, __file__, "--memory-child", kind, *map(str, paths)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, float | None] = json.loads(output)
    return result


def _fmt(value: float | None, unit: str = "MiB") -> str:
    return "n/a" if value is None else f"{value:7.1f} {unit}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over all photos")
    parser.add_argument("--count", type=int, default=PHOTO_COUNT, help="number of photos")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        print(json.dumps(_memory_child(args.memory_child, [Path(p) for p in args.paths])))
        return

    paths = ensure_photos(args.count)
    sizes = [path.stat().st_size / MiB for path in paths]
    print(
        f"{len(paths)} JPEGs {PHOTO_SIZE[0]}×{PHOTO_SIZE[1]} "
        f"({PHOTO_SIZE[0] * PHOTO_SIZE[1] / 1e6:.0f} MP, quality {JPEG_QUALITY}), "
        f"{min(sizes):.1f}–{max(sizes):.1f} MiB each; thumbnail {THUMB_BOX[0]} px WebP; "
        f"{args.rounds} rounds, median; pid cores: {len(os.sched_getaffinity(0))}"
    )

    runs: dict[str, Callable[[], list[float]]] = {
        "raw": lambda: time_function(raw_thumbnail, paths),
        "pipeline": lambda: time_function(pipeline_thumbnail, paths),
        "upload": lambda: time_uploads(paths),
    }
    for run in runs.values():  # warm the page cache and lazy initialisation
        run()
    rates: dict[str, float] = {}
    per_upload_ms: dict[str, float] = {}
    for name, run in runs.items():
        totals = []
        for _ in range(args.rounds):
            seconds = run()
            totals.append(sum(seconds))
        best_total = statistics.median(totals)
        rates[name] = len(paths) / best_total
        per_upload_ms[name] = best_total / len(paths) * 1000

    memory = {name: measure_memory(name, paths) for name in runs}

    labels = {
        "raw": "raw Pillow: open→draft→thumbnail→save",
        "pipeline": "registry: validate+metadata+thumbnail",
        "upload": "registry: full upload via LocalMediaStorage",
    }
    header = (
        f"{'path':46} {'thumbs/s':>9} {'ms/upload':>10} {'peak RSS/upload':>16} "
        f"{'maxrss growth':>14} {'py heap peak':>13}"
    )
    print()
    print(header)
    print("-" * len(header))
    for name, label in labels.items():
        mem = memory[name]
        print(
            f"{label:46} {rates[name]:9.1f} {per_upload_ms[name]:10.1f} "
            f"{_fmt(mem['rss_peak_mib']):>16} {_fmt(mem['maxrss_growth_mib']):>14} "
            f"{_fmt(mem['tracemalloc_peak_mib']):>13}"
        )
    ratio = rates["pipeline"] / rates["raw"]
    upload_ratio = rates["upload"] / rates["raw"]
    print()
    verdict = "OK" if ratio >= TARGET_RATIO else "BELOW TARGET"
    print(f"ratio registry pipeline / raw: {ratio:.2f} (target ≥ {TARGET_RATIO}) {verdict}")
    print(f"ratio full upload / raw:       {upload_ratio:.2f} (adds hashing, disk writes, fsync)")


if __name__ == "__main__":
    main()
