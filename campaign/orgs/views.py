from flask import Blueprint, g, redirect, request, session, url_for
from flask_login import current_user, login_required

from campaign.orgs import services
from campaign.orgs.access import SESSION_KEY

bp = Blueprint("orgs", __name__, url_prefix="/studio")


@bp.post("/org")
@login_required
def switch():
    membership = services.choose_membership(current_user, request.form.get("org"))
    if membership is not None:
        session[SESSION_KEY] = membership.organisation.public_id
    return redirect(url_for("campaigns.index"))


@bp.app_template_global("studio_can")
def studio_can(capability: str) -> bool:
    """For templates: whether the current member may do this (links to pages they would get 403 on)."""
    membership = getattr(g, "membership", None)
    return membership is not None and services.can(membership, capability)
