"""`flask storage check` and `flask storage gc`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from campaign.progress import Progress
from campaign.storage import get_storage, referenced_keys
from campaign.storage.base import StorageError
from campaign.storage.gc import BATCH_SIZE, delete_orphans, find_orphans

storage_cli = AppGroup("storage", help="Check the object storage and sweep orphaned objects.")


@storage_cli.command("check")
def check_command() -> None:
    """Verify the configured backend really works: reachable, buckets present, allowed, clock in sync."""
    storage = get_storage()
    problems = storage.check()
    if problems:
        click.echo(f"Storage problems ({storage.name}):")
        for problem in problems:
            click.echo(f"  - {problem}")
        raise click.exceptions.Exit(1)
    click.echo(f"Storage OK: {storage.name} ({storage})")


@storage_cli.command("gc")
@click.option(
    "--grace",
    type=click.IntRange(min=0),
    default=3600,
    show_default=True,
    help="Only objects older than this many seconds (uploads whose row is not committed yet are younger).",
)
@click.option("--delete", "delete", is_flag=True, help="Delete the orphans instead of only listing them.")
def gc_command(grace: int, delete: bool) -> None:
    """List objects under private/ and public/ that no database row points at."""
    storage = get_storage()
    if not current_app.extensions.get("storage_refs"):
        raise click.ClickException(
            "no reference providers are registered (app.extensions['storage_refs']): every object would "
            "look orphaned, so nothing is listed or deleted"
        )
    try:
        with Progress("objects checked", every=BATCH_SIZE) as checked:
            orphans = find_orphans(
                storage,
                referenced_keys,
                older_than=timedelta(seconds=grace),
                now=datetime.now(UTC),
                progress=checked.advance,
            )
        for obj in orphans:
            click.echo(f"{obj.key}\t{obj.size}\t{obj.modified_at.isoformat(timespec='seconds')}")
        total = sum(obj.size for obj in orphans)
        if not delete:
            click.echo(f"{len(orphans)} orphaned objects ({total} bytes); run with --delete to remove them")
            return
        with Progress("orphans deleted", len(orphans)) as progress:
            deleted = delete_orphans(storage, orphans, referenced_keys, progress=progress.advance)
    except StorageError as exc:
        raise click.ClickException(f"storage failed, nothing more was done: {exc}") from exc
    click.echo(f"deleted {len(deleted)} orphaned objects ({sum(obj.size for obj in deleted)} bytes)")
