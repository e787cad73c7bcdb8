"""/healthz, /readyz and /metrics (issue 14: there was no health check and no metric)."""

import os
import re
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from campaign import create_app
from campaign.clock import utcnow
from campaign.extensions import db
from tests import factories
from tests.auth.test_login_without_redis import closed_loopback_port
from tests.entries.helpers import form_fields, submit
from tests.fixtures.live_server import wait_until_listening

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "metrics-token-for-tests"


def samples(text: str, name: str) -> dict:
    return {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    }


def scrape(client) -> str:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return response.text


def test_healthz_answers_without_session_or_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in response.headers


def test_probes_carry_a_request_id_like_every_answer(client):
    """README: every response carries X-Request-ID; /healthz, /readyz and /metrics had none."""
    for path in ("/healthz", "/readyz", "/metrics"):
        assert client.get(path, headers={"X-Request-ID": "probe-1"}).headers["X-Request-ID"] == "probe-1"
        assert len(client.get(path).headers["X-Request-ID"]) == 32


def test_probes_answer_by_address_when_the_site_trusts_only_its_names(app, client):
    """With KUCHIKOMI_TRUSTED_HOSTS set, as the README asks for production, every probe answered 400 ("Host
    not trusted"): load balancers and Prometheus ask by address, so every instance looked down (an
    operator's walk-through find). The site's own pages still refuse an untrusted Host."""
    app.config.update(TRUSTED_HOSTS=["ugc.example.jp"], METRICS_TOKEN=TOKEN)
    by_address = {"Host": "10.0.0.5:8000"}
    assert client.get("/healthz", headers=by_address).status_code == 200
    assert client.get("/readyz", headers=by_address).status_code == 200
    scraped = client.get("/metrics", headers={**by_address, "Authorization": f"Bearer {TOKEN}"})
    assert scraped.status_code == 200
    assert scraped.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"  # as every answer
    assert client.get("/login", headers=by_address).status_code == 400
    assert client.get("/login", headers={"Host": "ugc.example.jp"}).status_code == 200


