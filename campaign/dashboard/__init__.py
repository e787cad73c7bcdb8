"""The campaign dashboard: counts by state and entries per day."""

from flask import Flask


def init_app(app: Flask) -> None:
    from campaign.dashboard.views import bp

    app.register_blueprint(bp)
