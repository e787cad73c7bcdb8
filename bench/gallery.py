"""What serving a gallery costs, in server CPU seconds per request, against a bare Flask app's same answer.

Run: .venv/bin/python bench/gallery.py [--photos N] [--rounds R] [--seconds S] [--connections C] [--think MS]

Builds a temporary SQLite database (through the migrations) and local storage with one organisation, one
campaign and N approved, gallery-consented photos (rows made directly: derivatives are not encoded, the
JSON is the same), one gallery and its published snapshot. Then, each under its own server with 2 workers:
  dynamic    - `GET /api/v1/galleries/<id>?per_page=100` of the real app under gunicorn (gthread)
  bare       - a bare Flask app under gunicorn (same settings) returning the same bytes with the same
               headers, pre-built: the floor for any Flask endpoint giving that answer on this machine
  in-app     - the same bare route added to our main app (so it pays for the main app's hooks: CSRF,
               limiter, sessions, locale), served by the same gunicorn as `dynamic`
  frame      - the gallery's iframe page, `GET /embed/g/<id>` (HTML, served by the main app)
  bare-frame - the bare Flask app returning the frame's bytes with the frame's headers
  snapshot   - the published snapshot file served by nginx (Debian package; installed with apt-get if
               missing) with its own temporary config on a free port
Load generator: wrk (Debian package `wrk`, installed if missing), C connections, 2 threads.

The baseline is a fair floor: the same framework (Flask, under the same gunicorn settings), the same body,
and every header a real answer needs, copied from ours: Content-Type, Cache-Control, ETag, CORS, Vary,
X-Content-Type-Options, Referrer-Policy (and the frame's Content-Security-Policy); it answers 304 to its
ETag as ours does. It leaves out X-Request-ID (our log correlation, which ours pays for) and does no
routing by gallery, no language choice, no cache lookup, no version check and no metrics.

Throughput on a shared host is noise (four runs once gave 0.94, 0.26, 0.90 and 2.21), so the measure is
the CPU the server's processes spend per request: all servers run at once, and in each of R interleaved
rounds every endpoint gets S seconds of wrk while its server's user+system CPU seconds are read from /proc
(master and workers) before and after. Prints, per endpoint, the median CPU per request, requests/s and
p99 latency, shows that a repeated request with the ETag gets 304, prints the frame's ratio (bare-frame
CPU per request / frame CPU per request), and last `ratio: X` = bare CPU per request / dynamic CPU per
request (1.0: the JSON endpoint costs what a bare Flask route giving the same answer costs).

The p99 under saturation measures the host's load as much as our server (the bare app's swings as much),
so each round also measures the p99 of dynamic, bare, frame and bare-frame at a fixed load (in a rotating
order): C connections each waiting MS milliseconds (default 20) between an answer and its next request
(wrk's `delay()` hook; latency counts from the request's sending), about 190 requests/s with 4 connections.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from processes import cpu_seconds  # noqa: E402  (bench/ is on sys.path)

from tests.fixtures.seaweedfs import free_ports  # noqa: E402  (distinct ports, all held open together)

SECRET = "bench-secret"  # noqa: S105
VENV_BIN = Path(sys.executable).parent

# The real app, plus one bare route giving the JSON answer (same extensions and hooks).
APP_WITH_BARE_ROUTE = """
from campaign import create_app
from bare_app import answer
app = create_app()
app.add_url_rule("/bench/bare", "bench_bare", lambda: answer("bare"))
"""

# Pre-built answers, read at the first request (the bench writes them once ours answered): the same bytes
# and headers as ours, 304 for the same ETag. `ANSWERS` holds {name: [mimetype, headers]}, `<name>.body`.
BARE_APP = """
import json
from pathlib import Path
from flask import Flask, Response, request
HERE = Path(__file__).parent
ANSWERS = {}


def answer(name):
    if name not in ANSWERS:
        mimetype, headers = json.loads((HERE / "answers.json").read_text())[name]
        ANSWERS[name] = (HERE.joinpath(name + ".body").read_bytes(), mimetype, headers)
    body, mimetype, headers = ANSWERS[name]
    etag = headers.get("ETag", '""')[1:-1]  # an answer without one (an older app's frame) never gets 304
    if etag and "HTTP_IF_NONE_MATCH" in request.environ and request.if_none_match.contains(etag):
        return Response(status=304, headers=headers)
    return Response(body, mimetype=mimetype, headers=headers)


