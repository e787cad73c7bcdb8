"""Marketer accounts: login, sessions, password hashing."""

from flask import Flask


def init_app(app: Flask) -> None:
    from campaign.auth.cli import users_cli
    from campaign.auth.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
