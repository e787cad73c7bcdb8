"""What counting a gallery view costs the server, and how long rolling up 10 M events takes, in one run.

Run: .venv/bin/python bench/events.py [--rounds N] [--seconds S] [--events N]

A PostgreSQL database of this run alone (`kuchikomi_bench_events_<pid>` on the tests' server,
KUCHIKOMI_TEST_POSTGRES, default postgres@127.0.0.1:5432; dropped at the end) is made through the migrations,
with one gallery of 30 approved photos embeddable on https://shop.example.jp. Then, each
under its own gunicorn (2 gthread workers × 4 threads) on loopback:
  events - POST /api/v1/events of the real app: a browser's impression beacon (its own page-view id each
           time, so none is a replay), checked and buffered; the buffer's thread writes batches to
           PostgreSQL meanwhile, on the same CPU budget. All load comes from one address, so the per-address
           rate is raised for the run (KUCHIKOMI_ANALYTICS_RATE_PER_MINUTE).
  bare   - a bare Flask app whose POST route answers 204: the floor for any Flask endpoint here.
Load: wrk (Debian package, installed if missing) with a Lua script, in interleaved short rounds. Throughput
on a shared 2-core host is noisy, so each rate is requests per CPU second of the server's own processes
(master and workers, user + system, from /proc/<pid>/stat), the median over the rounds.
Then 10 M events for one day are made with generate_series in SQL (in that day's partition) and
`analytics.rollups.roll_up` is timed. Prints the three numbers, and last `ratio: X` = events / bare.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from gallery import bench_campaign, bench_entry, ensure_tool, free_ports, gunicorn, wait_for  # noqa: E402
from processes import cpu_seconds  # noqa: E402

from tests.fixtures.databases import _drop_postgres_database, _fresh_postgres_database  # noqa: E402

SHOP = "https://shop.example.jp"
UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
BARE_APP = """
from flask import Flask
app = Flask(__name__)

@app.get("/")
def index():
    return "ok"

@app.post("/api/v1/events")
def bare():
    return "", 204
"""
WRK_SCRIPT = """
local urandom = io.open("/dev/urandom", "rb")  -- two runs started in one second must not share page views
local a, b, c = string.byte(urandom:read(3), 1, 3)
urandom:close()
math.randomseed(os.time() + a * 65536 + b * 256 + c)
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
wrk.headers["Origin"] = "{origin}"
wrk.headers["User-Agent"] = "{ua}"
request = function()
  -- A page view's first beacon, as embed.js sends it: its events are numbered from 0 in each page view
  -- (the endpoint takes 0 to 10 000; one counter over the whole run passed that within a round: 400).
  local pv = string.format("%08x%08x", math.random(0, 2147483647), math.random(0, 2147483647))
  local body = '{{"g":"{gallery}","pv":"' .. pv ..
    '","h":1,"e":[{{"n":0,"k":"impression","ps":["{p1}","{p2}"]}}]}}'
  return wrk.format(nil, "/api/v1/events", nil, body)
end
failures = {{}}  -- "status body" -> count, of this thread's answers that were not 2xx
response = function(status, headers, body)
  if status < 200 or status > 299 then
    local key = status .. " " .. string.sub(body or "", 1, 200)
    failures[key] = (failures[key] or 0) + 1
  end
end
local threads = {{}}
setup = function(thread)
  table.insert(threads, thread)
end
done = function(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("failures")) do
      io.write(string.format("not 2xx: %d x %s\\n", count, key))
    end
  end
