"""Issue 6's blueprints and event listeners, registered by `create_app` in one line."""

from flask import Flask


def register(app: Flask) -> None:
    from campaign.api import export_views
    from campaign.galleries import listeners
    from campaign.galleries import public_views as gallery_embeds
    from campaign.galleries import views as galleries
    from campaign.reviews import public_views as review_pages
    from campaign.reviews import views as reviews
    from campaign.webhooks import listeners as webhook_listeners
    from campaign.webhooks import views as webhooks

    for bp in (  # the public API (campaign.api.public_views) is an app of its own: see `create_public_api`
        export_views.bp,
        gallery_embeds.bp,
        galleries.bp,
        review_pages.bp,
        reviews.bp,
        webhooks.bp,
    ):
        app.register_blueprint(bp)
    listeners.install()
    webhook_listeners.install()
    app.cli.add_command(webhooks.webhooks_cli)
