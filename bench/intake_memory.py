"""Memory a web process adds while 16 customers upload a 39.7-megapixel PNG at once: ours vs a full decode.

Run: .venv/bin/python bench/intake_memory.py [--rounds R] [--parallel N]. Each round starts two app servers
as their own processes (SQLite, local storage, processing queued on RQ so only the intake is measured): one
as shipped, one whose inspect() ends with a full Pillow decode (what it did before). After a warm-up upload
the server's peak resident size is reset (/proc/<pid>/clear_refs), N uploads of the same 131 KB flat-colour
6300x6300 PNG are sent in parallel, and the peak growth is read from VmHWM. Prints each server's median
growth in MB and last `ratio: X`, baseline growth / ours (medians).
"""

from __future__ import annotations

import argparse
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

from customer import open_form, submission  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/15"
SIDE = 6300  # 39.69 megapixels, under the default 40 MP limit


def large_png() -> bytes:
    """A flat-colour 6300x6300 RGB PNG, deflated row by row (about 131 KB)."""
    row = b"\0" + bytes((200, 80, 60)) * SIDE
    deflate = zlib.compressobj(9)
    idat = b"".join(deflate.compress(row) for _ in range(SIDE)) + deflate.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", SIDE, SIDE, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def serve(mode: str, folder: str, inline: bool) -> None:
    """The server process: prints its port, then serves until its stdin closes."""
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from campaign import create_app
    from campaign.extensions import db
    from tests import factories

    if mode == "baseline":
        import io

        from PIL import Image

        from campaign.media import inspection

        def full_decode(data: bytes, format_name: str) -> None:
            with Image.open(io.BytesIO(data)) as im:
                im.load()

        inspection.check_whole = full_decode

    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            "STORAGE_BACKEND": "local",
            "STORAGE_LOCAL_ROOT": f"{folder}/uploads",
            "RATELIMIT_ENABLED": False,
            **({} if inline else {"REDIS_URL": REDIS_URL}),
        }
    )
    with app.app_context():
        upgrade(revision="heads")
        factories.campaign(factories.org("bench"), slug="bench", entries_per_person=100, consent_scopes=[])
        db.engine.dispose()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    server.shutdown()


def upload(base_url: str, photo: bytes, email: str) -> None:
    opener, fields = open_form(base_url, email)
    with opener.open(submission(base_url, fields, photo, filename="p.png"), timeout=300) as response:
        assert response.status == 201, response.status


def status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def tree_rss_kib(root: int) -> int:
    """Resident size of `root` and all its descendants (the forkserver and the derive children)."""
    children: dict[int, list[int]] = {}
    sizes: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                sizes[int(entry.name)] = status_kib(int(entry.name), "VmRSS")
            except (OSError, KeyError):  # gone, or a kernel thread
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += sizes.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def added_mb(mode: str, photo: bytes, parallel: int, round_no: int, inline: bool) -> float:
    """Peak resident growth of a fresh server of `mode` while `parallel` uploads run at once; inline: of the
    server and its children together, sampled every 20 ms."""
    with tempfile.TemporaryDirectory() as folder:
        process = subprocess.Popen(
            [sys.executable, __file__, "--serve", mode, folder, "inline" if inline else "queued"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
        )
        try:
            base_url = f"http://127.0.0.1:{int(process.stdout.readline())}"
            upload(base_url, photo, "warm@example.com")  # imports, plugins, connections
            before = tree_rss_kib(process.pid) if inline else status_kib(process.pid, "VmRSS")
            Path(f"/proc/{process.pid}/clear_refs").write_text("5")  # reset the peak to the current size
            threads = [
                threading.Thread(target=upload, args=(base_url, photo, f"r{round_no}c{n}@example.com"))
                for n in range(parallel)
            ]
            for thread in threads:
                thread.start()
            peak = before
            while inline and any(thread.is_alive() for thread in threads):
                peak = max(peak, tree_rss_kib(process.pid))
                time.sleep(0.02)
            for thread in threads:
                thread.join()
            if not inline:
                peak = status_kib(process.pid, "VmHWM")
            return (peak - before) / 1024
        finally:
            process.stdin.close()
            process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--parallel", type=int, default=16)
    parser.add_argument(
        "--inline", action="store_true", help="derive in each request (the embedded default), not on RQ"
    )
    parser.add_argument("--serve", nargs=3, metavar=("MODE", "FOLDER", "JOBS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        mode, folder, jobs = args.serve
        serve(mode, folder, inline=jobs == "inline")
        return
    from redis import Redis
    from rq import Queue

    photo = large_png()
    ours, baseline = [], []
    try:
        for round_no in range(args.rounds):  # interleaved, so both see the same machine
            ours.append(added_mb("ours", photo, args.parallel, round_no, args.inline))
            baseline.append(added_mb("baseline", photo, args.parallel, round_no, args.inline))
    finally:
        Queue("kuchikomi", connection=Redis.from_url(REDIS_URL)).empty()
    kb = len(photo) / 1000
    jobs = "derived inline, server and children sampled" if args.inline else "processing queued on RQ"
    print(
        f"{args.parallel} parallel uploads of a {SIDE}x{SIDE} PNG ({kb:.0f} KB), {jobs}, {args.rounds} rounds"
    )
    for name, values in (("ours (containers only)", ours), ("baseline (full decode)", baseline)):
        rounded = [round(value) for value in values]
        print(f"{name}: {statistics.median(values):.1f} MB added, median of {rounded}")
    print(f"ratio: {statistics.median(baseline) / statistics.median(ours):.2f}")


if __name__ == "__main__":
    main()
