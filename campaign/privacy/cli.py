"""`flask privacy retention [--dry-run]`, `flask privacy export`, `flask privacy erase`."""

import os

import click
from flask.cli import AppGroup

from campaign.clock import utcnow
from campaign.privacy import retention as retention_rules
from campaign.progress import Progress

privacy_cli = AppGroup("privacy", help="Personal data: retention, and requests by email or account.")
NETWORK = click.option(
    "--network",
    type=click.Choice(["instagram", "x"]),
    help="WHO is an account on this network (@name), not an email address.",
)


@privacy_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="Say what would be erased; change nothing.")
def retention(dry_run: bool) -> None:
    """Erases the entrants' data of campaigns over for their organisation's retention days: entries not
    shown publicly whole, published ones their email and social account (audited, one campaign at a
    time)."""

    with Progress("campaigns done") as bar:

        def progress(done: int, total: int, result: retention_rules.CampaignResult) -> None:
            bar.total = total
            bar.advance(done - bar.done)
            click.echo(f"{result.slug}: {retention_rules.said(result)}")

        summary = retention_rules.apply_retention(now=utcnow(), dry_run=dry_run, progress=progress)
    click.echo(f"{'Would be' if dry_run else 'Done'}: {retention_rules.said(summary)}")


def _org(slug: str):
    from sqlalchemy import select

    from campaign.extensions import db
    from campaign.orgs.models import Organisation

    org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        raise click.ClickException(f"No organisation {slug!r}")
    return org


@privacy_cli.command("export")
@click.argument("org_slug")
@click.argument("who")
@NETWORK
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True, help="The zip file.")
def export(org_slug: str, who: str, network: str | None, out: str) -> None:
    """Writes everything held about WHO (an email address, or an account with --network) in the
    organisation's campaigns to a zip (JSON, photos); audited."""
    from flask import current_app

    from campaign.audit.services import Actor
    from campaign.errors import DomainError
    from campaign.extensions import db
    from campaign.privacy import requests
    from campaign.storage import get_storage

    org = _org(org_slug)
    try:
        with Progress("photos added") as progress:
            data = requests.export(
                org,
                requests.requester(who, network or ""),
                actor=Actor.system(),
                secret=current_app.secret_key,
                storage=get_storage(),
                now=utcnow(),
                progress=progress.advance,
            )
            if data is None:  # the request is audited; no file stands for an answer, nor a count of photos
                db.session.commit()
                raise click.ClickException(
                    f"Nothing to export: no entry from this person holds personal data in {org_slug}; no "
                    "file written. Check how the address or account is written"
                )
    except DomainError as exc:
        raise click.ClickException(exc.text()) from exc
    try:  # a person's data and photos: readable by the owner only, whatever the umask or an older file
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)
        with open(descriptor, "wb") as file:
            file.write(data)
    except OSError as exc:  # nothing written: nothing audited either
        db.session.rollback()
        raise click.ClickException(f"Cannot write {out}: {exc.strerror}") from exc
    db.session.commit()
    click.echo(f"Wrote {out} ({len(data)} bytes)")


@privacy_cli.command("erase")
@click.argument("org_slug")
@click.argument("who")
@NETWORK
@click.confirmation_option(prompt="Erase every entry from this person in the organisation?")
def erase(org_slug: str, who: str, network: str | None) -> None:
    """Withdraws and erases every entry from WHO (an email address, or an account with --network) in the
    organisation's campaigns; audited."""
    from flask import current_app

    from campaign import jobs
    from campaign.audit.services import Actor
    from campaign.errors import DomainError
    from campaign.extensions import db
    from campaign.privacy import requests

    org = _org(org_slug)
    try:
        person = requests.requester(who, network or "")
        count = requests.erase(org, person, actor=Actor.system(), secret=current_app.secret_key, now=utcnow())
    except DomainError as exc:
        raise click.ClickException(exc.text()) from exc
    db.session.commit()
    jobs.run_ready()
    if not count:
        raise click.ClickException(
            f"Nothing was erased: no entry from this person holds personal data in {org_slug}; "
            "check how the address or account is written"
        )
    click.echo(f"Erased {count} {'entry' if count == 1 else 'entries'}")
