"""Serving public derivatives when the storage backend does not serve them itself (local, memory)."""

import posixpath

from flask import Blueprint, Response, abort, redirect, request, url_for

from campaign.storage import get_storage
from campaign.storage.base import PUBLIC_CACHE_CONTROL, ObjectNotFound, is_valid_key

bp = Blueprint("media", __name__)

PUBLIC_TYPES = {".jpg": "image/jpeg", ".webp": "image/webp"}


@bp.app_template_global("public_url")
def public_url(key: str) -> str:
    """Where a browser fetches a public object: the backend's own URL (S3, CDN) or our route."""
    return get_storage().public_url(key) or url_for("media.public", key=key)


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
