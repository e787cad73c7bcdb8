"""Follow-and-post checks against the social networks' APIs, behind one interface (`base.Connector`)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from campaign.connectors.views import bp

    app.register_blueprint(bp)
