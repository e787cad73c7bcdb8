"""Studio page where an owner connects the organisation's Instagram and X accounts (tokens: credentials)."""

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.connectors import services
from campaign.connectors.forms import ConnectorForm
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.orgs.access import studio_route
from campaign.sources.holds import held_from

bp = Blueprint("connectors", __name__, url_prefix="/studio/connectors")


def _actor() -> Actor:
    return Actor.member(current_user, request.remote_addr or "")


def _form(network: str, account, formdata=None) -> ConnectorForm:
    """Prefilled with the stored id and base URL (never the token); `formdata` only for the posted one."""
    form = ConnectorForm(prefix=network, formdata=formdata)
    if formdata is None and account is not None:
        form.account_id.data = account.account_id
        if account.base_url != services.DEFAULT_BASE_URLS[network]:
            form.base_url.data = account.base_url
    return form


def _page(posted: str | None = None, posted_form: ConnectorForm | None = None, status: int = 200):
    accounts = services.accounts_of(g.org.id)
    forms = {
        network: posted_form if network == posted else _form(network, account)
        for network, account in accounts.items()
    }
    body = render_template(
        "connectors/index.html",
        accounts=accounts,
        forms=forms,
        names=services.NETWORK_NAMES,
        defaults=services.DEFAULT_BASE_URLS,
        held_from=held_from,
        now=utcnow(),
    )
    return body, status, {"Cache-Control": "private, no-store"}


@bp.get("/")
@studio_route("manage_integrations")
def index():
    return _page()


@bp.post("/<network>")
@studio_route("manage_integrations")
def save(network: str):
    network = services.checked_network(network)
    form = ConnectorForm(prefix=network)
    if not form.validate_on_submit():
        return _page(network, form, 400)
    try:
        services.configure(
            g.org.id,
            network,
            account_id=form.account_id.data,
            token=form.token.data,
            base_url=form.base_url.data or "",
            secret=current_app.secret_key,
            actor=_actor(),
            now=utcnow(),
        )
    except DomainError as exc:
        db.session.rollback()
        form.show_refusal(exc, form.account_id)
        return _page(network, form, 400)
    db.session.commit()
    flash(_("Connection saved. Test it to be sure the token works."))
    return redirect(url_for("connectors.index"), code=303)


@bp.post("/<network>/disconnect")
@studio_route("manage_integrations")
def disconnect(network: str):
    network = services.checked_network(network)
    if services.disconnect(g.org.id, network, actor=_actor(), now=utcnow()):
        db.session.commit()
        flash(_("Disconnected: the stored token is deleted. Draw checks on this network are done by hand."))
    return redirect(url_for("connectors.index"), code=303)


@bp.post("/<network>/test")
@studio_route("manage_integrations")
def check_connection(network: str):
    network = services.checked_network(network)
    try:
        username = services.check_connection(
            g.org.id, network, current_app.secret_key, actor=_actor(), now=utcnow()
        )
    except services.ConnectionFailed as exc:
        db.session.commit()  # a refused token's mark (and its mail) stays
        flash(exc.text(), "error")
    else:
        db.session.commit()
        flash(_("The connection works: the API answered for @%(username)s.", username=username))
    return redirect(url_for("connectors.index"), code=303)


@bp.app_context_processor
def _connector_helpers() -> dict:
    """Lets the draw screen say which networks the organisation has connected."""

    def connected_networks() -> list[str]:
        """Display names of the networks the current organisation has connected."""
        org = getattr(g, "org", None)
        if org is None:
            return []
        accounts = services.accounts_of(org.id)
        return [services.NETWORK_NAMES[network] for network, account in accounts.items() if account]

    return {"connected_networks": connected_networks}
