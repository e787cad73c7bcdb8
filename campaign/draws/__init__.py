"""Giveaway draws: seed commitments, verifiable draws, winners, claims and shipping."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Studio and public pages, `flask draws`, the frozen lists for `flask storage gc`, the seed and winners'
    listeners, and the duties that forfeit unclaimed prizes and purge shipped addresses."""
    from datetime import timedelta

    from campaign import schedule
    from campaign.draws import frozen, housekeeping, labels, public_views, services, views, winners
    from campaign.draws.cli import draws_cli
    from campaign.storage import register_references

    app.jinja_env.globals.update(  # the words of draws/_labels.html, which the shipping lists share
        pick_state_labels=labels.PICK_STATES,
        win_state_labels=labels.WIN_STATES,
        exclusion_labels=labels.EXCLUSIONS,
        state_label=labels.label,
        address_line=labels.address_line,
    )
    services.install()  # first: the seed made at launch is what instant win's schedule is built from
    winners.install()
    app.register_blueprint(views.bp)
    app.register_blueprint(public_views.bp)
    app.cli.add_command(draws_cli)
    register_references(app, frozen.referenced_keys)
    schedule.add_duty(app, "draws-expire-claims", timedelta(minutes=5), housekeeping.expire_duty)
    schedule.add_duty(app, "draws-purge-addresses", timedelta(hours=1), housekeeping.purge_duty)
