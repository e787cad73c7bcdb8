"""Bad input from the networks: each gives the source a specific error, changes nothing else, and the next
poll goes on."""

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from campaign.clock import utcnow
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.sources.poll import poll_source
from campaign.sources.services import message
from campaign.storage import get_storage


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Entry))


def stored() -> list[str]:
    return [obj.key for obj in get_storage().iter_objects("private/")]


def bomb() -> bytes:
    """100 million pixels in a few kilobytes: refused from its header, never decoded."""
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("body", "content_type", "code"),
    [
        (
            b"<!doctype html><html><body>Log in to see this photo</body></html>",
            "text/html",
            "media_not_an_image",
        ),
        (bomb(), "image/png", "media_too_many_pixels"),
        (b"\xff\xd8\xff\xe0" + bytes(30 * 1024 * 1024), "image/jpeg", "media_too_large"),
    ],
    ids=["html", "bomb", "30MB"],
)
def test_refused_media_leave_no_entry_and_no_object(brand, body, content_type, code):
    bad = brand.ig_post("1")
    bad["media_url"] = brand.photo_url("bad", body, content_type)
    brand.hashtag_posts(bad)
    source = brand.source("instagram_hashtag", "greentea")
    assert poll_source(source.id) == "polled"
    db.session.refresh(source)
    assert source.error_code == code and source.skipped == {code: 1} and source.retry == []
    assert count() == 0 and stored() == []
    assert message(code) != code  # a sentence, not a code
    brand.hashtag_posts(brand.ig_post("2"))  # the next poll goes on, past the refused post
    poll_source(source.id, now=utcnow() + timedelta(minutes=5))
    db.session.refresh(source)
    assert count() == 1 and source.error_code == "" and source.skipped == {code: 1}


@pytest.mark.parametrize("kind", ["json", "html"])
def test_a_malformed_api_page_changes_nothing_and_the_next_poll_continues(brand, kind):
    brand.hashtag_posts(brand.ig_post("1"))
    source = brand.source("instagram_hashtag", "greentea")
    brand.state.malformed = "recent_media" if kind == "json" else "html:recent_media"
    assert poll_source(source.id) == "failed"
    db.session.refresh(source)
    assert source.error_code == "malformed" and source.cursor == {} and count() == 0
    brand.state.malformed = ""
    assert poll_source(source.id, now=utcnow() + timedelta(minutes=5)) == "polled"
    db.session.refresh(source)
    assert count() == 1 and source.error_code == ""


def test_a_long_caption_with_control_characters_is_cleaned_and_shortened(brand):
    brand.hashtag_posts(brand.ig_post("1", caption="#greentea\x00\x07 \u202e" + "お" * 10_000))
    source = brand.source("instagram_hashtag", "greentea")
    poll_source(source.id)
    entry = db.session.scalar(select(Entry))
    assert len(entry.caption) == 2200 and entry.caption.startswith("#greentea お")
    db.session.refresh(source)
    assert source.error_code == "caption_shortened" and source.collected == 1


def test_a_failed_download_is_tried_again_on_the_next_poll(brand):
    post = brand.ig_post("1")
    post["media_url"] = f"{brand.apis.url}/media/not-there-yet.jpg"  # the CDN answers 404 for now
    brand.hashtag_posts(post)
    source = brand.source("instagram_hashtag", "greentea")
    poll_source(source.id)
    db.session.refresh(source)
    assert count() == 0 and source.error_code == "media_download_failed" and len(source.retry) == 1
    assert stored() == []
    brand.photo_url("not-there-yet.jpg")
    poll_source(
        source.id, now=utcnow() + timedelta(minutes=5)
    )  # the cursor is past it: the retry list has it
    db.session.refresh(source)
    assert count() == 1 and source.retry == [] and source.error_code == ""


def test_an_expired_token_is_said_and_nothing_changes(brand):
    brand.state.ig_access_token = "rotated"  # noqa: S105
    brand.hashtag_posts(brand.ig_post("1"))
    source = brand.source("instagram_hashtag", "greentea")
    assert poll_source(source.id) == "failed"
    db.session.refresh(source)
    assert source.error_code == "unauthorised" and count() == 0 and "expired" in source.error_detail
