"""Rights to reuse collected posts (issue 12): request templates, requests, grants, detection."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Blueprints (studio and public rights page), the grant listeners."""
    from campaign.rights import public_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(public_views.bp)
