"""The campaign page and the draw certificate in Chromium on a throttled phone: ours against static files.

Run: .venv/bin/python bench/pages.py [--runs N]

Builds a temporary SQLite database (through the migrations) and local storage with the demo brand
(`flask demo seed`: hero, logo, prize pictures and approved photos) plus a second, closed campaign of the
same brand with a drawn prize, so there is a certificate. Serves the app under gunicorn (2 gthread
workers) on a free loopback port, and saves the two pages' HTML exactly as the app served them, with every
same-origin file they reference (CSS, JS, images), into a folder served by nginx (Debian's package;
installed with apt-get if missing) with its own temporary config on another free port; nginx is stopped by
its PID at the end.

Each page is loaded N times per server in a fresh Chromium context (Debian's /usr/bin/chromium through
Playwright; 390 × 844, mobile, cold cache) with the CPU slowed 4× through the DevTools protocol
(Emulation.setCPUThrottlingRate). Prints, per page and server, the medians of: bytes transferred, bytes
transferred before the hero image is requested, requests, and Largest Contentful Paint (PerformanceObserver
`largest-contentful-paint`). Last line `ratio: X` = our LCP / static LCP for the worse of the two pages.
"""

from __future__ import annotations

import argparse
import io
import os
import random
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
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.fixtures.seaweedfs import free_ports  # noqa: E402  (distinct ports, all held open together)

VENV_BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("KUCHIKOMI_CHROMIUM", "/usr/bin/chromium")
SECRET = "bench-secret-" + "0" * 20  # noqa: S105 (32 characters, as gunicorn.conf.py wants)
PASSWORD = "bench password 123"  # noqa: S105 - a throwaway benchmark account

NGINX_CONF = """
worker_processes 2;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path {tmp}/nginx-body;
  proxy_temp_path {tmp}/nginx-proxy;
  fastcgi_temp_path {tmp}/nginx-fastcgi;
  uwsgi_temp_path {tmp}/nginx-uwsgi;
  scgi_temp_path {tmp}/nginx-scgi;
  gzip on;
  gzip_types text/css application/javascript image/svg+xml;
  server {{
    listen 127.0.0.1:{port};
    root {root};
    location / {{ try_files $uri $uri/index.html =404; }}
  }}
}}
"""

MEASURE = """
async () => {
  const lcp = await new Promise((resolve) => {
    let last = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) last = entry.startTime;
    }).observe({ type: "largest-contentful-paint", buffered: true });
    setTimeout(() => resolve(last), 1500);
  });
  const nav = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  const hero = document.querySelector(".cp-hero img");
  const heroUrl = hero ? hero.currentSrc : null;
  const heroEntry = heroUrl ? resources.find((r) => r.name === heroUrl) : null;
  const heroStart = heroEntry ? heroEntry.startTime : Infinity;
  const before = nav.transferSize + resources
    .filter((r) => r !== heroEntry && r.startTime < heroStart)
    .reduce((sum, r) => sum + r.transferSize, 0);
  const css = resources.find((r) => r.name.endsWith(".css"));
  return {
    lcp,
    ttfb: nav.responseStart,
    css_end: css ? css.responseEnd : null,
    bytes: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
    before_hero: heroEntry ? before : null,
    requests: 1 + resources.length,
  };
}
"""


def ensure_nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if found:
        return found
    print("installing nginx (apt-get)...", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "nginx"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("nginx") or "/usr/sbin/nginx"


def noise_photo(seed: int) -> bytes:
    from PIL import Image

    rng = random.Random(seed)
    image = Image.new("RGB", (8, 6))
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(48)])
    buffer = io.BytesIO()
    image.resize((800, 600), Image.Resampling.NEAREST).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def build_data(db_url: str, storage_root: Path, base_url: str) -> tuple[str, str]:
    """The demo brand, and a drawn campaign of the same brand; returns (campaign path, certificate path)."""
    from dataclasses import replace

    from flask_migrate import upgrade

    from campaign import create_app, demo
    from campaign.audit.services import Actor
    from campaign.auth import services as auth
    from campaign.campaigns import services as campaigns
    from campaign.campaigns.models import Campaign
    from campaign.draws import services as draws
    from campaign.entries import services as entries
    from campaign.entries.processing import process_entry
    from campaign.extensions import db
    from campaign.moderation.services import transition
    from campaign.orgs import services as orgs
    from campaign.orgs.models import Role
    from campaign.storage import get_storage

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": db_url,
            "SECRET_KEY": SECRET,
            "STORAGE_BACKEND": "local",
            "STORAGE_LOCAL_ROOT": str(storage_root),
            "PUBLIC_BASE_URL": base_url,
        }
    )
    with app.app_context():
        upgrade(revision="heads")
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output
        shown = db.session.scalar(db.select(Campaign).where(Campaign.slug == "spring-photo"))
        user = auth.create_user("bench@example.com", PASSWORD, name="bench")
        membership = orgs.add_member(shown.organisation, user, Role.OWNER)
        now = datetime.now(UTC)
        data = replace(demo.demo_campaign(now), slug="drawn", opens_at=now - timedelta(days=20))
        drawn = campaigns.create_campaign(shown.organisation, data, actor=Actor.system(), now=now)
        campaigns.launch(drawn, now=now)
        db.session.commit()
        limits = entries.Limits.from_config(app.config)
        for n in range(40):
            sub = entries.Submission(
                email=f"drawn{n}@example.com",
                rating=5,
                caption=f"写真 {n}",
                nickname=f"user{n}",
                accepts_terms=True,
                consent_scopes=["gallery"],
                idempotency_key=f"drawn-{n}",
            )
            entry, _ = entries.submit(
                drawn, sub, noise_photo(n), storage=get_storage(), limits=limits, now=now
            )
            db.session.commit()
            process_entry(entry.id)
            db.session.refresh(entry)
            transition(entry, "approve", actor=Actor.member(user), membership=membership, now=now)
            db.session.commit()
        drawn.closes_at = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
        draw = draws.run_draw(
            drawn,
            actor=Actor.member(user),
            password=PASSWORD,
            beacon="",
            secret=SECRET,
            now=datetime.now(UTC),
        )
        db.session.commit()
        return "/c/spring-photo", f"/draws/{draw.public_id}"


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
        return response.read()


def wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


REFERENCE_RE = re.compile(r'(?:src|href)="(/[^"]*)"|srcset="([^"]+)"')


def save_static(app_url: str, path: str, static_root: Path) -> None:
    """The page's HTML as served, and each same-origin file it references, at the same paths."""
    html = fetch(app_url + path)
    target = static_root / path.lstrip("/") / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(html)
    references = set()
    for single, srcset in REFERENCE_RE.findall(html.decode()):
        if single:
            references.add(single)
        for candidate in srcset.split(","):
            url = candidate.strip().split(" ")[0]
            if url.startswith("/"):
                references.add(url)
    for reference in references:
        local = urlsplit(reference).path
        if (
            local.startswith(("/lang/", "/studio", "/login"))
            or local in ("/", path)
            or local.endswith("/check")
        ):
            continue  # links, not what the page loads
        try:
            body = fetch(app_url + reference.replace("&amp;", "&"))
        except OSError:
            continue
        out = static_root / local.lstrip("/")
        if out.suffix == "":
            out = out / "index.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(body)


def measure(browser, url: str) -> dict:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="ja-JP")
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        page.goto(url, wait_until="load")
        return page.evaluate(MEASURE)
    finally:
        context.close()


def median(values: list) -> float:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    nginx = ensure_nginx()
    tmp = Path(tempfile.mkdtemp(prefix="kuchikomi-bench-pages-"))
    tmp.chmod(0o755)
    storage_root, static_root = tmp / "uploads", tmp / "static"
    app_port, nginx_port = free_ports(2)
    app_url, static_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{nginx_port}"
    db_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    pages = build_data(db_url, storage_root, app_url)
    env = {
        **os.environ,
        "KUCHIKOMI_DATABASE_URL": db_url,
        "KUCHIKOMI_SECRET_KEY": SECRET,
        "KUCHIKOMI_MAIL_BACKEND": "log",  # gunicorn reads ./gunicorn.conf.py, which wants it chosen
        "KUCHIKOMI_MAIL_FROM": "campaign@ugc.example.jp",  # and a real sender
        "KUCHIKOMI_STORAGE_BACKEND": "local",
        "KUCHIKOMI_STORAGE_LOCAL_ROOT": str(storage_root),
        "KUCHIKOMI_PUBLIC_BASE_URL": app_url,
    }
    command = [str(VENV_BIN / "gunicorn"), "--bind", f"127.0.0.1:{app_port}", "--workers", "2"]
    command += ["--worker-class", "gthread", "--threads", "4", "--log-level", "warning"]
    command += ["--access-logfile", "/dev/null", "wsgi:app"]
    processes: list[subprocess.Popen] = []
    try:
        processes.append(subprocess.Popen(command, cwd=ROOT, env=env))
        wait_for(app_url + pages[0])
        for path in pages:
            save_static(app_url, path, static_root)
        for _ in range(10):  # every worker has served (and started its scheduler thread's first tick)
            for path in pages:
                fetch(app_url + path)
        time.sleep(3)  # steady state: the first ticks are done
        for path in [static_root, *static_root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)  # nginx workers run as another user
        (tmp / "nginx.conf").write_text(NGINX_CONF.format(tmp=tmp, port=nginx_port, root=static_root))
        processes.append(subprocess.Popen([nginx, "-c", str(tmp / "nginx.conf")], stderr=subprocess.DEVNULL))
        wait_for(static_url + pages[0])

        from playwright.sync_api import sync_playwright

        results: dict[tuple[str, str], list[dict]] = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            try:
                for name, path in zip(("campaign", "certificate"), pages, strict=True):
                    measure(browser, app_url + path)  # warm both servers once (imports, file cache)
                    measure(browser, static_url + path)
                    for _ in range(args.runs):  # interleaved, so drift on the machine hits both alike
                        results.setdefault((name, "ours"), []).append(measure(browser, app_url + path))
                        results.setdefault((name, "static"), []).append(measure(browser, static_url + path))
            finally:
                browser.close()
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"Chromium 390x844 mobile, CPU 4x slower, cold cache, {args.runs} runs each (medians)")
    print(
        f"{'page':<12}{'server':<8}{'bytes':>9}{'before hero':>13}{'requests':>10}"
        f"{'TTFB ms':>9}{'CSS ms':>8}{'LCP ms':>9}"
    )
    ratios = []
    for name in ("campaign", "certificate"):
        lcps = {}
        for server in ("ours", "static"):
            runs = results[(name, server)]
            lcps[server] = median([r["lcp"] for r in runs])
            before = median([r["before_hero"] for r in runs])
            print(
                f"{name:<12}{server:<8}{median([r['bytes'] for r in runs]):>9.0f}"
                f"{'-' if before != before else f'{before:.0f}':>13}"
                f"{median([r['requests'] for r in runs]):>10.0f}{median([r['ttfb'] for r in runs]):>9.0f}"
                f"{median([r['css_end'] for r in runs]):>8.0f}{lcps[server]:>9.0f}"
            )
        ratios.append(lcps["ours"] / lcps["static"])
    print(f"ratio: {max(ratios):.2f}")


if __name__ == "__main__":
    main()
