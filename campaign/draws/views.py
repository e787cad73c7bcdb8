"""Studio pages of a campaign's draw: rules, the draw itself, checks, claims, shipping, exports."""

from flask import Blueprint, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from campaign import mail
from campaign.audit.services import Actor
from campaign.auth.passwords import guess_limit
from campaign.campaigns.models import Campaign
from campaign.clock import utcnow
from campaign.connectors import services as connectors
from campaign.csv_export import csv_response
from campaign.draws import certificate, exclusions, labels, services, winners
from campaign.draws.forms import CheckForm, DrawForm, PlanForm
from campaign.draws.models import Draw, DrawPick, Eligibility, PickState
from campaign.entries import labels as entry_labels
from campaign.errors import DomainError, NotFound, wants_json
from campaign.extensions import db, limiter
from campaign.orgs import services as orgs
from campaign.orgs.access import studio_route

bp = Blueprint("draws", __name__, url_prefix="/studio")


def _actor() -> Actor:
    return Actor.member(current_user, request.remote_addr or "")


def _secret() -> str:
    return current_app.secret_key


def _draw(draw_id: str) -> Draw:
    return orgs.get_scoped(Draw, g.org, draw_id)


def _pick(draw: Draw, pick_id: str) -> DrawPick:
    pick = next((p for p in draw.picks if p.public_id == pick_id), None)
    if pick is None:
        raise NotFound()
    return pick


@bp.get("/campaigns/<campaign_id>/draw")
@studio_route()
def show(campaign_id: str):
    return _page(orgs.get_scoped(Campaign, g.org, campaign_id))


def _page(
    campaign: Campaign, plan_form: PlanForm | None = None, code: int = 200, draw_form: DrawForm | None = None
):
    """The draw screen; `plan_form` is a refused plan and `draw_form` a refused draw as they were posted,
    shown with their errors."""
    plan = services.plan_of(campaign)
    draw = services.draw_of(campaign)
    if plan_form is None and plan:
        plan_form = PlanForm(obj=plan)
        plan_form.eligibility.data = plan.eligibility.value
    addresses, by_hand = {}, {}
    if draw and orgs.can(g.membership, "draw"):
        addresses = {p.public_id: winners.address_of(p, _secret()) for p in draw.picks if p.address_sealed}
        messages = {
            p.public_id: winners.message_to_send_by_hand(p, secret=_secret(), base_url=mail.base_url())
            for p in draw.picks
        }
        by_hand = {pick_id: text for pick_id, text in messages.items() if text}
    # before the irreversible draw: who it would take and leave out, as the draw's own rule says
    preview = exclusions.preview(campaign, plan.eligibility) if plan and not draw else None
    return render_template(
        "draws/show.html",
        campaign=campaign,
        plan=plan,
        draw=draw,
        shortfalls=services.shortfalls(draw) if draw else [],
        plan_form=plan_form,
        draw_form=draw_form or DrawForm(formdata=None),
        check_form=CheckForm(),
        addresses=addresses,
        by_hand=by_hand,
        network_names=connectors.NETWORK_NAMES,
        may_draw=orgs.can(g.membership, "draw"),
        may_view_audit=orgs.can(g.membership, "view_audit"),
        may_moderate=orgs.can(g.membership, "moderate"),
        may_clear_duplicates=orgs.can(g.membership, "draw"),  # moderation.duplicates.clear_mark
        preview=preview,
        status=campaign.status(utcnow()),
    ), code


@bp.post("/campaigns/<campaign_id>/draw/plan")
@studio_route("draw")
def update_plan(campaign_id: str):
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    plan = services.plan_of(campaign)
    form = PlanForm()
    if plan is None:
        flash(_("The draw rules were not saved: please check the fields."), "error")
        return redirect(url_for("draws.show", campaign_id=campaign_id))
    if not form.validate_on_submit():  # shown again as typed, each error by its field
        flash(_("The draw rules were not saved: please check the fields."), "error")
        return _page(campaign, form, 400)
    services.update_plan(
        plan,
        actor=_actor(),
        beacon_source=form.beacon_source.data or "",
        mode=Eligibility(form.eligibility.data),
        alternates_per_winner=form.alternates_per_winner.data,
        claim_days=form.claim_days.data,
        now=utcnow(),
    )
    db.session.commit()
    flash(_("Draw rules saved."))
    return redirect(url_for("draws.show", campaign_id=campaign_id))


