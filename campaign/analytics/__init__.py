"""What a campaign earned: beacons from the embeds, conversions, rollups and reports, without cookies."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Call after `mount_public_api`: the event endpoint sits in front of the public API's prefix."""
    from campaign.analytics import models, reports, views, visits  # noqa: F401 (models: tables in the metadata)
    from campaign.analytics.buffer import make_buffer
    from campaign.analytics.endpoint import EventsDispatch

    app.extensions["analytics_buffer"] = make_buffer(app)
    visits.init_app(app)
    app.register_blueprint(views.bp)
    app.add_template_global(reports.photo_ctr_of)
    app.wsgi_app = app.extensions["analytics_events"] = EventsDispatch(app.wsgi_app, app)
