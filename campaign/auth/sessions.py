"""Flask-Login wiring: the cookie holds a rotating session token, not the user id."""

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from campaign.auth.models import User
from campaign.errors import database_failed
from campaign.extensions import db, login_manager


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """The session's user; none on the page that says the database failed (the session itself is kept)."""
    if database_failed():
        return None
    return db.session.scalar(select(User).where(User.session_token == session_token))


class SignedCookieSessions(SecureCookieSessionInterface):
    """Flask's signed session cookie, its signer made once per key rather than at every request (most
    requests, a public page's, carry no cookie: the signer was made for nothing)."""

    def __init__(self) -> None:
        self.signers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self.signers:
            self.signers[keys] = super().get_signing_serializer(app)
        return self.signers[keys]


def init_app(app: Flask) -> None:
    app.session_interface = SignedCookieSessions()
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.session_protection = "strong"
