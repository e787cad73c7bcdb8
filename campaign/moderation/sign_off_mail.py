"""Mails between the agency and the client's approver on a campaign that needs the approver's sign-off.

Nothing told either side that the other had acted (a walk-through: the launch request and four recommended
entries reached the approver only if they happened to open the studio). Now:
- a launch request mails every member who may approve it (owners and approvers), the requester excepted,
  and a save that withdraws it (the approver signs off what they saw) mails the same members again;
- the approver's decision on it (launched, or declined with the note) mails the member who asked;
- once launched, a save by an owner that changes what customers see mails the approvers (only owners may:
  `launch.check_settings_change`);
- entries recommended to a campaign whose approver had none waiting mail the approvers once: the next
  recommendations join the same waiting list until it is emptied, so a busy day is one mail, not fifty.
Each mail is in the member's own studio language and links to the page where they act. Sent after the
commit (`mail.send_after_commit`), so a refused step mails nobody.
"""

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from campaign import mail
from campaign.auth.models import User
from campaign.campaigns.models import Campaign
from campaign.entries.models import Entry, EntryStatus
from campaign.extensions import db
from campaign.orgs.services import members_who_can


def launch_requested(campaign: Campaign, requested_by: str) -> None:
    for user in members_who_can(campaign.org_id, "approve", besides=requested_by):
        _send(user, "launch_requested", campaign, who=requested_by)


def launch_withdrawn(campaign: Campaign, requested_by: str, *, withdrawn_by: str) -> None:
    """To the members `launch_requested` told (all who may approve, the requester excepted), but the one
    whose save withdrew it."""
    for user in members_who_can(campaign.org_id, "approve", besides=requested_by):
        if user.email != withdrawn_by:
            _send(user, "launch_withdrawn", campaign, who=withdrawn_by)


PAGE_TOLD = "kuchikomi.sign_off_mail.page_told"  # in the session's info: campaigns whose approvers this
# transaction has told, so a save that changes a field and a brand image (told apart) is one mail


def page_changed(campaign: Campaign, *, changed_by: str) -> None:
    """To the members who may approve, but the one who saved: what they signed off at the launch changed.
    Once per transaction and campaign."""
    if not _first_this_transaction(PAGE_TOLD, campaign.id):
        return
    for user in members_who_can(campaign.org_id, "approve", besides=changed_by):
        _send(user, "page_changed", campaign, who=changed_by)


def launch_decided(campaign: Campaign, requested_by: str, *, launched: bool, note: str = "") -> None:
    """To the member who asked (`requested_by`, their email), if they still exist."""
    user = db.session.scalar(select(User).where(User.email == requested_by)) if requested_by else None
    if user is not None:
        _send(user, "launch_approved" if launched else "launch_declined", campaign, note=note)


TOLD = "kuchikomi.sign_off_mail.told"  # in the session's info: campaigns whose waiting list this
# transaction has looked at, so a bulk recommendation of a page of entries counts once, not per entry


def entry_recommended(entry: Entry, recommended_by: str) -> None:
    """Call after the entry became recommended: mails the approvers when it is the only one waiting (once
    per campaign and transaction: the next entries of a bulk step join the list the first one started)."""
    if not _first_this_transaction(TOLD, entry.campaign_id):
        return
    waiting = db.session.scalar(
        select(func.count())
        .select_from(Entry)
        .where(Entry.campaign_id == entry.campaign_id, Entry.status == EntryStatus.RECOMMENDED)
    )
    if waiting == 1:
        for user in members_who_can(entry.campaign.org_id, "approve", besides=recommended_by):
            _send(user, "entries_waiting", entry.campaign, who=recommended_by)


def _first_this_transaction(key: str, campaign_id: int) -> bool:
    """True the first time this transaction asks about `campaign_id` under `key` (the session's info keeps
    the campaigns seen, per transaction: a new one looks again)."""
    transaction, seen = db.session.info.get(key, (None, set()))
    if transaction is not db.session().get_transaction():
        seen = set()
        db.session.info[key] = (db.session().get_transaction(), seen)
    if campaign_id in seen:
        return False
    seen.add(campaign_id)
    return True


def _send(user: User, kind: str, campaign: Campaign, **context) -> None:
    with force_locale(user.locale or "ja"):
        links = {
            "campaign_url": mail.link("campaigns.show", campaign_id=campaign.public_id),
            "queue_url": mail.link("moderation.queue_campaign", campaign_id=campaign.public_id),
        }
        title = campaign.title_for(user.locale or "ja")
        subjects = {
            "launch_requested": _("Launch requested: %(title)s", title=title),
            "launch_approved": _("Launched: %(title)s", title=title),
            "launch_declined": _("Launch declined: %(title)s", title=title),
            "launch_withdrawn": _("Launch request withdrawn: %(title)s", title=title),
            "entries_waiting": _("Entries waiting for your approval: %(title)s", title=title),
            "page_changed": _("Changed after your sign-off: %(title)s", title=title),
        }
        text = render_template(
            "moderation/email_sign_off.txt", kind=kind, campaign=campaign, title=title, **links, **context
        )
        mail.send_after_commit(user.email, subjects[kind], text)
