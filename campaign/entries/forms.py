"""The campaign page's entry form. It only carries values: the rules live in entries.services."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)

from campaign.campaigns.forms import scope_choices
from campaign.entries.rules import clean_text, shows_nothing
from campaign.entries.services import Submission
from campaign.form_fields import AppForm
from campaign.uploads import file_bytes


class EntryForm(AppForm):
    photo = FileField(_l("Photo"))
    product_id = SelectField(_l("Product in your photo"), choices=[], validate_choice=False)
    caption = TextAreaField(_l("Caption"))
    rating = RadioField(
        _l("Rating"), choices=[SelectChoice(str(n)) for n in range(1, 6)], validate_choice=False
    )
    nickname = StringField(_l("Nickname shown with your photo"))
    email = EmailField(_l("Email address"))
    social_handle = StringField(_l("Your account name"))
    post_url = StringField(_l("Link to your post"))
    accepts_terms = BooleanField(_l("I have read and accept the terms"))
    consent_scopes = SelectMultipleField(
        _l("You may show my photo and caption in"),
        choices=scope_choices,
        validate_choice=False,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )
    idempotency_key = HiddenField()

    def to_submission(self, locale: str) -> Submission:
        rating = self.rating.data
        return Submission(
            email=(self.email.data or "").strip(),
            rating=int(rating) if rating and str(rating).isdigit() else None,
            caption=clean_text(self.caption.data or ""),
            nickname=_nickname(self.nickname.data),
            social_handle=clean_text(self.social_handle.data or "").lstrip("@＠"),
            post_url=(self.post_url.data or "").strip(),
            accepts_terms=bool(self.accepts_terms.data),
            consent_scopes=list(self.consent_scopes.data or []),
            idempotency_key=(self.idempotency_key.data or "")[:64],
            locale=locale,
            product_id=self.product_id.data or "",
        )

    def offer_products(self, products) -> None:
        self.product_id.choices = [SelectChoice("", _l("Choose…"))] + [
            SelectChoice(p.public_id, p.name) for p in products
        ]

    def photo_bytes(self) -> bytes | None:
        upload = self.photo.data
        return file_bytes(upload) if upload else None


def _nickname(typed: str | None) -> str:
    """The nickname as shown, "" (anonymous) for one that shows nothing: zero-width spaces left a blank
    where a name should be, on the gallery and the certificate."""
    nickname = clean_text(typed or "").replace("\n", " ")
    return "" if shows_nothing(nickname) else nickname
