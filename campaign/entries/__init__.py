"""Customer submissions: photo, caption, rating, consent, and their web derivatives."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The studio's entry pages, the customer's campaign page and status page, `flask entries`, the
    originals and renditions for `flask storage gc`, the retry of entries left unprocessed, and the check
    of recently moderated entries' public copies."""
    from datetime import timedelta

    from campaign import schedule
    from campaign.entries import labels, processing, public_views, publication, studio_views
    from campaign.entries.cli import entries_cli
    from campaign.entries.services import referenced_keys
    from campaign.storage import register_references

    app.register_blueprint(studio_views.bp)
    app.jinja_env.globals.update(  # the words of entries/_labels.html, which the exports and the trail share
        entry_status_label=labels.status_label,
        entry_state_label=labels.entry_state_label,
        consent_scopes_label=labels.scopes_label,
        entry_duplicate_label=labels.duplicate_label,
    )
    app.register_blueprint(public_views.bp)
    app.cli.add_command(entries_cli)
    register_references(app, referenced_keys)
    schedule.add_duty(app, "entries-process", timedelta(minutes=5), processing.retry_waiting)
    schedule.add_duty(app, "entries-public-copies", publication.RECHECK_EVERY, publication.recheck_duty)
