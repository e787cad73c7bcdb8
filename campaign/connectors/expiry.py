"""A connection whose token the network refused (expired or revoked): recorded on the connection, told once.

Every call made with an organisation's token that meets the refusal reports it: the studio's test calls
`token_refused` with the connection it tests; the others (polls, rechecks, the rights requests' posts and
reply scans, winner notices on the network, the draw's follow-and-post check) call `note_refusal`. The
first one marks the connection (`refused_at`), audits it and mails the organisation's owners (who may
reconnect), after the commit; the row is re-read under its lock first, so a second poller, a retry or the
next poll five minutes later finds it marked and does nothing: one mail per expiry. While it is marked,
polls and rechecks of its network do not call the API (`sources.poll`, `sources.removal`). Reconnecting
(`services.configure`) or a test that the network answers again clears it (`token_accepted`).
"""

from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from campaign import locks, mail
from campaign.audit.services import Actor, record
from campaign.auth.models import User
from campaign.connectors.base import ConnectorError
from campaign.connectors.models import ConnectorAccount
from campaign.entries.models import Entry, EntryStatus
from campaign.extensions import db
from campaign.orgs.models import Organisation
from campaign.orgs.services import members_who_can

EXPIRED = "connector.expired"  # audit actions (audit.labels)
RESTORED = "connector.restored"


def token_refused(account: ConnectorAccount, detail: str, *, now: datetime) -> bool:
    """Marks the connection as needing reconnection; True only for the call that marked it (audited, owners
    mailed after the commit). Flushes; the caller commits."""
    account = locks.lock_row(account)
    if account.refused_at is not None:
        return False
    account.refused_at, account.refused_detail = now, detail[:2000]
    db.session.flush()
    unchecked = public_posts(account)
    after = {"needs_reconnection": True, "unchecked_public_posts": unchecked}
    _record(Actor.system(), EXPIRED, account, now, after=after, reason=detail[:500])
    for user in members_who_can(account.org_id, "manage_integrations"):  # who may reconnect
        _mail(user, account, unchecked)
    return True


def note_refusal(org_id: int, network: str, exc: ConnectorError, *, now: datetime) -> bool:
    """`token_refused` for the organisation's connection to `network` when `exc` is the network refusing its
    token (other failures pass: a rate limit or an outage is no reason to reconnect). True only for the call
    that marked it. Flushes; the caller commits, also when it then raises for a retry."""
    from campaign.connectors.services import account_of

    account = account_of(org_id, network) if exc.token_refused else None
    return account is not None and token_refused(account, str(exc), now=now)


def token_accepted(account: ConnectorAccount, *, actor: Actor, now: datetime) -> None:
    """The network takes the access again (a reconnection, a test that passed): the mark goes (audited)."""
    if account.refused_at is None:
        return
    since = account.refused_at
    account.refused_at, account.refused_detail = None, ""
    db.session.flush()
    before = {"needs_reconnection": True, "refused_at": since.isoformat()}
    _record(actor, RESTORED, account, now, before=before, after={"needs_reconnection": False})


def _record(actor: Actor, action: str, account: ConnectorAccount, now: datetime, **changes) -> None:
    record(
        actor,
        action,
        org_id=account.org_id,
        object_type="connector",
        object_id=account.network,
        now=now,
        **changes,
    )


def public_posts(account: ConnectorAccount) -> int:
    """How many approved posts of the network are live in the organisation: those a refused token leaves
    unchecked for deletion on the network."""
    return db.session.scalar(select(func.count()).select_from(unchecked_posts(account).subquery()))


def unchecked_posts(account: ConnectorAccount) -> Select:
    """The ids of the organisation's approved posts collected from the account's network and not deleted
    there (as far as we know)."""
    from campaign.sources.models import Source, SourceKind

    kinds = [kind for kind in SourceKind if kind.network == account.network]
    return (
        select(Entry.id)
        .join(Source, Source.id == Entry.source_id)
        .where(
            Source.org_id == account.org_id,
            Source.kind.in_(kinds),
            Entry.status == EntryStatus.APPROVED,
            Entry.removed_upstream_at.is_(None),
        )
    )


def _mail(user: User, account: ConnectorAccount, unchecked: int) -> None:
    from campaign.connectors.services import NETWORK_NAMES
    from campaign.sources.holds import held_from

    with force_locale(user.locale or "ja"):
        network = NETWORK_NAMES[account.network]
        subject = _("Reconnect %(network)s: the connection has expired", network=network)
        text = render_template(
            "connectors/email_expired.txt",
            network=network,
            org=db.session.get(Organisation, account.org_id).name,
            unchecked=unchecked,
            detail=account.refused_detail,
            reconnect_url=mail.link("connectors.index") + f"#{account.network}",
            held_from=held_from(account),
        )
        mail.send_after_commit(user.email, subject, text)
