"""A NUL character never reaches the database: PostgreSQL refused it with a 500 (psycopg's DataError), from
a path, a form field or any other input. Now a path with one is not found, a field with one says so, and
anything else is refused with a 400; nothing is saved and nothing is logged as an error."""

import logging

import pytest
from sqlalchemy import func, select

from campaign.api.models import ApiKey
from campaign.entries.models import Entry
from campaign.extensions import db
from tests import factories
from tests.conftest import Studio, csrf_from
from tests.entries.helpers import submit

PATHS = [
    "/c/spring%00photo",
    "/c/spring%00photo/entries",
    "/r/%00abc",
    "/embed/g/a%00/fragment.html",
    "/embed/g/a%00",
    "/api/v1/galleries/a%00",
    "/s/a%00b",
    "/media/a%00b.jpg",
    "/static/a%00.css",
]


@pytest.fixture
def no_errors_logged(caplog):
    caplog.set_level(logging.WARNING)
    yield
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.fixture
def owner(app):
    org = factories.org()
    factories.member(org, "owner@example.com")
    studio = Studio(app.test_client())
    studio.login("owner@example.com", factories.PASSWORD)
    return org, studio


@pytest.mark.parametrize("path", PATHS)
def test_a_path_with_a_nul_is_not_found(client, path, no_errors_logged):
    assert client.get(path).status_code == 404


def test_a_studio_path_with_a_nul_is_not_found(owner, no_errors_logged):
    _org, studio = owner
    for path in ("/studio/entries/a%00b", "/studio/campaigns/a%00b", "/studio/galleries/a%00b"):
        assert studio.client.get(path).status_code == 404, path


def test_an_entry_whose_email_has_a_nul_is_refused_by_the_field(app, client, no_errors_logged):
    factories.campaign(factories.org(), slug="summer")
    db.session.commit()
    refused = submit(client, "summer", email="a\x00@example.jp", headers={"Accept-Language": "ja"})
    assert refused.status_code == 422
    assert "「メールアドレス」に保存できない文字（NUL文字）が含まれています。" in refused.text
    assert db.session.scalar(select(func.count(Entry.id))) == 0
    assert submit(client, "summer", email="a@example.jp").status_code == 303  # the corrected form goes


def test_a_login_email_with_a_nul_is_refused_by_the_field(client, no_errors_logged):
    page = client.get("/login").text
    refused = client.post(
        "/login?lang=en", data={"email": "a\x00@example.jp", "password": "x", "csrf_token": csrf_from(page)}
    )
    assert refused.status_code == 400
    assert "“Email address” contains a character that cannot be saved (a NUL character)." in refused.text


def test_a_win_code_with_a_nul_is_refused_by_the_field(client, no_errors_logged):
    factories.campaign(factories.org(), slug="summer")
    db.session.commit()
    page = client.get("/c/summer/check").text
    refused = client.post("/c/summer/check", data={"code": "AB\x00CD", "csrf_token": csrf_from(page)})
    assert refused.status_code == 200  # the page, its form again (as for any code not found)
    assert "“Code from the message” contains a character that cannot be saved" in refused.text


def test_a_studio_form_row_with_a_nul_is_refused_by_its_field(owner, no_errors_logged):
    """The campaign form's product rows are forms of their own (RowForm): the same refusal."""
    from tests.campaigns.test_setup import FORM

    _org, studio = owner
    refused = studio.post(
        "/studio/campaigns/new",
        {**FORM, "products-0-name": "Green\x00tea"},
        form_page="/studio/campaigns/new",
    )
    assert refused.status_code == 400
    assert "“Product name” contains a character that cannot be saved" in refused.text


def test_input_read_without_a_form_is_refused_with_a_400(app, owner, client, no_errors_logged):
    """Values a view reads itself (no form field to put the message by): refused before the query."""
    _org, studio = owner
    oembed = client.get(
        "/api/v1/oembed?url=http://localhost/embed/g/a%00", headers={"Accept": "application/json"}
    )
    assert oembed.status_code == 400 and oembed.json["error"] == "nul_character"
    refused = studio.post("/studio/api-keys?lang=ja", {"name": "CRM\x00"}, form_page="/studio/api-keys")
    assert refused.status_code == 400
    assert "保存できない文字（NUL文字）が含まれていたため、何も保存していません。" in refused.text
    assert db.session.scalar(select(func.count(ApiKey.id))) == 0
