"""The app's form base and the form fields shared by the studio's forms."""

from functools import lru_cache

from babel import support
from flask_babel import format_number, get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import Form, IntegerField
from wtforms.i18n import messages_path
from wtforms.validators import StopValidation, ValidationError

from campaign.nul_characters import refuse_nul

# More digits than any bound of ours (10**15 is the largest): refused as not a number. WTForms' NumberRange
# compares through math.isnan, which raises OverflowError on an int too large for a float (309 digits).
MAX_DIGITS = 18


class WholeNumberField(IntegerField):
    """An IntegerField that reads a number of more than MAX_DIGITS digits as not a number (a form error)."""

    def process_formdata(self, valuelist):
        if valuelist and len(str(valuelist[0]).strip().lstrip("+-").lstrip("0")) > MAX_DIGITS:
            self.data = None
            raise ValueError(self._not_a_number())
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self._not_a_number()) from None

    def _not_a_number(self) -> str:
        """By the field's name, not WTForms' 「無効な整数です。」 (a check's find)."""
        return _("“%(field)s” must be a whole number.", field=self.label.text)


@lru_cache(maxsize=16)
def _wtforms_catalogue(locale: str) -> support.NullTranslations:
    """WTForms' own catalogue in one language, read once per process (Flask-WTF's `translations` reads the
    .mo file again in every request that builds a form: a hidden field's default label is translated)."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class Translations:
    """WTForms' own messages ("Not a valid integer value.") in the reader's language."""

    def gettext(self, string: str) -> str:
        locale = get_locale()
        return string if locale is None else _wtforms_catalogue(str(locale)).ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        locale = get_locale()
        if locale is None:
            return singular if n == 1 else plural
        return _wtforms_catalogue(str(locale)).ungettext(singular, plural, n)


translations = Translations()


class FieldsMeta:
    """WTForms' own messages in the reader's language; every field refuses a NUL character first
    (`nul_characters`: the database would refuse it)."""

    def get_translations(self, form):
        return translations

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        field.validators = [refuse_nul, *field.validators]
        return field


class AppForm(FlaskForm):
    """Every page form of the app: a FlaskForm (CSRF) whose WTForms messages come from the catalogues kept
    per process, and whose fields refuse a NUL character."""

    Meta = FieldsMeta

    def show_refusal(self, error, fallback=None) -> None:
        """A service's refusal (a DomainError) shown by the field it names; else by `fallback`, a field of
        this form; else in the form's summary at the top."""
        named = getattr(self, error.field or "", None)
        target = named if named is not None else fallback
        if target is None:
            self.form_errors.append(error.text())
        else:
            target.errors = [*target.errors, error.text()]


class RowForm(Form):
    """A form nested in an AppForm (a FormField row): WTForms' own messages ("Number must be between…")
    in the reader's language too, as the AppForm around it has them, and the same refusal of a NUL."""

    Meta = FieldsMeta


class MaxLength:
    """At most `max` characters, said by the field's name: 「郵便番号は20文字以内で入力してください。」, not
    WTForms' 「フィールドは 200 文字を超えることはできません。」 (a walk-through's find on the claim form)."""

    def __init__(self, max: int):  # noqa: A002 - as WTForms' Length names it
        self.max = max
        self.field_flags = {"maxlength": max}

    def __call__(self, form, field):
        if field.data is not None and len(field.data) > self.max:
            raise ValidationError(
                _("“%(field)s” can be at most %(max)s characters.", field=field.label.text, max=self.max)
            )


class Between:
    """A whole number from `min` to `max`, said by the field's name:
    「保持日数は1〜3,650の範囲で入力してください。」, not WTForms'
    「数値は 1 以上, 3650 以下でなければいけません。」 (an operator's walk-through's find)."""

    def __init__(self, min: int, max: int):  # noqa: A002 - as WTForms' NumberRange names them
        self.min, self.max = min, max
        self.field_flags = {"min": min, "max": max}

    def __call__(self, form, field):
        if field.data is not None and not self.min <= field.data <= self.max:
            low, high = format_number(self.min), format_number(self.max)  # 100,000,000: read at a glance
            raise ValidationError(
                _("“%(field)s” must be from %(min)s to %(max)s.", field=field.label.text, min=low, max=high)
            )


class Required:
    """A required field whose message names it: 「タイトル（日本語）を入力してください。」, not WTForms'
    generic 「このフィールドは必須です。」. `zero_counts`: the raw input counts (0 alternates is a choice)."""

    field_flags = {"required": True}

    def __init__(self, message: str | None = None, *, zero_counts: bool = False):
        self.message, self.zero_counts = message, zero_counts

    def __call__(self, form, field):
        if self.zero_counts:
            given = bool(field.raw_data and field.raw_data[0])
        else:
            given = bool(field.data) and (not isinstance(field.data, str) or bool(field.data.strip()))
        if given:
            return
        field.errors[:] = []
        raise StopValidation(self.message or _("Enter “%(field)s”.", field=field.label.text))
