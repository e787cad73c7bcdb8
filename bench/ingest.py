"""CPU time per 12-megapixel photo: our production path against a naive Pillow pipeline, in one run.

Ours is what processing an entry runs: derive_bounded(), inspect() + derive() in this process's bounded
child. Its CPU time is this process's (sending the photo, receiving the renditions) plus the child's, read
from /proc (with whatever the forkserver reaped, so a child started per photo would count too). The baseline
runs here, measured the same way. Rounds interleave ours and the baseline photo by photo.

Run: .venv/bin/python bench/ingest.py [--photos N] [--repeats R]. The last line is `ratio: X`,
baseline time / our time (medians). Photos are generated in-process: gradients, shapes, textured areas and
mild noise, saved as JPEG q90, like a phone photo (neither flat colour nor pure noise).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageOps
from processes import TICKS, descendants  # bench/ is on sys.path when run as a script

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from campaign.media import Bounds, derive, derive_bounded, inspect  # noqa: E402
from campaign.media.sandbox import worker_pid  # noqa: E402

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


BOUNDS = Bounds()  # the defaults, as MEDIA_TIME_LIMIT, MEDIA_MEMORY_LIMIT, MAX_PIXELS and MAX_UPLOAD_BYTES


def ours(data: bytes) -> int:
    """Our production path; returns the total bytes of the derivatives."""
    derived = derive_bounded(data, BOUNDS)
    return sum(len(d.data) for d in derived.derivatives)


def in_process(data: bytes) -> int:
    """The same pipeline in this process, without the bounded child."""
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


def children_cpu_seconds() -> float:
    """CPU seconds of this process's live descendants (the forkserver and its child), plus those they reaped.

    Run time from /proc/<pid>/schedstat (nanoseconds); reaped children's from stat (clock ticks)."""
    total = 0.0
    for pid in descendants(os.getpid()):
        try:
            run_ns = int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile: what it used shows in its parent's reaped time
            continue
        total += run_ns / 1e9 + (int(fields[13]) + int(fields[14])) / TICKS  # cutime, cstime
    return total


def cpu_ms(work: Callable[[bytes], int], data: bytes) -> tuple[float, int]:
    """CPU milliseconds of one call (all threads of this process and every process below it), and its
    result. /proc is read outside the span this process's own clock measures."""
    children = children_cpu_seconds()
    started = time.process_time()
    result = work(data)
    own = time.process_time() - started
    return (own + children_cpu_seconds() - children) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    photos = [make_photo(seed) for seed in range(args.photos)]
    ours(photos[0]), baseline(photos[0])  # warm up: plugin imports, HEIF registration, caches
    children = set()

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
                children.add(worker_pid())
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
    print(f"bounded children used: {len(children - {None})} for {len(photos) * args.repeats} photos")
    print(sandbox_overhead(photos))
    print(f"ratio: {median['baseline'] / median['ours']:.2f}")


def sandbox_overhead(photos: list[bytes]) -> str:
    """CPU and wall-clock cost of the bounded child over the same pipeline run in this process."""
    inline, bounded = [], []
    for data in photos:
        for work, found in ((in_process, inline), (ours, bounded)):
            started = time.perf_counter()
            cpu, _ = cpu_ms(work, data)
            found.append((cpu, (time.perf_counter() - started) * 1000))
    extra_cpu = statistics.median(b[0] - i[0] for b, i in zip(bounded, inline, strict=True))
    extra_wall = statistics.median(b[1] - i[1] for b, i in zip(bounded, inline, strict=True))
    return (
        f"bounded child over in-process: median extra {extra_cpu:.0f} ms CPU, {extra_wall:.0f} ms wall "
        f"per photo (in-process {statistics.median(c for c, _ in inline):.0f} ms CPU; not part of the ratio)"
    )


if __name__ == "__main__":
    main()
