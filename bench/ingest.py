"""CPU time per 12-megapixel photo: inspect() + derive() against a naive Pillow pipeline, in one run.

Run: .venv/bin/python bench/ingest.py [--photos N] [--repeats R]. The last line is `ratio: X`,
baseline time / our time (medians). Photos are generated in-process: gradients, shapes, textured areas and
mild noise, saved as JPEG q90, like a phone photo (neither flat colour nor pure noise).
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from campaign.media import derive, inspect  # noqa: E402

WIDTH, HEIGHT = 4000, 3000
EDGES = (320, 800, 1600)


def make_photo(seed: int) -> bytes:
    """A 4000x3000 JPEG (q90): smooth gradients, soft shapes, textured areas and fine grain; seeded."""
    rnd = random.Random(seed)
    small = (WIDTH // 8, HEIGHT // 8)
    channels = [Image.linear_gradient("L").rotate(rnd.uniform(0, 360)).resize(small) for _ in range(2)]
    channels.append(Image.radial_gradient("L").resize(small))
    scene = Image.merge("RGB", channels)
    draw = ImageDraw.Draw(scene)
    for _ in range(60):
        x, y, s = rnd.randrange(small[0]), rnd.randrange(small[1]), rnd.randrange(5, 120)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        if rnd.random() < 0.5:
            draw.ellipse((x, y, x + s, y + s * rnd.uniform(0.5, 2)), fill=colour)
        else:
            corners = [(x + rnd.randrange(-s, s), y + rnd.randrange(-s, s)) for _ in range(4)]
            draw.polygon(corners, fill=colour)
    scene = scene.filter(ImageFilter.GaussianBlur(1.5)).resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    # Texture (foliage, fabric): coarse noise blown up, plus fine sensor-like grain, blended in lightly.
    coarse = Image.frombytes("L", (WIDTH // 4, HEIGHT // 4), rnd.randbytes(WIDTH * HEIGHT // 16))
    grain = Image.frombytes("L", (WIDTH, HEIGHT), rnd.randbytes(WIDTH * HEIGHT))
    texture = Image.blend(coarse.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC), grain, 0.3)
    detail = ImageOps.colorize(texture, "black", "white")
    photo = Image.composite(scene, detail, Image.new("L", (WIDTH, HEIGHT), 224))
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=90)
    return out.getvalue()


def ours(data: bytes) -> int:
    """Our pipeline; returns the total bytes of the derivatives."""
    derived = derive(data, inspect(data))
    return sum(len(d.data) for d in derived.derivatives)


def baseline(data: bytes) -> int:
    """Full decode, exif_transpose, 3 Lanczos resizes from full size, JPEG and WebP at Pillow's defaults."""
    with Image.open(io.BytesIO(data)) as opened:
        im = ImageOps.exif_transpose(opened)
    total = 0
    for edge in EDGES:
        scale = edge / max(im.size)
        resized = im.resize((round(im.width * scale), round(im.height * scale)), Image.Resampling.LANCZOS)
        for fmt in ("JPEG", "WEBP"):
            out = io.BytesIO()
            resized.save(out, fmt)
            total += len(out.getvalue())
    return total


def cpu_ms(work: Callable[[bytes], int], data: bytes) -> tuple[float, int]:
    """CPU milliseconds of one call (all threads of this process), and its result."""
    started = time.process_time()
    result = work(data)
    return (time.process_time() - started) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    photos = [make_photo(seed) for seed in range(args.photos)]
    ours(photos[0]), baseline(photos[0])  # warm up: plugin imports, HEIF registration, caches

    times: dict[str, list[list[float]]] = {"ours": [[] for _ in photos], "baseline": [[] for _ in photos]}
    sizes: dict[str, int] = {"ours": 0, "baseline": 0}
    for repeat in range(args.repeats):
        for index, data in enumerate(photos):
            for name, work in (
                ("ours", ours),
                ("baseline", baseline),
            ):  # interleaved: both see the same noise
                elapsed, produced = cpu_ms(work, data)
                times[name][index].append(elapsed)
                if repeat == 0:
                    sizes[name] += produced

    median = {
        name: statistics.median(statistics.median(runs) for runs in per_photo)
        for name, per_photo in times.items()
    }
    mean_mb = statistics.mean(len(p) for p in photos) / 1e6
    print(
        f"photos: {args.photos} x {WIDTH}x{HEIGHT} JPEG q90 (mean {mean_mb:.2f} MB), repeats: {args.repeats}"
    )
    for name in ("ours", "baseline"):
        per_photo = ", ".join(f"{statistics.median(runs):.0f}" for runs in times[name])
        print(f"{name}: {median[name]:.1f} ms/photo median (per photo: {per_photo})")
    print(
        f"bytes: ours {sizes['ours']} vs baseline {sizes['baseline']} "
        f"({sizes['ours'] / sizes['baseline']:.3f} x baseline, budget 1.10)"
    )
    print(sandbox_overhead(photos))
    print(f"ratio: {median['baseline'] / median['ours']:.2f}")


def sandbox_overhead(photos: list[bytes]) -> str:
    """Wall-clock cost of running the same pipeline in the bounded child process, as the app does."""
    from campaign.media import Bounds, derive_bounded

    bounds = Bounds(max_pixels=50_000_000, max_bytes=50 * 1024 * 1024)
    derive_bounded(photos[0], bounds)  # starts the forkserver
    inline, bounded = [], []
    for data in photos:
        started = time.perf_counter()
        ours(data)
        inline.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        derive_bounded(data, bounds)
        bounded.append((time.perf_counter() - started) * 1000)
    extra = statistics.median(b - i for b, i in zip(bounded, inline, strict=True))
    child, here = statistics.median(bounded), statistics.median(inline)
    return (
        f"bounded child process: {child:.0f} ms wall vs {here:.0f} ms in-process "
        f"(median extra {extra:.0f} ms/photo; not part of the ratio)"
    )


if __name__ == "__main__":
    main()
