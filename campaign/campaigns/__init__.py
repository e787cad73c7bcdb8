"""Campaign setup: window, entry methods, terms, consent scopes, products, prizes."""

from flask import Flask


def init_app(app: Flask) -> None:
    from campaign.campaigns.views import bp

    app.register_blueprint(bp)
