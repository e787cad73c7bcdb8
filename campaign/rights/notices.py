"""A winner collected from a network has no email: the "you won" notice goes on the network instead. On X a
direct message (claim link, notice code, check page); when X refuses it (the winner accepts no DM from the
brand) or on Instagram (no API to start a conversation), a reply under the winning post from the brand's
account, with the claim link, the notice code and the check page — never a name, address or email.
An outbox job: retried on failures, audited once sent."""

import logging

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from campaign import jobs
from campaign.audit.services import Actor, record_for_entry
from campaign.clock import utcnow
from campaign.connectors import expiry
from campaign.connectors.base import ConnectorError
from campaign.connectors.services import connector_for
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.rights import network

log = logging.getLogger(__name__)


def tells_winners_on_networks(campaign) -> bool:
    """Whether some of this campaign's winners may hear on Instagram or X (it collects posts there), so the
    public "how winners are told" notice must say so instead of "only by email"."""
    from sqlalchemy import exists, select

    from campaign.sources.models import Source

    collects = select(Source.id).where(Source.campaign_id == campaign.id)
    collected = select(Entry.id).where(Entry.campaign_id == campaign.id, Entry.network != "")
    return bool(db.session.scalar(select(exists(collects) | exists(collected))))


def wants_network_notice(entry: Entry) -> bool:
    return not entry.email and bool(entry.network) and bool(entry.network_post_id)


def queue_notice(
    entry: Entry, *, prize: str, notice_code: str, deadline: str, claim_url: str, check_url: str
):
    """In the caller's transaction: the notice's texts (in the entry's language), posted after the commit.
    The claim link goes only in the direct message: a public reply carries the notice code and the check
    page, never the link (whoever opened it first could claim the prize with their own address)."""
    handle = entry.social_handle.lstrip("@")
    title = entry.campaign.title
    facts = dict(prize=prize, title=title, deadline=deadline, code=notice_code, check=check_url)
    direct = direct_text(entry, claim=claim_url, **facts)
    jobs.after_commit(post_notice, entry.id, direct, public_text(entry, handle, **facts))


def public_text(entry: Entry, handle: str, *, prize: str, title: str, deadline: str, code: str, check: str):
    """The reply under the winning post: short enough for X (280, Japanese counted twice; a long prize name
    is cut), and without the claim link."""
    from campaign.rights.templates import X_WEIGHTED_MAX, x_weighted_length

    def text(name: str) -> str:
        with force_locale(entry.locale or "ja"):
            said = _(
                "Congratulations, you won %(prize)s! We will send your claim link by DM: please allow DMs"
                " from us. Claim by %(deadline)s. Code %(code)s, check it at %(check)s",
                prize=name,
                deadline=deadline,
                code=code,
                check=check,
            )
        return f"@{handle} {said}" if handle else said

    name = prize
    while entry.network == "x" and len(name) > 1 and x_weighted_length(text(name)) > X_WEIGHTED_MAX:
        name = name[:-2] + "…"
    return text(name)


def direct_text(entry: Entry, *, prize: str, title: str, deadline: str, claim: str, code: str, check: str):
    """The private "you won" message with the claim link: sent as an X direct message, or shown in the draw
    screen for the marketer to send by hand (Instagram, or a winner who accepts no message from the API)."""
    with force_locale(entry.locale or "ja"):
        return _(
            "Congratulations! You won %(prize)s in “%(title)s”. Claim it by %(deadline)s: %(claim)s"
            " Notice code %(code)s — check it is genuine at %(check)s",
            prize=prize,
            title=title,
            deadline=deadline,
            claim=claim,
            code=code,
            check=check,
        )


def post_notice(entry_id: int, direct: str, public: str) -> None:
    """The job: an X direct message, else a public reply; ConnectorError (retried) on a passing failure."""
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        return
    api = connector_for(entry.org_id, entry.network, current_app.secret_key)
    if api is None:
        _audit(entry, "draw.notice_by_hand", "no connected account: tell the winner by hand")
        db.session.commit()
        return
    try:
        channel, post_id = _tell(api, entry, direct, public)
    except ConnectorError as exc:  # rate limit, outage, token: the outbox tries again later
        if expiry.note_refusal(entry.org_id, entry.network, exc, now=utcnow()):
            db.session.commit()  # the mark stays although the job fails
        raise
    _audit(entry, "draw.notice_on_network", channel, post_id=post_id)
    db.session.commit()


def _tell(api, entry: Entry, direct: str, public: str) -> tuple[str, str]:
    """(channel, post id): an X direct message where X takes one, else a public reply."""
    if entry.network == "x":
        try:
            return "dm", network.x_direct_message(api, entry.social_handle.lstrip("@"), direct)
        except ConnectorError as exc:
            if exc.status not in (403, 200) and exc.kind != "not_found":
                raise
            log.info("no DM to the winner of entry %s (%s): replying instead", entry.public_id, exc)
        return "reply", network.x_reply(api, entry.network_post_id, public)
    return "reply", network.ig_reply_to_mention(api, entry.network_post_id, public)


def _audit(entry: Entry, action: str, channel: str, post_id: str = "") -> None:
    record_for_entry(
        Actor.system(),
        action,
        entry,
        now=utcnow(),
        after={"network": entry.network, "channel": channel, "post": post_id},
    )
