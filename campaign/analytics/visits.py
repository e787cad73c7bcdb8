"""Campaign-page visits for the funnel, counted by the server as it answers the page: no cookie, no
script, no identifier; robots (by user agent) are not counted. Buffered like the embeds' beacons."""

import logging
import secrets
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask, Response, current_app, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from campaign.analytics import guards
from campaign.analytics.buffer import get_buffer
from campaign.analytics.intake import Accepted
from campaign.api.responses import LruCache
from campaign.extensions import db

log = logging.getLogger(__name__)
CAMPAIGN_PAGE = "submissions.campaign_page"
TTL = 300.0
_campaigns = LruCache(size=4096)  # slug -> (expires, (campaign id, org id, zone) or None)


def _campaign(slug: str) -> tuple[int, int, ZoneInfo] | None:
    found = _campaigns.get(slug)
    if found is not None and found[0] > time.monotonic():
        return found[1]
    from campaign.campaigns.models import Campaign
    from campaign.orgs.models import Organisation

    row = db.session.execute(
        select(Campaign.id, Campaign.org_id, Organisation.timezone)
        .join(Organisation, Organisation.id == Campaign.org_id)
        .where(Campaign.slug == slug)
    ).first()
    value = (row[0], row[1], ZoneInfo(row[2])) if row else None
    _campaigns.put(slug, (time.monotonic() + TTL, value))
    return value


def count_visit(response: Response) -> Response:
    if request.endpoint != CAMPAIGN_PAGE or response.status_code != 200 or request.method != "GET":
        return response
    if guards.is_robot(request.headers.get("User-Agent", "")):
        return response
    try:
        found = _campaign((request.view_args or {}).get("slug", ""))
    except SQLAlchemyError:  # the database failed once the page was made: the page goes out, uncounted
        log.warning("campaign page visit not counted", exc_info=True)
        return response
    if found is None:
        return response
    campaign_id, org_id, zone = found
    now = datetime.now(UTC)
    row = {
        "day": now.astimezone(zone).date(),
        "event_id": "v." + secrets.token_hex(12),
        "org_id": org_id,
        "kind": "visit",
        "occurred_at": now,
        "campaign_id": campaign_id,
        "gallery_id": 0,
        "photo_id": 0,
        "product_id": 0,
        "touch": "",
        "value_cents": 0,
        "currency": "",
    }
    get_buffer(current_app).add(Accepted([row]))
    return response


def init_app(app: Flask) -> None:
    app.after_request(count_visit)
