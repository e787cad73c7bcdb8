"""Signed webhook deliveries to organisations' endpoints."""

from flask import Flask


def init_app(app: Flask) -> None:
    from datetime import timedelta

    from campaign import schedule
    from campaign.webhooks import listeners, services, views

    app.register_blueprint(views.bp)
    app.cli.add_command(views.webhooks_cli)
    listeners.install()
    schedule.add_duty(app, "webhooks-deliver", timedelta(minutes=1), services.deliver_duty)
