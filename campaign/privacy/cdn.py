"""CDN purge after public copies are deleted (takedown, rejection, erasure): public renditions are cached
for a year, so a CDN in front of them would keep serving a withdrawn photo.

`CDN_PURGE` names how, and is checked at start-up:
- a URL template: each removed object's key (URL-quoted) replaces "{key}", and the URL gets an empty POST
  through the outbound guard (campaign.outbound: no redirects, public addresses only unless
  `OUTBOUND_ALLOW_PRIVATE`), one per key;
- `cloudfront:<distribution id>`: one CloudFront invalidation (boto3 `create_invalidation`) of every
  removed object's path, `/` + `S3_KEY_PREFIX` + key, since the distribution's origin is the public
  bucket's root (see storage/s3.py). Its CallerReference is made from the outbox job, so a retried job
  asks for the same invalidation again and CloudFront does not start a second one.
Each key (or invalidation) is tried up to ATTEMPTS times; the run is audited (how many keys, attempts,
failures, the invalidation id). When some still fail, `PurgeFailed` fails the job: the outbox runs it
again after its back-off (30 s, 2 min, 10 min, then hourly), until the CDN has forgotten them.
"""

import hashlib
import logging
import re
import secrets
import time
import urllib.error
import urllib.request
from urllib.parse import quote

from flask import current_app

from campaign import outbound, outbox
from campaign.audit.services import Actor, record
from campaign.clock import utcnow
from campaign.config import ConfigError
from campaign.extensions import db
from campaign.ids import new_public_id

log = logging.getLogger(__name__)
ATTEMPTS = 3
TIMEOUT_SECONDS = 10
CLOUDFRONT = "cloudfront:"
DISTRIBUTION_ID = re.compile(r"[A-Z0-9]{1,64}")
PATHS_PER_INVALIDATION = 1000  # CloudFront takes up to 3,000 paths in progress per distribution


class PurgeFailed(Exception):
    """Some removed objects may still be served by the CDN; the job is retried."""


def target(config) -> str:
    """The purge URL template or `cloudfront:<id>`, "" when none; ConfigError for a value it cannot use."""
    value = (config.get("CDN_PURGE") or "").strip()
    if not value:
        return ""
    if value.startswith(CLOUDFRONT):
        if not DISTRIBUTION_ID.fullmatch(value.removeprefix(CLOUDFRONT)):
            raise ConfigError(
                "KUCHIKOMI_CDN_PURGE: a CloudFront distribution id is capital letters and digits, "
                f"e.g. cloudfront:E2QWRUHAPOMQZL, not {value!r}"
            )
        return value
    if not value.startswith(("https://", "http://")) or "{key}" not in value:
        raise ConfigError(
            "KUCHIKOMI_CDN_PURGE must be an http(s) URL containing {key}, or cloudfront:<distribution id>"
        )
    return value


def _post(url: str) -> None:
    headers = {"User-Agent": "Kuchikomi-CDN-purge"}
    request = urllib.request.Request(url, data=b"", method="POST", headers=headers)  # noqa: S310 (http(s) only, see target)
    allow = outbound.allow_private()
    with outbound.opener(allow_private=allow).open(request, timeout=TIMEOUT_SECONDS) as response:
        if response.status >= 300:
            raise urllib.error.HTTPError(url, response.status, "purge refused", response.headers, None)


def _purge_urls(template: str, keys: list[str]) -> tuple[list[str], int]:
    """(failed keys, attempts)"""
    failed, attempts = [], 0
    for key in keys:
        url = template.replace("{key}", quote(key, safe="/"))
        for attempt in range(1, ATTEMPTS + 1):
            attempts += 1
            try:
                outbound.check(url, allow_private=outbound.allow_private())
                _post(url)
                break
            except (OSError, outbound.UnsafeTarget, outbound.UnknownHost) as exc:
                log.warning("CDN purge of %s failed (attempt %d): %s", key, attempt, exc)
                if attempt < ATTEMPTS:
                    time.sleep(0.2 * attempt)
        else:
            failed.append(key)
    return failed, attempts


def cloudfront_client(config):
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(
        aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
        region_name="us-east-1",  # CloudFront's API is global, signed for us-east-1
    )
    settings = Config(
        connect_timeout=TIMEOUT_SECONDS,
        read_timeout=TIMEOUT_SECONDS,
        retries={"total_max_attempts": 1, "mode": "standard"},  # our own loop counts the attempts it audits
    )
    return session.client("cloudfront", endpoint_url=config.get("CLOUDFRONT_ENDPOINT_URL"), config=settings)


def _invalidate(distribution: str, keys: list[str]) -> tuple[list[str], int, list[str]]:
    """(failed keys, attempts, invalidation ids): one invalidation per PATHS_PER_INVALIDATION keys."""
    from botocore.exceptions import BotoCoreError, ClientError

    config = current_app.config
    client = cloudfront_client(config)
    prefix = config.get("S3_KEY_PREFIX") or ""
    job = outbox.running_job()
    # The job and what it removes: a retry asks again for the same invalidation, while a later job that
    # SQLite gave a finished job's id gets a reference of its own (CloudFront refuses a reused one).
    paths_digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16]
    reference = (
        f"kuchikomi-job-{job}-{paths_digest}" if job is not None else f"kuchikomi-{secrets.token_hex(8)}"
    )
    failed, attempts, ids = [], 0, []
    for start in range(0, len(keys), PATHS_PER_INVALIDATION):
        chunk = keys[start : start + PATHS_PER_INVALIDATION]
        paths = ["/" + quote(prefix + key, safe="/") for key in chunk]
        batch = {
            "Paths": {"Quantity": len(paths), "Items": paths},
            "CallerReference": f"{reference}-{start}",  # the same for a retry: CloudFront answers the same
        }
        for attempt in range(1, ATTEMPTS + 1):
            attempts += 1
            try:
                answer = client.create_invalidation(DistributionId=distribution, InvalidationBatch=batch)
                ids.append(answer["Invalidation"]["Id"])
                break
            except (BotoCoreError, ClientError) as exc:
                log.warning("CloudFront invalidation failed (attempt %d): %s", attempt, exc)
                if attempt < ATTEMPTS:
                    time.sleep(0.2 * attempt)
        else:
            failed += chunk
    return failed, attempts, ids


def purge(keys: list[str], *, org_id: int | None) -> list[str]:
    """Has the CDN forget each key (retried); audits the run under `org_id`; raises PurgeFailed when some
    keys failed every attempt, after the audit, so the job runs again later.

    Part of the purge_public job: it commits its own audit event.
    """
    how = target(current_app.config)
    if not how or not keys:
        return []
    invalidations: list[str] = []
    if how.startswith(CLOUDFRONT):
        failed, attempts, invalidations = _invalidate(how.removeprefix(CLOUDFRONT), keys)
    else:
        failed, attempts = _purge_urls(how, keys)
    if org_id is not None:
        after = {"keys": len(keys), "attempts": attempts, "failed": failed}
        if invalidations:
            after["invalidations"] = invalidations
        record(
            Actor.system(),
            "cdn.purge",
            org_id=org_id,
            object_type="cdn_purge",
            object_id=new_public_id(),
            now=utcnow(),
            after=after,
        )
        db.session.commit()
    if failed:
        log.error(
            "CDN purge failed for %d objects, the job runs again later: %s", len(failed), ", ".join(failed)
        )
        raise PurgeFailed(f"{len(failed)} of {len(keys)} objects not purged from the CDN")
    return failed
