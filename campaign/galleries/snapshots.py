"""Published snapshots: a gallery's JSON and HTML in public storage, so a CDN serves embeds without the app.

Derivatives are content-addressed and immutable; a snapshot is the one public object rewritten in place
(fixed key, `SNAPSHOT_CACHE_CONTROL`: browsers ask again at every view, a CDN keeps it a minute at most), so
a withdrawal reaches every embed at its next view (through a CDN, within a minute or at its purge) and no
superseded snapshot still holding a withdrawn photo is left behind.
"""

import json
from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from campaign.extensions import db
from campaign.galleries import services
from campaign.galleries.models import Gallery
from campaign.reviews.public import url_context
from campaign.storage import get_storage
from campaign.storage.base import SNAPSHOTS, StorageError

# gallery.json speaks the default language; gallery.<lang>.json each offered one, for the script embed on a
# page in that language (embed.js reads the page's <html lang>, or the element's data-lang): the embed spoke
# the default language on an English page beside an English iframe (a walk-through's find).
LANGUAGE_FILES = {f"gallery.{code}.json": code for code in ("ja", "en")}
SNAPSHOT_FILES = {
    "gallery.json": "application/json",
    "gallery.html": "text/html; charset=utf-8",
    **dict.fromkeys(LANGUAGE_FILES, "application/json"),
}


def snapshot_key(gallery: Gallery, name: str) -> str:
    return f"{SNAPSHOTS}{gallery.public_id}/{name}"


def build(gallery: Gallery) -> dict[str, bytes]:
    entries = services.items(gallery)
    config = current_app.config
    with force_locale(config["BABEL_DEFAULT_LOCALE"]):
        payload = services.document(gallery, entries)
        html = render_template("galleries/fragment.html", gallery=gallery, doc=payload)
    files = {"gallery.json": services.encode(payload), "gallery.html": html.encode()}
    for name, code in LANGUAGE_FILES.items():
        if code in config["LANGUAGES"]:
            with force_locale(code):
                files[name] = services.encode(services.document(gallery, entries))
    return files


def publish(gallery: Gallery, *, now: datetime) -> None:
    """Writes both files (the caller commits the gallery's snapshot time)."""
    storage = get_storage()
    with url_context():
        files = build(gallery)
    for name, body in files.items():
        storage.put(snapshot_key(gallery, name), body, content_type=SNAPSHOT_FILES[name])
    gallery.snapshot_at = now
    gallery.snapshot_etag = services.etag_of(files["gallery.json"])


def rebuild(gallery_ids: list[int]) -> None:
    """A job: rebuild these galleries' snapshots from committed data."""
    from campaign.clock import utcnow

    for gallery_id in gallery_ids:
        gallery = db.session.get(Gallery, gallery_id)
        if gallery is not None:
            publish(gallery, now=utcnow())
    db.session.commit()


def listing(entry) -> list[Gallery]:
    """The galleries whose published snapshot lists this entry now: where the public sees it, read from
    what was published rather than worked out again (the entry's studio page: a walk-through could not
    tell where a photo was live)."""
    storage = get_storage()
    found = []
    for gallery in services.galleries_showing(entry):
        try:
            doc = json.loads(storage.get(snapshot_key(gallery, "gallery.json")))
        except (StorageError, ValueError):  # ObjectNotFound is one: a gallery never published yet
            continue
        if any(item.get("id") == entry.public_id for item in doc.get("items", [])):
            found.append(gallery)
    return found


def referenced_keys(keys: list[str]) -> set[str]:
    """For `flask storage gc`: a snapshot file is kept while its gallery exists."""
    names = {key: key[len(SNAPSHOTS) :].split("/", 1) for key in keys if key.startswith(SNAPSHOTS)}
    wanted = {parts[0] for parts in names.values() if len(parts) == 2 and parts[1] in SNAPSHOT_FILES}
    if not wanted:
        return set()
    existing = set(db.session.scalars(select(Gallery.public_id).where(Gallery.public_id.in_(wanted))))
    return {key for key, parts in names.items() if parts[0] in existing and parts[1] in SNAPSHOT_FILES}
