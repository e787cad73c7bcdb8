"""Studio privacy page (owners): retention days, and requests by email or account (export, erasure)."""

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.orgs import services as orgs
from campaign.orgs.access import studio_route
from campaign.privacy import requests
from campaign.privacy.forms import RequestForm, RetentionForm
from campaign.storage import get_storage

bp = Blueprint("privacy", __name__, url_prefix="/studio")


def _actor() -> Actor:
    return Actor.member(current_user, request.remote_addr or "")


def _page(
    retention: RetentionForm | None = None,
    ask: RequestForm | None = None,
    code: int = 200,
    *,
    about_person: bool = False,
    events=None,
    history: bool = True,
):
    """The page; `about_person`: its history lists `events`, the requests about the person in `ask`;
    without `history` it has none (a refused lookup: its error, not a list, is what the owner must read)."""
    retention = retention or RetentionForm(retention_days=g.org.retention_days)
    if events is None and history:
        events = requests.history(g.org, secret=current_app.secret_key)
    return render_template(
        "privacy/index.html",
        retention=retention,
        ask=ask or RequestForm(),
        events=events,
        history=history,
        about_person=about_person,
        limit=requests.HISTORY_LIMIT,
    ), code


@bp.get("/privacy")
@studio_route("privacy")
def index():
    return _page()


@bp.post("/privacy/retention")
@studio_route("privacy")
def save_retention():
    form = RetentionForm()
    if not form.validate():
        return _page(retention=form, code=400)
    orgs.set_retention_days(g.org, form.retention_days.data, actor=_actor(), now=utcnow())
    db.session.commit()
    flash(_("Retention saved."))
    return redirect(url_for("privacy.index"), code=303)


def _asked(*, confirm: bool = False, looking: bool = False):
    """(the form, the person it names, None), or (the form, None, the page saying what is wrong). A refused
    lookup (`looking`) shows no history: the whole list under the error would read as this person's."""
    form = RequestForm()
    valid = form.validate()
    if valid and confirm and not form.confirm.data:
        form.confirm.errors = [_("Confirm that you checked who asks before erasing.")]
        valid = False
    if not valid:
        return form, None, _page(ask=form, code=400, history=not looking)
    try:
        return form, requests.requester(form.email.data, form.kind.data), None
    except DomainError as exc:
        form.email.errors = [exc.text()]
        return form, None, _page(ask=form, code=exc.status, history=not looking)


@bp.post("/privacy/history")
@studio_route("privacy")
def person_history():
    """The requests about the person typed in the form (a POST: the address stays out of URLs and logs)."""
    form, who, refused = _asked(looking=True)
    if who is None:
        return refused
    events = requests.history(g.org, secret=current_app.secret_key, who=who)
    return _page(ask=form, about_person=True, events=events)


@bp.post("/privacy/export")
@studio_route("privacy")
def export():
    _form, who, refused = _asked()
    if who is None:
        return refused
    data = requests.export(
        g.org, who, actor=_actor(), secret=current_app.secret_key, storage=get_storage(), now=utcnow()
    )
    db.session.commit()
    if data is None:
        flash(
            _(
                "Nothing to export: this organisation's campaigns hold no personal data from this address "
                "or account. Check how it is written; if it is right, you can tell the requester that "
                "nothing is held."
            ),
            "error",
        )
        return redirect(url_for("privacy.index"), code=303)
    response = current_app.response_class(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = 'attachment; filename="personal-data.zip"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/privacy/erase")
@studio_route("privacy")
def erase():
    _form, who, refused = _asked(confirm=True)
    if who is None:
        return refused
    count = requests.erase(g.org, who, actor=_actor(), secret=current_app.secret_key, now=utcnow())
    db.session.commit()
    if count:
        flash(ngettext("%(num)d entry erased.", "%(num)d entries erased.", count))
    else:  # "0 entries erased" read as done: a typo in the address erased nothing
        flash(
            _(
                "Nothing was erased: no entry from this address or account holds personal data. "
                "Check how it is written."
            ),
            "error",
        )
    return redirect(url_for("privacy.index"), code=303)
