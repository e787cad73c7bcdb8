"""Public pages: the draw certificate (page and JSON), "check your win", and the winner's claim form."""

from collections.abc import Callable
from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from sqlalchemy import select

from campaign.auth.passwords import guess_limit
from campaign.campaigns.addresses import public_campaign
from campaign.clock import utcnow
from campaign.draws import address_shown, certificate, winners
from campaign.draws.forms import ClaimForm, NoticeCodeForm
from campaign.draws.models import Draw, PickState
from campaign.draws.services import DrawRefused
from campaign.extensions import db, limiter
from campaign.storage import get_storage
from campaign.storage.base import SNAPSHOT_CACHE_CONTROL

bp = Blueprint("draw_public", __name__)
PAGE_LIST_LIMIT = 2000  # larger frozen lists are downloaded, not read from storage for every page view


def _public_draw(draw_id: str) -> Draw:
    draw = db.session.scalar(select(Draw).where(Draw.public_id == draw_id))
    if draw is None:  # archiving the campaign keeps its certificate: winners and verifiers rely on it
        abort(404)
    g.timezone = draw.campaign.organisation.timezone
    return draw


@bp.get("/draws/<draw_id>")
def certificate_page(draw_id: str):
    draw = _public_draw(draw_id)
    cert = certificate.certificate(draw, with_list=draw.entry_count <= PAGE_LIST_LIMIT)
    return render_template("draws/certificate.html", draw=draw, cert=cert)


@bp.get("/draws/<draw_id>.json")
def certificate_json(draw_id: str):
    """Streamed, and answered with 304 while nothing changed: a CDN or a verifier polling a million-entry
    draw costs one small hash, not a 60 MB document."""
    draw = _public_draw(draw_id)
    head, etag = certificate.public_head(draw)
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(certificate.certificate_json(draw, head), mimetype="application/json")
    response.set_etag(etag)
    # a claim, a forfeit or an erased nickname changes it: asked again at each view, as the galleries are
    response.headers["Cache-Control"] = SNAPSHOT_CACHE_CONTROL
    schema = url_for("api.get_draw_certificate_schema")
    response.headers["Link"] = f'<{schema}>; rel="describedby"; type="application/schema+json"'
    return response


@bp.get("/draws/<draw_id>/frozen-list.txt")
def frozen_list(draw_id: str):
    """The frozen list as stored (entry ids and opaque tokens only): a presigned redirect on S3, else the
    bytes. It never changes after the draw."""
    draw = _public_draw(draw_id)
    storage = get_storage()
    url = storage.private_url(draw.frozen_list_key, expires_in=300)
    if url is not None:
        return redirect(url)
    response = Response(storage.get(draw.frozen_list_key), mimetype="text/plain")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# Other kinds of prize (instant win) add f(campaign_id, code) -> (prize name, sent at) | None here.
notice_finders: list[Callable[[int, str], tuple[str, datetime] | None]] = []


@bp.route("/c/<slug>/check", methods=["GET", "POST"])
@limiter.limit(guess_limit, methods=["POST"])  # codes tried from one address
def check_notice(slug: str):
    """Anyone who got a "you won" message enters its code: genuine (and for which prize) or not."""
    campaign = public_campaign(slug, now=utcnow(), archived_too=True)  # mailed notices outlive the page
    g.timezone = campaign.organisation.timezone
    form = NoticeCodeForm()
    result = None
    notice = None  # (prize name, sent at)
    if form.validate_on_submit():
        finders = [winners.notice_of, *notice_finders]
        notice = next(filter(None, (find(campaign.id, form.code.data) for find in finders)), None)
        result = "genuine" if notice is not None else "unknown"
    return render_template("draws/check.html", campaign=campaign, form=form, result=result, notice=notice)


def _claim_pick(token: str):
    pick = winners.pick_from_claim_token(current_app.secret_key, token)
    if pick is None:
        abort(404)
    g.timezone = pick.draw.campaign.organisation.timezone
    return pick


@bp.route("/claim/<token>", methods=["GET", "POST"])
def claim(token: str):
    pick = _claim_pick(token)
    form = ClaimForm()
    now = utcnow()
    open_ = pick.state is PickState.NOTIFIED and pick.claim_deadline is not None and now < pick.claim_deadline
    # An address sent after one was saved (a second tab, the Back button) is not saved: say so.
    not_saved = request.method == "POST" and pick.state in (PickState.CLAIMED, PickState.SHIPPED)
    if open_ and form.validate_on_submit():
        try:
            winners.claim(
                pick,
                {name: form[name].data.strip() for name in winners.ADDRESS_FIELDS},
                secret=current_app.secret_key,
                ip_address=request.remote_addr or "",
                now=now,
            )
        except DrawRefused:  # the other tab's address was saved while this one was on its way
            db.session.rollback()
            open_, not_saved = False, pick.state in (PickState.CLAIMED, PickState.SHIPPED)
        else:
            db.session.commit()
            return redirect(url_for("draw_public.claim", token=token), code=303)
    response = current_app.make_response(
        (
            render_template(
                "draws/claim.html",
                pick=pick,
                form=form,
                fields=form.ordered(str(get_locale())),
                open=open_,
                not_saved=not_saved,
                sent=address_shown.masked(winners.address_of(pick, current_app.secret_key)),
            ),
            409 if not_saved else 422 if form.errors else 200,
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.app_context_processor
def _draw_helpers() -> dict:
    """Lets the campaign page (entries' template) show the commitment and the published draw."""

    def draw_facts(campaign):
        """The seed commitment, the draw once made, and the prizes it could not fill (fewer people took part
        than there were winners to draw: the page's prize line still shows what was offered)."""
        from campaign.draws.services import draw_of, plan_of, shortfalls

        draw = draw_of(campaign)
        return {"plan": plan_of(campaign), "draw": draw, "shortfalls": shortfalls(draw) if draw else []}

    def premium_findings(campaign):
        from campaign.campaigns.settings import premium_findings as findings

        return findings(campaign)

    from campaign.draws.outcome import prize_shipped

    return {
        "draw_facts": draw_facts,
        "draw_prize_shipped": prize_shipped,
        "premium_findings": premium_findings,
        "claim_fields": lambda form: form.ordered(str(get_locale())),
    }
