"""Uploads per sending address and per campaign are limited, in memory or in Redis; the 429 says how long
to wait, in ja and en, before the body is read."""

import secrets

import pytest
import redis
from sqlalchemy import func, select

from campaign.entries.models import Entry
from campaign.extensions import db
from tests import factories
from tests.entries.helpers import submit

REDIS = redis.Redis.from_url("redis://127.0.0.1:6379/0")
# Flask-Limiter keeps the first key prefix it is given for the life of the process: one for the whole run.
PREFIX = f"kuchikomi-test-{secrets.token_hex(4)}"


@pytest.fixture(params=["memory://", "redis://127.0.0.1:6379/0"])
def limiter_storage(request):
    return request.param


@pytest.fixture
def app_config(app_config, limiter_storage):
    yield {**app_config, "RATELIMIT_STORAGE_URI": limiter_storage, "RATELIMIT_KEY_PREFIX": PREFIX}
    for key in REDIS.scan_iter(f"*{PREFIX}*"):
        REDIS.delete(key)


@pytest.fixture
def live(app):
    return factories.campaign(factories.org())


def entry_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Entry))


def post_from(client, address: str, slug: str = "summer", headers=None):
    client.environ_base["REMOTE_ADDR"] = address
    return submit(client, slug, headers=headers, email=f"{secrets.token_hex(4)}@example.com")


def test_uploads_from_one_address_are_limited(client, live, app):
    app.config["UPLOAD_RATE_LIMIT"] = "3 per minute"
    codes = [post_from(client, "198.51.100.7").status_code for _ in range(4)]
    assert codes == [303, 303, 303, 429]
    assert entry_count() == 3
    another_address = post_from(client, "198.51.100.8")
    assert another_address.status_code == 303


def form_message(page: str) -> str:
    message = page[page.index('id="form-message"') :]
    return message[: message.index("</p>")]


def test_the_429_says_how_long_to_wait_in_the_customers_language(client, live, app):
    """Sent from the page without its script: the brand's page again, not Kuchikomi's error page (it had no
    brand header and no form), saying the entry was not sent and when to fill the form in again."""
    app.config["UPLOAD_RATE_LIMIT"] = "1 per minute"
    assert post_from(client, "198.51.100.7").status_code == 303
    page = post_from(client, "198.51.100.7")
    assert page.status_code == 429
    assert 0 < int(page.headers["Retry-After"]) <= 60 and page.headers["Connection"] == "close"
    assert "Summer photos</h1>" in page.text and 'id="entry-form"' in page.text
    assert (
        "Many photos have just been sent from your connection, so this entry was not sent. Please fill in "
        "the form again in" in form_message(page.text)
    )
    japanese = post_from(client, "198.51.100.7", headers={"Accept-Language": "ja"})
    assert "この応募は送信されていません" in form_message(japanese.text)
    # the wait the answer gives, in the customer's words (「1分」 or, a second later, 「59秒」: the test does
    # not stop the clock; `test_a_wait_reads_as_a_native_writes_it` holds the words to each length). The
    # limiter's Retry-After rounds down and the message up, a few microseconds apart: one second apart at most
    wait, said = int(japanese.headers["Retry-After"]), form_message(japanese.text)
    assert any(("1分後に" if n == 60 else f"{n}秒後に") in said for n in (wait, wait + 1)), (wait, said)
    as_json = post_from(client, "198.51.100.7", headers={"Accept": "application/json"})
    assert as_json.status_code == 429 and as_json.json["error"] == "too_many_uploads"
    assert as_json.json["message"].startswith(
        "Many photos have just been sent from your connection. Please try again in"
    )
    assert entry_count() == 1


def test_uploads_to_one_campaign_are_limited_across_addresses(client, live, app):
    factories.campaign(live.organisation, slug="autumn")
    app.config["CAMPAIGN_UPLOAD_RATE_LIMIT"] = "2 per minute"
    codes = [post_from(client, f"198.51.100.{n}").status_code for n in range(1, 4)]
    assert codes == [303, 303, 429]
    busy = post_from(client, "198.51.100.9")
    assert (
        "This campaign is receiving very many photos right now, so this entry was not sent"
        in form_message(busy.text)
    )
    assert post_from(client, "198.51.100.9", slug="autumn").status_code == 303


def test_counts_live_in_redis_when_it_is_configured(client, live, app, limiter_storage):
    app.config["UPLOAD_RATE_LIMIT"] = "1 per minute"
    codes = [post_from(client, "198.51.100.7").status_code for _ in range(2)]
    assert codes == [303, 429]
    counted_in_redis = bool(REDIS.keys(f"*{PREFIX}*"))
    assert counted_in_redis == limiter_storage.startswith("redis://")


def test_the_limits_and_their_storage_come_from_the_environment():
    from campaign.config import from_environment

    config = from_environment(
        {
            "KUCHIKOMI_UPLOAD_RATE_LIMIT": "5 per minute;30 per hour",
            "KUCHIKOMI_CAMPAIGN_UPLOAD_RATE_LIMIT": "300 per minute",
            "KUCHIKOMI_MIN_PHOTO_SIDE": "320",
            "KUCHIKOMI_REDIS_URL": "redis://cache:6379/0",
        }
    )
    assert config["UPLOAD_RATE_LIMIT"] == "5 per minute;30 per hour"
    assert config["CAMPAIGN_UPLOAD_RATE_LIMIT"] == "300 per minute"
    assert config["MIN_PHOTO_SIDE"] == 320
    assert config["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"


def test_a_form_sent_back_to_be_corrected_uses_up_no_upload(client, live, app):
    """A phone walk-through: no photo, then a text file named .jpg, and the third try (a typo in the
    address) met the limit instead of its error: a customer's mistakes locked them out. A form sent back
    to be corrected (422) does not count; an entry stored does, and so does an entry limit's answer."""
    app.config["UPLOAD_RATE_LIMIT"] = "2 per minute"
    client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    mistakes = [
        submit(client, email="not an address"),
        submit(client, photo=b"not a photo", email="a@example.com"),
        submit(client, nickname="長" * 41, email="a@example.com"),
    ]
    assert [m.status_code for m in mistakes] == [422, 422, 422]
    assert [post_from(client, "198.51.100.7").status_code for _ in range(3)] == [303, 303, 429]
    assert entry_count() == 2


def test_every_post_of_the_form_counts_against_the_attempt_limit(client, live, app):
    """Forms sent wrong on purpose (each read in full and checked) are not free either."""
    app.config["UPLOAD_ATTEMPT_RATE_LIMIT"] = "3 per minute"
    client.environ_base["REMOTE_ADDR"] = "198.51.100.8"
    codes = [submit(client, email="not an address").status_code for _ in range(4)]
    assert codes == [422, 422, 422, 429]


def test_a_wait_reads_as_a_native_writes_it(app):
    """Babel writes 「1 分」 with a space, which a native writer does not (a check's find)."""
    from datetime import timedelta

    from flask_babel import force_locale

    from campaign.i18n import duration

    with app.test_request_context():
        with force_locale("ja"):
            said = [duration(timedelta(seconds=n)) for n in (60, 59, 1)]
        assert said == ["1分", "59秒", "1秒"]
        with force_locale("en"):
            assert duration(timedelta(seconds=60)) == "1 minute"
