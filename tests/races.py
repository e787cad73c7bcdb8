"""Races between users on real concurrent connections: each racer in its own thread, app context and
database session. A racer reads what it will change, waits at one barrier with the others, then acts and
commits, so every racer starts from the same (soon stale) state: the worst interleaving, every time."""

import threading
from collections.abc import Callable

from campaign.errors import DomainError
from campaign.extensions import db

Racer = Callable[[Callable[[], None]], None]  # gets `ready`: call it after reading, before acting


def race(app, *racers: Racer) -> list[str]:
    """Runs the racers at once; each outcome is "done" (committed) or the refusing error's code."""
    barrier = threading.Barrier(len(racers))
    outcomes: list[str] = [""] * len(racers)
    errors: list[BaseException] = []

    def run(n: int, racer: Racer) -> None:
        with app.app_context():
            try:
                racer(barrier.wait)
                db.session.commit()
                outcomes[n] = "done"
            except DomainError as exc:
                db.session.rollback()
                outcomes[n] = exc.code
            except BaseException as exc:  # noqa: BLE001 - reported below
                barrier.abort()
                errors.append(exc)
        # leaving the app context runs the committed work (mail, snapshots) and removes the session

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    db.session.expire_all()
    return outcomes


def wait_until_one_waits_for_a_lock(timeout: float = 10.0) -> None:
    """PostgreSQL: returns once another connection of this database waits for a row or key lock (an insert
    of a unique key another open transaction has just inserted, say); fails after `timeout` seconds."""
    import time

    from sqlalchemy import text

    deadline = time.monotonic() + timeout
    with db.engine.connect() as connection:
        while time.monotonic() < deadline:
            waiting = connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                )
            )
            connection.rollback()
            if waiting:
                return
            time.sleep(0.02)
    raise AssertionError("no connection came to wait for the lock")
