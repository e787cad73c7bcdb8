"""Organisations (brands, agencies) and their members' roles."""

from flask import Flask


def init_app(app: Flask) -> None:
    from campaign.orgs.cli import orgs_cli
    from campaign.orgs.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(orgs_cli)
