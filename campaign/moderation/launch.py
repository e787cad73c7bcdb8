"""Two-stage sign-off for publishing a campaign page: an editor requests, an approver launches."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from campaign.audit.services import Actor
from campaign.campaigns import services as campaigns
from campaign.campaigns.change_rules import Refusal
from campaign.campaigns.models import Campaign, CampaignStatus
from campaign.campaigns.settings import InvalidCampaign
from campaign.extensions import db
from campaign.locks import lock_row
from campaign.moderation import sign_off_mail
from campaign.moderation.services import ModerationError, NotAllowed, clean_note
from campaign.orgs.models import Membership
from campaign.orgs.services import can


def launch_or_request(campaign: Campaign, *, actor: Actor, membership: Membership, now: datetime) -> bool:
    """Launches now when no sign-off is needed (or an approver asks); else records a launch request.

    Returns True when the campaign was launched. The campaign's row is locked and re-read first: a second
    click waits and then finds the campaign launched (or the request made) and is refused.
    """
    lock_row(campaign)
    if not campaign.two_stage_approval or can(membership, "approve"):
        _launch(campaign, actor=actor, now=now, action="campaign.launch")
        return True
    if campaign.launch_requested_at is not None and campaign.status(now) is CampaignStatus.DRAFT:
        raise ModerationError(_l("The launch is already waiting for the approver."))
    campaigns.check_launchable(campaign, now=now)
    campaign.launch_requested_at = now
    campaign.launch_requested_by = actor.label
    db.session.flush()
    campaigns.audit(
        campaign, actor, "campaign.request_launch", now, {"status": "draft"}, {"launch_requested": True}
    )
    sign_off_mail.launch_requested(campaign, actor.label)
    return False


def approve_launch(campaign: Campaign, *, actor: Actor, membership: Membership, now: datetime) -> None:
    if not can(membership, "approve"):
        raise NotAllowed()
    lock_row(campaign)
    if campaign.launch_requested_at is None:
        raise ModerationError(_l("Nobody has asked to launch this campaign."))
    requested_by = campaign.launch_requested_by
    try:  # the launch checks first and changes nothing when it refuses
        _launch(campaign, actor=actor, now=now, action="campaign.approve_launch")
    except InvalidCampaign as exc:  # valid when asked, no longer (its closing time passed, say)
        raise ModerationError(
            _l(
                "%(problem)s Decline the launch request with a note, so that the editor can fix the "
                "campaign and ask again.",
                problem=exc.text(),
            )
        ) from exc
    sign_off_mail.launch_decided(campaign, requested_by, launched=True)


def _launch(campaign: Campaign, *, actor: Actor, now: datetime, action: str) -> None:
    before = {"status": str(campaign.status(now))}
    campaigns.launch(campaign, now=now)
    requested_by = campaign.launch_requested_by
    campaign.launch_requested_at = None
    campaign.launch_requested_by = ""
    db.session.flush()
    after = {"status": str(campaign.status(now))} | ({"requested_by": requested_by} if requested_by else {})
    campaigns.audit(campaign, actor, action, now, before, after)


def decline_launch(
    campaign: Campaign, *, actor: Actor, membership: Membership, now: datetime, note: str
) -> None:
    """The approver says no: the request is cleared (the editor may ask again), the why is recorded."""
    if not can(membership, "approve"):
        raise NotAllowed()
    lock_row(campaign)
    if campaign.launch_requested_at is None:
        raise ModerationError(_l("Nobody has asked to launch this campaign."))
    note = clean_note(note)
    if not note:
        raise ModerationError(_l("Say why the launch is declined."), field="note")
    requested_by = _end_request(campaign, actor=actor, now=now, action="campaign.decline_launch", reason=note)
    sign_off_mail.launch_decided(campaign, requested_by, launched=False, note=note)


def _end_request(campaign: Campaign, *, actor: Actor, now: datetime, action: str, reason: str = "") -> str:
    """Clears the pending request, recorded as `action`; returns who had asked (their email)."""
    requested_by = campaign.launch_requested_by
    campaign.launch_requested_at = None
    campaign.launch_requested_by = ""
    db.session.flush()
    campaigns.audit(
        campaign,
        actor,
        action,
        now,
        {"launch_requested": True, "requested_by": requested_by},
        {"launch_requested": False},
        reason=reason.strip(),
    )
    return requested_by


SIGN_OFF_KEPT = _l("Only an approver or owner can switch off the approver's sign-off.")


def sign_off_required(membership: Membership) -> bool:
    """Whether a campaign this member starts (new, or a copy) must keep the approver's sign-off: unless
    they may approve, a campaign of theirs is launched and its entries approved by someone who may."""
    return not can(membership, "approve")


def withdraw_request(campaign: Campaign, *, actor: Actor, now: datetime) -> bool:
    """A saved change withdraws a pending launch request (the approver signs off what they saw): recorded in
    the trail, and the members who were mailed the request are mailed that it is withdrawn. A walk-through's
    find: the save cleared it without a word, and the approver could not tell why it had gone. The caller
    holds the campaign's lock. False when no request was pending."""
    if campaign.launch_requested_at is None:
        return False
    requested_by = _end_request(campaign, actor=actor, now=now, action="campaign.withdraw_launch_request")
    sign_off_mail.launch_withdrawn(campaign, requested_by, withdrawn_by=actor.label)
    return True


