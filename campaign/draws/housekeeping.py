"""The draws' periodic duties, for `flask draws expire-claims` / `purge-addresses` and the scheduler's tick.
Each commits its own work and is safe to run twice at once (every move re-reads its row under a lock).
Other kinds of prize (instant win) add their own steps to `claim_expirers` and `address_purgers` in their
`init_app`, so one command and one duty cover every prize."""

from collections.abc import Callable
from datetime import datetime

from flask import current_app

from campaign import jobs
from campaign.draws import winners
from campaign.extensions import db

claim_expirers: list[Callable[..., list]] = []  # f(now=) -> the prizes forfeited
address_purgers: list[Callable[..., int]] = []  # f(days=, now=) -> how many addresses deleted


def expire_claims(*, now: datetime) -> int:
    """Forfeits drawn and instant prizes unclaimed past their deadline (promoting and notifying the next
    alternates); returns how many."""
    overdue = winners.expire_claims(
        secret=current_app.secret_key, base_url=current_app.config["PUBLIC_BASE_URL"], now=now
    )
    others = [prize for expire in claim_expirers for prize in expire(now=now)]
    db.session.commit()
    jobs.run_ready()  # the notices to the promoted alternates leave now, not at some later teardown
    return len(overdue) + len(others)


def purge_addresses(*, now: datetime, days: int | None = None) -> int:
    """Deletes drawn and instant winners' postal addresses `days` (default DRAW_ADDRESS_RETENTION_DAYS)
    after shipping; returns how many."""
    days = days if days is not None else current_app.config["DRAW_ADDRESS_RETENTION_DAYS"]
    count = winners.purge_addresses(days=days, now=now)
    count += sum(purge(days=days, now=now) for purge in address_purgers)
    db.session.commit()
    return count


def expire_duty(now: datetime) -> str:
    return f"{expire_claims(now=now)} forfeited"


def purge_duty(now: datetime) -> str:
    return f"{purge_addresses(now=now)} purged"
