from flask import Blueprint, redirect, request, session, url_for
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
