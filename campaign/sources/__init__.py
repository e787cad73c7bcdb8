"""Posts collected from Instagram and X (issue 12): a campaign's sources, their polls, the mentions
webhook, and the studio page that shows each source's status."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Blueprints (studio page, webhook), the CLI group, and the periodic poll and recheck."""
    from datetime import timedelta

    from campaign import schedule
    from campaign.sources import (
        duties,
        models,  # noqa: F401 - the tables belong to the metadata
        removal,
    )
    from campaign.sources.cli import sources_cli
    from campaign.sources.views import bp
    from campaign.sources.webhooks import bp as hooks_bp

    app.register_blueprint(bp)
    app.register_blueprint(hooks_bp)
    app.cli.add_command(sources_cli)
    schedule.add_duty(app, "sources-poll", timedelta(minutes=5), duties.poll)
    schedule.add_duty(app, "sources-recheck", removal.RECHECK_EVERY, duties.recheck)
    schedule.add_duty(app, "sources-hold", removal.RECHECK_EVERY, duties.hold)  # refused connections' posts
