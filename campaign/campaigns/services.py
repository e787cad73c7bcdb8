"""Saving, launching and archiving a campaign (valid settings: `settings.py`). The caller commits."""

from dataclasses import asdict, replace
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from campaign import events, mail
from campaign.audit.services import Actor, record
from campaign.campaigns import addresses, change_rules
from campaign.campaigns.models import Campaign, CampaignStatus, Prize, Product
from campaign.campaigns.settings import (
    CampaignData,
    ChangeRefused,
    InvalidCampaign,
    PrizeData,
    ProductData,
    validate,
)
from campaign.extensions import db
from campaign.ids import new_public_id
from campaign.locks import lock_row, savepoint
from campaign.orgs.models import Organisation

FIELDS = (
    "title",
    "slug",
    "description",
    "opens_at",
    "closes_at",
    "allows_upload",
    "allows_follow_and_post",
    "brand_handle",
    "hashtags",
    "entries_per_person",
    "terms_text",
    "terms_version",
    "consent_scopes",
    "two_stage_approval",  # moderation (issue 4)
    "notify_customers",  # moderation (issue 4)
    "premium_type",  # draws (issue 5)
    "transaction_value_jpy",  # draws (issue 5)
    "projected_sales_jpy",  # draws (issue 5)
    "instant_win",
    "instant_win_odds",
    "title_en",  # brand page (issue 13)
    "description_en",
    "brand_color",
)


def snapshot(campaign: Campaign) -> CampaignData:
    """The saved campaign as CampaignData, products and prizes with their public ids."""
    values = {name: getattr(campaign, name) for name in FIELDS}
    values["hashtags"], values["consent_scopes"] = list(campaign.hashtags), list(campaign.consent_scopes)
    return CampaignData(
        **values,
        products=[ProductData(p.name, p.sku, p.jan, p.url, p.public_id) for p in campaign.products],
        prizes=[PrizeData(p.name, p.quantity, p.value_jpy, p.public_id) for p in campaign.prizes],
    )


def _apply(campaign: Campaign, data: CampaignData) -> None:
    for name in FIELDS:
        setattr(campaign, name, getattr(data, name))
    campaign.products = _rows(campaign.products, data.products, Product)
    campaign.prizes = _rows(campaign.prizes, data.prizes, Prize)


def _rows(saved: list, wanted: list, model) -> list:
    """Edits saved rows in place (their ids, and what points at them, stay); rows not wanted are dropped
    (the change rules have refused that for any row something depends on); new rows get new ids."""
    by_id = {row.public_id: row for row in saved}
    rows = []
    for position, item in enumerate(wanted):
        row = by_id.pop(item.public_id, None) if item.public_id else None
        if row is None:
            row = model(public_id=new_public_id())
        for name, value in asdict(item).items():
            if name != "public_id":
                setattr(row, name, value)
        row.position = position
        rows.append(row)
    return rows


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def audit(
    campaign: Campaign,
    actor: Actor,
    action: str,
    now: datetime,
    before: dict | None = None,
    after: dict | None = None,
    *,
    reason: str = "",
) -> None:
    """One audit event about the campaign itself (settings, launch, seed, draw rules, retention…)."""
    record(
        actor,
        action,
        org_id=campaign.org_id,
        campaign_id=campaign.id,
        object_type="campaign",
        object_id=campaign.public_id,
        now=now,
        before=before,
        after=after,
        reason=reason,
    )


class SlugTaken(InvalidCampaign):
    """Another campaign took the address after `validate` read it free (two forms sent at once)."""

    field = "slug"
    message = _l("This address is already used by another campaign.")


def create_campaign(org: Organisation, data: CampaignData, *, actor: Actor, now: datetime) -> Campaign:
    """The new campaign, or SlugTaken when a campaign created at the same moment took its address: its
    insert is a savepoint, so the caller's transaction (its one-time token) stays usable."""
    validate(data)
    campaign = Campaign(organisation=org)
    _apply(campaign, data)
    try:
        with savepoint(org):
            db.session.add(campaign)
            db.session.flush()
    except IntegrityError:
        if db.session.scalar(select(Campaign.id).where(Campaign.slug == data.slug)) is None:
            raise
        raise SlugTaken() from None
    audit(
        campaign,
        actor,
        "campaign.create",
        now,
        {},
        {k: _plain(v) for k, v in asdict(snapshot(campaign)).items()},
    )
    return campaign


def lock_campaign(campaign: Campaign) -> Campaign:
    """Locks and re-reads the campaign with its products and prizes (rows loaded before the lock may be
    stale: another save or the draw may have committed since)."""
    lock_row(campaign)
    for row in (*campaign.products, *campaign.prizes):
        db.session.refresh(row)
    return campaign


