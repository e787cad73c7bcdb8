"""After the draw: checks, notices with a claim link, claims, forfeits, shipping and the address purge.

Every change writes an audit event; mails leave only when the change commits (`send_after_commit`).
"""

import json
import re
import secrets
import unicodedata
from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from campaign import mail
from campaign.audit.services import Actor, record
from campaign.connectors import services as connectors
from campaign.draws import sealing
from campaign.draws.models import Draw, DrawPick, PickState
from campaign.draws.services import DrawRefused, needs_check, plan_of
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.i18n import public_time
from campaign.locks import lock_row
from campaign.mail import send_after_commit

ADDRESS_PURPOSE = "postal-address"
DEFAULT_CLAIM_DAYS = 14  # when a campaign has no draw plan (the plan's own default is 14 too)
_CLAIM_SALT = "kuchikomi.draw-claim"
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from a phone
ADDRESS_FIELDS = ("name", "postal_code", "prefecture", "city", "street", "phone")


def _audit(actor: Actor, action: str, pick: DrawPick, now: datetime, **kwargs) -> None:
    record(
        actor,
        action,
        org_id=pick.org_id,
        campaign_id=pick.draw.campaign_id,
        object_type="draw_pick",
        object_id=pick.public_id,
        now=now,
        **kwargs,
    )


def claim_token(secret: str, pick: DrawPick) -> str:
    return URLSafeSerializer(secret, salt=_CLAIM_SALT).dumps(pick.public_id)


def pick_from_claim_token(secret: str, token: str) -> DrawPick | None:
    """The signature proves we issued the link; the deadline stored on the pick makes it expire."""
    try:
        public_id = URLSafeSerializer(secret, salt=_CLAIM_SALT).loads(token)
    except BadSignature:
        return None
    return db.session.scalar(select(DrawPick).where(DrawPick.public_id == str(public_id)))


def new_notice_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def start(draw: Draw, *, actor: Actor, secret: str, base_url: str, now: datetime) -> None:
    """Right after the draw: winners who need no check are told at once; follow-and-post winners are
    checked through the organisation's connector when it has one, else wait for the marketer."""
    for pick in list(draw.picks):
        if pick.state is PickState.CHECKING:
            check_or_notify(pick, actor=actor, secret=secret, base_url=base_url, now=now)


def check_or_notify(pick: DrawPick, *, actor: Actor, secret: str, base_url: str, now: datetime) -> None:
    campaign = pick.draw.campaign
    if not needs_check(campaign, pick):
        notify(pick, actor=actor, secret=secret, base_url=base_url, now=now)
        return
    entry = pick.entry
    verdict = connectors.check_entry(
        pick.org_id, entry.post_url, entry.social_handle, campaign.hashtags, secret, now=now
    )
    if verdict is None:
        return  # no credentials for this network: the marketer checks by hand
    pick.check_note = str(verdict.note)
    if verdict.passed is None:
        _audit(actor, "draw.check_inconclusive", pick, now, reason=pick.check_note)
    elif verdict.passed:
        _audit(actor, "draw.check_passed", pick, now, reason=pick.check_note)
        notify(pick, actor=actor, secret=secret, base_url=base_url, now=now)
    else:
        exclude(pick, reason=verdict.reason, actor=actor, secret=secret, base_url=base_url, now=now)


def claim_deadline(campaign, now: datetime) -> datetime:
    """A winner told now may claim for the plan's claim period (drawn and instant wins alike)."""
    plan = plan_of(campaign)
    return now + timedelta(days=plan.claim_days if plan else DEFAULT_CLAIM_DAYS)


def notify(pick: DrawPick, *, actor: Actor, secret: str, base_url: str, now: datetime) -> None:
    pick.state = PickState.NOTIFIED
    pick.notice_code = new_notice_code()
    pick.notified_at = now
    pick.claim_deadline = claim_deadline(pick.draw.campaign, now)
    db.session.flush()
    _audit(actor, "draw.notify", pick, now, after={"deadline": pick.claim_deadline.isoformat()})
    send_notice(
        pick.entry,
        prize=pick.prize.name,
        notice_code=pick.notice_code,
        deadline=pick.claim_deadline,
        claim_url=claim_url_of(pick, secret=secret, base_url=base_url),
        base_url=base_url,
    )


