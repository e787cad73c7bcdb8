"""Studio pages for webhook endpoints and their delivery log; `flask webhooks deliver` retries."""

import click
from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_login import current_user

from campaign import nonces
from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.orgs import services as orgs
from campaign.orgs.access import studio_route
from campaign.webhooks import services
from campaign.webhooks.models import EVENTS, WebhookDelivery, WebhookEndpoint

bp = Blueprint("webhooks", __name__, url_prefix="/studio/webhooks")
webhooks_cli = AppGroup("webhooks", help="Webhook deliveries.")


def _actor() -> Actor:
    return Actor.member(current_user, request.remote_addr or "")


@bp.get("/")
@studio_route("manage_integrations")
def index():
    return _page()


def _page(refused: str = "", url: str = "", chosen: list[str] | None = None, status: int = 200):
    """The page; after a refused address, with the address and events as sent and the reason by the field."""
    endpoints = db.session.scalars(orgs.scoped(WebhookEndpoint, g.org).order_by(WebhookEndpoint.id)).all()
    deliveries = db.session.scalars(
        orgs.scoped(WebhookDelivery, g.org).order_by(WebhookDelivery.id.desc()).limit(100)
    ).all()
    body = render_template(
        "webhooks/index.html",
        endpoints=endpoints,
        deliveries=deliveries,
        events=EVENTS,
        refused=refused,
        url=url,
        chosen=EVENTS if chosen is None else chosen,
    )
    return body, status


@bp.post("/")
@studio_route("manage_integrations")
def create():
    now = utcnow()
    nonces.consume(request.form.get(nonces.FIELD, ""), "webhook", now=now)
    try:
        services.create_endpoint(
            g.org.id,
            request.form.get("url", ""),
            request.form.getlist("events"),
            actor=_actor(),
            now=now,
            allow_private=current_app.config["OUTBOUND_ALLOW_PRIVATE"],
        )
    except DomainError as exc:  # said by the field, the address kept (it was cleared, the reason a flash)
        db.session.rollback()
        return _page(exc.text(), request.form.get("url", ""), request.form.getlist("events"), 400)
    db.session.commit()
    flash(_("Webhook endpoint added."))
    return redirect(url_for("webhooks.index"))


def _endpoint(endpoint_id: str) -> WebhookEndpoint:
    return orgs.get_scoped(WebhookEndpoint, g.org, endpoint_id)


@bp.post("/<endpoint_id>/active")
@studio_route("manage_integrations")
def set_active(endpoint_id: str):
    active = request.form.get("active") == "1"
    services.set_active(_endpoint(endpoint_id), active, actor=_actor(), now=utcnow())
    db.session.commit()
    flash(
        _("Webhook endpoint switched on.")
        if active
        else _("Webhook endpoint switched off: nothing more is sent to it.")
    )
    return redirect(url_for("webhooks.index"), code=303)


@bp.post("/<endpoint_id>/delete")
@studio_route("manage_integrations")
def delete(endpoint_id: str):
    services.delete_endpoint(_endpoint(endpoint_id), actor=_actor(), now=utcnow())
    db.session.commit()
    flash(_("Webhook endpoint deleted, with its delivery log."))
    return redirect(url_for("webhooks.index"), code=303)


@webhooks_cli.command("deliver")
def deliver() -> None:
    """Retries the deliveries whose back-off has passed (the scheduler's tick does it every minute)."""
    click.echo(f"{services.deliver_due(now=utcnow())} deliveries attempted")
