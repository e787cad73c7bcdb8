"""Posting a request through the network's API: an outbox job (durable, retried with back-off). A failure
leaves the request "to send" with a reason the studio shows in the reader's language; a rate limit's reset
time is kept, and no call is made before it."""

import logging
import math

from flask import current_app
from flask_babel import lazy_gettext as _l

from campaign.clock import utcnow
from campaign.connectors import expiry
from campaign.connectors.base import ConnectorError
from campaign.connectors.services import connector_for
from campaign.extensions import db
from campaign.locks import lock_row
from campaign.rights import network, services
from campaign.rights.models import RightsRequest, RightsState

log = logging.getLogger(__name__)

# What a failure kind means for the marketer (stored as the kind, said in the reader's language).
REASONS = {
    "unauthorised": _l("The network refused the token (expired or revoked): an owner must reconnect it."),
    "rate_limited": _l("The network's rate limit is reached: sent again automatically when it reopens."),
    "unreachable": _l("The network's API could not be reached: tried again automatically."),
    "not_found": _l("The post is gone or cannot be answered through the API: post by hand."),
    "not_connected": _l("The account is no longer connected: post by hand, or connect it again."),
    "api": _l("The network's API answered with an error: tried again automatically."),
    # the reply scan's: Graph's "does not exist" (error 100/33) on the post, which no later pass changes
    "reply_unreadable": _l(
        "Replies to this post cannot be read through the API (the post is gone, or no longer mentions "
        "the brand): check for the creator's reply by hand."
    ),
}


class NotSentYet(Exception):
    """Raised so the outbox keeps the job and tries again after its back-off."""


def reason_text(request: RightsRequest) -> str:
    reason = REASONS.get(request.last_error)
    if reason is None:
        return ""
    if request.last_error == "rate_limited" and request.not_before is not None:
        minutes = max(1, math.ceil((request.not_before - utcnow()).total_seconds() / 60))
        return str(
            _l(
                "The network's rate limit is reached: sent again automatically in %(minutes)s min.",
                minutes=minutes,
            )
        )
    return str(reason)


def post_request(request_id: int) -> None:
    """The job: posts one request unless it was sent (by hand, or by an earlier run) meanwhile."""
    now = utcnow()
    request = db.session.get(RightsRequest, request_id)
    if request is None or lock_row(request).state is not RightsState.TO_SEND or request.delivery != "api":
        db.session.rollback()
        return
    if request.not_before is not None and now < request.not_before:
        db.session.rollback()
        raise NotSentYet(f"rate limited until {request.not_before.isoformat()}")
    entry = request.entry
    api = connector_for(request.org_id, request.network, current_app.secret_key)
    if api is None:
        _failed(request, "not_connected", None)
        return  # nothing to retry with: the studio offers "post by hand"
    try:
        if request.network == "x":
            reply = network.x_reply(api, entry.network_post_id, request.text)
        else:
            reply = network.ig_reply_to_mention(api, entry.network_post_id, request.text)
    except ConnectorError as exc:
        log.warning("rights request %s not posted: %s", request.public_id, exc)
        expiry.note_refusal(request.org_id, request.network, exc, now=now)  # committed by _failed
        _failed(request, exc.kind, exc.retry_after)
        if exc.kind == "not_found":
            return  # never answerable through the API: left for the marketer to post by hand
        raise NotSentYet(str(exc)) from exc
    services.record_posted(request, reply, now=now)
    db.session.commit()


def _failed(request: RightsRequest, kind: str, retry_after: int | None) -> None:
    """Kept, committed on its own, so the studio shows why; the outbox's row keeps the retry."""
    from datetime import timedelta

    request.attempts += 1
    request.last_error = kind if kind in REASONS else "api"
    request.not_before = utcnow() + timedelta(seconds=retry_after) if retry_after else None
    db.session.commit()
