"""The private export API (Bearer API key, one organisation's data) and the studio page for keys."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign import nonces
from campaign.api import keys
from campaign.api.documents import review_item
from campaign.api.models import ApiKey
from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.draws import sealing
from campaign.entries.models import Entry
from campaign.extensions import csrf, db
from campaign.orgs import services as orgs
from campaign.orgs.access import studio_route
from campaign.reviews.public import public_caption, url_context
from campaign.reviews.services import published_reviews

bp = Blueprint("export_api", __name__)
PAGE = 500
_NEW_KEY = "new-api-key"


def _authenticated_org_id() -> int:
    header = request.headers.get("Authorization", "")
    scheme, _sep, plain = header.partition(" ")
    api_key = keys.authenticate(plain.strip(), now=utcnow()) if scheme.lower() == "bearer" else None
    if api_key is None:
        response = jsonify(error="unauthorized", message="A valid API key is required.")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="kuchikomi"'
        abort(response)
    db.session.commit()  # last_used_at
    return api_key.org_id


MAX_CURSOR = 2**31 - 1  # entry ids are INTEGER columns: a larger cursor would fail in the database


def _cursor(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_CURSOR:
        response = jsonify(error="bad_cursor", message="`after` must be a next_after value from a page.")
        response.status_code = 400
        abort(response)
    return int(raw)


def _private(payload: dict):
    response = jsonify(payload)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/api/private/v1/entries")
@csrf.exempt
def export_entries():
    org_id = _authenticated_org_id()
    after = _cursor(request.args.get("after", "0"))
    rows = db.session.scalars(
        select(Entry)
        .where(Entry.org_id == org_id, Entry.id > after)
        .options(selectinload(Entry.consent), selectinload(Entry.campaign))
        .order_by(Entry.id)
        .limit(PAGE)
    ).all()
    items = [
        {
            "id": entry.public_id,
            "campaign": entry.campaign.public_id,
            "status": entry.status.value,
            "rating": entry.rating,
            "nickname": entry.nickname,
            "public_caption": public_caption(entry),
            "consent_scopes": list(entry.consent.scopes) if entry.consent else [],
            "created_at": entry.created_at.isoformat(),
        }
        for entry in rows
    ]
    cursor = rows[-1].id if len(rows) == PAGE else None
    return _private({"items": items, "next_after": cursor})


@bp.get("/api/private/v1/reviews")
@csrf.exempt
def export_reviews():
    org_id = _authenticated_org_id()
    with url_context():
        items = [review_item(review) for review in published_reviews(org_id=org_id)]
    return _private({"items": items})


@bp.route("/studio/api-keys", methods=["GET", "POST"])
@studio_route("manage_integrations")
def manage_keys():
    """POST, then redirect: a refresh never sends the form again. A new key travels to the next page in
    the session cookie, sealed, and is taken out of it there, so it is shown exactly once."""
    if request.method == "POST":
        actor, now = Actor.member(current_user, request.remote_addr or ""), utcnow()
        if revoke := request.form.get("revoke"):
            keys.revoke_key(orgs.get_scoped(ApiKey, g.org, revoke), actor=actor, now=now)
            flash(_("API key revoked."))
        else:
            nonces.consume(request.form.get(nonces.FIELD, ""), "api_key", now=now)
            _row, plain = keys.create_key(g.org.id, request.form.get("name", ""), actor=actor, now=now)
            session[_NEW_KEY] = sealing.seal(current_app.secret_key, _NEW_KEY, plain.encode())
        db.session.commit()
        return redirect(url_for("export_api.manage_keys"), code=303)
    api_keys = db.session.scalars(orgs.scoped(ApiKey, g.org).order_by(ApiKey.id)).all()
    sealed = session.pop(_NEW_KEY, None)
    created = sealing.unseal(current_app.secret_key, _NEW_KEY, sealed).decode() if sealed else None
    response = render_template("api/keys.html", api_keys=api_keys, created=created)
    return response, 200, {"Cache-Control": "private, no-store"}
