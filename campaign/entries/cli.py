import click
from flask.cli import AppGroup
from sqlalchemy import select

from campaign.entries.models import Entry, Processing
from campaign.entries.processing import process_entry
from campaign.extensions import db

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
