"""Studio forms: a request template, the organisation's rights settings. The rules live in the services;
these only carry the fields (and their CSRF token)."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from campaign.form_fields import AppForm, WholeNumberField


def language_choices() -> list[SelectChoice]:
    return [SelectChoice("ja", _l("Japanese")), SelectChoice("en", _l("English"))]


def network_choices() -> list[SelectChoice]:
    return [
        SelectChoice("", _l("Instagram and X")),
        SelectChoice("instagram", "Instagram"),
        SelectChoice("x", "X"),
    ]


def scope_choices() -> list[SelectChoice]:
    return [
        SelectChoice("gallery", _l("Photo galleries on the brand's sites")),
        SelectChoice("review", _l("Product reviews")),
        SelectChoice("ads", _l("Advertising")),
    ]


class TemplateForm(AppForm):
    language = SelectField(_l("Language"), choices=language_choices, validate_choice=False)
    network = SelectField(_l("Network"), choices=network_choices, validate_choice=False)
    body = TextAreaField(_l("Text of the request"), render_kw={"rows": 5})
    hashtag = StringField(_l("Key hashtag"), render_kw={"placeholder": "yes_brand", "maxlength": 60})


class SettingsForm(AppForm):
    expiry_days = WholeNumberField(_l("An unanswered request expires after (days)"), validators=[Optional()])
    grant_months = WholeNumberField(_l("A grant lasts (months)"), validators=[Optional()])
    scopes = SelectMultipleField(
        _l("Uses asked for"),
        choices=scope_choices,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,
    )
