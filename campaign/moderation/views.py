"""Studio moderation: the queue (org-wide and per campaign), steps, bulk steps, redaction, reasons."""

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from campaign import nonces
from campaign.audit.services import Actor
from campaign.campaigns.models import Campaign
from campaign.clock import utcnow
from campaign.csv_export import csv_stream
from campaign.draws.eligibility import LIST_REASONS
from campaign.entries.models import Entry, EntryStatus
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.i18n import safe_next
from campaign.moderation import (
    duplicates,
    export,
    launch,
    notifications,
    queue,
    reasons,
    redaction,
    services,
)
from campaign.moderation.forms import (
    BulkForm,
    QueueFilterForm,
    ReasonForm,
    RedactForm,
    StepForm,
    product_choices,
    rights_choices,
)
from campaign.moderation.models import RejectionReason
from campaign.orgs import services as orgs
from campaign.orgs.access import studio_route

bp = Blueprint("moderation", __name__, url_prefix="/studio")


@bp.record_once
def _install(_state) -> None:
    notifications.install()
    reasons.install()


def member_actor() -> Actor:
    return Actor.member(current_user, request.remote_addr or "")


def refused_on_page(campaign: Campaign, exc: DomainError):
    """A refused step of a campaign's page (launch, approve the launch), told at the top of that page."""
    db.session.rollback()
    flash(exc.text(), "error")
    return redirect(url_for("campaigns.show", campaign_id=campaign.public_id), code=303)


def _filter_from(form: QueueFilterForm, campaign: Campaign | None, products: list) -> queue.QueueFilter:
    # what the draw leaves out is in every state: a shared link without a state showed none of it
    left_out_only = form.left_out.data in LIST_REASONS and "state" not in request.args
    state = "all" if left_out_only else form.state.data or "todo"
    form.state.data = state
    if state == "todo":
        states = list(queue.TO_DO)
    elif state == "all":
        states = []
    else:
        states = [EntryStatus(state)] if state in set(EntryStatus) else list(queue.TO_DO)
    return queue.QueueFilter(
        states=states,
        campaign=campaign,
        product=next((p for p in products if p.public_id == form.product.data), None),
        rating=int(form.rating.data) if form.rating.data in {"1", "2", "3", "4", "5"} else None,
        date_from=form.date_from.data if not form.date_from.errors else None,
        date_to=form.date_to.data if not form.date_to.errors else None,
        duplicates_only=bool(form.duplicates.data),
        rights=form.rights.data if form.rights.data in {choice.value for choice in rights_choices()} else "",
        source=form.source.data if form.source.data in queue.SOURCE_FILTERS else None,
        left_out=form.left_out.data if form.left_out.data in LIST_REASONS else "",
    )


def _filter(campaign: Campaign | None) -> tuple[QueueFilterForm, queue.QueueFilter]:
    form = QueueFilterForm(request.args)
    products = queue.products_for(g.org, campaign)
    form.product.choices = product_choices(products, with_campaign=campaign is None)
    form.validate()
    return form, _filter_from(form, campaign, products)


def _queue(campaign: Campaign | None):
    form, flt = _filter(campaign)
    page = queue.queue_page(g.org, flt, page=request.args.get("page", 1, type=int))
    body = render_template(
        "moderation/queue.html",
        campaign=campaign,
        form=form,
        page=page,
        reasons=reasons.reasons_of(g.org, active_only=True),
        bulk_actions=services.BULK_ACTIONS,
        moves_for=lambda entry: [move.action for move in services.allowed_moves(entry, g.membership)],
    )
    return body, 400 if form.refused() else 200


@bp.get("/moderation/")
@studio_route("moderate")
def queue_all():
    return _queue(None)


@bp.get("/moderation/campaigns/<campaign_id>")
@studio_route("moderate")
def queue_campaign(campaign_id: str):
    return _queue(orgs.get_scoped(Campaign, g.org, campaign_id))


