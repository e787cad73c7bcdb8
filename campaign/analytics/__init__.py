"""What a campaign earned: beacons from the embeds, conversions, rollups and reports, without cookies."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Call after `mount_public_api`: the event endpoint sits in front of the public API's prefix."""
    from campaign.analytics import (
        models,  # noqa: F401 (its tables belong to the metadata)
        views,
        visits,
    )
    from campaign.analytics.buffer import make_buffer
    from campaign.analytics.endpoint import EventsDispatch

    app.extensions["analytics_buffer"] = make_buffer(app)
    visits.init_app(app)
    app.register_blueprint(views.bp)
    app.wsgi_app = app.extensions["analytics_events"] = EventsDispatch(app.wsgi_app, app)
