"""The rights page: public, no login, reached by the tokenized link in our request. It says exactly what is
granted (which uses, under which terms version, for how long) and takes an answer; the same link withdraws a
grant later. The link sits in a public comment, so whoever uses it is audited as "someone with the rights
link": their yes publishes nothing until the creator confirms it (`rights.proof`); their no holds."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.extensions import db
from campaign.rights import proof as rules
from campaign.rights import services
from campaign.rights.models import Proof, RightsRequest, RightsState

bp = Blueprint("rights_public", __name__)
NO_STORE = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"}


def _request(token: str) -> RightsRequest:
    found = services.request_from_token(current_app.secret_key, token)
    if found is None:
        abort(404)
    return found


@bp.get("/rights/<token>")
def show(token: str):
    rights = _request(token)
    until = rights.grant_until or services.months_after(utcnow(), rights.grant_months)
    body = render_template(
        "rights/page.html",
        rights=rights,
        entry=rights.entry,
        campaign=rights.entry.campaign,
        token=token,
        until=until,
        S=RightsState,
        Proof=Proof,
        rules=rules,
    )
    return body, 200, NO_STORE


def _actor() -> Actor:
    return Actor.rights_link(request.remote_addr or "")


@bp.post("/rights/<token>/grant")
def grant(token: str):
    if services.grant(_request(token), proof=Proof.UNVERIFIED, actor=_actor(), now=utcnow()):
        db.session.commit()
        flash(_("Thank you! One more step below: your reply from your account."))
    else:
        flash(_("Your answer was already recorded. Thank you!"))
    return redirect(url_for("rights_public.show", token=token), code=303)


@bp.post("/rights/<token>/decline")
def decline(token: str):
    services.decline(_request(token), actor=_actor(), now=utcnow())
    db.session.commit()
    flash(_("Understood: your photo will not be used. Thank you for answering."))
    return redirect(url_for("rights_public.show", token=token), code=303)


@bp.post("/rights/<token>/withdraw")
def withdraw(token: str):
    services.withdraw(_request(token), actor=_actor(), now=utcnow())
    db.session.commit()
    flash(_("Your permission is withdrawn: the photo is removed from the brand's pages."))
    return redirect(url_for("rights_public.show", token=token), code=303)
