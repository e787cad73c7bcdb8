"""Posts collected from Instagram and X (issue 12): a campaign's sources, their polls, the mentions
webhook, and the studio page that shows each source's status."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Blueprints (studio page, webhook) and the CLI group; the poll duty is in `campaign.schedule`."""
    from campaign.sources import models  # noqa: F401 - the tables belong to the metadata
    from campaign.sources.cli import sources_cli
    from campaign.sources.views import bp
    from campaign.sources.webhooks import bp as hooks_bp

    app.register_blueprint(bp)
    app.register_blueprint(hooks_bp)
    app.cli.add_command(sources_cli)
