"""Rights to reuse collected posts (issue 12): request templates, requests, grants, detection."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Blueprints (studio and public rights page), the reply scan and expiry duties; each source poll is
    followed by a scan for replies."""
    from datetime import timedelta

    from campaign import schedule
    from campaign.rights import detection, expiry, notices, public_views, views
    from campaign.sources import poll

    app.register_blueprint(views.bp)
    app.register_blueprint(public_views.bp)
    app.add_template_global(notices.tells_winners_on_networks)  # the winners' contact notice
    if detection.after_poll not in poll.after_poll:
        poll.after_poll.append(detection.after_poll)
    schedule.add_duty(app, "rights-scan", timedelta(minutes=15), detection.duty)  # key-hashtag replies
    schedule.add_duty(app, "rights-expire", timedelta(minutes=15), expiry.expire_duty)
