import click
from flask.cli import AppGroup
from sqlalchemy import select

from campaign.auth.models import User
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.orgs import services
from campaign.orgs.models import Organisation, Role

orgs_cli = AppGroup("orgs", help="Organisations and their members.")


@orgs_cli.command("create")
@click.argument("slug")
@click.option("--name", required=True)
@click.option("--timezone", default="Asia/Tokyo", show_default=True)
def create(slug: str, name: str, timezone: str) -> None:
    """Creates an organisation (a brand or an agency)."""
    try:
        org = services.create_organisation(name, slug, timezone=timezone)
    except DomainError as exc:
        raise click.ClickException(exc.text()) from exc
    db.session.commit()
    click.echo(f"Created organisation {org.slug}")


@orgs_cli.command("add-member")
@click.argument("slug")
@click.argument("email")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default=Role.EDITOR.value, show_default=True
)
def add_member(slug: str, email: str, role: str) -> None:
    """Gives a user a role in an organisation (or changes it)."""
    org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if org is None:
        raise click.ClickException(f"No organisation {slug!r}")
    if user is None:
        raise click.ClickException(f"No user {email!r}")
    services.add_member(org, user, Role(role))
    db.session.commit()
    click.echo(f"{user.email} is now {role} of {org.slug}")


@orgs_cli.command("retention")
@click.argument("slug")
@click.argument("days", type=int)
def retention(slug: str, days: int) -> None:
    """Sets how many days entrants' personal data is kept after a campaign is over (default 90)."""
    from campaign.audit.services import Actor
    from campaign.clock import utcnow

    org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        raise click.ClickException(f"No organisation {slug!r}")
    try:
        services.set_retention_days(org, days, actor=Actor.system(), now=utcnow())
    except DomainError as exc:
        raise click.ClickException(exc.text()) from exc
    db.session.commit()
    unit = "day" if days == 1 else "days"
    click.echo(f"{org.slug} keeps entrants' personal data {days} {unit} after a campaign is over")
