"""Named leases in the database: one holder at a time across every process and machine.

`take(name, ttl)` is one conditional UPDATE (or the first INSERT) that succeeds only when no one else holds
an unexpired lease of that name; it commits at once, so the lease is visible to everyone before the work
starts. A holder that dies simply lets its lease run out. A periodic duty ends its lease as "not before the
next run" (`release(name, until=now + every)`), so the same row says both who runs it and when it is next
due. Entries being derived hold `entry:<id>`, so two processors never derive the same photo at once.
"""

import os
import secrets
import socket
from datetime import datetime, timedelta

from sqlalchemy import String, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from campaign.extensions import db
from campaign.sqltypes import UTCDateTime

HOST = f"{socket.gethostname()}:{os.getpid()}"[:50]


class Lease(db.Model):
    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


def take(name: str, *, now: datetime, ttl: timedelta) -> str | None:
    """The holder's token when the caller now holds `name` until `now + ttl` (committed); None when someone
    else does (another process, or another thread of this one)."""
    holder = f"{HOST}:{secrets.token_hex(6)}"
    taken = db.session.execute(
        update(Lease)
        .where(Lease.name == name, Lease.expires_at <= now)
        .values(holder=holder, expires_at=now + ttl)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        try:
            with db.session.begin_nested():
                db.session.add(Lease(name=name, holder=holder, expires_at=now + ttl))
        except IntegrityError:  # the row exists and its lease runs (or another process just made it)
            db.session.commit()
            return None
    db.session.commit()
    return holder


def release(name: str, holder: str, *, until: datetime) -> None:
    """Ends the caller's lease; nobody may take it again before `until` (commits)."""
    db.session.execute(
        update(Lease)
        .where(Lease.name == name, Lease.holder == holder)
        .values(expires_at=until)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