def test_readyz_checks_the_database_and_storage(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json == {"status": "ready", "checks": {"database": "ok", "storage": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_not_ready_on_a_database_never_migrated(tmp_path):
    """Walked: a server started before `flask db upgrade` answered 500 on every page while /readyz said
    ready, so a load balancer sent it customers."""
    app = create_app(
        {
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
            "STORAGE_BACKEND": "memory",
        }
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["failed"] == ["database"]
    assert response.json["checks"]["database"] == "SchemaOutOfDate"


def test_readyz_is_not_ready_until_the_database_reaches_this_releases_migration(app, client):
    with app.app_context():
        head = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        db.session.execute(text("UPDATE alembic_version SET version_num = '0019'"))  # one release behind
        db.session.commit()
        try:
            behind = client.get("/readyz")
        finally:
            db.session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
            db.session.commit()
    assert behind.status_code == 503 and behind.json["checks"]["database"] == "SchemaOutOfDate"
    assert client.get("/readyz").status_code == 200


def test_readyz_names_redis_when_it_is_down(app, client):
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{closed_loopback_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["failed"] == ["redis"] and response.json["checks"]["redis"] == "ConnectionError"
    assert response.json["checks"]["database"] == "ok"


def test_readyz_names_the_database_and_the_storage_when_they_fail(tmp_path):
    not_a_folder = tmp_path / "uploads"
    not_a_folder.write_text("a file where the storage folder should be")
    app = create_app(
        {
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:{closed_loopback_port()}/x",
            "STORAGE_BACKEND": "local",
            "STORAGE_LOCAL_ROOT": str(not_a_folder),
        }
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["failed"] == ["database", "storage"]
    assert response.json["checks"] == {"database": "OperationalError", "storage": "StorageError"}


def test_metrics_need_the_configured_token(app, client):
    assert client.get("/metrics").status_code == 404  # no token configured: metrics are off
    app.config["METRICS_TOKEN"] = TOKEN
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_metrics_count_requests_uploads_processing_and_draw_time(app, client):
    app.config["METRICS_TOKEN"] = TOKEN
    campaign = factories.campaign(factories.org())
    before_requests = samples(scrape(client), "kuchikomi_http_requests_total")
    before_uploads = samples(scrape(client), "kuchikomi_uploads_total")
    before_processing = samples(scrape(client), "kuchikomi_entry_processing_seconds_count").get((), 0)
    assert submit(client).status_code == 303
    assert submit(client, photo=b"not a photo").status_code == 422
    assert submit(client, photo=factories.photo(120, 90)).status_code == 422
    assert submit(client, email="not an address").status_code == 422
    fields = form_fields(client, "summer")
    campaign.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert submit(client, fields=fields).status_code == 409
    client.get("/api/v1/openapi.json")
    text = scrape(client)
    requests_now, uploads_now = (
        samples(text, "kuchikomi_http_requests_total"),
        samples(text, "kuchikomi_uploads_total"),
    )

    def grew(now: dict, before: dict, **labels) -> float:
        key = tuple(sorted(labels.items()))
        return now.get(key, 0) - before.get(key, 0)

    assert grew(requests_now, before_requests, app="main", endpoint="submissions.submit", status="303") == 1
    assert (
        grew(requests_now, before_requests, app="public_api", endpoint="api.get_openapi", status="200") == 1
    )
    assert grew(uploads_now, before_uploads, outcome="accepted", reason="none") == 1
    # by the rule that refused it, not one "invalid_submission" for every photo problem (issue 14)
    assert grew(uploads_now, before_uploads, outcome="refused", reason="photo_not_an_image") == 1
    assert grew(uploads_now, before_uploads, outcome="refused", reason="photo_too_small") == 1
    assert grew(uploads_now, before_uploads, outcome="refused", reason="invalid_submission") == 1
    assert (
        grew(uploads_now, before_uploads, outcome="refused", reason="campaign_not_open") == 1
    )  # was status_409
    assert samples(text, "kuchikomi_entry_processing_seconds_count")[()] == before_processing + 1
    assert "kuchikomi_draw_seconds_count" in text


def test_metrics_count_entries_processed_once_and_job_failures(app, client):
    """Queue depth and failures were missing; processing commits are counted once per entry."""
    from campaign import jobs, outbox
    from campaign.entries.models import Entry
    from campaign.entries.processing import process_entry

    app.config["METRICS_TOKEN"] = TOKEN
    factories.campaign(factories.org())
    before = scrape(client)
    processed = samples(before, "kuchikomi_entries_processed_total").get((), 0)
    assert submit(client).status_code == 303
    with app.app_context():
        entry_id = db.session.scalar(db.select(Entry.id))
        assert process_entry(entry_id) == "skipped"  # ready already: not counted again
        jobs.after_commit(always_fails)
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count()).select_from(outbox.OutboxJob)) == 1
    text = scrape(client)
    assert samples(text, "kuchikomi_entries_processed_total")[()] == processed + 1
    job = (("job", "tests.app.test_health:always_fails"),)
    assert (
        samples(text, "kuchikomi_job_failures_total")[job]
        == samples(before, "kuchikomi_job_failures_total").get(job, 0) + 1
    )


def always_fails() -> None:
    raise RuntimeError("down")


MULTIPROCESS = textwrap.dedent(
    """
    import sys
    from campaign import create_app
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": sys.argv[1], "STORAGE_BACKEND": "memory",
                      "METRICS_TOKEN": "t"})
    client = app.test_client()
    client.get("/healthz-nothing-here")
    if sys.argv[2] == "scrape":
        print(client.get("/metrics", headers={"Authorization": "Bearer t"}).text)
    """
)


def test_metrics_add_up_every_process_of_a_multiprocess_server(tmp_path):
    """gunicorn's workers are processes: with PROMETHEUS_MULTIPROC_DIR, /metrics in one adds up all."""
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUCHIKOMI_")}
    env.update(PYTHONPATH=str(ROOT), PROMETHEUS_MULTIPROC_DIR=str(folder))
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    outputs = [
        subprocess.run(
            [sys.executable, "-c", MULTIPROCESS, database, role],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
        for role in ("count", "count", "scrape")
    ]
    counted = samples(outputs[-1], "kuchikomi_http_requests_total")
    assert counted[(("app", "main"), ("endpoint", "none"), ("status", "404"))] == 3


def test_gunicorn_clears_only_the_metric_files_of_processes_that_are_gone(tmp_path):
    """A check's find: every `.db` not named for a running process went, an operator's `backup_2026.db`
    too. Only prometheus_client's files go; another `.db` stays and is named (it would break /metrics)."""
    folder = tmp_path / "metrics"
    folder.mkdir()
    names = [f"counter_{2**22 + 1}.db", f"gauge_livesum_{os.getpid()}.db", "backup_2026.db", "notes.txt"]
    for name in names:
        (folder / name).write_text("x")
    script = (
        "import pathlib, runpy, sys; "
        "runpy.run_path(sys.argv[1])['_clear_metric_files'](pathlib.Path(sys.argv[2]))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    done = subprocess.run(
        [sys.executable, "-c", script, str(ROOT / "gunicorn.conf.py"), str(folder)],
        env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert sorted(p.name for p in folder.iterdir()) == sorted(names[1:])  # a running process's file stays
    assert "holds files that are not metrics (backup_2026.db)" in done.stderr


def test_metrics_count_requests_under_gunicorn_with_its_conf(tmp_path):
    """gunicorn.conf.py sets up the multiprocess folder before prometheus_client is imported: set after, the
    workers kept their counts in memory and /metrics answered an empty page."""
    port = closed_loopback_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("KUCHIKOMI_", "PROMETHEUS_", "GUNICORN_"))
    }
    # A folder the operator names: gunicorn deleted it whole at each start, whatever it held (an operator's
    # walk-through). Only the metric files of processes that are gone go now.
    folder = tmp_path / "metrics"
    (folder / "keepme").mkdir(parents=True)
    (folder / "keepme" / "notes.txt").write_text("the operator's")
    gone = folder / f"counter_{2**22 + 1}.db"  # above Linux's largest pid: no such process
    gone.write_bytes(b"left by a process that is gone")
    env.update(
        PYTHONPATH=str(ROOT),
        PROMETHEUS_MULTIPROC_DIR=str(folder),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        KUCHIKOMI_SECRET_KEY="x" * 32,
        KUCHIKOMI_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        KUCHIKOMI_STORAGE_BACKEND="memory",
        KUCHIKOMI_METRICS_TOKEN=TOKEN,
        KUCHIKOMI_MAIL_BACKEND="log",
        KUCHIKOMI_MAIL_FROM="campaign@ugc.example.jp",
        KUCHIKOMI_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,  # the access log
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_listening(base, server)
        for _ in range(3):
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(f"{base}/no-such-page", timeout=10)
        private_links = (
            "/s/status-token-0123/erase",
            "/claim/claim-token-4567",
            "/password/reset/reset-token-cdef",  # a probe's find: resets, invitations and rights pages too
            "/no-such-page?next=%2Finvitations%2Finvite-token-7777",
            "/s/%41ncoded-token-5555",  # percent-encoded, which the server decodes (a check's find)
            "/no-such-page?email=hana%40example.jp",  # an address, as a form's GET would send it
        )
        for private in private_links:
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(f"{base}{private}", timeout=10)
        referred = urllib.request.Request(
            f"{base}/healthz",
            headers={"Referer": f"{base}/s/referer-token-89ab", "X-Request-ID": "walkthrough-id-0001"},
        )
        urllib.request.urlopen(referred, timeout=10).close()
        request = urllib.request.Request(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
    finally:
        server.terminate()
        access_log, _ = server.communicate(timeout=60)
    counted = samples(text, "kuchikomi_http_requests_total")
    assert counted[(("app", "main"), ("endpoint", "none"), ("status", "404"))] == 5
    assert (folder / "keepme" / "notes.txt").read_text() == "the operator's" and not gone.exists()
    # Private links are capabilities: the access log keeps their route, never their token.
    assert "GET /s/…/erase" in access_log and "GET /claim/…" in access_log, access_log
    assert "hana" not in access_log and "/no-such-page?email=h***@example.jp" in access_log, access_log
    for token in ("token-0123", "token-4567", "token-cdef", "token-7777", "token-5555"):
        assert token not in access_log, access_log
    assert "GET /password/reset/… " in access_log and "next=%2Finvitations%2F… " in access_log, access_log
    assert "referer-token" not in access_log and f'"{base}/s/…"' in access_log, access_log
    # Each access line carries the request id the app gave the request (kept from the proxy when sane).
    healthz = next(
        line for line in access_log.splitlines() if "GET /healthz" in line and "walkthrough" in line
    )
    assert healthz.endswith("request_id=walkthrough-id-0001"), healthz
    assert all(
        re.search(r"request_id=[0-9a-f]{32}$", line) for line in access_log.splitlines() if "/no-such" in line
    )


def test_pages_say_the_database_is_briefly_unavailable_with_a_503_not_a_500(tmp_path):
    """PostgreSQL down or restarting is a passing state: customers and the team read "try again in a few
    minutes" (503, Retry-After), in their language, not a failure of the page."""
    app = create_app(
        {
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:{closed_loopback_port()}/x",
            "STORAGE_BACKEND": "memory",
        }
    )
    client = app.test_client()
    page = client.get("/c/summer", headers={"Accept-Language": "ja"})
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "数分後にもう一度お試しください" in page.text
    asked_json = client.get("/c/summer", headers={"Accept": "application/json"})
    assert asked_json.status_code == 503 and asked_json.json["error"] == "database_unavailable"
