"""Galleries of approved photos, their published snapshots and embeds."""

from flask import Flask


def init_app(app: Flask) -> None:
    from campaign.galleries import answers, listeners, public_views, snapshots, views
    from campaign.storage import register_references

    app.register_blueprint(public_views.bp)
    app.register_blueprint(views.bp)
    listeners.install()
    register_references(app, snapshots.referenced_keys)
    answers.init_app(app)
