"""A campaign page that looks like the brand's own: images, colour, texts per language, QR code, preview."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Blueprint, template helpers and the storage references of brand images."""
    from campaign.brandpage import views
    from campaign.brandpage.services import referenced_keys
    from campaign.storage import register_references

    app.register_blueprint(views.bp)
    register_references(app, referenced_keys)