@bp.post("/moderation/campaigns/<campaign_id>/entries.csv")
@studio_route("moderate")
def export_entries(campaign_id: str):
    """The entries the moderation page's filter shows (every page of them), as a spreadsheet. A POST: each
    download is recorded (who took which entries out, with or without email addresses)."""
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    form, flt = _filter(campaign)
    if refused := form.refused():
        for field in refused:
            for message in field.errors:
                flash(message)
        args = {k: v for k, v in request.args.items() if k not in {field.name for field in refused}}
        return redirect(
            url_for("moderation.queue_campaign", campaign_id=campaign.public_id, **args), code=303
        )
    with_email = export.shows_email(g.membership)
    export.record_export(campaign, flt, with_email=with_email, actor=member_actor(), now=utcnow())
    db.session.commit()
    zone = ZoneInfo(g.org.timezone)
    return csv_stream(
        f"entries-{campaign.slug}.csv",
        export.header(with_email, zone),
        export.rows(g.org, flt, with_email=with_email, zone=zone),
    )


def _reason(public_id: str | None) -> RejectionReason | None:
    if not public_id:
        return None
    return orgs.get_scoped(RejectionReason, g.org, public_id)


def _step(form) -> dict:
    """Who makes a moderation step, when, and the reason and note the form gave it."""
    return {
        "actor": member_actor(),
        "membership": g.membership,
        "now": utcnow(),
        "reason": _reason(form.reason.data),
        "note": form.note.data or "",
    }


def _back(default: str) -> str:
    """Back to the page the step was made from (only our own paths)."""
    return safe_next(request.form.get("next"), default, under="/studio/")


@bp.post("/moderation/entries/<entry_id>/<action>")
@studio_route("moderate")
def move_entry(entry_id: str, action: str):
    """One step for one entry; the state machine decides whether this role may make it (403 if not)."""
    if action not in services.ACTIONS:
        abort(404)
    entry = orgs.get_scoped(Entry, g.org, entry_id)
    form = StepForm()
    form.validate()
    try:
        services.transition(entry, action, **_step(form))
    except services.ModerationError as exc:
        if exc.field is None:  # the step itself is refused (a state moved meanwhile): the 409 page says so
            raise
        db.session.rollback()  # a note or a reason missing: the entry's page again, the message at its field
        from campaign.entries.studio_views import entry_page
        from campaign.moderation.panel import Refused

        refused = Refused(action, exc.field, exc.text(), form.note.data or "")
        return entry_page(entry, refused=refused), 422
    db.session.commit()
    flash(services.DONE_MESSAGES[action])
    return redirect(_back(url_for("entries.show", entry_id=entry.public_id)), code=303)


@bp.post("/moderation/bulk")
@studio_route("moderate")
def bulk_move():
    form = BulkForm()
    form.validate()
    ids = [i for i in (form.entries.data or []) if i][: queue.PAGE_SIZE]
    entries = (
        db.session.scalars(orgs.scoped(Entry, g.org).where(Entry.public_id.in_(ids))).all() if ids else []
    )
    if not entries:  # a refusal: it was shown as a success (green, role=status)
        flash(_("Select at least one entry."), "error")
        return redirect(_back(url_for("moderation.queue_all")), code=303)
    try:
        result = services.bulk_transition(list(entries), form.action.data or "", **_step(form))
    except services.ModerationError as exc:
        if exc.field is None:
            raise
        # no reason chosen: said above the queue, which it came from (it was the 409 page's "someone else may
        # have changed it", with no way back but the browser's)
        db.session.rollback()
        flash(exc.text(), "error")
        return redirect(_back(url_for("moderation.queue_all")), code=303)
    db.session.commit()
    if result.moved:
        flash(ngettext("%(num)s entry moved.", "%(num)s entries moved.", len(result.moved)))
    if result.skipped:  # each one named, with the reason (it said "1 entry skipped", looking like success)
        flash(skipped_message(result.skipped), "error")
    return redirect(_back(url_for("moderation.queue_all")), code=303)


def skipped_message(skipped: list[tuple[Entry, str]]) -> str:
    """「2件は処理しませんでした：はな（…）、匿名（…）」: who, and why, in the reader's language."""
    named = _(", ").join(
        _("%(who)s (%(why)s)", who=entry.nickname or f"{_('anonymous')} {entry.public_id[:6]}", why=why)
        for entry, why in skipped
    )
    return ngettext(
        "%(num)s entry was not moved: %(entries)s", "%(num)s entries were not moved: %(entries)s",
        len(skipped), entries=named,
    )  # fmt: skip


