"""`/healthz` (the process answers: no I/O), `/readyz` (database, storage and Redis when configured, each
named when it fails) and `/metrics` (Prometheus, with `Authorization: Bearer <METRICS_TOKEN>` only).

They are a lean app of their own, mounted in front of the main app like the public API: no session, CSRF,
limiter, login or HTML; never cached. A load balancer polls them often and must not be throttled."""

import functools
import hmac
import logging

from flask import Flask, Request, Response, current_app, jsonify, request
from sqlalchemy import text
from sqlalchemy.exc import OperationalError, ProgrammingError

from campaign import logs, metrics
from campaign.storage.base import AREAS, StorageError, probe_key

log = logging.getLogger(__name__)
PATHS = ("/healthz", "/readyz", "/metrics")
REDIS_TIMEOUT = 2.0  # seconds: a probe answers well within a load balancer's check interval


def healthz() -> Response:
    return jsonify(status="ok")


class SchemaOutOfDate(Exception):
    """The database answers but `flask db upgrade` has not brought it to this release's migration: every page
    would answer 500, so the instance is not ready."""


@functools.cache
def schema_heads(folder: str) -> frozenset[str]:
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory(folder).get_heads())


def check_database() -> None:
    from campaign.extensions import db
    from campaign.unmigrated import is_missing_schema

    with db.engine.connect() as connection:
        try:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except (OperationalError, ProgrammingError) as exc:
            if is_missing_schema(exc):
                raise SchemaOutOfDate("never migrated") from None
            raise
    if version not in schema_heads(current_app.extensions["migrate"].directory):
        raise SchemaOutOfDate(f"at migration {version}")


def check_storage() -> None:
    """One cheap read: a HEAD on S3 (reachable, credentials accepted), a stat on local storage."""
    from campaign.storage.local import LocalStorage

    storage = current_app.extensions["storage"]
    if isinstance(storage, LocalStorage) and not storage.root.is_dir():
        raise StorageError(f"{storage.root} is not a folder")
    storage.exists(probe_key(AREAS[0]))


def redis_client():
    """One client per process with short timeouts: a probe or a scrape never hangs on Redis."""
    from redis import Redis

    client = current_app.extensions.get("readyz_redis")
    if client is None:
        url = current_app.config["REDIS_URL"]
        client = Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
        current_app.extensions["readyz_redis"] = client
    return client


def check_redis() -> None:
    redis_client().ping()


def rq_queue_length() -> int | None:
    """Jobs waiting on RQ; None where jobs run inline."""
    from rq import Queue

    from campaign.jobs import QUEUE

    if not current_app.config.get("REDIS_URL") or current_app.config.get("JOBS_INLINE"):
        return None
    return Queue(QUEUE, connection=redis_client()).count


def readyz() -> Response:
    checks = {"database": check_database, "storage": check_storage}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = check_redis
    results, failed = {}, {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # any failure makes this instance unready; the log has the details
            log.warning("readiness check %s failed: %s", name, exc)
            results[name] = failed[name] = type(exc).__name__
    if failed:
        return jsonify(status="unavailable", failed=sorted(failed), checks=results), 503
    return jsonify(status="ready", checks=results)


def metrics_view() -> Response:
    token = current_app.config.get("METRICS_TOKEN")
    offered = request.headers.get("Authorization", "")
    if not token or not hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
        return jsonify(error="not_found"), 404  # without a token configured, metrics are off
    return metrics.metrics_response(rq_queue_length)


def no_store(response: Response) -> Response:
    from campaign.security_headers import REFERRER_POLICY

    response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    return response


class ProbeRequest(Request):
    """A probe comes by address, not by the site's name: a load balancer, Kubernetes or Prometheus asks
    http://10.0.0.5:8000/readyz. With KUCHIKOMI_TRUSTED_HOSTS set every probe was refused (400, "Host not
    trusted") and every instance looked down. A probe's answer builds no URL from the Host, so any is
    taken here; the main app still refuses an untrusted one."""

    @property
    def trusted_hosts(self) -> None:
        return None

    @trusted_hosts.setter
    def trusted_hosts(self, value) -> None:
        pass  # Flask sets the app's TRUSTED_HOSTS on each request


def create_probes(app: Flask) -> Flask:
    """Shares `app`'s config, database engines and storage."""
    from campaign.api.mount import NoSessions
    from campaign.extensions import db

    probes = Flask(__name__, static_folder=None, instance_path=app.instance_path)
    probes.config = app.config
    probes.request_class = ProbeRequest
    probes.session_interface = NoSessions()
    db.init_app_sharing_engines(probes, app)
    probes.extensions["storage"] = app.extensions["storage"]
    probes.extensions["migrate"] = app.extensions["migrate"]
    probes.add_url_rule("/healthz", "healthz", healthz)
    probes.add_url_rule("/readyz", "readyz", readyz)
    probes.add_url_rule("/metrics", "metrics", metrics_view)
    logs.init_request_ids(probes)  # a failed check's log line and the answer share the id
    probes.after_request(no_store)
    return probes


def mount(app: Flask) -> None:
    from campaign.api.mount import PrefixDispatch

    probes = create_probes(app)
    for path in PATHS:
        app.wsgi_app = PrefixDispatch(app.wsgi_app, path, probes)
    app.extensions["probes"] = probes
