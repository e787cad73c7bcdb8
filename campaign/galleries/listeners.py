"""Reactions to moderation and review events: withdraw reviews, invalidate the API, rebuild snapshots."""

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from campaign import events, jobs
from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.galleries import services, snapshots


def audit_actor(actor) -> Actor:
    """Events carry a Membership (or an Actor, or None); the audit trail wants an Actor."""
    if isinstance(actor, Actor):
        return actor
    if actor is not None and getattr(actor, "user", None) is not None:
        return Actor.member(actor.user)
    return Actor.system()


def _galleries_changed(entry: Entry, *, flush: bool = True) -> None:
    """Same transaction: bump versions (kept answers are answered afresh at once); after commit: rebuild
    snapshots."""
    _refresh(services.galleries_showing(entry), flush=flush)


def on_campaign_updated(campaign, **kwargs) -> None:
    """A product's name or page, shown as each photo's product link: every gallery of the campaign says
    the new one (a walk-through's find: the script embed kept the old link until the next approval)."""
    _refresh(services.galleries_of(campaign.org_id, campaign.id))


def _refresh(galleries: list, *, flush: bool = True) -> None:
    for gallery in galleries:
        gallery.version = (gallery.version or 1) + 1
    if flush:
        db.session.flush()
    if galleries:
        jobs.after_commit(snapshots.rebuild, [gallery.id for gallery in galleries])


def on_entry_approved(entry: Entry, actor=None, **kwargs) -> None:
    """Approved (again), or released from a hold: a review its takedown withdrew comes back, in the same
    transaction."""
    from campaign.reviews.services import restore_with_entry

    restore_with_entry(entry, actor=audit_actor(actor), now=utcnow(), released=kwargs.get("released", False))
    _galleries_changed(entry)


def on_entry_removed(entry: Entry, actor=None, **kwargs) -> None:
    """Rejected, withdrawn or held (the signal's `reason`): its review goes too, in the same transaction as
    the takedown."""
    from campaign.reviews.services import review_of, withdraw_review

    review = review_of(entry)
    if review is not None:
        withdraw_review(
            review,
            actor=audit_actor(actor),
            now=utcnow(),
            reason=kwargs.get("reason") or "entry " + entry.status.value,
            with_entry=True,
        )
    _galleries_changed(entry)


def on_review_changed(review, **kwargs) -> None:
    _galleries_changed(review.entry)


def _caption_redacted(session: Session, _flush_context, _instances) -> None:
    """Redaction sends no event: any flushed change of a public caption republishes, wherever it came from."""
    changed = [
        obj
        for obj in session.dirty
        if isinstance(obj, Entry) and inspect(obj).attrs.redacted_caption.history.has_changes()
    ]
    with session.no_autoflush:
        for entry in changed:
            _galleries_changed(entry, flush=False)


def install() -> None:
    """Connects once per process (blinker keeps one connection per receiver)."""
    events.entry_approved.connect(on_entry_approved, weak=False)
    events.entry_published.connect(on_entry_approved, weak=False)
    events.entry_rejected.connect(on_entry_removed, weak=False)
    events.entry_withdrawn.connect(on_entry_removed, weak=False)
    events.entry_unpublished.connect(on_entry_removed, weak=False)  # a rights grant ended (issue 12)
    events.review_published.connect(on_review_changed, weak=False)
    events.review_withdrawn.connect(on_review_changed, weak=False)
    events.campaign_updated.connect(on_campaign_updated, weak=False)
    if not event.contains(Session, "before_flush", _caption_redacted):
        event.listen(Session, "before_flush", _caption_redacted)
