"""Studio: request templates and settings, the requests to post by hand, sending from the queue."""

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from campaign import mail, nonces
from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.entries.models import Entry
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.i18n import safe_next
from campaign.moderation.queue import PAGE_SIZE
from campaign.orgs import services as orgs
from campaign.orgs.access import studio_route
from campaign.rights import delivery, services, templates
from campaign.rights import proof as rules
from campaign.rights import settings as rights_settings
from campaign.rights.forms import SettingsForm, TemplateForm
from campaign.rights.models import Proof, RightsRequest, RightsState, RightsTemplate
from campaign.rights.queries import FILTERS, rights_in

bp = Blueprint("rights", __name__, url_prefix="/studio/rights")
NO_STORE = {"Cache-Control": "private, no-store"}


def _actor() -> Actor:
    return Actor.member(current_user, request.remote_addr or "")


def _template_data(form: TemplateForm) -> templates.TemplateData:
    return templates.TemplateData(
        language=form.language.data or "",
        network=form.network.data or "",
        body=form.body.data or "",
        hashtag=form.hashtag.data or "",
    )


def _settings_form() -> SettingsForm:
    settings = rights_settings.settings_of(g.org.id)
    form = SettingsForm(formdata=None)
    form.expiry_days.data, form.grant_months.data, form.scopes.data = (
        settings.expiry_days,
        settings.grant_months,
        list(settings.scopes),
    )
    return form


def _templates_page(
    form: TemplateForm | None = None,
    settings_form: SettingsForm | None = None,
    editing: str = "",
    edit_form: TemplateForm | None = None,
    status: int = 200,
):
    items = templates.templates_of(g.org)
    forms = {}
    for item in items:
        if item.public_id == editing and edit_form is not None:
            forms[item.public_id] = edit_form
        else:
            filled = TemplateForm(formdata=None, prefix=item.public_id, obj=item)
            forms[item.public_id] = filled
    body = render_template(
        "rights/templates.html",
        items=items,
        forms=forms,
        form=form or TemplateForm(formdata=None),
        settings_form=settings_form or _settings_form(),
        x_length=templates.x_weighted_length,
    )
    return body, status, NO_STORE


@bp.get("/templates")
@studio_route("edit_campaigns")
def list_templates():
    return _templates_page()


@bp.post("/templates")
@studio_route("edit_campaigns")
def create_template():
    form = TemplateForm()
    form.validate()
    now = utcnow()
    try:
        nonces.consume(request.form.get(nonces.FIELD, ""), "rights-template", now=now)
        templates.create(g.org, _template_data(form), actor=_actor(), now=now)
    except DomainError as exc:
        db.session.rollback()
        form.show_refusal(exc, form.body)
        return _templates_page(form=form, status=400)
    db.session.commit()
    flash(_("Template added."))
    return redirect(url_for("rights.list_templates"), code=303)


@bp.post("/templates/<template_id>")
@studio_route("edit_campaigns")
def update_template(template_id: str):
    template = orgs.get_scoped(RightsTemplate, g.org, template_id)
    form = TemplateForm(prefix=template.public_id)
    form.validate()
    try:
        templates.update(template, _template_data(form), actor=_actor(), now=utcnow())
    except DomainError as exc:
        db.session.rollback()
        form.show_refusal(exc, form.body)
        return _templates_page(editing=template_id, edit_form=form, status=400)
    db.session.commit()
    flash(_("Template saved."))
    return redirect(url_for("rights.list_templates"), code=303)


@bp.post("/templates/<template_id>/delete")
@studio_route("edit_campaigns")
def delete_template(template_id: str):
    template = orgs.get_scoped(RightsTemplate, g.org, template_id)
    templates.delete(template, actor=_actor(), now=utcnow())
    db.session.commit()
    flash(_("Template deleted. Requests already made keep their text."))
    return redirect(url_for("rights.list_templates"), code=303)


@bp.post("/settings")
@studio_route("edit_campaigns")
def save_settings():
    form = SettingsForm()
    form.validate()
    try:
        rights_settings.save_settings(
            g.org,
            expiry_days=form.expiry_days.data,
            grant_months=form.grant_months.data,
            scopes=list(form.scopes.data or []),
            actor=_actor(),
            now=utcnow(),
        )
    except DomainError as exc:
        db.session.rollback()
        form.show_refusal(exc, form.expiry_days)
        return _templates_page(settings_form=form, status=400)
    db.session.commit()
    flash(_("Rights settings saved."))
    return redirect(url_for("rights.list_templates"), code=303)


