"""Two studio shortcuts on a campaign: close it now, and start a new draft from it. Both go through the
same lock, validation, change rules and audit as any other edit (services.py)."""

from dataclasses import replace
from datetime import datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from campaign.audit.services import Actor
from campaign.campaigns import change_rules, services
from campaign.campaigns.models import Campaign, CampaignStatus, RetiredSlug
from campaign.campaigns.settings import ChangeRefused, InvalidCampaign
from campaign.campaigns.stage import stage_of
from campaign.extensions import db

SLUG_MAX = 64
COPY_ATTEMPTS = 5  # copies of one campaign made at the same moment, each taking the next free address


def close_now(campaign: Campaign, *, actor: Actor, now: datetime) -> Campaign:
    """Moves the closing time to now: entries stop at once, the draw may run. Refused for anything but a
    live campaign, and wherever the change rules refuse an earlier close (an instant win's schedule)."""
    services.lock_campaign(campaign)
    if campaign.status(now) is not CampaignStatus.LIVE:
        raise InvalidCampaign(_l("Only a live campaign can be closed now."), field="closes_at")
    before = services.snapshot(campaign)
    after = replace(before, closes_at=now)
    refusals = change_rules.refusals(stage_of(campaign, now), before, after)
    if refusals:
        raise ChangeRefused(refusals)
    closes_at = campaign.closes_at
    campaign.closes_at = now
    db.session.flush()
    services.audit(
        campaign, actor, "campaign.close_now", now,
        {"closes_at": closes_at.isoformat()}, {"closes_at": now.isoformat()},
    )  # fmt: skip
    services.tell_approvers_of(campaign, "closes_at", actor)
    return campaign


def _free_slug(base: str) -> str:
    """`<base>-copy`, else `<base>-copy-2`, `-3`…: an address no campaign holds and none ever held."""
    for n in range(1, 1000):
        suffix = "-copy" if n == 1 else f"-copy-{n}"
        slug = base[: SLUG_MAX - len(suffix)].rstrip("-") + suffix
        taken = db.session.scalar(select(Campaign.id).where(Campaign.slug == slug))
        retired = db.session.scalar(select(RetiredSlug.campaign_id).where(RetiredSlug.slug == slug))
        if taken is None and retired is None:
            return slug
    raise InvalidCampaign(_l("No free address for a copy: rename some copies first."), field="slug")


def _share_images(source: Campaign, copy: Campaign) -> None:
    """The copy shows the source's hero, logo and prize images. A brand image's objects are content-addressed
    and its row is forgotten only when no campaign or prize shows it (brandpage.services._shown), so the
    two share the rows: replacing or removing one in the copy leaves the source's as it is."""
    copy.hero_image, copy.logo_image = source.hero_image, source.logo_image
    for theirs, ours in zip(source.prizes, copy.prizes, strict=True):
        ours.image = theirs.image
    db.session.flush()


def duplicate(source: Campaign, *, actor: Actor, now: datetime, sign_off: bool = False) -> Campaign:
    """A new draft with the source's settings, products, prizes, rules and images, under a new address and
    without dates (a copy's old window has usually passed). Entries, winners, consents, draws and the seed
    stay with the source: the copy commits its own seed when it is launched. `sign_off`: the copy needs the
    approver's sign-off even if the source did not (copied by someone who may not do without it:
    `moderation.launch.sign_off_required`)."""
    data = services.snapshot(source)
    data = replace(
        data,
        two_stage_approval=data.two_stage_approval or sign_off,
        title=gettext("%(title)s (copy)", title=source.title)[:200],
        opens_at=None,
        closes_at=None,
        products=[replace(p, public_id="") for p in data.products],
        prizes=[replace(p, public_id="") for p in data.prizes],
    )
    for attempt in range(1, COPY_ATTEMPTS + 1):
        try:
            data = replace(data, slug=_free_slug(source.slug))
            copy = services.create_campaign(source.organisation, data, actor=actor, now=now)
            break
        except services.SlugTaken:  # a copy made at the same moment took that address: the next free one
            if attempt == COPY_ATTEMPTS:
                raise
    _share_images(source, copy)
    services.audit(source, actor, "campaign.duplicate", now, {}, {"copy": copy.public_id, "slug": copy.slug})
    services.audit(copy, actor, "campaign.duplicate", now, {"source": source.public_id}, {})
    return copy
