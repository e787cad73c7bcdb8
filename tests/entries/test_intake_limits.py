"""Limits on what one upload may hold: each refusal names the field and the limit, in ja and en."""

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from campaign.entries.models import Entry, Processing
from campaign.extensions import db
from campaign.storage import get_storage
from tests import factories
from tests.conftest import csrf_from
from tests.entries.helpers import submit
from tests.media.samples import encode, photo, shortened_vp8


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


# Proportions


@pytest.mark.parametrize("size", [(1700, 200), (200, 1700)])
def test_a_photo_longer_than_eight_times_its_width_is_refused_with_its_size(client, live, size):
    """A 60000 × 300 strip was accepted: no product shows in it, and galleries squeezed it to a line."""
    response = submit(client, photo=png(*size), filename="photo.png", headers={"Accept-Language": "ja"})
    assert response.status_code == 422
    assert f"写真が細長すぎます（{size[0]} × {size[1]} ピクセル）" in response.text
    assert "長い辺が短い辺の8倍以内" in response.text
    assert entry_count() == 0 and list(get_storage().iter_objects("")) == []


def test_a_panorama_within_the_bound_is_accepted_and_the_bound_can_be_lifted(client, live, app):
    def send(width: int, email: str):
        return submit(client, photo=png(width, 200), filename="photo.png", email=email)

    assert send(1600, "a@example.com").status_code == 303
    response = send(2000, "b@example.com")
    assert response.status_code == 422
    assert "The photo is too long and narrow (2000 × 200 pixels)" in response.text
    assert "longer side is at most 8 times its shorter side" in response.text
    app.config["MAX_PHOTO_ASPECT"] = 0  # any proportions
    assert send(2000, "b@example.com").status_code == 303


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


# Damage only the full decode finds


def test_a_photo_damaged_inside_an_intact_container_fails_in_processing_and_the_customer_is_told(
    client, live
):
    data = shortened_vp8(encode(photo(3, (320, 240)), "WEBP", quality=80))
    response = submit(client, photo=data, filename="photo.webp")
    assert response.status_code == 303  # accepted: the web process decodes no pixel
    entry = db.session.scalar(select(Entry))
    assert (entry.processing, entry.processing_error) == (Processing.FAILED, "truncated")
    page = client.get(response.headers["Location"])
    assert "We could not read your photo: the file is incomplete or damaged." in page.text
    assert "first withdraw this entry" in page.text
    japanese = client.get(response.headers["Location"], headers={"Accept-Language": "ja"})
    assert "いったん取り下げてから" in japanese.text


def test_a_photo_over_a_processing_bound_is_explained_and_a_withdrawn_entry_is_not(client, live, app):
    app.config["MEDIA_TIME_LIMIT"] = 0.001
    response = submit(client, photo=factories.photo(1600, 1200))
    status_url = response.headers["Location"]
    assert "Your photo was too large or too complex for us to process." in client.get(status_url).text
    token = status_url.split("/s/", 1)[1].split("?", 1)[0]
    page = client.get(f"/s/{token}")
    client.post(f"/s/{token}/withdraw", data={"csrf_token": csrf_from(page.text)})
    assert "too complex" not in client.get(f"/s/{token}").text