def _draw_now(campaign: Campaign, form: DrawForm, now) -> None:
    try:
        draw = services.run_draw(
            campaign,
            actor=_actor(),
            password=form.password.data,
            beacon=form.beacon.data or "",
            secret=_secret(),
            now=now,
        )
        winners.start(draw, actor=_actor(), secret=_secret(), base_url=mail.base_url(), now=now)
        db.session.commit()
    except IntegrityError as exc:  # the other, concurrent draw of this campaign won
        db.session.rollback()
        raise services.AlreadyDrawn() from exc


def _refused(campaign: Campaign, form: DrawForm, error: DomainError):
    """The draw screen again, saying why nothing was drawn: at the field it concerns (the password, the
    beacon), else above the form; the generic error page named roles and concurrent edits instead."""
    form.show_refusal(error)
    return _page(campaign, draw_form=form, code=error.status)


def _drawer_key() -> str:
    return f"draw-password:{current_user.get_id()}"


@bp.post("/campaigns/<campaign_id>/draw")
@limiter.limit(guess_limit)  # a draw asks for the drawer's password: each try is a guess at it (a probe's
@limiter.limit(guess_limit, key_func=_drawer_key)  # find: a stolen session could guess without limit)
@studio_route("draw")
def run(campaign_id: str):
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    form = DrawForm()
    if not form.validate_on_submit():
        flash(_("Enter your password to draw."), "error")
        return redirect(url_for("draws.show", campaign_id=campaign_id))
    now = utcnow()
    try:
        _draw_now(campaign, form, now)
    except DomainError as exc:
        db.session.rollback()
        services.record_refusal(campaign, actor=_actor(), error=exc, now=now)
        db.session.commit()
        if wants_json():
            raise
        return _refused(campaign, form, exc)
    flash(_("The draw is done."))
    return redirect(url_for("draws.show", campaign_id=campaign_id), code=303)


@bp.post("/draws/<draw_id>/picks/<pick_id>/check")
@studio_route("draw")
def check_pick(draw_id: str, pick_id: str):
    draw = _draw(draw_id)
    form = CheckForm()
    if form.validate_on_submit():
        passed = form.outcome()
        if passed is None:  # neither button (a form sent as it came): nobody is excluded by default
            flash(
                _("Nothing was recorded: choose whether the check passed or the winner is excluded."), "error"
            )
        else:
            winners.check_by_hand(
                _pick(draw, pick_id),
                actor=_actor(),
                passed=passed,
                note=form.note.data or "",
                secret=_secret(),
                base_url=mail.base_url(),
                now=utcnow(),
            )
            db.session.commit()
    return redirect(url_for("draws.show", campaign_id=draw.campaign.public_id), code=303)


@bp.post("/draws/<draw_id>/picks/<pick_id>/shipped")
@studio_route("draw")
def mark_shipped(draw_id: str, pick_id: str):
    draw = _draw(draw_id)
    winners.mark_shipped(_pick(draw, pick_id), actor=_actor(), now=utcnow())
    db.session.commit()
    return redirect(url_for("draws.show", campaign_id=draw.campaign.public_id), code=303)


@bp.get("/draws/<draw_id>/audit.json")
@studio_route("view_audit")  # it holds the campaign's audit trail: as the trail's own page and CSV
def audit_pack(draw_id: str):
    response = jsonify(certificate.audit_pack(_draw(draw_id), now=utcnow()))
    response.headers["Content-Disposition"] = f'attachment; filename="draw-{draw_id}-audit.json"'
    return response


@bp.get("/draws/<draw_id>/winners.csv")
@studio_route("draw")
def winners_csv(draw_id: str):
    """For fulfilment: claimed prizes with their postal address (owners and approvers only)."""
    draw = _draw(draw_id)
    rows = []
    for pick in draw.picks:
        if pick.state not in (PickState.CLAIMED, PickState.SHIPPED):
            continue
        address = winners.address_of(pick, _secret()) or {}
        rows.append(
            [pick.prize.name, pick.entry.public_id, pick.entry.nickname or ""]
            + [entry_labels.entry_state_label(pick.entry), labels.label(labels.PICK_STATES, pick.state)]
            + [address.get(k, "") for k in winners.ADDRESS_FIELDS]
        )
    # as the instant-win list: the entry's status and the prize's state, named apart
    header = labels.shipping_header(
        _("Prize"), _("Entry ID"), _("Nickname"), _("Entry status"), _("Prize state")
    )
    return csv_response(f"winners-{draw.campaign.slug}.csv", header, rows)
