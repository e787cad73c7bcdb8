"""Emails to customers when their entry is approved or rejected (campaign setting), in their language."""

from flask import current_app, render_template
from flask_babel import force_locale

from campaign import events, mail
from campaign.entries import status_links
from campaign.entries.models import Entry

TEMPLATES = {"approved": "moderation/email_approved.txt", "rejected": "moderation/email_rejected.txt"}


def _status_url(entry: Entry) -> str:
    token = status_links.status_token(current_app.secret_key, entry.public_id)
    return mail.link("submissions.status", token=token)


def notify(entry: Entry, outcome: str) -> None:
    if not entry.campaign.notify_customers:
        return
    with force_locale(entry.locale or "ja"):
        text = render_template(TEMPLATES[outcome], entry=entry, status_url=_status_url(entry))
    subject, _, body = text.strip().partition("\n")
    mail.send_after_commit(entry.email, subject.strip(), body.strip() + "\n")


def _on_approved(entry: Entry, **_kwargs) -> None:
    notify(entry, "approved")


def _on_rejected(entry: Entry, **_kwargs) -> None:
    notify(entry, "rejected")


def install() -> None:
    """Connects the listeners once per process (blinker keeps one connection per receiver)."""
    events.entry_approved.connect(_on_approved)
    events.entry_rejected.connect(_on_rejected)
