"""Grants by reply: the creator answers our request with the key hashtag, from their own account. Where the
API shows replies (X recent search, 7 days; Instagram comments on media that @mention the brand), one pass
reads them and records a VERIFIED grant: the network itself says who wrote the reply. It confirms a click
on the rights page (which publishes nothing by itself) the same way. The schedule runs it
(`rights-scan`); collection's poll calls `scan_replies` too."""

import logging
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from campaign.audit.services import Actor
from campaign.connectors import expiry
from campaign.connectors.base import ConnectorError
from campaign.connectors.services import connector_for
from campaign.entries.publication import PublishFailed
from campaign.extensions import db
from campaign.rights import network, services
from campaign.rights import proof as rules
from campaign.rights.models import Proof, RightsRequest, RightsState

log = logging.getLogger(__name__)
WATCHED = (RightsState.TO_SEND, RightsState.REQUESTED, RightsState.EXPIRED, RightsState.GRANTED)
# Failures that concern the organisation's access to the network, not one post: the scan stops asking that
# network until its next pass. Any other failure concerns the post asked about, and skips only it.
NETWORK_FAILURES = ("rate_limited", "unauthorised", "unreachable")
UNREADABLE = "reply_unreadable"  # the post does not exist for the API: not asked again (delivery.REASONS)


def _watched(org_id: int | None) -> list[RightsRequest]:
    query = select(RightsRequest).where(RightsRequest.state.in_(WATCHED)).order_by(RightsRequest.id)
    if org_id is not None:
        query = query.where(RightsRequest.org_id == org_id)
    return [
        r
        for r in db.session.scalars(query)
        if rules.reply_may_grant(r)  # not a verified or ended grant
        and r.last_error != UNREADABLE
    ]


def _reply_of(api, request: RightsRequest) -> str | None:
    """The id of the author's reply carrying the key hashtag, or None."""
    entry = request.entry
    author = entry.social_handle.lstrip("@")
    if not author or not entry.network_post_id:
        return None  # a post whose author the API never named (Instagram hashtag search): the page only
    if request.network == "x":
        hits = network.x_replies_with(api, entry.network_post_id, author, request.hashtag)
        return str(hits[0]["id"]) if hits and hits[0].get("id") else None
    if not services.mentions_brand(entry):
        return None  # Instagram shows comments through the API only on media that mention the brand
    tag = f"#{request.hashtag}".lower()
    for comment in network.ig_mention_comments(api, entry.network_post_id):
        if (
            str(comment.get("username", "")).lower() == author.lower()
            and tag in str(comment.get("text", "")).lower()
        ):
            return str(comment.get("id", ""))
    return None


def scan_replies(*, now: datetime, org_id: int | None = None) -> int:
    """One pass over the open requests (all organisations, or one): grants found, each committed on its own.
    A network whose access fails (rate limit, token, unreachable) is left for the next pass; a post the API
    says does not exist is recorded on its request and skipped, the others are still read."""
    granted = 0
    apis: dict[tuple[int, str], object] = {}
    stopped: set[tuple[int, str]] = set()
    for request in _watched(org_id):
        key = (request.org_id, request.network)
        if key in stopped:
            continue
        if key not in apis:
            apis[key] = connector_for(request.org_id, request.network, current_app.secret_key)
        api = apis[key]
        if api is None:
            stopped.add(key)
            continue
        try:
            reply = _reply_of(api, request)
        except ConnectorError as exc:
            if exc.kind in NETWORK_FAILURES:
                log.warning("rights scan of %s stopped: %s", request.network, exc)
                stopped.add(key)
                if expiry.note_refusal(request.org_id, request.network, exc, now=now):
                    db.session.commit()
            elif exc.kind == "not_found":
                log.info("rights scan: request %s's post cannot be read: %s", request.public_id, exc)
                request.last_error = UNREADABLE
                db.session.commit()
            else:
                log.warning("rights scan skipped request %s: %s", request.public_id, exc)
            continue
        if reply is None:
            continue
        try:
            if services.grant(
                request, proof=Proof.VERIFIED, actor=Actor.system(), now=now, proof_post_id=reply
            ):
                granted += 1
            db.session.commit()
        except PublishFailed:
            db.session.rollback()  # storage did not answer: the reply is still there at the next pass
    return granted


def after_poll(source, _result, _now) -> None:
    """collection's hook after each source pass (before its commit): a scan of the organisation's open
    requests on that network runs after the commit, as an outbox job, so a grant never rides on (or rolls
    back) the pass's own transaction."""
    from campaign import jobs

    asked = select(RightsRequest.id).where(
        RightsRequest.org_id == source.org_id,
        RightsRequest.network == source.network,
        RightsRequest.state.in_(WATCHED),
    )
    if db.session.scalar(asked.limit(1)) is not None:
        jobs.after_commit(scan_after_poll, source.org_id)


def scan_after_poll(org_id: int) -> None:
    """The job `after_poll` queues."""
    from campaign.clock import utcnow

    scan_replies(now=utcnow(), org_id=org_id)


def duty(now) -> str:
    """The periodic scan (`campaign.schedule`)."""
    return f"{scan_replies(now=now)} granted by reply"
