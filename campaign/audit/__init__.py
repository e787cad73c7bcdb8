"""The audit trail: an append-only record of every state change and sensitive action."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The trail's pages; its append-only guard is installed with the extensions, before any feature."""
    from campaign.audit.views import bp

    app.register_blueprint(bp)
