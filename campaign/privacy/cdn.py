"""CDN purge after public copies are deleted (takedown, rejection, erasure): public renditions are cached
for a year, so a CDN in front of them would keep serving a withdrawn photo.

`CDN_PURGE` is a URL template: each removed object's key (URL-quoted) replaces "{key}", and the URL gets an
empty POST through the outbound guard (campaign.outbound: no redirects, public addresses only unless
`OUTBOUND_ALLOW_PRIVATE`). Each key is tried up to ATTEMPTS times; the run is audited (how many keys,
attempts, failures), and keys that still fail are named in the log for a person to purge by hand.
CloudFront invalidation (`cloudfront:<distribution id>`) is not implemented: such a value is refused.
"""

import logging
import time
import urllib.error
import urllib.request
from urllib.parse import quote

from flask import current_app

from campaign import outbound
from campaign.audit.services import Actor, record
from campaign.clock import utcnow
from campaign.config import ConfigError
from campaign.extensions import db
from campaign.ids import new_public_id

log = logging.getLogger(__name__)
ATTEMPTS = 3
TIMEOUT_SECONDS = 10


def target(config) -> str:
    """The purge URL template, "" when none; ConfigError for a value this version cannot use."""
    value = (config.get("CDN_PURGE") or "").strip()
    if not value:
        return ""
    if value.startswith("cloudfront:"):
        raise ConfigError(
            "KUCHIKOMI_CDN_PURGE: CloudFront invalidation is not supported yet; give a purge URL"
        )
    if not value.startswith(("https://", "http://")) or "{key}" not in value:
        raise ConfigError("KUCHIKOMI_CDN_PURGE must be an http(s) URL containing {key}")
    return value


def _post(url: str) -> None:
    headers = {"User-Agent": "Kuchikomi-CDN-purge"}
    request = urllib.request.Request(url, data=b"", method="POST", headers=headers)  # noqa: S310 (http(s) only, see target)
    allow = outbound.allow_private()
    with outbound.opener(allow_private=allow).open(request, timeout=TIMEOUT_SECONDS) as response:
        if response.status >= 300:
            raise urllib.error.HTTPError(url, response.status, "purge refused", response.headers, None)


def purge(keys: list[str], *, org_id: int | None) -> list[str]:
    """POSTs a purge for each key (retried); audits the run under `org_id`; returns the keys that failed.

    Part of the purge_public job: it commits its own audit event.
    """
    template = target(current_app.config)
    if not template or not keys:
        return []
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
    if failed:
        log.error("CDN purge gave up on %d objects, purge them by hand: %s", len(failed), ", ".join(failed))
    if org_id is not None:
        record(
            Actor.system(),
            "cdn.purge",
            org_id=org_id,
            object_type="cdn_purge",
            object_id=new_public_id(),
            now=utcnow(),
            after={"keys": len(keys), "attempts": attempts, "failed": failed},
        )
        db.session.commit()
    return failed
