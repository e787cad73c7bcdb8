"""What a campaign earned: beacons from the embeds, conversions, rollups and reports, without cookies."""

from flask import Flask


def init_app(app: Flask) -> None:
    """After `mount_public_api` (create_app mounts it before the features): the event endpoint sits in front
    of the public API's prefix."""
    from datetime import timedelta

    from campaign import schedule
    from campaign.analytics import duties, models, reports, views, visits  # noqa: F401 (models: tables in the metadata)
    from campaign.analytics.buffer import make_buffer
    from campaign.analytics.endpoint import EventsDispatch

    app.extensions["analytics_buffer"] = make_buffer(app)
    visits.init_app(app)
    app.register_blueprint(views.bp)
    app.add_template_global(reports.photo_ctr_of)
    app.wsgi_app = app.extensions["analytics_events"] = EventsDispatch(app.wsgi_app, app)
    schedule.add_duty(app, "analytics-rollup", duties.ROLLUP_EVERY, duties.rollup)
    schedule.add_duty(app, "analytics-expire", timedelta(hours=6), duties.expire)
