"""Forms of the draw screen, the claim page and the "check your win" page."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.validators import Optional, Regexp

from campaign.draws import address_input
from campaign.draws.models import Eligibility
from campaign.form_fields import AppForm, Between, MaxLength, Required, WholeNumberField


class PlanForm(AppForm):
    beacon_source = StringField(
        _l("Public randomness beacon named in advance (optional)"), validators=[Optional(), MaxLength(500)]
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
        validators=[Required(zero_counts=True), Between(min=0, max=10)],
    )
    claim_days = WholeNumberField(
        _l("Days a winner has to claim"),
        default=14,
        validators=[Required(zero_counts=True), Between(min=1, max=90)],
    )


class DrawForm(AppForm):
    password = PasswordField(_l("Your password"), validators=[Required()])
    beacon = StringField(_l("Beacon value"), validators=[Optional(), MaxLength(500)])


class CheckForm(AppForm):
    """A hand check's result is one of two buttons: an unticked box sent as it came excluded the winner at
    once (a walk-through's find). A post with neither button decides nothing."""

    note = TextAreaField(_l("Note"), validators=[Optional(), MaxLength(2000)])
    passed = SubmitField(_l("Checked: tell the winner"))
    failed = SubmitField(_l("Exclude as not eligible…"))

    def outcome(self) -> bool | None:
        """True: the check passed; False: the winner is excluded; None: neither was chosen."""
        if self.passed.data == self.failed.data:
            return None
        return bool(self.passed.data)


class ClaimForm(AppForm):
    """The winner's delivery address. Full-width input is read as half-width (`address_input`), and each
    field tells the phone what it holds, so it can offer the saved address and a number pad."""

    name = StringField(
        _l("Full name of the recipient"),
        validators=[Required(), MaxLength(100)],
        render_kw={"autocomplete": "name"},
    )
    postal_code = StringField(
        _l("Postal code"),
        filters=[address_input.postal_code],
        validators=[
            Required(),
            Regexp(address_input.POSTAL_CODE, message=_l("Enter a postal code like 123-4567.")),
        ],
        render_kw={"autocomplete": "postal-code", "inputmode": "numeric"},
    )
    prefecture = SelectField(
        _l("Prefecture"),
        choices=lambda: [("", _l("Choose…"))] + address_input.prefecture_choices(str(get_locale())),
        validators=[Required(_l("Choose the prefecture."))],
        render_kw={"autocomplete": "address-level1"},
    )
    city = StringField(
        _l("City, ward, town"),
        validators=[Required(), MaxLength(100)],
        render_kw={"autocomplete": "address-level2"},
    )
    street = StringField(
        _l("Street address, building, room"),
        validators=[Required(), MaxLength(200)],
        render_kw={"autocomplete": "address-line1"},
    )
    phone = TelField(
        _l("Phone"),
        filters=[address_input.phone],
        validators=[
            Required(),
            Regexp(address_input.PHONE, message=_l("Enter the phone number in digits, like 090-1234-5678.")),
        ],
        render_kw={"autocomplete": "tel"},
    )

    JA_ORDER = ("postal_code", "prefecture", "city", "street", "name", "phone")
    EN_ORDER = ("name", "street", "city", "prefecture", "postal_code", "phone")

    def ordered(self, locale: str) -> list:
        return [self[name] for name in (self.JA_ORDER if locale == "ja" else self.EN_ORDER)]


class NoticeCodeForm(AppForm):
    code = StringField(_l("Code from the message"), validators=[Required(), MaxLength(20)])
