"""Forms of the draw screen, the claim page and the "check your win" page."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional, Regexp

from campaign.draws.models import Eligibility
from campaign.form_fields import AppForm, Required, WholeNumberField


class PlanForm(AppForm):
    beacon_source = StringField(
        _l("Public randomness beacon named in advance (optional)"), validators=[Optional(), Length(max=500)]
    )
    eligibility = SelectField(
        _l("Who takes part"),
        choices=lambda: [
            SelectChoice(Eligibility.APPROVED.value, _l("Approved entries sent during the campaign")),
            SelectChoice(
                Eligibility.NOT_REJECTED.value,
                _l("Every entry sent during the campaign that was not rejected"),
            ),
        ],
    )
    # InputRequired, not DataRequired: 0 alternates is a choice, and DataRequired reads 0 as missing.
    alternates_per_winner = WholeNumberField(
        _l("Alternates per winner"),
        default=1,
        validators=[Required(zero_counts=True), NumberRange(min=0, max=10)],
    )
    claim_days = WholeNumberField(
        _l("Days a winner has to claim"),
        default=14,
        validators=[Required(zero_counts=True), NumberRange(min=1, max=90)],
    )


class DrawForm(AppForm):
    password = PasswordField(_l("Your password"), validators=[Required()])
    beacon = StringField(_l("Beacon value"), validators=[Optional(), Length(max=500)])


class CheckForm(AppForm):
    passed = BooleanField(_l("I checked: the post is online with the hashtag and the account follows us"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class ClaimForm(AppForm):
    name = StringField(_l("Full name of the recipient"), validators=[Required(), Length(max=100)])
    postal_code = StringField(
        _l("Postal code"),
        validators=[
            Required(),
            Regexp(r"^\d{3}-?\d{4}$", message=_l("Enter a postal code like 123-4567.")),
        ],
    )
    prefecture = StringField(_l("Prefecture"), validators=[Required(), Length(max=20)])
    city = StringField(_l("City, ward, town"), validators=[Required(), Length(max=100)])
    street = StringField(_l("Street address, building, room"), validators=[Required(), Length(max=200)])
    phone = StringField(
        _l("Phone"),
        validators=[Required(), Regexp(r"^[0-9+\- ()]{6,20}$", message=_l("Enter a phone number."))],
    )

    JA_ORDER = ("postal_code", "prefecture", "city", "street", "name", "phone")
    EN_ORDER = ("name", "street", "city", "prefecture", "postal_code", "phone")

    def ordered(self, locale: str) -> list:
        return [self[name] for name in (self.JA_ORDER if locale == "ja" else self.EN_ORDER)]


class NoticeCodeForm(AppForm):
    code = StringField(_l("Code from the message"), validators=[Required(), Length(max=20)])