def state_filters() -> list[tuple[str, str]]:
    labels = dict(FILTERS)
    states = ("requested", "unconfirmed", "granted", "declined", "expired", "withdrawn")
    return [("todo", _("To post"))] + [(s, str(labels[s])) for s in states] + [("all", _("All"))]


@bp.get("/")
@studio_route("moderate")
def index():
    state = request.args.get("state", "todo")
    filters = state_filters()
    state = state if state in {value for value, _label in filters} else "todo"
    query = orgs.scoped(RightsRequest, g.org).options(
        joinedload(RightsRequest.entry).joinedload(Entry.campaign)
    )
    if state == "todo":
        query = query.where(RightsRequest.state == RightsState.TO_SEND)
    elif state != "all":
        query = query.where(rights_in(state))
    items = list(db.session.scalars(query.order_by(RightsRequest.created_at.desc()).limit(200)))
    body = render_template(
        "rights/index.html",
        items=items,
        state=state,
        filters=filters,
        reason_text=delivery.reason_text,
        rules=rules,
    )
    return body, 200, NO_STORE


def _back() -> str:
    return safe_next(request.form.get("next"), url_for("rights.index"), under="/studio/")


@bp.post("/send")
@studio_route("moderate")
def send():
    ids = [i for i in request.form.getlist("entries") if i][:PAGE_SIZE]
    entries = (
        list(db.session.scalars(orgs.scoped(Entry, g.org).where(Entry.public_id.in_(ids)))) if ids else []
    )
    if not entries:
        flash(_("Select at least one entry."), "error")
        return redirect(_back(), code=303)
    try:
        result = services.send_requests(
            entries, actor=_actor(), secret=current_app.secret_key, base_url=mail.base_url(), now=utcnow()
        )
    except DomainError as exc:
        db.session.rollback()
        flash(exc.text(), "error")
        return redirect(_back(), code=303)
    db.session.commit()
    by_api = sum(1 for r in result.made if r.delivery == "api")
    by_hand = len(result.made) - by_api
    if by_api:
        flash(
            ngettext(
                "%(num)s request is being posted through the network's API.",
                "%(num)s requests are being posted through the network's API.",
                by_api,
            )
        )
    if by_hand:
        flash(
            ngettext(
                "%(num)s request is ready to post by hand: copy it below.",
                "%(num)s requests are ready to post by hand: copy them below.",
                by_hand,
            )
        )
    for entry, reason in result.skipped:
        flash(
            _(
                "Not asked (%(entry)s): %(reason)s",
                entry=entry.social_handle or entry.public_id[:8],
                reason=reason,
            )
        )
    if by_hand:
        return redirect(url_for("rights.index"), code=303)
    return redirect(_back(), code=303)


def _request(request_id: str) -> RightsRequest:
    return orgs.get_scoped(RightsRequest, g.org, request_id)


@bp.post("/requests/<request_id>/sent")
@studio_route("moderate")
def mark_sent(request_id: str):
    services.mark_sent(_request(request_id), actor=_actor(), now=utcnow())
    db.session.commit()
    flash(_("Marked as sent. We watch for the creator's answer."))
    return redirect(_back(), code=303)


@bp.post("/requests/<request_id>/seen")
@studio_route("moderate")
def record_seen_grant(request_id: str):
    """The team saw the creator's key-hashtag reply themselves (e.g. where the API shows no replies)."""
    if not services.grant(_request(request_id), proof=Proof.MANUAL, actor=_actor(), now=utcnow()):
        raise services.RightsRefused(_("This request has been answered already."))
    db.session.commit()
    flash(_("Grant recorded as seen by the team."))
    return redirect(_back(), code=303)


@bp.post("/requests/<request_id>/withdraw")
@studio_route("takedown")
def withdraw(request_id: str):
    services.withdraw(_request(request_id), actor=_actor(), now=utcnow())
    db.session.commit()
    flash(_("Grant withdrawn: the photo is removed from every public place."))
    return redirect(_back(), code=303)


@bp.app_context_processor
def _rights_helpers() -> dict:
    """The moderation queue shows each entry's rights state (one query per page)."""

    def rights_by_entry(entries) -> dict[int, RightsRequest]:
        ids = [e.id for e in entries]
        if not ids:
            return {}
        rows = db.session.scalars(select(RightsRequest).where(RightsRequest.entry_id.in_(ids)))
        return {row.entry_id: row for row in rows}

    return {"rights_by_entry": rights_by_entry}
