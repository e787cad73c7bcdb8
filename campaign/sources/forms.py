"""The studio form that adds a source to a campaign."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField, StringField

from campaign.form_fields import AppForm, MaxLength


class SourceForm(AppForm):
    kind = SelectField(
        _l("Where to collect from"),
        choices=[
            SelectChoice("instagram_hashtag", _l("Instagram hashtag")),
            SelectChoice("instagram_tags", _l("Instagram tags and mentions")),
            SelectChoice("x_search", _l("X recent search")),
        ],
    )
    query = StringField(_l("Hashtag or query"), validators=[MaxLength(512)])
    include_top = BooleanField(_l("Also read the hashtag's top posts (one more API page per poll)"))
