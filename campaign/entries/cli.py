from datetime import UTC, datetime, timedelta

import click
from flask.cli import AppGroup

from campaign.entries.processing import process_each, waiting
from campaign.entries.publication import reconcile
from campaign.progress import Progress
from campaign.storage import get_storage
from campaign.storage.base import StorageError

entries_cli = AppGroup("entries", help="Customer entries.")


@entries_cli.command("process")
@click.option("--failed", is_flag=True, help="Retry entries whose processing failed, too.")
def process(failed: bool) -> None:
    """Derives web renditions for entries still waiting (after a storage outage or a lost job).

    Each entry on its own: one that fails is reported and the others still run (exit status 1)."""
    ids = waiting(failed=failed)
    with Progress("entries processed", len(ids)) as progress:
        outcomes = process_each(ids, progress.advance)
    for entry_id, error in outcomes["errors"]:
        click.echo(f"entry {entry_id}: {error}", err=True)
    click.echo(
        f"Processed {len(outcomes['processed'])} entries, {len(outcomes['failed'])} photos could not be "
        f"derived, {len(outcomes['skipped'])} skipped (withdrawn, done or being processed elsewhere), "
        f"{len(outcomes['errors'])} errors"
    )
    if outcomes["errors"]:
        raise SystemExit(1)


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
