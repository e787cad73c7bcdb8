from datetime import UTC, datetime, timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import select

from campaign.entries.models import Entry, Processing
from campaign.entries.processing import process_entry
from campaign.entries.publication import reconcile
from campaign.extensions import db
from campaign.storage import get_storage
from campaign.storage.base import StorageError

entries_cli = AppGroup("entries", help="Customer entries.")


@entries_cli.command("process")
@click.option("--failed", is_flag=True, help="Retry entries whose processing failed, too.")
def process(failed: bool) -> None:
    """Derives web renditions for entries still waiting (after a storage outage or a lost job)."""
    states = [Processing.PENDING, Processing.FAILED] if failed else [Processing.PENDING]
    ids = db.session.scalars(select(Entry.id).where(Entry.processing.in_(states)).order_by(Entry.id)).all()
    for entry_id in ids:
        process_entry(entry_id)
    click.echo(f"Processed {len(ids)} entries")


@entries_cli.command("reconcile-public")
@click.option(
    "--grace",
    type=click.IntRange(min=0),
    default=3600,
    show_default=True,
    help="Delete unneeded public renditions only when older than this many seconds.",
)
def reconcile_public(grace: int) -> None:
    """Public renditions made to match the entries: present for approved, consented ones, gone otherwise."""
    try:
        copied, deleted = reconcile(get_storage(), now=datetime.now(UTC), grace=timedelta(seconds=grace))
    except StorageError as exc:
        raise click.ClickException(f"storage failed, run the command again: {exc}") from exc
    click.echo(f"Copied {len(copied)} public renditions, deleted {len(deleted)}")