app = Flask(__name__)
app.add_url_rule("/<name>", "bare", answer)
"""
# Set by the server, or ours alone (log correlation): not part of the answer a client or cache needs.
NOT_COPIED = {"date", "server", "content-length", "content-type", "connection", "x-request-id"}


NGINX_CONF = """
worker_processes 2;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/nginx-body;
  proxy_temp_path {tmp}/nginx-proxy;
  fastcgi_temp_path {tmp}/nginx-fastcgi;
  uwsgi_temp_path {tmp}/nginx-uwsgi;
  scgi_temp_path {tmp}/nginx-scgi;
  types {{ application/json json; }}
  server {{
    listen 127.0.0.1:{port};
    root {root};
    location /public/g/ {{
      add_header Cache-Control "public, max-age=0, s-maxage=60";
      add_header Access-Control-Allow-Origin *;
    }}
  }}
}}
"""


def ensure_tool(binary: str, package: str) -> str:
    found = shutil.which(binary) or (f"/usr/sbin/{binary}" if os.path.exists(f"/usr/sbin/{binary}") else None)
    if found:
        return found
    print(f"installing {package} (apt-get)...", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-q", package], check=True, stdout=subprocess.DEVNULL)
    return shutil.which(binary) or f"/usr/sbin/{binary}"


def bench_campaign(now: datetime):
    """An organisation and its open campaign with one product (in an app context)."""
    from campaign.audit.services import Actor
    from campaign.campaigns import services as campaigns
    from campaign.orgs import services as orgs

    org = orgs.create_organisation("Bench Brand", "bench")
    campaign = campaigns.create_campaign(
        org,
        campaigns.CampaignData(
            title="Summer photos",
            slug="summer",
            opens_at=now - timedelta(days=10),
            closes_at=now + timedelta(days=10),
            terms_text="Terms.",
            consent_scopes=["gallery", "review"],
            products=[campaigns.ProductData(name="Green tea", sku="TEA-1", jan="4901234567894")],
            prizes=[],
        ),
        actor=Actor.system(),
        now=now,
    )
    return org, campaign


def bench_entry(org, campaign, n: int, now: datetime):
    """The n-th approved, processed, gallery-consented entry (a row only: no stored photo)."""
    from campaign.entries.models import Consent, Entry, EntryStatus, Processing

    entry = Entry(
        org_id=org.id,
        campaign=campaign,
        idempotency_key=f"bench-{n}",
        status=EntryStatus.APPROVED,
        caption=f"写真 {n}: 美味しいお茶でした。朝ごはんと一緒に。",
        rating=5 - n % 3,
        nickname=f"user{n}" if n % 4 else None,
        email=f"bench{n}@example.com",
        email_normalised=f"bench{n}@example.com",
        storage_backend="local",
        original_key=f"private/originals/bench/{n}.jpg",
        original_format="jpg",
        original_bytes=1000,
        width=1600,
        height=1200,
        processing=Processing.READY,
        placeholder_color="#a0b0c0",
        created_at=now - timedelta(minutes=n),
    )
    entry.consent = Consent(terms_version="1", scopes=["gallery", "review"], given_at=now)
    return entry


def build_data(db_url: str, storage_root: Path, base_url: str, photos: int) -> tuple[str, str]:
    """Returns (gallery public id, snapshot key)."""
    from flask_migrate import upgrade

    from campaign import create_app
    from campaign.audit.services import Actor
    from campaign.entries.models import PRIVATE_DERIVATIVES, Derivative
    from campaign.entries.processing import EXTENSIONS
    from campaign.extensions import db
    from campaign.galleries import services as galleries
    from campaign.galleries import snapshots

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": db_url,
            "SECRET_KEY": SECRET,
            "STORAGE_BACKEND": "local",
            "STORAGE_LOCAL_ROOT": str(storage_root),
            "PUBLIC_BASE_URL": base_url,
        }
    )
    now = datetime.now(UTC)
    with app.app_context():
        upgrade(revision="heads")
        org, campaign = bench_campaign(now)
        for n in range(photos):
            entry = bench_entry(org, campaign, n, now)
            for size, width in (("sm", 320), ("md", 800), ("lg", 1600)):
                for fmt in ("jpeg", "webp"):
                    digest = f"{n:04d}{size}{fmt}".ljust(64, "0")
                    entry.derivatives.append(
                        Derivative(
                            size=size,
                            format=fmt,
                            content_type=f"image/{fmt}",
                            width=width,
                            height=width * 3 // 4,
                            bytes=1000,
                            key=f"{PRIVATE_DERIVATIVES}{digest[:2]}/{digest}.{EXTENSIONS[fmt]}",
                        )
                    )
            db.session.add(entry)
        db.session.flush()
        gallery = galleries.create_gallery(
            org.id, galleries.GalleryData(name="Bench wall"), actor=Actor.system(), now=now
        )
        snapshots.publish(gallery, now=now)
        db.session.commit()
        return gallery.public_id, snapshots.snapshot_key(gallery, "gallery.json")


def wait_for(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def fetch(url: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def run_wrk(
    wrk: str, url: str, seconds: int, connections: int, script: Path | None = None
) -> tuple[int, float, float]:
    """(requests answered, requests per second, p99 latency in ms) from wrk --latency."""
    out = subprocess.run(
        [
            wrk,
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            *(["-s", str(script)] if script else []),
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    count = int(re.search(r"(\d+) requests in", out).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    if "Non-2xx" in out or "Socket errors" in out:
        print(out, file=sys.stderr)
    return count, rate, p99


def cpu_per_request(wrk: str, url: str, server_pid: int, seconds: int, connections: int) -> dict:
    """One round: wrk against `url` while the server's CPU seconds are read before and after."""
    before = cpu_seconds(server_pid)
    count, rate, p99 = run_wrk(wrk, url, seconds, connections)
    used = cpu_seconds(server_pid) - before
    return {"cpu_ms": used * 1000 / max(count, 1), "rate": rate, "p99": p99}


