"""Moderation: the queue, the entry state machine (one or two stages), rejection reasons, takedown."""

from flask import Flask


def init_app(app: Flask) -> None:
    from campaign.moderation.views import bp

    app.register_blueprint(bp)
