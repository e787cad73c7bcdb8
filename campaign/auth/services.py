"""Account rules: creation, credential checks. Plain functions; the caller commits."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from campaign.auth import passwords
from campaign.auth.models import User
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.ids import new_public_id


class InvalidCredentials(DomainError):
    status = 401
    code = "invalid_credentials"
    # One message for every failure: it never tells whether the email exists.
    message = _l("The email address or password is incorrect.")


class WeakPassword(DomainError):
    code = "weak_password"
    message = _l("The password must be at least %(min)s characters long.")


class EmailTaken(DomainError):
    code = "email_taken"
    message = _l("An account with this email address already exists.")


def normalise_login_email(email: str) -> str:
    return email.strip().lower()


def check_password_rules(password: str) -> None:
    """The one password rule, for new accounts, resets and changes alike."""
    if len(password) < passwords.MIN_LENGTH:
        raise WeakPassword(min=passwords.MIN_LENGTH, field="password")


def free_email(email: str) -> str:
    """The login email normalised, or EmailTaken when an account has it."""
    email = normalise_login_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise EmailTaken(field="email")
    return email


def create_user(email: str, password: str, *, name: str = "") -> User:
    check_password_rules(password)
    email = free_email(email)
    user = User(email=email, name=name, password_hash=passwords.hash_password(password))
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str, *, now: datetime) -> User:
    user = db.session.scalar(select(User).where(User.email == normalise_login_email(email)))
    if not passwords.verify_password(user.password_hash if user else None, password):
        raise InvalidCredentials()
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = now
    return user


def set_password(user: User, password: str) -> None:
    check_password_rules(password)
    user.password_hash = passwords.hash_password(password)
    end_sessions(user)


def end_sessions(user: User) -> None:
    """A new session token: every cookie made with the old one (this device's, a copied one) opens nothing."""
    user.session_token = new_public_id()


def known_as(email: str, user: User | None = None) -> str:
    """A member as colleagues know them: 「田中 花子 (hanako@agency.example)」, else the address alone (a
    member without a name, or one who left). `user`: the account, when the caller has it already."""
    if user is None and email:
        user = db.session.scalar(select(User).where(User.email == email))
    if user is None or not user.name.strip():
        return email
    return str(_l("%(name)s (%(email)s)", name=user.name.strip(), email=email))
