"""Customer pages: the campaign page and its form, the private status page."""

import math
import secrets
import time
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from campaign import jobs, mail, media, metrics
from campaign.campaigns.addresses import CampaignEnded, public_campaign
from campaign.campaigns.models import Campaign
from campaign.clock import utcnow
from campaign.entries import photos, rules, services, status_links
from campaign.entries.forms import EntryForm
from campaign.entries.models import Entry
from campaign.entries.publication import shown_publicly
from campaign.entries.received import after_entry_received
from campaign.errors import FORM_EXPIRED, HTTP_MESSAGES, DomainError, error_response, wants_json
from campaign.extensions import db, limiter
from campaign.i18n import duration
from campaign.storage import get_storage

bp = Blueprint("submissions", __name__)
bp.after_request(metrics.count_upload)

TOO_MANY_UPLOADS = _l("Many photos have just been sent from your connection. Please try again in %(wait)s.")
CAMPAIGN_BUSY = _l("This campaign is receiving very many photos right now. Please try again in %(wait)s.")
# The same refusals on the campaign page itself (a form sent without the page's script): its form is empty
TOO_MANY_UPLOADS_NOT_SENT = _l(
    "Many photos have just been sent from your connection, so this entry was not sent. Please fill in the "
    "form again in %(wait)s."
)
CAMPAIGN_BUSY_NOT_SENT = _l(
    "This campaign is receiving very many photos right now, so this entry was not sent. Please fill in the "
    "form again in %(wait)s."
)
FORM_TOO_LONG = _l("What you typed is longer than this form allows. Please shorten it and try again.")
NOTHING_SENT = _l(
    "The photo is larger than %(max_mb)s MB, so nothing was sent. Please choose a smaller photo and fill in "
    "the form again."
)
ENTRY_FORM_EXPIRED = _l(
    "This form had expired, so your entry was not sent. Please fill it in again and send it."
)
FORM_KEY = "entry_form_key"  # in the session: `form_key`


def _upload_limit() -> str:
    return current_app.config["UPLOAD_RATE_LIMIT"]


def _campaign_upload_limit() -> str:
    return current_app.config["CAMPAIGN_UPLOAD_RATE_LIMIT"]


def _campaign_key() -> str:
    return "campaign-upload:" + (request.view_args or {}).get("slug", "")


@bp.errorhandler(RateLimitExceeded)
def too_many_uploads(error: RateLimitExceeded):
    """The limiter answers before the body is read; the message says how long to wait (Retry-After too).
    A form sent from the campaign page without its script gets the brand's page again, its form empty (as
    for 413); anything else, the plain answer."""
    current = limiter.current_limit
    seconds = max(1, math.ceil(current.reset_at - time.time())) if current else 60
    busy = error.limit.key_func is _campaign_key
    wait = duration(timedelta(seconds=seconds))
    campaign = _sent_from_page()
    if campaign is None:
        message = str(CAMPAIGN_BUSY if busy else TOO_MANY_UPLOADS) % {"wait": wait}
        response = error_response(429, "too_many_uploads", message)
    else:
        message = str(CAMPAIGN_BUSY_NOT_SENT if busy else TOO_MANY_UPLOADS_NOT_SENT) % {"wait": wait}
        response = campaign_page_response(campaign, EntryForm(formdata=None), 429, None, message)
    response.headers["Connection"] = "close"  # the photo was never read: stop sending it (as for 413)
    return response


def _sent_from_page() -> Campaign | None:
    """The campaign whose page sent this refused form without its script (the page set the session cookie);
    None for a script, another client, or a campaign that is not public (the plain answer then)."""
    if request.endpoint != "submissions.submit" or wants_json():
        return None
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return None  # not from the page: no session is started for it
    try:
        return public_campaign(request.view_args["slug"], now=utcnow())
    except DomainError:
        return None


