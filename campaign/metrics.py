"""Prometheus metrics (prometheus-client). Under gunicorn every worker writes its own files in
PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py sets it up), and /metrics adds them up; without that variable a
single process reports its own counts."""

import os
from collections.abc import Callable

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter(
    "kuchikomi_http_requests", "Requests answered, by app, endpoint and status", ["app", "endpoint", "status"]
)
UPLOADS = Counter(
    "kuchikomi_uploads", "Customer uploads: accepted, or refused by reason", ["outcome", "reason"]
)
PROCESSING_SECONDS = Histogram(
    "kuchikomi_entry_processing_seconds",
    "Time to derive and store one entry's web renditions (where the job runs)",
    buckets=(0.25, 0.5, 1, 2, 4, 8, 15, 30, 60),
)
ENTRIES_PROCESSED = Counter(
    "kuchikomi_entries_processed",
    "Entries whose renditions were made and committed (each entry once, however often its job ran)",
)
JOB_FAILURES = Counter("kuchikomi_job_failures", "Background jobs that raised (each is retried)", ["job"])
DRAW_SECONDS = Histogram(
    "kuchikomi_draw_seconds", "Time of one verifiable draw", buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900)
)
REFUSED_BY_STATUS = {400: "bad_request", 404: "no_such_campaign", 413: "too_large", 429: "too_many_uploads"}


def exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


class QueueDepth:
    """Read at each scrape from the database (the outbox) and Redis (RQ's queue), so every app server reports
    the same numbers. `queue_length` returns None when there is no queue (jobs run inline)."""

    def __init__(self, queue_length: Callable[[], int | None]) -> None:
        self.queue_length = queue_length

    def collect(self):
        from campaign import outbox

        try:
            depth = outbox.depth()
        except Exception:  # the database is down or not migrated: /readyz says which; the rest still answers
            from campaign.extensions import db

            db.session.rollback()
        else:
            waiting = GaugeMetricFamily(
                "kuchikomi_outbox_jobs",
                "Work after a commit not done yet: pending (never failed) or failing (retried with back-off)",
                labels=["state"],
            )
            for state, count in depth.items():
                waiting.add_metric([state], count)
            yield waiting
        try:
            length = self.queue_length()
        except Exception:  # Redis down: /readyz says so; the gauge is left out rather than reported as 0
            return
        if length is not None:
            yield GaugeMetricFamily("kuchikomi_rq_queue_length", "Jobs queued on RQ, not yet started", length)


def metrics_response(queue_length: Callable[[], int | None] = lambda: None) -> Response:
    registry = CollectorRegistry()
    registry.register(QueueDepth(queue_length))
    body = exposition() + generate_latest(registry)
    return Response(body, mimetype=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


def refuse_upload(reason: str) -> None:
    """Names why an upload was refused: the submit view (a photo rule, or a field), the domain error handler
    (a rule's code: campaign_not_open, entry_limit, storage_unavailable); the rest are named by status."""
    g.upload_refused = reason


def count_upload(response: Response) -> Response:
    """The submissions blueprint's after_request: counts the answers of the submit view."""
    if request.endpoint != "submissions.submit":
        return response
    status = response.status_code
    if status < 400:  # a new entry, or the same form sent again (both lead to the status page)
        UPLOADS.labels("accepted", "none").inc()
    else:
        UPLOADS.labels(
            "refused", g.get("upload_refused") or REFUSED_BY_STATUS.get(status, f"status_{status}")
        ).inc()
    return response


def init_app(app: Flask, label: str) -> None:
    """Counts every answer of `app` ("main" or "public_api"); 404s share the endpoint "none". Each
    (endpoint, status) pair's counter is looked up once, not at every request."""
    counters: dict[tuple[str | None, int], Counter] = {}

    def count_request(response: Response) -> Response:
        key = (request.endpoint, response.status_code)
        counter = counters.get(key)
        if counter is None:
            counter = counters.setdefault(key, REQUESTS.labels(label, key[0] or "none", str(key[1])))
        counter.inc()
        return response

    app.after_request(count_request)
