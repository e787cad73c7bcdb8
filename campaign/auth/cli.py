import click
from flask.cli import AppGroup

from campaign.auth import services
from campaign.errors import DomainError
from campaign.extensions import db

users_cli = AppGroup("users", help="Marketer accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", default="")
@click.password_option()
def create(email: str, name: str, password: str) -> None:
    """Creates a marketer account."""
    try:
        user = services.create_user(email, password, name=name)
    except DomainError as exc:
        raise click.ClickException(exc.text()) from exc
    db.session.commit()
    click.echo(f"Created user {user.email}")
