"""The gallery editor: HTML fields in, GalleryData out."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from campaign.form_fields import AppForm, Between, MaxLength, Required, WholeNumberField
from campaign.galleries.models import Layout


class GalleryForm(AppForm):
    name = StringField(_l("Name"), validators=[Required(), MaxLength(200)])
    campaign = SelectField(_l("Campaign"), choices=[], validate_choice=True)
    product = SelectField(_l("Product"), choices=[], validate_choice=True)
    # empty: no minimum (the only setting that shows posts collected from networks: they carry no rating)
    min_rating = WholeNumberField(_l("Minimum rating"), validators=[Optional(), Between(min=1, max=5)])
    layout = SelectField(
        _l("Layout"),
        choices=[
            SelectChoice(Layout.GRID.value, _l("Grid")),
            SelectChoice(Layout.CAROUSEL.value, _l("Carousel")),
        ],
    )
    allowed_origins = TextAreaField(
        _l("Sites allowed to embed it (one origin per line, e.g. https://shop.example.jp)"),
        validators=[MaxLength(5000)],
    )
