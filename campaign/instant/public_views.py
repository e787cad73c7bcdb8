"""Public pages of instant win: the certificate after the close (page and JSON) and the winner's address,
given from their private status page."""

from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from campaign.campaigns.addresses import public_campaign
from campaign.clock import utcnow
from campaign.draws import address_shown, winners
from campaign.draws.forms import ClaimForm
from campaign.extensions import db
from campaign.instant import fulfilment, services

bp = Blueprint("instant_public", __name__)


def _instant_certificate(slug: str) -> tuple:
    now = utcnow()
    campaign = public_campaign(slug, now=now, archived_too=True)
    cert = services.certificate(campaign, secret=current_app.secret_key, now=now)
    if cert is None:  # not instant-win, or still open: the seed stays secret
        abort(404)
    g.timezone = campaign.organisation.timezone
    return campaign, cert


@bp.get("/c/<slug>/instant-win")
def certificate_page(slug: str):
    campaign, cert = _instant_certificate(slug)
    return render_template("instant/certificate.html", campaign=campaign, cert=cert)


@bp.get("/c/<slug>/instant-win.json")
def certificate_json(slug: str):
    return jsonify(_instant_certificate(slug)[1])


@bp.post("/s/<token>/prize")
def claim(token: str):
    """An approved instant winner gives the postal address from their private status page."""
    from campaign.entries import status_links
    from campaign.entries.models import Entry

    public_id = status_links.entry_id_from_token(current_app.secret_key, token)
    entry = db.session.scalar(select(Entry).where(Entry.public_id == public_id)) if public_id else None
    if entry is None:
        abort(404)
    form = ClaimForm()
    result = services.play_of(entry)
    if form.validate_on_submit():
        services.give_address(
            result,
            {name: form[name].data.strip() for name in winners.ADDRESS_FIELDS},
            secret=current_app.secret_key,
            ip_address=request.remote_addr or "",
            now=utcnow(),
        )
        db.session.commit()
        return redirect(url_for("submissions.status", token=token), code=303)
    g.timezone = entry.campaign.organisation.timezone
    page = render_template(
        "entries/status.html",
        entry=entry,
        token=token,
        thanks=False,
        status_url=url_for("submissions.status", token=token, _external=True),
        claim_form=form,
    )
    response = current_app.make_response((page, 422))
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.app_context_processor
def _instant_helpers() -> dict:
    """Lets the customer's status page (entries' template) show the result and the address form."""
    return {
        "instant_result": services.play_of,
        "instant_can_claim": lambda play: services.can_give_address(play, utcnow()),
        "instant_state": lambda play: fulfilment.state(play, utcnow()),
        "instant_claim_form": lambda: ClaimForm(formdata=None),
        "instant_address_sent": lambda play: address_shown.masked(
            winners.address_of(play, current_app.secret_key)
        ),
    }
