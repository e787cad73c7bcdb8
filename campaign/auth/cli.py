import click
from flask.cli import AppGroup

from campaign.auth import services
from campaign.errors import DomainError
from campaign.extensions import db

users_cli = AppGroup("users", help="Marketer accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", default="")
@click.option("--password", help="Asked (twice, hidden) when not given.")
def create(email: str, name: str, password: str | None) -> None:
    """Creates a marketer account."""
    try:
        # the database answers first: an unmigrated or unreachable one, or a taken email, is said before
        # the password is asked for, not after it was typed twice
        services.free_email(email)
        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        user = services.create_user(email, password, name=name)
    except DomainError as exc:
        raise click.ClickException(exc.text()) from exc
    db.session.commit()
    click.echo(f"Created user {user.email}")
