"""Product reviews republished from approved, consented entries."""

from flask import Flask


def init_app(app: Flask) -> None:
    from campaign.reviews import public_views, views

    app.register_blueprint(public_views.bp)
    app.register_blueprint(views.bp)
