"""A user's own preferences: the language of their studio and of the mails sent to them."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from campaign.accounts.account_audit import record_account
from campaign.audit.services import Actor
from campaign.auth.models import User
from campaign.errors import DomainError


class UnknownLanguage(DomainError):
    code = "unknown_language"
    message = _l("Choose one of the languages in the list.")


def set_language(user: User, locale: str | None, *, languages, actor: Actor, now: datetime) -> None:
    """`locale` one of `languages`, or None to follow the browser; recorded when it changes."""
    if locale is not None and locale not in languages:
        raise UnknownLanguage(field="locale")
    if locale == user.locale:
        return
    user.locale = locale
    record_account(actor, "member.language", user, now=now)
