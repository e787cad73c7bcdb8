"""A draw's frozen list lives in private storage: a million lines (56 MB) do not belong in a database row,
where they would be rewritten, compressed and backed up with every copy of the table. The draw row keeps
the key and the list's SHA-256 digest, so a changed object is caught by `flask draws verify`. The object
is written before the draw commits and deleted again if it does not (`pending_objects`)."""

from concurrent.futures import Future

from sqlalchemy import select

from campaign import pending_objects, threads
from campaign.draws.models import Draw
from campaign.extensions import db
from campaign.storage import get_storage

CONTENT_TYPE = "text/plain; charset=utf-8"


def key_for(draw: Draw) -> str:
    return f"private/draws/{draw.public_id}/frozen-list.txt"


def store(draw: Draw, text: bytes, digest: str) -> "Future[None]":
    """Starts writing the list's UTF-8 text, to be deleted again if the draw does not commit. The write runs
    in a thread (a file's write and fsync, or an upload, release Python's lock) while the draw inserts its
    picks; the caller waits for the Future before its transaction can end. `digest` is the text's SHA-256
    (hex): an upload to S3 is signed with it, not hashed again (`Storage.put`)."""
    storage = get_storage()  # here: the thread has no app context
    key = key_for(draw)
    pending_objects.track(db.session, storage, key)
    draw.frozen_list_key = key
    sha256 = bytes.fromhex(digest)
    return threads.start(
        lambda: storage.put(key, text, content_type=CONTENT_TYPE, sha256=sha256), "frozen-list-write"
    )


def text_of(draw: Draw) -> str:
    return get_storage().get(draw.frozen_list_key).decode() if draw.frozen_list_key else ""


def lines_of(draw: Draw) -> list[str]:
    text = text_of(draw)
    return text.split("\n") if text else []


def referenced_keys(keys: list[str]) -> set[str]:
    """For `flask storage gc`: the frozen lists that draws point at."""
    wanted = [key for key in keys if key.startswith("private/draws/")]
    if not wanted:
        return set()
    return set(db.session.scalars(select(Draw.frozen_list_key).where(Draw.frozen_list_key.in_(wanted))))