def gunicorn(app_path: str, port: int, cwd: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--log-level",
            "warning",
            app_path,
        ],
        cwd=cwd,
        env=env,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--think", type=int, default=20, help="ms between an answer and the next request")
    args = parser.parse_args()

    wrk = ensure_tool("wrk", "wrk")
    nginx = ensure_tool("nginx", "nginx")
    tmp = Path(tempfile.mkdtemp(prefix="kuchikomi-bench-gallery-"))
    tmp.chmod(0o755)
    storage_root = tmp / "uploads"
    app_port, bare_port, nginx_port = free_ports(3)
    app_url = f"http://127.0.0.1:{app_port}"
    db_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    gallery_id, snapshot = build_data(db_url, storage_root, app_url, args.photos)
    for path in [storage_root, *storage_root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)  # nginx workers run as another user

    env = {
        **os.environ,
        "KUCHIKOMI_DATABASE_URL": db_url,
        "KUCHIKOMI_SECRET_KEY": SECRET,
        "KUCHIKOMI_STORAGE_BACKEND": "local",
        "KUCHIKOMI_STORAGE_LOCAL_ROOT": str(storage_root),
        "KUCHIKOMI_PUBLIC_BASE_URL": app_url,
    }
    processes = []
    try:
        (tmp / "app_with_bare_route.py").write_text(APP_WITH_BARE_ROUTE)
        (tmp / "bare_app.py").write_text(BARE_APP)
        processes.append(gunicorn("app_with_bare_route:app", app_port, tmp, {**env, "PYTHONPATH": str(ROOT)}))
        dynamic = f"{app_url}/api/v1/galleries/{gallery_id}?per_page=100"
        frame = f"{app_url}/embed/g/{gallery_id}"
        wait_for(dynamic, timeout=60)
        answers = {}
        for name, url in (("bare", dynamic), ("bare-frame", frame)):
            _status, answer, headers = fetch(url)
            (tmp / f"{name}.body").write_bytes(answer)
            copied = {key: value for key, value in headers.items() if key.lower() not in NOT_COPIED}
            answers[name] = [headers["Content-Type"].split(";")[0], copied]
        (tmp / "answers.json").write_text(json.dumps(answers))
        body = (tmp / "bare.body").read_bytes()
        in_app = f"{app_url}/bench/bare"
        wait_for(in_app)
        processes.append(gunicorn("bare_app:app", bare_port, tmp, env))
        bare = f"http://127.0.0.1:{bare_port}/bare"
        bare_frame = f"http://127.0.0.1:{bare_port}/bare-frame"
        wait_for(bare, timeout=60)
        (tmp / "nginx.conf").write_text(NGINX_CONF.format(tmp=tmp, port=nginx_port, root=storage_root))
        processes.append(subprocess.Popen([nginx, "-c", str(tmp / "nginx.conf")], stderr=subprocess.DEVNULL))
        static = f"http://127.0.0.1:{nginx_port}/{snapshot}"
        wait_for(static)

        snapshot_body = fetch(static)[1]
        print(f"photos: {args.photos}; body: {len(body)} bytes (snapshot {len(snapshot_body)} bytes)")
        print(f"same bytes: bare {fetch(bare)[1] == body}, snapshot {snapshot_body == body}")
        print(f"same bytes: bare route in the app {fetch(in_app)[1] == body}")
        print(f"same bytes: bare-frame {fetch(bare_frame)[1] == fetch(frame)[1]}")
        for name, url in (("dynamic", dynamic), ("bare", bare), ("frame", frame), ("bare-frame", bare_frame)):
            etag = fetch(url)[2].get("ETag", "(none)")
            again = fetch(url, {"If-None-Match": etag})
            print(f"{name:10s} ETag {etag}: repeated request -> {again[0]} ({len(again[1])} bytes)")
        print(
            f"load: wrk, 2 threads, {args.connections} connections; {args.rounds} interleaved rounds of "
            f"{args.seconds} s per endpoint; CPU of each server's processes from /proc"
        )
        endpoints = {  # name -> (url, the server's master pid)
            "dynamic": (dynamic, processes[0].pid),
            "bare": (bare, processes[1].pid),
            "in-app": (in_app, processes[0].pid),
            "frame": (frame, processes[0].pid),
            "bare-frame": (bare_frame, processes[1].pid),
            "snapshot": (static, processes[2].pid),
        }
        think = tmp / "think.lua"
        think.write_text(f"function delay() return {args.think} end\n")
        paced = ("dynamic", "bare", "frame", "bare-frame")
        rounds: dict[str, list[dict]] = {name: [] for name in endpoints}
        fixed: dict[str, list[tuple[float, float]]] = {name: [] for name in paced}
        for url, _ in endpoints.values():
            run_wrk(wrk, url, 1, args.connections)  # warm-up: imports, connections, caches
        for round_number in range(args.rounds):
            for name, (url, pid) in endpoints.items():
                rounds[name].append(cpu_per_request(wrk, url, pid, args.seconds, args.connections))
            turn = round_number % len(paced)  # each takes each place in turn (the first follows nginx)
            for name in paced[turn:] + paced[:turn]:
                _count, rate, p99 = run_wrk(wrk, endpoints[name][0], args.seconds, args.connections, think)
                fixed[name].append((rate, p99))
        medians = {
            name: {key: statistics.median(r[key] for r in runs) for key in ("cpu_ms", "rate", "p99")}
            for name, runs in rounds.items()
        }
        for name, m in medians.items():
            cpu, rate, p99 = m["cpu_ms"], m["rate"], m["p99"]
            print(f"{name:10s} {cpu:7.3f} ms CPU/request   {rate:8.0f} req/s   p99 {p99:7.2f} ms")
        print(
            f"fixed load: {args.connections} connections, {args.think} ms between an answer and the next one"
        )
        for name, runs in fixed.items():
            rate, p99 = (statistics.median(run[i] for run in runs) for i in (0, 1))
            print(f"{name:10s} {rate:8.0f} req/s   p99 {p99:7.2f} ms")
        in_app_ratio = medians["in-app"]["cpu_ms"] / medians["dynamic"]["cpu_ms"]
        print(f"bare route inside the app / dynamic, CPU per request: {in_app_ratio:.2f}")
        frame_ratio = medians["bare-frame"]["cpu_ms"] / medians["frame"]["cpu_ms"]
        print(f"frame: bare-frame / frame, CPU per request: {frame_ratio:.2f}")
        print(f"ratio: {medians['bare']['cpu_ms'] / medians['dynamic']['cpu_ms']:.2f}")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