def form_key() -> str:
    """The entry form's key, one per browser session. A phone's Back reloads the campaign page and refills
    the photo, email and caption but not this hidden field: the page loaded again carries the same key, so
    the same person sending the same photo again finds their first entry (`repeats.submission_key` binds
    the key to the person and the photo, so another photo or person is still a new entry)."""
    key = session.get(FORM_KEY)
    if not key:
        key = session[FORM_KEY] = secrets.token_hex(16)
    return key


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    """Refused from its headers, the body never read: a photo over the limit (the campaign page again, the
    limit said by the photo) or, from a client other than the page, text or parts over the form's."""
    generic = error_response(413, "request_entity_too_large", str(HTTP_MESSAGES[413]))
    if request.endpoint != "submissions.submit":
        return generic
    length, most = request.content_length, current_app.config["MAX_CONTENT_LENGTH"]
    photo_over = length is None or (most is not None and length > most)
    limits = services.Limits.from_config(current_app.config)
    message = photos.refusal(media.MediaError("too_large"), limits) if photo_over else str(FORM_TOO_LONG)
    errors = {"photo": [message]} if photo_over else {}
    if wants_json():
        return jsonify(error="request_entity_too_large", message=message, errors=errors), 413
    campaign = _sent_from_page()
    if campaign is None:
        return generic
    if photo_over:  # nothing was read, so nothing can be refilled: the message says so
        message = str(NOTHING_SENT) % {"max_mb": limits.max_bytes // (1024 * 1024)}
    return campaign_page_response(campaign, EntryForm(formdata=None), 413, errors, message)


@bp.errorhandler(CSRFError)
def form_expired(error: CSRFError):
    """A form whose CSRF token failed (the token's hour ran out, cookies were cleared, or another site sent
    it): without the page's script, back to the brand's page, its form empty and saying the entry was not
    sent. A redirect, not the page itself: this answer writes no session, so a post from another site
    (which carries no cookie) cannot replace a signed-in member's, and nothing it sent is shown."""
    generic = error_response(400, "csrf", str(FORM_EXPIRED))
    if request.endpoint != "submissions.submit" or wants_json():
        return generic
    try:
        campaign = public_campaign(request.view_args["slug"], now=utcnow())
    except DomainError:
        return generic
    return redirect(url_for("submissions.campaign_page", slug=campaign.slug, expired=1), code=303)


def campaign_page_response(
    campaign, form: EntryForm, code: int = 200, errors: dict | None = None, message=None, *, preview=False
):
    """The campaign page; `preview` is the studio's look at it (any stage, bannered, form disabled)."""
    from campaign.brandpage import page

    g.timezone = campaign.organisation.timezone
    form.offer_products(campaign.products)
    if not form.idempotency_key.data:
        form.idempotency_key.data = form_key()
    html = render_template(
        "entries/campaign.html",
        campaign=campaign,
        form=form,
        errors=errors or {},
        message=message,
        status="live" if preview else campaign.status(utcnow()),
        preview=preview,
        form_refused=code >= 400,  # the answer to a form sent without the page's script: no photo kept
        page=page.context(campaign, str(get_locale())),
        max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
        caption_max=rules.CAPTION_MAX,
        nickname_max=rules.NICKNAME_MAX,
    )
    return current_app.make_response((html, code))


@bp.get("/c/<slug>")
def campaign_page(slug: str):
    campaign = public_campaign(slug, now=utcnow())
    message = ENTRY_FORM_EXPIRED if request.args.get("expired") == "1" else None  # see `form_expired`
    return campaign_page_response(campaign, EntryForm(), message=message)


@bp.app_errorhandler(CampaignEnded)
def campaign_ended(exc: CampaignEnded):
    """An archived campaign's address (a QR code on a package, an old post): the brand's page saying it has
    ended, with what stays public of it; a script asking for JSON gets the error as JSON, with that page's
    address (`ended_url`: the entry form's script, in a tab left open, goes there)."""
    campaign = exc.campaign
    if wants_json():
        ended_url = url_for("submissions.campaign_page", slug=campaign.slug)
        return error_response(exc.status, exc.code, exc.text(), ended_url=ended_url)
    g.timezone = campaign.organisation.timezone
    return render_template("entries/ended.html", campaign=campaign), exc.status


@bp.get("/c/<slug>/already")
def already(slug: str):
    """Where the same form sent again leads: its entry was there already (see `submit`)."""
    campaign = public_campaign(slug, now=utcnow())
    return render_template("entries/already.html", campaign=campaign)


def _attempt_limit() -> str:
    return current_app.config["UPLOAD_ATTEMPT_RATE_LIMIT"]


def _counted(response) -> bool:
    """Whether a post uses up the upload limits: not a form sent back to be corrected (422: no photo, a
    file that is no photo, a bad address), or a customer's few mistakes locked them out for a minute (a
    phone walk-through's find); everything else counts, an entry limit's answer too. Every post counts
    against UPLOAD_ATTEMPT_RATE_LIMIT, so that forms sent wrong on purpose are not free."""
    return response.status_code != 422


@bp.post("/c/<slug>/entries")
@limiter.limit(_upload_limit, deduct_when=_counted)
@limiter.limit(_campaign_upload_limit, key_func=_campaign_key, deduct_when=_counted)
@limiter.limit(_attempt_limit)
def submit(slug: str):
    now = utcnow()
    campaign = public_campaign(slug, now=now)
    form = EntryForm()
    limits = services.Limits.from_config(current_app.config)
    try:
        if not form.validate_on_submit():  # CSRF is checked before: a field refused what it got (a NUL)
            raise services.InvalidSubmission(form.errors)
        sub = form.to_submission(str(get_locale()))
        photo = form.photo_bytes()
        token = ""

        # In the entry's own transaction, so the mail and the processing are never lost; the commit then
        # expires the entry, and nothing below reads it again.
        def on_created(entry: Entry) -> None:
            nonlocal token
            token = status_links.status_token(current_app.secret_key, entry.public_id)
            jobs.after_commit(after_entry_received, entry.id, mail.link("submissions.status", token=token))

        _entry, created = services.record(
            campaign,
            sub,
            photo,
            storage=get_storage(),
            limits=limits,
            now=now,
            secret=current_app.secret_key,
            on_created=on_created,
        )
    except services.InvalidSubmission as exc:
        db.session.rollback()
        metrics.refuse_upload(exc.reason)
        if wants_json():
            return jsonify(error=exc.code, message=exc.text(), errors=exc.errors), exc.status
        return campaign_page_response(campaign, form, exc.status, exc.errors, exc.text())
    except DomainError as exc:  # over the person's limit, closed meanwhile, storage down
        db.session.rollback()
        if wants_json():  # the page's script shows the message by the form
            raise
        metrics.refuse_upload(exc.code)  # without the script: the form again, the message by its field
        errors = {exc.field: [exc.text()]} if exc.field else None
        return campaign_page_response(campaign, form, exc.status, errors, exc.text())
    # A new entry is thanked on its page. The same form sent again (Back, a retry) is told its entry was
    # there already, without its private link: on a shared phone the next person could send the same photo
    # and address.
    if created:
        status_url = url_for("submissions.status", token=token, thanks=1)
    else:
        status_url = url_for("submissions.already", slug=campaign.slug)
    if wants_json():
        return jsonify(status_url=status_url), 201 if created else 200
    return redirect(status_url, code=303)


def _entry_from_token(token: str) -> Entry:
    public_id = status_links.entry_id_from_token(current_app.secret_key, token)
    entry = db.session.scalar(select(Entry).where(Entry.public_id == public_id)) if public_id else None
    if entry is None:
        abort(404)
    g.timezone = entry.campaign.organisation.timezone
    return entry


@bp.get("/s/<token>")
def status(token: str):
    from campaign.draws.outcome import outcome_of

    entry = _entry_from_token(token)
    response = current_app.make_response(
        render_template(
            "entries/status.html",
            entry=entry,
            token=token,
            outcome=None
            if entry.erased_at
            else outcome_of(entry, secret=current_app.secret_key, now=utcnow()),
            thanks=request.args.get("thanks") == "1",
            # what the customer just did here (no cookie carries it: the status page sets none)
            done=request.args.get("done"),
            campaign_page_public=entry.campaign.page_online(utcnow()),
            shown_publicly=shown_publicly(entry),
            photo_problem=photos.photo_problem(entry),
            status_url=url_for("submissions.status", token=token, _external=True),
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the link is the key: never leak it
    return response


@bp.get("/s/<token>/withdraw")
def withdraw_confirm(token: str):
    """The confirmation step before a withdrawal (works without JavaScript); nothing changes here."""
    entry = _entry_from_token(token)
    if entry.erased_at is not None or not _can_withdraw(entry):
        return redirect(url_for("submissions.status", token=token), code=303)
    response = current_app.make_response(render_template("entries/withdraw.html", entry=entry, token=token))
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _can_withdraw(entry: Entry) -> bool:
    return entry.status != "withdrawn" or entry.withdrawn_by == "brand"


@bp.post("/s/<token>/withdraw")
def withdraw(token: str):
    entry = _entry_from_token(token)
    services.withdraw(entry, now=utcnow(), ip_address=request.remote_addr or "")
    db.session.commit()
    return redirect(url_for("submissions.status", token=token, done="withdrawn"), code=303)


@bp.get("/s/<token>/erase")
def erase_confirm(token: str):
    """The confirmation step: what erasing does, and a button; nothing changes until it is pressed."""
    entry = _entry_from_token(token)
    if entry.erased_at is not None:
        return redirect(url_for("submissions.status", token=token), code=303)
    response = current_app.make_response(render_template("entries/erase.html", entry=entry, token=token))
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.post("/s/<token>/erase")
def erase(token: str):
    from campaign.audit.services import Actor
    from campaign.privacy.erasure import erase_entry

    entry = _entry_from_token(token)
    erase_entry(entry, actor=Actor.customer(request.remote_addr or ""), now=utcnow())
    db.session.commit()
    return redirect(url_for("submissions.status", token=token, done="erased"), code=303)
