"""One-time form tokens: a studio form that creates something is sent at most once.

The page puts a random token in the form (`{{ form_nonce() }}`); the view consumes it first thing, in the
same transaction as what the form creates. The token is the primary key of `form_nonces`, so a double
click, a refresh that re-posts, or two tabs sending the same page: the second waits for the first's commit
and is told the form was already sent. If the first fails, its rollback frees the token for a retry.
"""

import re
import secrets
from datetime import datetime, timedelta

from flask import Flask, flash, redirect, request
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import String, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from campaign.errors import DomainError
from campaign.extensions import db
from campaign.sqltypes import UTCDateTime

FIELD = "form_nonce"
KEPT = timedelta(days=30)  # a page left open longer than this and sent again is taken as a new send
_VALID = re.compile(r"[A-Za-z0-9_-]{16,64}")


class FormNonce(db.Model):
    __tablename__ = "form_nonces"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    form: Mapped[str] = mapped_column(String(40))  # which form, for whoever reads the table
    used_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AlreadySent(DomainError):
    status = 409
    code = "already_sent"
    message = _l("This form was already sent: nothing was created twice.")


class FormExpired(DomainError):
    code = "form_expired"
    message = _l("This form is out of date: open the page again and send it from there.")


def hidden_field() -> Markup:
    """The form's token, a fresh one per page view (templates: `{{ form_nonce() }}`)."""
    return Markup('<input type="hidden" name="%s" value="%s">') % (FIELD, secrets.token_urlsafe(24))


def consume(nonce: str, form: str, *, now: datetime) -> None:
    """Marks the form's token used in the caller's transaction; raises AlreadySent the second time (an
    INSERT … ON CONFLICT DO NOTHING: on PostgreSQL a second send waits for the first one's commit).
    Call it before the work the form asks for, so a second send waits here and does none of it."""
    if not _VALID.fullmatch(nonce or ""):
        raise FormExpired()
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(FormNonce.__table__).values(nonce=nonce, form=form, used_at=now)
    inserted = insert.on_conflict_do_nothing(index_elements=["nonce"]).returning(FormNonce.__table__.c.nonce)
    if db.session.execute(inserted).scalar() is None:
        raise AlreadySent()


def purge(now: datetime) -> str:
    """The periodic duty: used tokens older than KEPT go (the table grew with every studio form sent)."""
    gone = db.session.execute(delete(FormNonce).where(FormNonce.used_at < now - KEPT)).rowcount
    db.session.commit()
    return f"{gone} deleted"


def init_app(app: Flask) -> None:
    from campaign import schedule

    app.jinja_env.globals["form_nonce"] = hidden_field
    schedule.add_duty(app, "form-nonces-purge", timedelta(days=1), purge)

    @app.errorhandler(AlreadySent)
    def already_sent(error: AlreadySent):
        """The browser shows the last answer to a double click: the page the first send led to."""
        db.session.rollback()
        flash(error.text())
        return redirect(request.path, code=303)
