"""Grants published on a click alone, before clicks stopped publishing (migration 0031 queues this job once).

The rights page's link sits in a public comment, so a click there never proved the creator agreed
(`rights.proof`). Each such photo leaves every public surface through the takedown path (its consent emptied,
public copies deleted and purged from the CDN after the commit, galleries refreshed, its review withdrawn),
audited `rights.hold` on the entry. The click stays recorded: the creator's key-hashtag reply, or the team's
record of it, publishes the photo again."""

from sqlalchemy import select

from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.extensions import db
from campaign.rights import proof as rules
from campaign.rights.models import RightsRequest
from campaign.rights.services import audit_request, removed_from_public


def hold_unconfirmed() -> int:
    """The job: takes every published unconfirmed grant off public surfaces, commits; how many. Idempotent
    (a held grant has no consent scope left)."""
    now = utcnow()
    held = 0
    for request in db.session.scalars(
        select(RightsRequest).where(rules.awaiting_confirmation_rows()).order_by(RightsRequest.id)
    ):
        consent = request.entry.consent
        if consent is None or not consent.scopes:
            continue
        before = {"scopes": list(consent.scopes), "terms_version": consent.terms_version}
        consent.scopes, consent.terms_version = [], ""
        db.session.flush()
        after = {"scopes": [], "proof": str(request.proof)}
        audit_request(Actor.system(), "rights.hold", request, now, before=before, after=after)
        removed_from_public(request.entry)
        held += 1
    db.session.commit()
    return held
