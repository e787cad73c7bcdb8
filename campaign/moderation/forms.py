"""Moderation forms: a step (with reason and note), a bulk step, a redaction, a rejection reason."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional, ValidationError

from campaign.entries.models import EntryStatus
from campaign.form_fields import AppForm, Between, MaxLength, Required, WholeNumberField
from campaign.moderation.reasons import LABEL_MAX
from campaign.moderation.services import NOTE_MAX


class StepForm(AppForm):
    reason = StringField(_l("Reason shown to the customer"), validators=[Optional(), MaxLength(32)])
    note = TextAreaField(
        _l("Note for the team (never shown to the customer)"), validators=[Optional(), MaxLength(NOTE_MAX)]
    )


class BulkForm(StepForm):
    action = StringField(validators=[DataRequired(), MaxLength(16)])
    entries = SelectMultipleField(validate_choice=False)


class RedactForm(AppForm):
    redacted_caption = TextAreaField(_l("Public caption (replace characters with ■)"))


class ReasonForm(AppForm):
    label_ja = StringField(_l("Reason in Japanese"), validators=[Required(), MaxLength(LABEL_MAX)])
    label_en = StringField(_l("Reason in English"), validators=[Required(), MaxLength(LABEL_MAX)])
    position = WholeNumberField(_l("Position"), default=0, validators=[Optional(), Between(min=0, max=1000)])
    active = BooleanField(_l("In use"), default=True)


# Entries are dated within these; a day far outside (0001-01-01, 9999-12-31) has no UTC midnight to compare.
DATE_RANGE = (date(2000, 1, 1), date(2100, 12, 31))


def plausible_date(form, field) -> None:
    low, high = DATE_RANGE
    if field.data is not None and not low <= field.data <= high:
        raise ValidationError(_l("Enter a date between %(min)s and %(max)s.", min=low, max=high))


def listed_reason(form, field) -> None:
    """A reason the draw leaves entries out for (`eligibility.LIST_REASONS`), or none. An unknown one (a link
    cut short or typed by hand) was ignored: the queue showed, and the export took, every entry."""
    from campaign.draws.eligibility import LIST_REASONS

    if field.data and field.data not in LIST_REASONS:
        raise ValidationError(
            _l("“%(field)s”: choose one of the reasons in the list.", field=field.label.text)
        )


class QueueFilterForm(AppForm):
    """Read from the query string (GET), so no CSRF token."""

    class Meta:
        csrf = False

    state = SelectField(_l("State"), choices=lambda: state_choices(), default="todo", validators=[Optional()])
    product = SelectField(_l("Product"), choices=[], validate_choice=False, validators=[Optional()])
    rating = SelectField(_l("Rating"), choices=lambda: rating_choices(), default="", validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional(), plausible_date])
    date_to = DateField(_l("To"), validators=[Optional(), plausible_date])
    duplicates = BooleanField(_l("Possible duplicates only"))
    rights = SelectField(_l("Rights"), choices=lambda: rights_choices(), default="", validators=[Optional()])
    source = SelectField(_l("Source"), choices=lambda: source_choices(), default="", validators=[Optional()])
    left_out = SelectField(
        _l("Left out of the draw"),
        choices=lambda: left_out_choices(),
        default="",
        validate_choice=False,  # listed_reason says which list, not WTForms' 「選択肢が正しくありません。」
        validators=[Optional(), listed_reason],
    )

    def refused(self) -> list:
        """The filters whose value the queue cannot filter by (a date out of range, an unknown reason): the
        queue answers 400 with their messages, the export exports nothing."""
        return [field for field in (self.date_from, self.date_to, self.left_out) if field.errors]


def product_choices(products, *, with_campaign: bool) -> list[SelectChoice]:
    def label(product) -> str:
        return f"{product.campaign.title} · {product.name}" if with_campaign else product.name

    return [SelectChoice("", _l("All"))] + [SelectChoice(p.public_id, label(p)) for p in products]


def state_choices() -> list[SelectChoice]:
    return [
        SelectChoice("todo", _l("To do")),
        SelectChoice(EntryStatus.RECEIVED.value, _l("Received (not yet reviewed)")),
        SelectChoice(EntryStatus.RECOMMENDED.value, _l("Recommended")),
        SelectChoice(EntryStatus.APPROVED.value, _l("Approved")),
        SelectChoice(EntryStatus.REJECTED.value, _l("Not approved")),
        SelectChoice(EntryStatus.WITHDRAWN.value, _l("Withdrawn")),
        SelectChoice("all", _l("All")),
    ]


def source_choices() -> list[SelectChoice]:
    """Where entries came from (issue 12): the upload form or a network; keys of `queue.SOURCE_FILTERS`."""
    return [
        SelectChoice("", _l("Any")),
        SelectChoice("upload", _l("Upload form")),
        SelectChoice("instagram", "Instagram"),
        SelectChoice("x", "X"),
    ]


def left_out_choices() -> list[SelectChoice]:
    """Why the campaign's draw leaves an entry out (`eligibility.LIST_REASONS`)."""
    from campaign.draws.eligibility import LIST_REASONS
    from campaign.draws.labels import EXCLUSIONS

    return [SelectChoice("", _l("Any"))] + [SelectChoice(r, EXCLUSIONS[r]) for r in LIST_REASONS]


def rating_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("Any"))] + [SelectChoice(str(n), "★" * n) for n in range(5, 0, -1)]


def rights_choices() -> list[SelectChoice]:
    from campaign.rights.queries import FILTERS

    return [SelectChoice("", _l("Any"))] + [SelectChoice(value, label) for value, label in FILTERS]
