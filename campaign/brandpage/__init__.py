"""A campaign page that looks like the brand's own: images, colour, texts per language, QR code, preview."""

from flask import Flask, current_app, request

EDITOR_ENDPOINTS = ("campaigns.create", "campaigns.edit")


def init_app(app: Flask) -> None:
    """Blueprint, template helpers and the storage references of brand images."""
    from campaign.brandpage import views
    from campaign.brandpage.services import referenced_keys
    from campaign.storage import register_references

    app.register_blueprint(views.bp)
    register_references(app, referenced_keys)
    # Before CSRF protection reads the form: the editor's request may carry several images.
    app.before_request_funcs.setdefault(None, []).insert(0, allow_editor_images)


def allow_editor_images() -> None:
    """The campaign editor carries a hero, a logo and prize images, each checked against MAX_UPLOAD_BYTES
    with its own message; so the request as a whole may be larger than one photo."""
    if request.endpoint in EDITOR_ENDPOINTS:
        request.max_content_length = 4 * current_app.config["MAX_UPLOAD_BYTES"] + 256 * 1024