@bp.post("/moderation/entries/<entry_id>/redact")
@studio_route("moderate")
def redact_caption(entry_id: str):
    entry = orgs.get_scoped(Entry, g.org, entry_id)
    form = RedactForm()
    form.validate()
    try:
        redaction.redact(entry, form.redacted_caption.data or "", actor=member_actor(), now=utcnow())
    except redaction.InvalidRedaction as exc:  # the entry's page again: the message at the field, as typed
        db.session.rollback()
        from campaign.entries.studio_views import entry_page

        form.show_refusal(exc)
        return entry_page(entry, redact_form=form), 422
    db.session.commit()
    flash(_("Public caption saved."))
    return redirect(url_for("entries.show", entry_id=entry.public_id), code=303)


@bp.post("/moderation/entries/<entry_id>/not-duplicate")
@studio_route("draw")
def not_duplicate(entry_id: str):
    """Clears the entry's duplicate mark before the draw, with the reason (`moderation.duplicates`)."""
    entry = orgs.get_scoped(Entry, g.org, entry_id)
    note = request.form.get("note", "")
    try:
        cleared = duplicates.clear_mark(entry, note=note, actor=member_actor(), now=utcnow())
    except (duplicates.ReasonRequired, services.NoteTooLong) as exc:  # the page again, told at the field
        db.session.rollback()
        from campaign.entries.studio_views import entry_page
        from campaign.moderation.panel import Refused

        return entry_page(entry, refused=Refused("not_duplicate", "note", exc.text(), note)), exc.status
    db.session.commit()
    if cleared:
        flash(_("The duplicate mark is cleared: this entry takes part in the draw if it is approved."))
    else:  # a second tab, or a colleague first: its reason is the one in the trail
        flash(_("This entry's duplicate mark had been cleared already: the audit trail says who and why."))
    return redirect(url_for("entries.show", entry_id=entry.public_id), code=303)


@bp.get("/moderation/reasons")
@studio_route("manage_reasons")
def list_reasons():
    return render_template("moderation/reasons.html", reasons=reasons.reasons_of(g.org), form=ReasonForm())


def _reason_data(form: ReasonForm) -> reasons.ReasonData:
    return reasons.ReasonData(
        label_ja=form.label_ja.data or "",
        label_en=form.label_en.data or "",
        position=form.position.data or 0,
        active=bool(form.active.data),
    )


@bp.post("/moderation/reasons")
@studio_route("manage_reasons")
def create_reason():
    form = ReasonForm()
    if not form.validate():
        return render_template("moderation/reasons.html", reasons=reasons.reasons_of(g.org), form=form), 400
    now = utcnow()
    nonces.consume(request.form.get(nonces.FIELD, ""), "reason", now=now)
    reasons.create_reason(g.org, _reason_data(form), actor=member_actor(), now=now)
    db.session.commit()
    flash(_("Reason added."))
    return redirect(url_for("moderation.list_reasons"), code=303)


@bp.post("/moderation/reasons/<reason_id>")
@studio_route("manage_reasons")
def update_reason(reason_id: str):
    reason = orgs.get_scoped(RejectionReason, g.org, reason_id)
    form = ReasonForm()
    if not form.validate():
        return render_template("moderation/reasons.html", reasons=reasons.reasons_of(g.org), form=form), 400
    reasons.update_reason(reason, _reason_data(form), actor=member_actor(), now=utcnow())
    db.session.commit()
    flash(_("Reason saved."))
    return redirect(url_for("moderation.list_reasons"), code=303)


@bp.post("/moderation/campaigns/<campaign_id>/approve-launch")
@studio_route("approve")
def approve_launch(campaign_id: str):
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    try:
        launch.approve_launch(campaign, actor=member_actor(), membership=g.membership, now=utcnow())
    except DomainError as exc:
        return refused_on_page(campaign, exc)
    db.session.commit()
    flash(_("Launch approved: the campaign page is public."))
    return redirect(url_for("campaigns.show", campaign_id=campaign.public_id), code=303)


@bp.post("/moderation/campaigns/<campaign_id>/decline-launch")
@studio_route("approve")
def decline_launch(campaign_id: str):
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    form = StepForm()
    form.validate()
    launch.decline_launch(
        campaign, actor=member_actor(), membership=g.membership, now=utcnow(), note=form.note.data or ""
    )
    db.session.commit()
    flash(_("Launch declined."))
    return redirect(url_for("campaigns.show", campaign_id=campaign.public_id), code=303)
