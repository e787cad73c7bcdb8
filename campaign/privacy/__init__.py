"""Personal data that does not outlive its purpose: erasure, retention, requests by email, CDN purge."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Pages and `flask privacy`; a CDN purge setting this version cannot use is refused here, at start-up."""
    from datetime import timedelta

    from campaign import schedule
    from campaign.privacy import cdn, retention, views
    from campaign.privacy.cli import privacy_cli

    cdn.target(app.config)
    app.register_blueprint(views.bp)
    app.cli.add_command(privacy_cli)
    schedule.add_duty(app, "privacy-retention", timedelta(hours=1), retention.duty)
