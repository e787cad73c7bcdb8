"""Password reset by email: a link that works once, for an hour.

Asking costs the same whoever asks: the request only queues a job with the address it was given; the job
(after the commit, on a worker when Redis is set) looks the account up, and mails a link only if there is
one. The answer never says whether an account exists.
"""

import logging
from datetime import timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from campaign import jobs, mail
from campaign.accounts.account_audit import record_account
from campaign.accounts.models import PasswordReset
from campaign.accounts.tokens import digest, new_token
from campaign.audit.services import Actor
from campaign.auth import services as auth
from campaign.auth.models import User
from campaign.clock import utcnow
from campaign.errors import DomainError
from campaign.extensions import db

log = logging.getLogger(__name__)
LIFETIME = timedelta(hours=1)
TOKEN_MAX = 100  # a longer "token" is not one of ours: refused before it is hashed


class InvalidResetLink(DomainError):
    code = "reset_link_invalid"
    message = _l(
        "This password reset link is not valid. Check that you opened the whole link from the email, "
        "or ask for a new one."
    )


class ExpiredResetLink(DomainError):
    code = "reset_link_expired"
    message = _l("This password reset link has expired: links work for one hour. Ask for a new one.")


class UsedResetLink(DomainError):
    code = "reset_link_used"
    message = _l(
        "This password reset link has already been used. If you did not change your password yourself, "
        "ask for a new link."
    )


def ask(email: str, *, locale: str, ip_address: str) -> None:
    """Queues the mail in the caller's transaction; the same work for a known and an unknown address."""
    jobs.after_commit(send_link, auth.normalise_login_email(email)[:254], str(locale), ip_address[:45])


def send_link(email: str, locale: str, ip_address: str) -> None:
    """The job: a new link for the account with this address, if any, committed before it is mailed."""
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        log.info("password reset asked for an address with no account")
        return
    now = utcnow()
    token, token_hash = new_token()
    db.session.add(PasswordReset(user=user, token_hash=token_hash, created_at=now, expires_at=now + LIFETIME))
    record_account(Actor.member(user, ip_address), "member.password_reset_asked", user, now=now)
    db.session.commit()
    base = mail.base_url()
    with force_locale(user.locale or locale):
        subject = _("Reset your Kuchikomi password")
        text = render_template(
            "auth/mail/password_reset.txt", user=user, url=f"{base}/password/reset/{token}", hours=1
        )
    mail.send(user.email, subject, text)


def check_link(token: str, *, now) -> PasswordReset:
    """The link's reset, or the error that says what is wrong with it."""
    reset = None
    if 0 < len(token) <= TOKEN_MAX:
        reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == digest(token)))
    if reset is None:
        raise InvalidResetLink()
    if reset.used_at is not None:
        raise UsedResetLink()
    if reset.expires_at <= now:
        raise ExpiredResetLink()
    return reset


def reset_password(reset: PasswordReset, password: str, *, now, ip_address: str = "") -> User:
    """Sets the new password once: the link is taken by one conditional UPDATE, so of two uses at the same
    moment one changes the password and the other is told the link was used. Every session ends."""
    auth.check_password_rules(password)  # a refused password leaves the link usable
    taken = db.session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.id == reset.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        raise UsedResetLink()
    user = reset.user
    db.session.execute(  # the other links mailed to this account open nothing any more
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    auth.set_password(user, password)
    db.session.flush()
    record_account(Actor.member(user, ip_address), "member.password_reset", user, now=now)
    return user
