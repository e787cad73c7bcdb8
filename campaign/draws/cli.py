"""`flask draws verify <id>`, `flask draws verify-instant <campaign>`, `flask draws expire-claims`,
`flask draws purge-addresses`."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from campaign.clock import utcnow
from campaign.draws import certificate, housekeeping
from campaign.draws.models import Draw
from campaign.extensions import db

draws_cli = AppGroup("draws", help="Giveaway draws.")


@draws_cli.command("verify")
@click.argument("draw_id")
def verify(draw_id: str) -> None:
    """Recomputes a draw from its record (commitment, digest, ranking) and says whether it matches.

    An id may start with "-": write `flask draws verify -- <id>`."""
    draw = db.session.scalar(select(Draw).where(Draw.public_id == draw_id))
    if draw is None:
        raise click.ClickException(f"no draw {draw_id}")
    problems = certificate.verify(certificate.certificate(draw))
    if problems:
        for problem in problems:
            click.echo(f"MISMATCH: {problem}")
        raise SystemExit(1)
    click.echo(f"OK: draw {draw_id} matches ({draw.entry_count} entries, digest {draw.digest})")


@draws_cli.command("expire-claims")
def expire_claims() -> None:
    """Forfeits unclaimed prizes past their deadline and notifies the next alternates (the scheduler's
    tick runs this every few minutes).

    Instant wins not claimed in time are forfeited too; their prize units are not released again."""
    click.echo(f"Forfeited {housekeeping.expire_claims(now=utcnow())} unclaimed prizes")


@draws_cli.command("purge-addresses")
@click.option(
    "--days", type=int, default=None, help="Days after shipping (default DRAW_ADDRESS_RETENTION_DAYS)."
)
def purge_addresses(days: int | None) -> None:
    """Deletes postal addresses of drawn and instant winners a number of days after shipping."""
    click.echo(f"Purged {housekeeping.purge_addresses(days=days, now=utcnow())} postal addresses")


@draws_cli.command("connect")
@click.argument("org_slug")
@click.argument("network", type=click.Choice(["instagram", "x"]))
@click.option("--account-id", required=True, help="Instagram: the IG user id; X: the brand's user id.")
@click.option("--token", prompt=True, hide_input=True, help="Graph access token or X bearer token.")
@click.option("--base-url", default="", help="API root (default: the network's public API).")
def connect(org_slug: str, network: str, account_id: str, token: str, base_url: str) -> None:
    """Stores an organisation's API access (sealed at rest) for follow-and-post checks at draw time.

    Owners can do the same, test the access and disconnect in the studio at /studio/connectors."""
    from campaign.audit.services import Actor
    from campaign.connectors import services as connectors
    from campaign.errors import DomainError
    from campaign.orgs.models import Organisation

    org = db.session.scalar(select(Organisation).where(Organisation.slug == org_slug))
    if org is None:
        raise click.ClickException(f"no organisation {org_slug}")
    try:
        connectors.configure(
            org.id,
            network,
            account_id=account_id,
            token=token,
            secret=current_app.secret_key,
            actor=Actor.system(),
            now=utcnow(),
            base_url=base_url,
        )
    except DomainError as exc:
        raise click.ClickException(exc.text()) from exc
    db.session.commit()
    click.echo(f"{network} connector saved for {org_slug}")
