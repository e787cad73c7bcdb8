"""The life of a rights request: not requested → to send → requested → granted / declined / expired, and a
grant withdrawn. Every change is audited; a grant the creator is known to have given (`rights.proof`: their
reply, or the team's record of it; not a click on the page) writes the entry's `Consent`, so the one gate
(`reviews.public.is_publishable`) reads it, and a withdrawal removes the photo from every public surface
through `entries.publication.unpublish` (public copies deleted, CDN purged) and the galleries' refresh."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from campaign import events, jobs
from campaign.audit.services import Actor, record
from campaign.entries.models import Consent, Entry, EntryStatus, Processing
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.locks import lock_row
from campaign.rights import proof as rules
from campaign.rights import templates
from campaign.rights.models import Proof, RightsRequest, RightsState
from campaign.rights.settings import settings_of

S = RightsState
_SALT = "kuchikomi.rights-page"
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


class RightsRefused(DomainError):
    status = 409
    code = "rights_refused"


def months_after(moment: datetime, months: int) -> datetime:
    """The same day `months` calendar months later (the month's last day when it has no such day)."""
    import calendar

    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


# ----- the rights page's token ----------------------------------------------------------------------------


def page_token(secret: str, request: RightsRequest) -> str:
    return URLSafeSerializer(secret, salt=_SALT).dumps(request.public_id)


def request_from_token(secret: str, token: str) -> RightsRequest | None:
    try:
        public_id = URLSafeSerializer(secret, salt=_SALT).loads(token)
    except BadSignature:
        return None
    if not isinstance(public_id, str):
        return None
    return db.session.scalar(select(RightsRequest).where(RightsRequest.public_id == public_id))


def page_url(secret: str, request: RightsRequest, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/rights/{page_token(secret, request)}"


# ----- asking ---------------------------------------------------------------------------------------------


def request_of(entry: Entry) -> RightsRequest | None:
    return db.session.scalar(select(RightsRequest).where(RightsRequest.entry_id == entry.id))


def forget_text(entry: Entry) -> None:
    """Erasure and retention: the request's text (it names the creator's @handle) goes; its state, proof and
    dates stay, as the record of what was granted."""
    request = request_of(entry)
    if request is not None:
        request.text = ""


def language_of(entry: Entry) -> str:
    """Japanese when the caption has Japanese script or is empty; else English."""
    caption = entry.caption or ""
    return "ja" if not caption.strip() or _JAPANESE.search(caption) else "en"


def mentions_brand(entry: Entry) -> bool:
    """Instagram lets the brand reply through the API only on media that @mention it (`/mentions`)."""
    handle = (entry.campaign.brand_handle or "").lstrip("@").lower()
    return bool(handle) and re.search(rf"@{re.escape(handle)}\b", (entry.caption or "").lower()) is not None


def api_delivery(entry: Entry) -> bool:
    from campaign.connectors.services import account_of

    if account_of(entry.org_id, entry.network) is None:
        return False
    return entry.network == "x" or (entry.network == "instagram" and mentions_brand(entry))


@dataclass
class SendResult:
    made: list[RightsRequest] = field(default_factory=list)
    skipped: list[tuple[Entry, str]] = field(default_factory=list)


def refusal(entry: Entry, existing: RightsRequest | None) -> str | None:
    """Why this entry cannot be asked now, in the reader's language; None when it can."""
    if not entry.network or not entry.network_post_id:
        return str(_l("Uploaded on the campaign page: the customer consented on the form."))
    if entry.status in (EntryStatus.REJECTED, EntryStatus.WITHDRAWN) or entry.removed_upstream_at:
        return str(_l("Not approved, withdrawn or deleted on the network: nothing to ask."))
    if existing is not None and existing.state in (S.TO_SEND, S.REQUESTED, S.GRANTED):
        return str(_l("Already asked."))
    if existing is not None and existing.state in (S.DECLINED, S.WITHDRAWN):
        return str(_l("The creator said no: we do not ask again."))
    return None


def send_requests(
    entries: list[Entry], *, actor: Actor, secret: str, base_url: str, now: datetime
) -> SendResult:
    """Makes a request for each entry that can be asked (others are skipped, with the reason): posted
    through the network's API after the commit (outbox, retried) where it allows, else left to post by hand.
    NoTemplate (nothing changed) when a language has no template to use."""
    from campaign.rights import delivery

    result = SendResult()
    settings = settings_of(entries[0].org_id) if entries else None
    for entry in sorted(entries, key=lambda e: e.id):
        existing = request_of(entry)
        reason = refusal(entry, existing)
        if reason is not None:
            result.skipped.append((entry, reason))
            continue
        language = language_of(entry)
        template = templates.choose(entry.org_id, entry.network, language)
        how = "api" if api_delivery(entry) else "manual"
        request = existing or RightsRequest(org_id=entry.org_id, entry_id=entry.id, entry=entry)
        values = dict(
            template_id=template.id,
            network=entry.network,
            state=S.TO_SEND,
            delivery=how,
            language=language,
            text="",
            hashtag=template.hashtag,
            scopes=list(settings.scopes),
            terms_version=entry.campaign.terms_version,
            grant_months=settings.grant_months,
            created_at=now,
            attempts=0,
            last_error="",
            not_before=None,
            sent_at=None,
            expires_at=None,
            answered_at=None,
            grant_until=None,
            proof=Proof.NONE,
            proof_post_id="",
            reply_post_id="",
        )
        for key, value in values.items():
            setattr(request, key, value)
        if existing is None:
            db.session.add(request)
        db.session.flush()  # its public id makes the link
        link = page_url(secret, request, base_url)
        request.text = templates.render(template.body, link=link, handle=entry.social_handle.lstrip("@"))
        db.session.flush()
        audit_request(
            actor,
            "rights.request",
            request,
            now,
            after={"delivery": request.delivery, "template": template.public_id},
        )
        if request.delivery == "api":
            jobs.after_commit(delivery.post_request, request.id)
        result.made.append(request)
    return result


def mark_sent(request: RightsRequest, *, actor: Actor, now: datetime) -> None:
    """The marketer posted the text by hand (or gives up waiting for the API and does)."""
    if lock_row(request).state is not S.TO_SEND:
        raise RightsRefused(_l("This request was sent already."))
    before = request.delivery
    request.delivery = "manual"
    _sent(request, now)
    audit_request(
        actor, "rights.sent", request, now, before={"delivery": before}, after={"delivery": "manual"}
    )


def _sent(request: RightsRequest, now: datetime) -> None:
    request.state = S.REQUESTED
    request.sent_at = now
    request.expires_at = now + timedelta(days=settings_of(request.org_id).expiry_days)
    request.last_error, request.not_before = "", None
    db.session.flush()


def record_posted(request: RightsRequest, reply_post_id: str, *, now: datetime) -> None:
    """The API posted it (delivery job)."""
    request.reply_post_id = reply_post_id
    request.attempts += 1
    _sent(request, now)
    after = {"delivery": "api", "reply": reply_post_id}
    audit_request(Actor.system(), "rights.sent", request, now, after=after)


# ----- answers --------------------------------------------------------------------------------------------


def grant(
    request: RightsRequest, *, proof: Proof, actor: Actor, now: datetime, proof_post_id: str = ""
) -> bool:
    """A yes, with what proves it (`rights.proof`). A click on the page (UNVERIFIED) is recorded and binds
    nothing: no consent, nothing public, until the creator's reply or the team confirms it. A grant that
    publishes writes the entry's consent (the requested uses, the terms version, now) and publishes the
    photo at once when it is approved. True when anything changed; False for a yes already recorded or a
    reply after a no (the no stands); RightsRefused for a click after a no or a grant's end. PublishFailed
    (storage) leaves nothing changed: the caller rolls back."""
    lock_row(request)
    if proof is Proof.UNVERIFIED:
        return _clicked_yes(request, actor=actor, now=now)
    if request.state is S.GRANTED:
        return _confirmed(request, proof=proof, actor=actor, now=now, proof_post_id=proof_post_id)
    may = rules.reply_may_grant if proof is Proof.VERIFIED else rules.team_may_record
    if not may(request):
        return False
    before = str(request.state)
    request.state = S.GRANTED
    request.proof, request.proof_post_id = proof, proof_post_id
    request.answered_at = now
    request.grant_until = months_after(now, request.grant_months)
    _bind(request, now)
    audit_request(actor, "rights.grant", request, now, before={"state": before}, after=_granted(request))
    _announce(request.entry)
    return True


def _clicked_yes(request: RightsRequest, *, actor: Actor, now: datetime) -> bool:
    if request.state is S.GRANTED:
        return False
    if not rules.page_may_grant(request):
        raise RightsRefused(_l("This request was answered already: a click on this page cannot change that."))
    before = str(request.state)
    request.state, request.proof, request.proof_post_id = S.GRANTED, Proof.UNVERIFIED, ""
    request.answered_at = now
    request.grant_until = months_after(now, request.grant_months)
    db.session.flush()
    audit_request(actor, "rights.grant", request, now, before={"state": before}, after=_granted(request))
    return True


def _confirmed(
    request: RightsRequest, *, proof: Proof, actor: Actor, now: datetime, proof_post_id: str
) -> bool:
    """A granted request's proof made stronger: a click confirmed (the photo may be published now), or a
    team record confirmed by the network."""
    before = request.proof
    stronger = before is Proof.UNVERIFIED or (proof is Proof.VERIFIED and before is Proof.MANUAL)
    if not stronger:
        return False
    request.proof, request.proof_post_id = proof, proof_post_id
    if not rules.publishes(before):
        _bind(request, now)
    db.session.flush()
    after = {"proof": str(proof), "reply": proof_post_id} if proof_post_id else {"proof": str(proof)}
    audit_request(actor, "rights.verify", request, now, before={"proof": str(before)}, after=after)
    if not rules.publishes(before):
        _announce(request.entry)
    return True


def _bind(request: RightsRequest, now: datetime) -> None:
    """A grant that publishes (`rules.in_force`): the entry's consent, and the photo published at once when
    it is approved."""
    from campaign.entries.publication import publish, would_be_shown
    from campaign.storage import get_storage

    entry = request.entry
    consent = entry.consent
    if consent is None:
        consent = Consent(entry_id=entry.id)
        db.session.add(consent)
        entry.consent = consent
    consent.terms_version = request.terms_version
    consent.scopes = list(request.scopes)
    consent.given_at = now
    if (
        entry.status is EntryStatus.APPROVED
        and entry.processing is Processing.READY
        and would_be_shown(entry)
    ):
        publish(entry, get_storage())
    db.session.flush()


def _granted(request: RightsRequest) -> dict:
    return {
        "state": "granted",
        "proof": str(request.proof),
        "scopes": list(request.scopes),
        "terms_version": request.terms_version,
        "until": request.grant_until.isoformat(),
    }


def _announce(entry: Entry) -> None:
    if entry.status is EntryStatus.APPROVED:
        events.entry_published.send(entry)  # galleries and the API show it now


def decline(request: RightsRequest, *, actor: Actor, now: datetime) -> None:
    """A no, on the page: final against later clicks (`rules.page_may_grant`)."""
    if not rules.page_may_decline(lock_row(request)):
        raise RightsRefused(_l("This request has been answered already."))
    before = str(request.state)
    request.state, request.answered_at = S.DECLINED, now
    db.session.flush()
    audit_request(
        actor, "rights.decline", request, now, before={"state": before}, after={"state": "declined"}
    )


def withdraw(request: RightsRequest, *, actor: Actor, now: datetime, reason: str = "withdrawn") -> None:
    """The grant ends: the consent goes, and with it the photo from every public surface at once (public
    copies deleted and purged from the CDN after the commit, galleries rebuilt, its review withdrawn)."""
    if lock_row(request).state is not S.GRANTED:
        raise RightsRefused(_l("There is no grant to withdraw."))
    entry = request.entry
    target = S.EXPIRED if reason == "expired" else S.WITHDRAWN
    request.state, request.answered_at = target, now
    if entry.consent is not None:  # as collection left it: no scope, so the gate refuses every surface
        entry.consent.scopes, entry.consent.terms_version = [], ""
    db.session.flush()
    audit_request(
        actor,
        f"rights.{'expire' if target is S.EXPIRED else 'withdraw'}",
        request,
        now,
        before={"state": "granted"},
        after={"state": str(target)},
    )
    removed_from_public(entry)


def removed_from_public(entry: Entry) -> None:
    from campaign.entries.publication import unpublish

    unpublish(entry)
    events.entry_unpublished.send(entry)


def audit_request(actor: Actor, action: str, request: RightsRequest, now: datetime, **kwargs) -> None:
    record(
        actor,
        action,
        org_id=request.org_id,
        campaign_id=request.entry.campaign_id,
        object_type="entry",
        object_id=request.entry.public_id,
        now=now,
        **kwargs,
    )