def check_settings_change(
    campaign: Campaign, data, membership: Membership, *, images: str | None = None
) -> None:
    """Before a campaign is saved: only someone who may approve can switch off the approver's sign-off, or
    change what customers see of a campaign the approver launched (`signed_off_changes`, and `images`: the
    field of a brand page image the save adds, replaces or removes, where the refusal is said). (Before the
    launch, the save itself withdraws a pending launch request: `campaigns.services.update_campaign`.)"""
    if not campaign.two_stage_approval or not sign_off_required(membership):
        return
    if not data.two_stage_approval:
        raise NotAllowed(SIGN_OFF_KEPT, field="two_stage_approval")
    if campaign.launched_at is None:
        return
    if changed := signed_off_changes(campaign, data):
        refused = NotAllowed(SIGNED_OFF, field=changed[0])
        refused.refusals = [Refusal(name, SIGNED_OFF) for name in changed]  # each by its field (a
        raise refused  # walk-through: only the first was named, so undoing several took several tries)
    if images:  # the brand page's hero, logo or prize images, added, replaced or removed
        raise NotAllowed(SIGNED_OFF, field=images)


# What customers see of a campaign (its page, terms, prizes, how to enter, the mails it sends them), which
# the client's approver signed off at the launch: every saved field but the team's own (`TEAM_FIELDS`), so
# a field added later is signed off until said otherwise. A walk-through's find: after the launch an editor
# changed the page's description to 「全員にプレゼント！」 and it went live at once, unseen by the approver.
TEAM_FIELDS = ("two_stage_approval", "premium_type", "transaction_value_jpy", "projected_sales_jpy")
SIGNED_OFF_FIELDS = (
    *(name for name in campaigns.FIELDS if name not in TEAM_FIELDS),
    "products",
    "prizes",
)
# what the approvers are mailed of: those fields, the brand page's images, and a stop or restart (archive)
TOLD_OF = frozenset((*SIGNED_OFF_FIELDS, "images", "archived_at"))
SIGNED_OFF = _l(
    "The client's approver signed off this campaign at its launch: only an owner can change what customers "
    "see now (the approvers are told)."
)


def tell_approvers(campaign: Campaign, changed: list[str], *, actor: Actor) -> None:
    """After a save of a launched campaign the approver signed off: the approvers are mailed when it changed
    what customers see (`changed`: the fields the save changed)."""
    signed_off = campaign.two_stage_approval and campaign.launched_at is not None
    if signed_off and any(name in TOLD_OF for name in changed):
        sign_off_mail.page_changed(campaign, changed_by=actor.label)


def signed_off_changes(campaign: Campaign, data) -> list[str]:
    """The fields of `SIGNED_OFF_FIELDS` that saving `data` would change (times to the minute, as the form
    shows them)."""
    before, after = campaigns.snapshot(campaign), campaigns.keep_seconds(campaign, data)
    return [name for name in SIGNED_OFF_FIELDS if getattr(before, name) != getattr(after, name)]


def check_new_campaign(data, membership: Membership) -> None:
    """Before a campaign is created: without the sign-off only by someone who may approve. (A walk-through's
    find: an editor who may not switch the sign-off off created a campaign without it, launched it and
    approved its entries alone.)"""
    if not data.two_stage_approval and sign_off_required(membership):
        raise NotAllowed(SIGN_OFF_KEPT, field="two_stage_approval")