def update_campaign(
    campaign: Campaign,
    data: CampaignData,
    *,
    actor: Actor,
    now: datetime,
    edited_from: str | None = None,
) -> bool:
    """Saves an edit the change rules allow, in place, with an audit event of what changed (if anything).

    The campaign's row is locked and re-read first, so a save and a draw, a launch or another save of the
    same campaign are decided one after the other, each from the other's result. `edited_from` is the
    campaign's `edit_conflicts.fingerprint` when the form was opened: if it changed since, EditConflict.
    A save withdraws a pending launch request (the approver signs off what they saw): True when it did,
    for the caller to say so (`moderation.launch.withdraw_request` records it and tells the approvers)."""
    from campaign.campaigns import edit_conflicts
    from campaign.campaigns.stage import stage_of
    from campaign.moderation.launch import tell_approvers, withdraw_request

    lock_campaign(campaign)
    if edited_from is not None and edited_from != edit_conflicts.fingerprint(campaign):
        raise edit_conflicts.conflict(campaign)
    validate(data, campaign=campaign)
    data = keep_seconds(campaign, data)
    before = snapshot(campaign)
    refusals = change_rules.refusals(stage_of(campaign, now), before, data)
    if refusals:
        raise ChangeRefused(refusals)
    if data.slug != campaign.slug:
        addresses.retire_slug(campaign, data.slug, now)
    _apply(campaign, data)
    db.session.flush()
    old, new = asdict(before), asdict(snapshot(campaign))
    changed = [name for name in new if new[name] != old[name]]
    if changed:
        audit(
            campaign,
            actor,
            "campaign.update",
            now,
            {name: _plain(old[name]) for name in changed},
            {name: _plain(new[name]) for name in changed},
        )
        events.campaign_updated.send(campaign)
        tell_approvers(campaign, changed, actor=actor)
    return withdraw_request(campaign, actor=actor, now=now)


def keep_seconds(campaign: Campaign, data: CampaignData) -> CampaignData:
    """The form shows times to the minute: a time sent back as shown keeps the saved seconds."""
    kept = {}
    for name in ("opens_at", "closes_at"):
        saved, sent = getattr(campaign, name), getattr(data, name)
        if saved is not None and sent is not None and saved.replace(second=0, microsecond=0) == sent:
            kept[name] = saved
    return replace(data, **kept)


def check_launchable(campaign: Campaign, *, now: datetime) -> None:
    """InvalidCampaign, saying what to set, unless the campaign could be launched now; a launch request is
    checked the same way, so the approver is never handed one they cannot complete (nor edit)."""
    if campaign.status(now) is not CampaignStatus.DRAFT:
        raise InvalidCampaign(_l("Only a draft campaign can be launched."))
    if campaign.opens_at is None or campaign.closes_at is None:
        raise InvalidCampaign(_l("Set the opening and closing time before launching."))
    if campaign.closes_at <= now:
        raise InvalidCampaign(_l("The closing time has already passed."))
    if not campaign.terms_text.strip():
        raise InvalidCampaign(_l("Add the terms before launching."))
    if mail.sender_unusable():
        raise InvalidCampaign(
            _l(
                "Winners' mail would come from %(address)s, which is no real address, and the campaign page "
                "tells customers to trust only that sender. Ask whoever runs Kuchikomi to set "
                "KUCHIKOMI_MAIL_FROM to the brand's sending address, then launch.",
            ),
            address=current_app.config["MAIL_FROM"],
        )


def launch(campaign: Campaign, *, now: datetime) -> None:
    """Publishes the campaign page; from then on the clock decides scheduled, live, closed."""
    check_launchable(campaign, now=now)
    campaign.launched_at = now
    db.session.flush()
    events.campaign_launched.send(campaign, now=now)


def archive(campaign: Campaign, *, actor: Actor, now: datetime) -> None:
    """Takes the campaign page down; its public record (certificate, check page, claim links) stays."""
    if campaign.archived_at is not None:
        raise InvalidCampaign(_l("This campaign is already archived."))
    before = {"status": str(campaign.status(now))}
    campaign.archived_at = now
    db.session.flush()
    audit(campaign, actor, "campaign.archive", now, before, {"status": str(campaign.status(now))})
    tell_approvers_of(campaign, "archived_at", actor)


def unarchive(campaign: Campaign, *, actor: Actor, now: datetime) -> None:
    if campaign.archived_at is None:
        raise InvalidCampaign(_l("This campaign is not archived."))
    campaign.archived_at = None
    db.session.flush()
    audit(
        campaign,
        actor,
        "campaign.unarchive",
        now,
        {"status": "archived"},
        {"status": str(campaign.status(now))},
    )
    tell_approvers_of(campaign, "archived_at", actor)


def tell_approvers_of(campaign: Campaign, field: str, actor: Actor) -> None:
    """A stop or a restart of a campaign the client's approver signed off reaches the approvers too: an
    editor may stop one (closing it now, archiving it), as they may take an entry down, and the approver
    hears of it (`moderation.launch.tell_approvers`; a walk-through's find: it went by unseen)."""
    from campaign.moderation.launch import tell_approvers

    tell_approvers(campaign, [field], actor=actor)
