"""`flask privacy retention [--dry-run]`, `flask privacy export`, `flask privacy erase`."""

import click
from flask.cli import AppGroup

from campaign.clock import utcnow
from campaign.privacy import retention as retention_rules

privacy_cli = AppGroup("privacy", help="Personal data: retention, and requests by email.")


@privacy_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="Say what would be erased; change nothing.")
def retention(dry_run: bool) -> None:
    """Erases entrants' emails and unpublished originals of campaigns over for their organisation's
    retention days (audited, one campaign at a time)."""

    def progress(done: int, total: int, result: retention_rules.CampaignResult) -> None:
        click.echo(f"[{done}/{total}] {result.slug}: {result.emails} emails, {result.originals} originals")

    summary = retention_rules.apply_retention(now=utcnow(), dry_run=dry_run, progress=progress)
    verb = "Would erase" if dry_run else "Erased"
    click.echo(
        f"{verb} {summary.emails} emails and {summary.originals} originals "
        f"in {len(summary.campaigns)} campaigns"
    )
