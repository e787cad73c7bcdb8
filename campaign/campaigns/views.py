"""Studio pages for campaign setup."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from wtforms import FieldList

from campaign import nonces
from campaign.auth.services import known_as
from campaign.campaigns import addresses, copies, edit_conflicts, services
from campaign.campaigns.forms import CampaignForm
from campaign.campaigns.models import Campaign
from campaign.campaigns.settings import InvalidCampaign
from campaign.clock import utcnow
from campaign.entries.models import Entry
from campaign.errors import DomainError, wants_json
from campaign.extensions import db
from campaign.moderation.views import member_actor, refused_on_page
from campaign.orgs import services as orgs
from campaign.orgs.access import studio_route
from campaign.storage import get_storage

bp = Blueprint("campaigns", __name__, url_prefix="/studio")


@bp.get("/")
@studio_route()
def index():
    campaigns = db.session.scalars(orgs.scoped(Campaign, g.org).order_by(Campaign.created_at.desc())).all()
    counts = dict(
        db.session.execute(
            select(Entry.campaign_id, func.count())
            .where(Entry.org_id == g.org.id)
            .group_by(Entry.campaign_id)
        ).all()
    )
    return render_template("campaigns/index.html", campaigns=campaigns, counts=counts, now=utcnow())


def _save(form: CampaignForm, campaign: Campaign | None):
    """Validates and saves; on a rule's refusal puts each message on its field and returns None.

    Uploaded images are checked first (brand page, issue 13): a refused image saves nothing. A save that
    withdrew the launch request says so (`update_campaign`): returns the campaign, and whether it did."""
    from campaign.brandpage import services as brand_images
    from campaign.brandpage.uploads import prepare_images

    images = prepare_images(form)
    if images is None:
        return None
    actor, now = member_actor(), utcnow()
    withdrawn = False
    if campaign is None:
        nonces.consume(request.form.get(nonces.FIELD, ""), "campaign", now=now)
    try:
        data = form.to_data(g.org.timezone)
        from campaign.moderation import launch as launching  # issue 4: who may do without the sign-off

        if campaign is None:
            launching.check_new_campaign(data, g.membership)
            campaign = services.create_campaign(g.org, data, actor=actor, now=now)
        else:
            edited_from = form.edited_from.data or None
            if edited_from is not None and edited_from != edit_conflicts.fingerprint(campaign):
                # said before the sign-off's rule, which would read another member's save as this one's
                # (a walk-through: an editor's untouched form was refused as changing the title)
                raise edit_conflicts.conflict(campaign)
            launching.check_settings_change(campaign, data, g.membership, images=_image_field(form, images))
            withdrawn = services.update_campaign(
                campaign, data, actor=actor, now=now, edited_from=edited_from
            )
        removed = brand_images.detach(
            campaign,
            hero=form.remove_hero_image.data and images["hero"] is None,  # a new file replaces it instead
            logo=form.remove_logo_image.data and images["logo"] is None,
        )
        if changed := removed + brand_images.attach(campaign, get_storage(), **images):
            services.audit(campaign, actor, "campaign.update", now, {}, {"images": changed})
            launching.tell_approvers(campaign, ["images"], actor=actor)  # once per save (`page_changed`)
    except DomainError as exc:
        db.session.rollback()
        for refusal in getattr(exc, "refusals", [exc]):
            target = getattr(form, refusal.field or "", None)
            if target is None or isinstance(target, FieldList):
                form.form_errors.append(refusal.text())  # the summary at the top
                if target is not None:  # and by the products or prizes themselves
                    form.list_errors.setdefault(refusal.field, []).append(refusal.text())
            else:
                target.errors.append(refusal.text())
        return None
    db.session.commit()
    return campaign, withdrawn


def _image_field(form: CampaignForm, images: dict) -> str | None:
    """The first brand page image the save adds, replaces or removes (its field), or None."""
    if images["hero"] or form.remove_hero_image.data:
        return "hero_image"
    if images["logo"] or form.remove_logo_image.data:
        return "logo_image"
    return "prizes" if images["prizes"] else None


def _sent_already(exc: nonces.AlreadySent):
    """A second send of a form that creates a campaign (a double click): the campaign list, where what the
    first send created is at the top (the path it was sent to may have no page of its own)."""
    db.session.rollback()
    flash(exc.text())
    return redirect(url_for("campaigns.index"), code=303)


@bp.route("/campaigns/new", methods=["GET", "POST"])
@studio_route("edit_campaigns")
def create():
    form = CampaignForm()
    try:
        saved = form.validate_on_submit() and _save(form, None)
    except nonces.AlreadySent as exc:
        return _sent_already(exc)
    if saved:
        flash(_("Campaign created."))
        return redirect(url_for("campaigns.show", campaign_id=saved[0].public_id))
    form.add_blank_rows()
    return render_template("campaigns/form.html", form=form, campaign=None), 400 if form.errors else 200


@bp.route("/campaigns/<campaign_id>/edit", methods=["GET", "POST"])
@studio_route("edit_campaigns")
def edit(campaign_id: str):
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    form = CampaignForm()
    if request.method == "GET":
        form.fill_from(campaign, g.org.timezone)
        form.edited_from.data = edit_conflicts.fingerprint(campaign)
    elif form.validate_on_submit() and (saved := _save(form, campaign)):
        flash(_("Campaign saved."))
        if saved[1]:  # the approver signs off what they saw (a walk-through: it went without a word)
            flash(
                _(
                    "The launch request was withdrawn: the approver signs off the campaign as it was when "
                    "asked, and has been told. When the changes are ready, ask the approver to launch again."
                )
            )
        return redirect(url_for("campaigns.show", campaign_id=campaign.public_id))
    else:
        form.add_blank_rows()
    return render_template("campaigns/form.html", form=form, campaign=campaign), 400 if form.errors else 200


@bp.get("/campaigns/<campaign_id>")
@studio_route()
def show(campaign_id: str):
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    requester = known_as(campaign.launch_requested_by) if campaign.launch_requested_at else ""
    return render_template("campaigns/show.html", campaign=campaign, now=utcnow(), launch_requester=requester)


@bp.post("/campaigns/<campaign_id>/launch")
@studio_route("edit_campaigns")
def launch(campaign_id: str):
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    from campaign.moderation import launch as launching  # issue 4: two-stage sign-off, audited

    try:
        launched = launching.launch_or_request(
            campaign, actor=member_actor(), membership=g.membership, now=utcnow()
        )
    except DomainError as exc:  # what to set first: said on the campaign's page, not an error page
        return refused_on_page(campaign, exc)
    db.session.commit()
    flash(_("Campaign launched.") if launched else _("Launch requested: waiting for the approver."))
    return redirect(url_for("campaigns.show", campaign_id=campaign.public_id))


@bp.post("/campaigns/<campaign_id>/archive")
@studio_route("edit_campaigns")
def archive(campaign_id: str):
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    services.archive(campaign, actor=member_actor(), now=utcnow())
    db.session.commit()
    flash(_("Campaign archived. Its draw certificate, winner check page and claim links stay online."))
    return redirect(url_for("campaigns.show", campaign_id=campaign.public_id))


@bp.post("/campaigns/<campaign_id>/unarchive")
@studio_route("edit_campaigns")
def unarchive(campaign_id: str):
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    services.unarchive(campaign, actor=member_actor(), now=utcnow())
    db.session.commit()
    flash(_("Campaign restored."))
    return redirect(url_for("campaigns.show", campaign_id=campaign.public_id))


@bp.post("/campaigns/<campaign_id>/close")
@studio_route("edit_campaigns")
def close_now(campaign_id: str):
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    try:
        copies.close_now(campaign, actor=member_actor(), now=utcnow())
    except InvalidCampaign as exc:  # on the campaign's page, with the rule's own reason (the error
        if wants_json():  # page added "someone else may have changed it", which was untrue)
            raise
        return refused_on_page(campaign, exc)
    db.session.commit()
    flash(_("Campaign closed: it takes no more entries."))
    return redirect(url_for("campaigns.show", campaign_id=campaign.public_id), code=303)


@bp.post("/campaigns/<campaign_id>/duplicate")
@studio_route("edit_campaigns")
def duplicate(campaign_id: str):
    from campaign.moderation.launch import sign_off_required  # issue 4

    source = orgs.get_scoped(Campaign, g.org, campaign_id)
    now = utcnow()
    try:
        nonces.consume(request.form.get(nonces.FIELD, ""), "campaign-copy", now=now)
    except nonces.AlreadySent as exc:
        return _sent_already(exc)
    sign_off = sign_off_required(g.membership)
    copy = copies.duplicate(source, actor=member_actor(), now=now, sign_off=sign_off)
    db.session.commit()
    flash(_("Copy created as a draft: set its dates, check it, then launch it."))
    if copy.two_stage_approval and not source.two_stage_approval:
        flash(
            _(
                "The copy needs the approver's sign-off for its entries and its launch: only an approver "
                "or owner can switch it off."
            )
        )
    return redirect(url_for("campaigns.edit", campaign_id=copy.public_id), code=303)


@bp.app_errorhandler(addresses.CampaignMoved)
def campaign_moved(exc: addresses.CampaignMoved):
    """/c/<old address>/… → /c/<address>/…, method and body kept (308), so a mailed link still works."""
    rest = request.path.removeprefix(f"/c/{exc.old}")
    query = f"?{request.query_string.decode()}" if request.query_string else ""
    return redirect(f"{request.script_root}/c/{exc.slug}{rest}{query}", code=308)
