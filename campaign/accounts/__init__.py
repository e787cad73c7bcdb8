"""Accounts beyond login: password reset by email, team invitations, the members page, user settings."""


def init_app(app) -> None:
    from campaign.accounts import member_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(member_views.bp)
