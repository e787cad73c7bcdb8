"""Instant win: each accepted entry plays at once against a release schedule of prize units made at launch
from the campaign's committed seed (`algorithm.py`, the rule an outside verifier re-implements), then the
winners' fulfilment. It builds on the drawn giveaway's plan, seed and winners' address rules (`draws`)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """After draws' (its seed listener makes the plan the schedule is built from)."""
    from campaign.draws import housekeeping
    from campaign.draws import public_views as draw_pages
    from campaign.draws.cli import draws_cli
    from campaign.instant import cli, fulfilment, public_views, services, views

    app.register_blueprint(views.bp)
    app.register_blueprint(public_views.bp)
    services.install()
    fulfilment.install()
    draws_cli.add_command(cli.verify_instant)
    # One duty, one command and one check page for every prize: instant wins join the drawn ones'.
    for hooks, step in (
        (housekeeping.claim_expirers, fulfilment.expire_claims),
        (housekeeping.address_purgers, fulfilment.purge_addresses),
        (draw_pages.notice_finders, fulfilment.notice_of),
    ):
        if step not in hooks:
            hooks.append(step)
