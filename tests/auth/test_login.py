"""Marketers log in with one generic failure message, a fresh session, and throttled retries."""

from sqlalchemy import select

from campaign.auth.models import User
from campaign.extensions import db
from campaign.orgs.models import Role
from tests import factories
from tests.conftest import csrf_from


def test_login_rotates_the_session_and_lands_in_the_studio(client, studio, app):
    factories.member(factories.org(), "m@example.com")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before login"
    response = studio.login("M@Example.com", factories.PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/studio/"
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == db.session.scalar(select(User.session_token))
    assert client.get("/studio/").status_code == 200


def test_wrong_password_and_unknown_email_get_the_same_message(studio, app):
    factories.member(factories.org(), "m@example.com")
    wrong = studio.login("m@example.com", "not the password")
    unknown = studio.login("nobody@example.com", factories.PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert "The email address or password is incorrect." in wrong.text
    assert "The email address or password is incorrect." in unknown.text


def test_passwords_are_stored_as_argon2id(app):
    account = factories.user()
    assert account.password_hash.startswith("$argon2id$")
    assert factories.PASSWORD not in account.password_hash


def test_a_password_checked_in_a_thread_gets_the_same_answers(app):
    """The draw checks the drawer's password in a thread while it reads (draws.services.run_draw)."""
    from campaign.auth import passwords

    account = factories.user()
    answers = [
        passwords.verify_in_thread(hash_, password)
        for hash_, password in (
            (account.password_hash, factories.PASSWORD),
            (account.password_hash, "not the password"),
            (None, factories.PASSWORD),  # no account: the dummy hash, which never passes
            ("not a hash", factories.PASSWORD),
        )
    ]
    assert [answer() for answer in answers] == [True, False, False, False]


def test_production_uses_the_recommended_parameters_and_upgrades_old_hashes(app, studio):
    from argon2 import DEFAULT_MEMORY_COST, DEFAULT_PARALLELISM, DEFAULT_TIME_COST

    from campaign.config import Config

    assert (Config.ARGON2_TIME_COST, Config.ARGON2_MEMORY_COST, Config.ARGON2_PARALLELISM) == (
        DEFAULT_TIME_COST,
        DEFAULT_MEMORY_COST,
        DEFAULT_PARALLELISM,
    )
    factories.member(factories.org(), "m@example.com")
    app.config.update(ARGON2_TIME_COST=2)  # the operator raises the cost
    studio.login("m@example.com", factories.PASSWORD)
    account = db.session.scalar(select(User))
    assert "t=2," in account.password_hash  # rehashed at login


def test_repeated_failures_are_throttled(client, studio, app):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    factories.member(factories.org(), "m@example.com")
    codes = [studio.login("m@example.com", "wrong password!").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    blocked = studio.login("m@example.com", factories.PASSWORD)
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.text


def test_login_without_csrf_token_is_refused(client, app):
    factories.member(factories.org(), "m@example.com")
    response = client.post("/login", data={"email": "m@example.com", "password": factories.PASSWORD})
    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_logout_is_a_post_and_ends_the_session(client, studio, app):
    factories.member(factories.org(), "m@example.com")
    studio.login("m@example.com", factories.PASSWORD)
    assert client.get("/logout").status_code == 405
    page = client.get("/studio/")
    assert client.post("/logout", data={"csrf_token": csrf_from(page.text)}).status_code == 302
    assert client.get("/studio/").status_code == 302


def test_studio_needs_login(client, app):
    response = client.get("/studio/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_cli_creates_users_orgs_and_members(runner, app):
    assert (
        runner.invoke(args=["users", "create", "a@example.com", "--password", "long enough pw"]).exit_code
        == 0
    )
    short = runner.invoke(args=["users", "create", "b@example.com", "--password", "short"])
    assert short.exit_code != 0 and "10" in short.output  # the password rule, in the default language
    assert runner.invoke(args=["orgs", "create", "agency-x", "--name", "Agency X"]).exit_code == 0
    result = runner.invoke(args=["orgs", "add-member", "agency-x", "a@example.com", "--role", "approver"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "a@example.com"))
    assert [(m.organisation.slug, m.role) for m in user.memberships] == [("agency-x", Role.APPROVER)]
    bad = runner.invoke(args=["orgs", "create", "Bad Slug!", "--name", "x"])
    assert bad.exit_code != 0


def test_logout_ends_the_session_for_a_cookie_copied_before(client, studio, app):
    """Issue 11, security 8: the session token rotates at logout, so a captured cookie opens nothing."""
    factories.member(factories.org(), "m@example.com")
    studio.login("m@example.com", factories.PASSWORD)
    with client.session_transaction() as session:
        captured = dict(session)
    studio.post("/logout")
    assert client.get("/studio/").status_code == 302
    with client.session_transaction() as session:
        session.update(captured)
    response = client.get("/studio/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_next_after_login_stays_on_this_site(client, studio, app):
    """Issue 11, security 2: `/%09/evil.example` would reach the browser as `//evil.example`."""
    factories.member(factories.org(), "m@example.com")
    page = client.get("/login")
    response = client.post(
        "/login?next=/%09/evil.example",
        data={"email": "m@example.com", "password": factories.PASSWORD, "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/studio/"
