"""Rights to reuse collected posts (issue 12): request templates, requests, grants, detection."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Blueprints (studio and public rights page); each source poll is followed by a scan for replies."""
    from campaign.rights import detection, public_views, views
    from campaign.sources import poll

    app.register_blueprint(views.bp)
    app.register_blueprint(public_views.bp)
    if detection.after_poll not in poll.after_poll:
        poll.after_poll.append(detection.after_poll)
