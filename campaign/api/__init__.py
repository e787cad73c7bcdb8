"""The public JSON API v1 and the private export API (API keys)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The private export API; the public API is an app of its own (`campaign.create_public_api`)."""
    from campaign.api.export_views import bp

    app.register_blueprint(bp)