end
"""


def run_round(wrk: str, script: Path, url: str, seconds: int, master: int) -> tuple[float, int]:
    """(CPU seconds per request of the server, requests) of one round."""
    before = cpu_seconds(master)
    done = subprocess.run(
        [wrk, "-t1", "-c16", f"-d{seconds}s", "-s", str(script), url],
        check=True,
        capture_output=True,
        text=True,
    )
    if done.stderr:  # a script that does not load: wrk says so here, then sends plain GET / instead
        raise SystemExit(f"wrk could not run {script.name}:\n{done.stderr}")
    out = done.stdout
    time.sleep(0.3)  # the last answers' bookkeeping, and a buffer flush due, land in this round
    used = cpu_seconds(master) - before
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    if "Non-2xx" in out or "not 2xx:" in out:  # wrk counts 4xx and 5xx; the script any status not 2xx
        raise SystemExit(f"some answers of {url} were not 2xx:\n{out}")
    return used / max(requests, 1), requests


def build_gallery(db_url: str, photos: int) -> tuple[str, list[str]]:
    """An organisation, a campaign with `photos` approved, gallery-consented entries (rows made directly: the
    event endpoint reads which photos a gallery shows, never their images), and a gallery on SHOP."""
    from flask_migrate import upgrade

    from campaign import create_app
    from campaign.audit.services import Actor
    from campaign.extensions import db
    from campaign.galleries import services as galleries

    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "SECRET_KEY": "bench", "STORAGE_BACKEND": "memory"})
    now = datetime.now(UTC)
    with app.app_context():
        upgrade(revision="heads")
        org, campaign = bench_campaign(now)
        entries = [bench_entry(org, campaign, n, now) for n in range(photos)]
        db.session.add_all(entries)
        db.session.flush()
        data = galleries.GalleryData(name="Bench wall", allowed_origins=SHOP)
        gallery = galleries.create_gallery(org.id, data, actor=Actor.system(), now=now)
        db.session.commit()
        return gallery.public_id, [entry.public_id for entry in entries]


def rollup_time(db_url: str, events: int) -> float:
    from sqlalchemy import text

    from campaign import create_app
    from campaign.analytics import rollups
    from campaign.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "SECRET_KEY": "bench", "STORAGE_BACKEND": "memory"})
    day = date(2026, 11, 20)
    with app.app_context():
        db.session.execute(text("TRUNCATE analytics_events, analytics_rollups, analytics_rolled_days"))
        db.session.commit()
        rollups.ensure_partitions(now=datetime(2026, 11, 20, 12, tzinfo=UTC))
        started = time.perf_counter()
        db.session.execute(
            text(
                "INSERT INTO analytics_events SELECT :day, 'b' || g, 1,"
                " (ARRAY['impression','view','view','view','interaction','click','conversion'])[1 + g % 7],"
                " timestamp '2026-11-20 03:00' + (g % 86400) * interval '1 second',"
                " 0, 1 + g % 20, CASE WHEN g % 7 = 0 THEN 0 ELSE 1 + g % 200 END,"
                " CASE WHEN g % 7 IN (5, 6) THEN 1 + g % 5 ELSE 0 END,"
                " CASE WHEN g % 7 = 6 THEN (CASE WHEN g % 2 = 0 THEN 'click' ELSE 'view' END) ELSE '' END,"
                " CASE WHEN g % 7 = 6 THEN 100 * (g % 9000) ELSE 0 END,"
                " CASE WHEN g % 7 = 6 THEN 'JPY' ELSE '' END"
                " FROM generate_series(1, :n) AS g"
            ),
            {"day": day, "n": events},
        )
        db.session.commit()
        db.session.execute(text("ANALYZE analytics_events"))
        db.session.commit()
        print(
            f"made {events:,} events in {time.perf_counter() - started:.1f} s (generate_series)", flush=True
        )
        started = time.perf_counter()
        rollups.roll_up([day], now=datetime.now(UTC))
        elapsed = time.perf_counter() - started
        rows = db.session.scalar(text("SELECT count(*) FROM analytics_rollups"))
        counted = db.session.scalar(
            text(
                "SELECT sum(impressions + views + interactions + clicks + click_conversions"
                " + view_conversions) FROM analytics_rollups"
            )
        )
        assert counted == events, (counted, events)
        print(f"rolled up into {rows:,} rollup rows", flush=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--events", type=int, default=10_000_000)
    args = parser.parse_args()
    wrk = ensure_tool("wrk", "wrk")
    # Its own database: a fixed name shared with another bench (draw.py drops and remakes
    # `kuchikomi_bench`) had it dropped under the running servers, whose workers then refused the
    # gallery they had not cached yet (400 for about half the beacons) or failed to reach it.
    database = f"kuchikomi_bench_events_{os.getpid()}"
    db_url = _fresh_postgres_database(database)
    try:
        measure(args, wrk, db_url)
    finally:
        _drop_postgres_database(database)


def measure(args: argparse.Namespace, wrk: str, db_url: str) -> None:
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="kuchikomi-bench-events-") as name:
        tmp = Path(name)
        app_port, bare_port = free_ports(2)  # distinct: held open together
        gallery_id, photos = build_gallery(db_url, 30)
        from sqlalchemy import create_engine, text

        (tmp / "bare_app.py").write_text(BARE_APP)
        script = tmp / "events.lua"
        script.write_text(
            WRK_SCRIPT.format(origin=SHOP, ua=UA, gallery=gallery_id, p1=photos[0], p2=photos[1])
        )
        env = {
            **os.environ,
            "KUCHIKOMI_DATABASE_URL": db_url,
            "KUCHIKOMI_SECRET_KEY": "bench",
            "KUCHIKOMI_STORAGE_BACKEND": "local",
            "KUCHIKOMI_STORAGE_LOCAL_ROOT": str(tmp / "uploads"),
            "KUCHIKOMI_LOG_LEVEL": "WARNING",
            "KUCHIKOMI_SCHEDULER_THREAD": "false",
            "KUCHIKOMI_ANALYTICS_RATE_PER_MINUTE": "100000000",
        }
        try:
            # Both from the temporary folder, so neither reads the repository's gunicorn.conf.py (its access
            # log would cost the app alone); the app is found on PYTHONPATH.
            processes.append(gunicorn("wsgi:app", app_port, tmp, {**env, "PYTHONPATH": str(ROOT)}))
            processes.append(gunicorn("bare_app:app", bare_port, tmp, env))
            # Both answer before the warm-up starts; on a loaded host the app takes a while to start.
            wait_for(f"http://127.0.0.1:{app_port}/healthz", timeout=120)
            wait_for(f"http://127.0.0.1:{bare_port}/", timeout=120)
            servers = {
                "events": (f"http://127.0.0.1:{app_port}", processes[0].pid),
                "bare": (f"http://127.0.0.1:{bare_port}", processes[1].pid),
            }
            for url, master in servers.values():
                run_round(wrk, script, url, 1, master)  # warm-up: imports, caches, connections
            per_request: dict[str, list[float]] = {name: [] for name in servers}
            total: dict[str, int] = dict.fromkeys(servers, 0)
            for _ in range(args.rounds):
                for name, (url, master) in servers.items():
                    cost, requests = run_round(wrk, script, url, args.seconds, master)
                    per_request[name].append(cost)
                    total[name] += requests
            time.sleep(3)  # the buffers' last flush
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=30)
        engine = create_engine(db_url)
        with engine.connect() as conn:
            stored = conn.execute(
                text("SELECT count(*) FROM analytics_events WHERE kind = 'impression'")
            ).scalar()
        engine.dispose()
        if stored < total["events"]:  # every beacon sent was answered 204 and is a new impression
            raise SystemExit(f"only {stored:,} of {total['events']:,} impressions were stored")
        rates = {name: 1 / statistics.median(costs) for name, costs in per_request.items()}
        print(f"rounds: {args.rounds} × {args.seconds} s each, interleaved; wrk 1 thread, 16 connections")
        print(f"events stored: {stored:,} impressions of {total['events']:,} beacons sent (warm-up aside)")
        print(f"events accepted per CPU second (median): {rates['events']:,.0f}")
        print(f"bare Flask 204 per CPU second (median):  {rates['bare']:,.0f}")
        seconds = rollup_time(db_url, args.events)
        load = os.getloadavg()[0]  # the host's: a busy one stretches this wall time
        print(f"rollup of {args.events:,} events on PostgreSQL: {seconds:.2f} s (load average {load:.1f})")
        print(f"ratio: {rates['events'] / rates['bare']:.2f}")


if __name__ == "__main__":
    main()
