"""Public JSON API v1: galleries and product reviews. No personal data beyond a nickname.

Served by the lean app of `campaign.create_public_api`, not by the main app (no session, CSRF or limiter).
"""

from datetime import date

from flask import Blueprint, Flask, abort, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from campaign.api import documents
from campaign.api.responses import COMMON_HEADERS, json_response
from campaign.campaigns.models import Product
from campaign.errors import HTTP_MESSAGES, DomainError, database_unavailable
from campaign.extensions import db
from campaign.galleries import services as galleries
from campaign.galleries.models import Gallery
from campaign.reviews import services as reviews

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _page_args() -> tuple[int, int]:
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", galleries.PER_PAGE))
    except ValueError:
        abort(400)
    if not (1 <= page <= 10_000 and 1 <= per_page <= 100):
        abort(400)
    return page, per_page


def _gallery(public_id: str) -> Gallery:
    gallery = db.session.scalar(select(Gallery).where(Gallery.public_id == public_id))
    if gallery is None:
        abort(404)
    return gallery


def _product(public_id: str) -> Product:
    product = db.session.scalar(select(Product).where(Product.public_id == public_id))
    if product is None:
        abort(404)
    return product


@bp.get("/galleries/<public_id>")
def get_gallery(public_id: str):
    """Built once per gallery version, query, language and host: `galleries.answers` keeps the answer."""
    page, per_page = _page_args()
    gallery = _gallery(public_id)
    return json_response(galleries.document(gallery, galleries.items(gallery), page=page, per_page=per_page))


@bp.get("/galleries/<public_id>/rollups")
def get_gallery_rollups(public_id: str):
    """A gallery's daily analytics rollups, for an API key of the gallery's organisation (Bearer). Never
    cached by anyone on the way."""
    from campaign.analytics import reports
    from campaign.api import keys
    from campaign.clock import utcnow
    from campaign.orgs.models import Organisation

    scheme, _sep, plain = request.headers.get("Authorization", "").partition(" ")
    api_key = keys.authenticate(plain.strip(), now=utcnow()) if scheme.lower() == "bearer" else None
    gallery = db.session.scalar(select(Gallery).where(Gallery.public_id == public_id))
    if api_key is None or gallery is None or gallery.org_id != api_key.org_id:
        db.session.rollback()
        response = _error(401, "unauthorized", "An API key of the gallery's organisation is required.")
        response.headers["WWW-Authenticate"] = 'Bearer realm="kuchikomi"'
        return response
    db.session.commit()  # last_used_at
    try:
        start = date.fromisoformat(request.args["from"])
        end = date.fromisoformat(request.args["to"])
    except (KeyError, ValueError):
        return _error(400, "bad_range", "`from` and `to` must be dates (YYYY-MM-DD).")
    if end < start or (end - start).days >= reports.MAX_DAYS:
        return _error(400, "bad_range", f"`to` must be on or after `from`, at most {reports.MAX_DAYS} days.")
    response = jsonify(
        gallery=gallery.public_id,
        time_zone=db.session.get(Organisation, gallery.org_id).timezone,  # the days are local days
        items=reports.gallery_rollups(gallery, start, end),
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers.update(COMMON_HEADERS)
    return response


@bp.get("/products/<public_id>/reviews")
def list_product_reviews(public_id: str):
    page, per_page = _page_args()
    product = _product(public_id)
    return json_response(
        documents.product_reviews(
            product, reviews.published_reviews(product=product), page=page, per_page=per_page
        )
    )


@bp.get("/products/<public_id>/jsonld")
def get_product_jsonld(public_id: str):
    product = _product(public_id)
    payload = documents.product_jsonld(product, reviews.published_reviews(product=product))
    return json_response(payload, mimetype="application/ld+json")


@bp.get("/openapi.json")
def get_openapi():
    from campaign.api.openapi import DOCUMENT

    return json_response(DOCUMENT)


@bp.get("/schemas/draw-certificate.json")
def get_draw_certificate_schema():
    """The JSON Schema of /draws/<id>.json, for anyone who re-implements the verification."""
    from campaign.draws.certificate_schema import SCHEMA

    return json_response(SCHEMA)


@bp.get("/oembed")
def get_oembed():
    from campaign.api.oembed import oembed_for

    if request.args.get("format", "json") != "json":
        abort(501)
    try:
        max_width = int(request.args["maxwidth"]) if "maxwidth" in request.args else None
    except ValueError:
        abort(400)
    if max_width is not None and max_width < 1:
        abort(400)
    return json_response(oembed_for(request.args.get("url", ""), max_width))


def _error(status: int, code: str, message: str):
    response = jsonify(error=code, message=message)
    response.status_code = status
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers.update(COMMON_HEADERS)
    return response


def api_error(error: HTTPException):
    status = error.code or 500
    return _error(status, error.name.lower().replace(" ", "_"), str(HTTP_MESSAGES.get(status, "")))


def domain_error(error: DomainError):
    return _error(error.status, error.code, error.text())


def register_errors(api: Flask) -> None:
    """The API always answers JSON, whatever the client's Accept header says: unknown paths and 500s too; the
    database down is a 503 with Retry-After, as on the main app's pages."""
    api.register_error_handler(HTTPException, api_error)
    api.register_error_handler(DomainError, domain_error)
    api.register_error_handler(OperationalError, lambda _exc: database_unavailable(_error))
