from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField, StringField

from campaign.form_fields import AppForm, Between, MaxLength, Required, WholeNumberField
from campaign.orgs.services import RETENTION_DAYS


class RetentionForm(AppForm):
    retention_days = WholeNumberField(
        _l("Days to keep entrants' personal data after a campaign is over"),
        validators=[Required(zero_counts=True), Between(min=RETENTION_DAYS[0], max=RETENTION_DAYS[1])],
    )


class RequestForm(AppForm):
    kind = SelectField(
        _l("The requester is known by"),
        choices=[
            SelectChoice("", _l("Email address")),
            SelectChoice("instagram", _l("Instagram account")),
            SelectChoice("x", _l("X account")),
        ],
        default="",
    )
    email = StringField(
        _l("The requester's email address or account"), validators=[Required(), MaxLength(254)]
    )
    confirm = BooleanField(
        _l("I have checked that the request comes from the owner of this address or account.")
    )
