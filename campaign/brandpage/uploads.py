"""The campaign editor's image fields: every upload checked before the campaign is saved."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from campaign.brandpage import services
from campaign.campaigns.forms import CampaignForm
from campaign.entries.processing import media_bounds

NAME_FIRST = _l("Give the prize a name to add its image.")


def _read(field) -> bytes | None:
    upload = field.data
    if upload is None or not getattr(upload, "filename", ""):
        return None  # no file chosen: the saved image stays
    return upload.read()


def _prepare(field, bounds) -> services.PreparedImage | None:
    data = _read(field)
    if data is None:
        return None
    try:
        return services.prepare(data, bounds)
    except services.InvalidImage as exc:
        field.errors = [*field.errors, exc.text()]
        return None


def prepare_images(form: CampaignForm) -> dict | None:
    """The prepared hero, logo and prize images (prizes by their position among the saved rows), or None
    when any upload is refused: its message is on its field, and nothing may be saved."""
    bounds = media_bounds(current_app.config)
    images: dict = {"hero": _prepare(form.hero_image, bounds), "logo": _prepare(form.logo_image, bounds)}
    prizes = {}
    position = 0
    for row in form.prizes:
        if (row.form.name.data or "").strip():
            if (prepared := _prepare(row.form.image, bounds)) is not None:
                prizes[position] = prepared
            position += 1
        elif _read(row.form.image) is not None:
            row.form.image.errors = [*row.form.image.errors, str(NAME_FIRST)]
            form.form_errors.append(str(NAME_FIRST))  # the summary: a row's errors hide in the table
    images["prizes"] = prizes
    refused = (
        form.hero_image.errors or form.logo_image.errors or any(r.form.image.errors for r in form.prizes)
    )
    return None if refused else images