def claim_url_of(pick: DrawPick, *, secret: str, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/claim/{claim_token(secret, pick)}"


def check_url_of(campaign, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/c/{campaign.slug}/check"


def deadline_text(campaign, deadline: datetime) -> str:
    """A claim deadline as the winner reads it: in the organisation's time zone, named, in the current
    language (`i18n.public_time`)."""
    return public_time(deadline, campaign.organisation.timezone)


def message_to_send_by_hand(pick: DrawPick, *, secret: str, base_url: str) -> str | None:
    """A told winner collected from a network: the private message with the claim link, for the marketer to
    send from the brand's account (the API could only reply in public, or the winner accepts no message
    from it). None for a winner told by email."""
    from campaign.rights import notices

    entry = pick.entry
    if pick.state is not PickState.NOTIFIED or not notices.wants_network_notice(entry):
        return None
    campaign = entry.campaign
    with force_locale(entry.locale or "ja"):
        deadline = deadline_text(campaign, pick.claim_deadline)
    return notices.direct_text(
        entry,
        prize=pick.prize.name,
        title=campaign.title_for(entry.locale or "ja"),
        deadline=deadline,
        claim=claim_url_of(pick, secret=secret, base_url=base_url),
        code=pick.notice_code,
        check=check_url_of(campaign, base_url),
    )


def send_notice(
    entry: Entry, *, prize: str, notice_code: str, deadline: datetime, claim_url: str, base_url: str
) -> None:
    """The one "you won" mail (drawn and instant winners), in the entry's language, sent after commit."""
    campaign = entry.campaign
    with force_locale(entry.locale or "ja"):
        context = dict(
            campaign=campaign,
            prize=prize,
            notice_code=notice_code,
            deadline=deadline_text(campaign, deadline),
            claim_url=claim_url,
            check_url=check_url_of(campaign, base_url),
            mail_from=current_app.config["MAIL_FROM"],
        )
        subject = _("You won in “%(title)s”", title=campaign.title_for(entry.locale or "ja"))
        text = render_template("draws/mail/winner.txt", **context)
    from campaign.rights import notices  # issue 12: a winner collected from a network has no email

    if notices.wants_network_notice(entry):
        notices.queue_notice(
            entry,
            prize=prize,
            notice_code=notice_code,
            deadline=context["deadline"],
            claim_url=claim_url,
            check_url=context["check_url"],
        )
        return
    send_after_commit(entry.email, subject, text)


def check_by_hand(
    pick: DrawPick, *, actor: Actor, passed: bool, note: str, secret: str, base_url: str, now: datetime
) -> None:
    """The marketer looked at the post and the follow themselves (no API credentials). Locked: a second
    click waits, then finds the winner told and is refused (one notice, one code)."""
    if lock_row(pick).state is not PickState.CHECKING:
        raise DrawRefused(_l("This winner is not waiting for a check."))
    pick.check_note = note.strip()
    if passed:
        _audit(actor, "draw.check_passed", pick, now, reason=pick.check_note)
        notify(pick, actor=actor, secret=secret, base_url=base_url, now=now)
    else:
        exclude(pick, reason="manual_check_failed", actor=actor, secret=secret, base_url=base_url, now=now)


def exclude(pick: DrawPick, *, reason: str, actor: Actor, secret: str, base_url: str, now: datetime) -> None:
    """The winner fails a check after the draw: recorded with the reason; the next alternate steps up
    (unless the excluded pick was itself an alternate still waiting)."""
    before = pick.state
    pick.state = PickState.EXCLUDED
    pick.excluded_reason = reason
    db.session.flush()
    _audit(actor, "draw.exclude", pick, now, before={"state": str(before)}, reason=reason)
    if before is not PickState.WAITING:
        promote_next(pick, actor=actor, secret=secret, base_url=base_url, now=now)


def withdraw_picks(entry: Entry, *, secret: str, base_url: str, now: datetime) -> None:
    """The customer withdrew the entry (final): its place in the draw is given up, whatever stage it had
    reached short of shipping; the claim link closes, the next alternate steps up, the address goes."""
    picks = db.session.scalars(select(DrawPick).where(DrawPick.entry_id == entry.id)).all()
    for pick in picks:
        if lock_row(pick).state not in (
            PickState.WAITING,
            PickState.CHECKING,
            PickState.NOTIFIED,
            PickState.CLAIMED,
        ):
            continue
        if pick.address_sealed:
            pick.address_sealed, pick.address_purged_at = "", now
        exclude(pick, reason="withdrawn", actor=Actor.system(), secret=secret, base_url=base_url, now=now)


def _on_entry_withdrawn(entry: Entry, **_) -> None:
    if entry.withdrawn_by == "customer":  # a takedown is not final: "approve again" may follow
        withdraw_picks(entry, secret=current_app.secret_key, base_url=mail.base_url(), now=entry.moderated_at)


def install() -> None:
    from campaign import events

    events.entry_withdrawn.connect(_on_entry_withdrawn, weak=False)


def promote_next(
    vacated: DrawPick, *, actor: Actor, secret: str, base_url: str, now: datetime
) -> DrawPick | None:
    """The prize's first waiting alternate, in the order of the draw, takes the vacated place (each is
    locked and re-read: two places vacated at once never promote the same alternate)."""
    candidates = [p for p in vacated.draw.picks if p.prize_id == vacated.prize_id and p is not vacated]
    nxt = next((p for p in candidates if lock_row(p).state is PickState.WAITING), None)
    if nxt is None:
        return None
    nxt.state = PickState.CHECKING
    db.session.flush()
    _audit(actor, "draw.promote_alternate", nxt, now, after={"replaces": vacated.public_id, "rank": nxt.rank})
    check_or_notify(nxt, actor=actor, secret=secret, base_url=base_url, now=now)
    return nxt


def claim(pick: DrawPick, address: dict[str, str], *, secret: str, ip_address: str, now: datetime) -> None:
    if lock_row(pick).state is not PickState.NOTIFIED:
        raise DrawRefused(_l("This prize can no longer be claimed."))
    if pick.claim_deadline is None or now >= pick.claim_deadline:
        raise DrawRefused(_l("The claim period for this prize has ended."))
    pick.address_sealed = sealing.seal(
        secret, ADDRESS_PURPOSE, json.dumps({k: address.get(k, "") for k in ADDRESS_FIELDS}).encode()
    )
    pick.state = PickState.CLAIMED
    pick.claimed_at = now
    db.session.flush()
    _audit(Actor.customer(ip_address), "draw.claim", pick, now)


def address_of(pick, secret: str) -> dict[str, str] | None:
    """The postal address sealed on a drawn pick or an instant win (any row with `address_sealed`)."""
    if not pick.address_sealed:
        return None
    return json.loads(sealing.unseal(secret, ADDRESS_PURPOSE, pick.address_sealed))


ALREADY_SHIPPED = _l("This prize was marked as shipped already: nothing changed.")


def mark_shipped(pick: DrawPick, *, actor: Actor, now: datetime) -> None:
    state = lock_row(pick).state
    if state is PickState.SHIPPED:  # a second click, another tab (it said only claimed prizes ship)
        raise DrawRefused(ALREADY_SHIPPED)
    if state is not PickState.CLAIMED:
        raise DrawRefused(_l("Only a claimed prize can be marked as shipped."))
    pick.state = PickState.SHIPPED
    pick.shipped_at = now
    db.session.flush()
    _audit(actor, "draw.ship", pick, now)


def expire_claims(*, secret: str, base_url: str, now: datetime) -> list[DrawPick]:
    """Forfeits every notice past its deadline and promotes the next alternate (a CLI/cron job)."""
    overdue = list(
        db.session.scalars(
            select(DrawPick)
            .where(DrawPick.state == PickState.NOTIFIED, DrawPick.claim_deadline <= now)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
    for pick in overdue:
        pick.state = PickState.FORFEITED
        db.session.flush()
        _audit(Actor.system(), "draw.forfeit", pick, now, reason="claim deadline passed")
        promote_next(pick, actor=Actor.system(), secret=secret, base_url=base_url, now=now)
    return overdue


def purge_addresses(*, days: int, now: datetime) -> int:
    """Postal addresses are deleted `days` after the prize was shipped."""
    return purge_shipped_addresses(DrawPick, "draw.purge_address", _audit, days=days, now=now)


def purge_shipped_addresses(model, action: str, audit, *, days: int, now: datetime) -> int:
    """Deletes the sealed postal addresses of `model` rows (drawn picks, instant wins) shipped `days` ago,
    each audited by `audit(actor, action, row, now, reason=...)`."""
    due = list(
        db.session.scalars(
            select(model).where(
                model.shipped_at.is_not(None),
                model.shipped_at <= now - timedelta(days=days),
                model.address_sealed != "",
            )
        )
    )
    for row in due:
        row.address_sealed = ""
        row.address_purged_at = now
        db.session.flush()
        audit(Actor.system(), action, row, now, reason=f"{days} days after shipping")
    return len(due)


def normalise_notice_code(code: str) -> str:
    """As typed from a phone: any case, with or without spaces and dashes, and as a Japanese input
    method types it (full-width letters and digits, ー or － for the dash): a genuine code typed so was
    called fake."""
    letters = re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKC", code).upper())
    if len(letters) == 12:
        return f"{letters[:4]}-{letters[4:8]}-{letters[8:]}"
    return code.strip().upper()


def notice_of(campaign_id: int, code: str) -> tuple[str, datetime] | None:
    """The "check your win" page: the prize and time of a drawn winner's notice with this code."""
    pick = db.session.scalar(
        select(DrawPick)
        .join(Draw, Draw.id == DrawPick.draw_id)
        .where(Draw.campaign_id == campaign_id, DrawPick.notice_code == normalise_notice_code(code))
    )
    return (pick.prize.name, pick.notified_at) if pick is not None else None
