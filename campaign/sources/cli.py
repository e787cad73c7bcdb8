"""`flask sources poll [--campaign SLUG]` and `flask sources recheck`: the periodic duties, by hand."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from campaign.campaigns.models import Campaign
from campaign.extensions import db

sources_cli = AppGroup("sources", help="Posts collected from Instagram and X.")


@sources_cli.command("poll")
@click.option("--campaign", "slug", default=None, help="Only this campaign's sources (its slug).")
def poll(slug: str | None) -> None:
    """One incremental pass over every active source (what the scheduler runs every 5 minutes)."""
    from campaign.sources.poll import poll_all

    campaign_id = None
    if slug is not None:
        campaign_id = db.session.scalar(select(Campaign.id).where(Campaign.slug == slug))
        if campaign_id is None:
            raise click.ClickException(f"no campaign with the slug {slug!r}")
    outcomes = poll_all(campaign_id=campaign_id)
    click.echo(", ".join(f"{count} {outcome}" for outcome, count in outcomes.items()) or "no active sources")


@sources_cli.command("recheck")
def recheck() -> None:
    """Asks the networks whether collected posts still exist; removes the deleted ones everywhere."""
    from campaign.sources.removal import recheck_all

    click.echo(f"{recheck_all()} removed upstream")
