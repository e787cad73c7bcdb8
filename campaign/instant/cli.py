"""`flask draws verify-instant <campaign>`: a command of the draws group, where verifiers look for it."""

import click
from flask import current_app
from sqlalchemy import select

from campaign.clock import utcnow
from campaign.extensions import db
from campaign.instant import algorithm, services


@click.command("verify-instant")
@click.argument("campaign_id")
def verify_instant(campaign_id: str) -> None:
    """Recomputes every instant-win result of a closed campaign (public id or slug) from its certificate."""
    from campaign.campaigns.models import Campaign

    campaign = db.session.scalar(
        select(Campaign).where((Campaign.public_id == campaign_id) | (Campaign.slug == campaign_id))
    )
    if campaign is None:
        raise click.ClickException(f"no campaign {campaign_id}")
    cert = services.certificate(campaign, secret=current_app.secret_key, now=utcnow())
    if cert is None:
        raise click.ClickException("not an instant-win campaign, or not closed (the seed is still secret)")
    problems = algorithm.verify(cert)
    if problems:
        for problem in problems:
            click.echo(f"MISMATCH: {problem}")
        raise SystemExit(1)
    wins = sum(1 for s in cert["slots"] if s["claimed_by"])
    click.echo(f"OK: {len(cert['plays'])} plays and {wins} wins of {len(cert['slots'])} prize units match")
