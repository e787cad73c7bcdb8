"""Flask-Login wiring: the cookie holds a rotating session token, not the user id."""

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from campaign.auth.models import User
from campaign.extensions import db, login_manager


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    return db.session.scalar(select(User).where(User.session_token == session_token))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.session_protection = "strong"
