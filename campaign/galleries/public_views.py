"""Public gallery embeds: the iframe page, the server-rendered fragment, and snapshots (local storage)."""

from collections.abc import Callable

from flask import Blueprint, Response, abort, redirect, render_template, request
from sqlalchemy import select

from campaign.api.responses import PublicAnswer, public_response
from campaign.extensions import db
from campaign.galleries import services
from campaign.galleries.models import Gallery
from campaign.galleries.snapshots import SNAPSHOT_FILES, snapshot_key
from campaign.storage import get_storage
from campaign.storage.base import SNAPSHOT_CACHE_CONTROL, ObjectNotFound, is_valid_key

bp = Blueprint("gallery_embeds", __name__)
# Both pages speak the visitor's language (Accept-Language, or the switcher's cookie: Flask adds Cookie).
FRAGMENT_HEADERS = {
    "Cache-Control": SNAPSHOT_CACHE_CONTROL,
    "Access-Control-Allow-Origin": "*",
    "X-Content-Type-Options": "nosniff",
    "Vary": "Accept-Language",
}


def _gallery(public_id: str) -> Gallery:
    gallery = db.session.scalar(select(Gallery).where(Gallery.public_id == public_id))
    if gallery is None:
        abort(404)
    return gallery


def frame_ancestors(gallery: Gallery) -> str:
    """Origins were validated as scheme://host[:port] when saved; 'self' always, for the studio's live
    preview (our own pages only)."""
    return " ".join(["'self'", *gallery.allowed_origins])


def _doc(gallery: Gallery) -> dict:
    return services.document(gallery, services.items(gallery))


def _page(public_id: str, build: Callable[[Gallery], PublicAnswer]) -> Response:
    """Rendered once per gallery version, language and host (`galleries.answers` keeps the answer); 304 for
    its ETag."""
    return public_response(build(_gallery(public_id)), mimetype="text/html")


def _frame(gallery: Gallery) -> PublicAnswer:
    html = render_template("galleries/frame.html", gallery=gallery, doc=_doc(gallery))
    csp = (  # embed.js counts views and product clicks (issue 15)
        f"frame-ancestors {frame_ancestors(gallery)}; default-src 'none'; img-src * data:; "
        "style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'"
    )
    headers = {
        "Content-Security-Policy": csp,
        "Cache-Control": SNAPSHOT_CACHE_CONTROL,
        "Vary": "Accept-Language",
    }
    return PublicAnswer.of(html.encode(), headers)


def _fragment(gallery: Gallery) -> PublicAnswer:
    html = render_template("galleries/fragment.html", gallery=gallery, doc=_doc(gallery))
    return PublicAnswer.of(html.encode(), FRAGMENT_HEADERS)


@bp.get("/embed/g/<public_id>")
def show_frame(public_id: str):
    return _page(public_id, _frame)


@bp.get("/embed/g/<public_id>/fragment.html")
def show_fragment(public_id: str):
    return _page(public_id, _fragment)


@bp.get("/snapshots/g/<public_id>/<name>")
def show_snapshot(public_id: str, name: str):
    """Only for backends that do not serve public objects themselves (local, memory); S3/CDN do."""
    key = snapshot_key(Gallery(public_id=public_id), name)
    if name not in SNAPSHOT_FILES or not is_valid_key(key):  # `..`, `~`, spaces, 300 characters: no such key
        abort(404)
    storage = get_storage()
    if (url := storage.public_url(key)) is not None:
        return redirect(url, code=301)
    try:
        data = storage.get(key)
    except (ObjectNotFound, ValueError):
        abort(404)
    response = Response(data, mimetype=SNAPSHOT_FILES[name].split(";")[0])
    response.headers["Cache-Control"] = SNAPSHOT_CACHE_CONTROL
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.add_etag()
    return response.make_conditional(request)


def snapshot_url(gallery: Gallery, name: str = "gallery.json") -> str:
    from flask import url_for

    key = snapshot_key(gallery, name)
    return get_storage().public_url(key) or url_for(
        "gallery_embeds.show_snapshot", public_id=gallery.public_id, name=name, _external=True
    )
