"""Serving renditions when the storage backend does not serve them itself (local, memory).

Public copies get the backend's own URL (S3, CDN) or `/media/<key>`. Private renditions (what the studio
and the customer's status page show before, and besides, publication) get an expiring URL: the backend's
presigned one, else `/media/p/<token>`, a token signed with the app's secret that names the key and when
it stops working.
"""

import posixpath
import time

from flask import Blueprint, Flask, Response, abort, current_app, redirect, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from campaign.entries.models import PRIVATE_DERIVATIVES
from campaign.storage import get_storage
from campaign.storage.base import PRIVATE_CACHE_CONTROL, PUBLIC_CACHE_CONTROL, ObjectNotFound, is_valid_key

bp = Blueprint("media", __name__)

PUBLIC_TYPES = {".jpg": "image/jpeg", ".webp": "image/webp"}
PREVIEW_SECONDS = 900  # long enough for a moderation session's lazy-loaded thumbnails
_SALT = "kuchikomi.private-rendition"


@bp.app_template_global("public_url")
def public_url(key: str) -> str:
    """Where a browser fetches a public object: the backend's own URL (S3, CDN) or our route."""
    return get_storage().public_url(key) or url_for("media.public", key=key)


def preview_token(secret: str, key: str, *, expires_at: int) -> str:
    return URLSafeSerializer(secret, salt=_SALT).dumps([key, expires_at])


def key_from_preview_token(secret: str, token: str, *, now: float) -> str | None:
    """The rendition's key while the token is genuine and unexpired, else None."""
    try:
        key, expires_at = URLSafeSerializer(secret, salt=_SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(key, str) or not isinstance(expires_at, int) or expires_at <= now:
        return None
    return key


@bp.app_template_global("private_url")
def private_url(key: str) -> str:
    """An expiring URL of a private rendition, for pages that are themselves private (studio, status)."""
    if not key.startswith(PRIVATE_DERIVATIVES):
        raise ValueError(
            f"{key!r} is not a private rendition"
        )  # originals have their own, members-only route
    storage = get_storage()
    url = storage.private_url(key, expires_in=PREVIEW_SECONDS)
    if url is not None:
        return url
    token = preview_token(current_app.secret_key, key, expires_at=int(time.time()) + PREVIEW_SECONDS)
    return url_for("media.private", token=token)


@bp.get("/media/p/<token>")
def private(token: str):
    key = key_from_preview_token(current_app.secret_key, token, now=time.time())
    content_type = PUBLIC_TYPES.get(posixpath.splitext(key or "")[1])
    if (
        key is None
        or not key.startswith(PRIVATE_DERIVATIVES)
        or content_type is None
        or not is_valid_key(key)
    ):
        abort(404)
    try:
        data = get_storage().get(key)
    except ObjectNotFound:
        abort(404)
    response = Response(data, mimetype=content_type)
    response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/media/<path:key>")
def public(key: str):
    content_type = PUBLIC_TYPES.get(posixpath.splitext(key)[1])
    if not key.startswith("public/") or content_type is None or not is_valid_key(key):
        abort(404)
    storage = get_storage()
    if (url := storage.public_url(key)) is not None:
        return redirect(url, code=301)
    try:
        data = storage.get(key)
    except ObjectNotFound:
        abort(404)
    response = Response(data, mimetype=content_type)
    response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.set_etag(posixpath.basename(key).split(".")[0])
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
