"""Limits on what one upload may hold: each refusal names the field and the limit, in ja and en."""

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.storage import get_storage
from tests import factories
from tests.entries.helpers import submit


@pytest.fixture
def live(app):
    return factories.campaign(factories.org())


def entry_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Entry))


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 60)).save(out, "PNG")
    return out.getvalue()


# Minimum size


@pytest.mark.parametrize("size", [(1, 1), (199, 1200), (1200, 199)])
def test_a_photo_with_a_side_under_the_minimum_is_refused(client, live, size):
    response = submit(client, photo=png(*size), filename="photo.png")
    assert response.status_code == 422
    assert f"The photo is too small ({size[0]} × {size[1]} pixels)" in response.text
    assert "shorter side is at least 200 pixels" in response.text
    assert entry_count() == 0 and list(get_storage().iter_objects("")) == []


def test_the_minimum_is_configurable_and_said_in_japanese(client, live, app):
    app.config["MIN_PHOTO_SIDE"] = 400
    response = submit(client, photo=png(300, 600), filename="photo.png", headers={"Accept-Language": "ja"})
    assert response.status_code == 422
    assert "写真が小さすぎます（300 × 600 ピクセル）" in response.text
    app.config["MIN_PHOTO_SIDE"] = 300
    assert submit(client, photo=png(300, 600), filename="photo.png").status_code == 303


# Column lengths


@pytest.fixture
def follow_and_post(app):
    return factories.campaign(
        factories.org(), allows_follow_and_post=True, brand_handle="brand", hashtags=["tea"]
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("social_handle", "h" * 300, "The account name can be at most 100 characters."),
        (
            "post_url",
            "https://www.instagram.com/p/" + "a" * 500,
            "The link to your post can be at most 500 characters.",
        ),
        ("email", "a" * 250 + "@example.com", "The email address can be at most 254 characters."),
    ],
)
def test_text_longer_than_its_column_gets_a_message_not_a_server_error(
    client, follow_and_post, field, value, message
):
    fields = {"social_handle": "sakura", "post_url": "https://www.instagram.com/p/ABC123/", field: value}
    response = submit(client, headers={"Accept": "application/json"}, **fields)
    assert response.status_code == 422  # on PostgreSQL too: VARCHAR(n) never sees the long text
    assert response.json["errors"] == {field: [message]}
    assert entry_count() == 0
    page = submit(client, headers={"Accept-Language": "ja"}, **fields)
    assert page.status_code == 422 and "文字以内" in page.text


def test_a_handle_that_fits_its_column_is_stored(client, follow_and_post):
    response = submit(client, social_handle="h" * 100, post_url="https://www.instagram.com/p/ABC123/")
    assert response.status_code == 303
    assert db.session.scalar(select(Entry.social_handle)) == "h" * 100
