"""WTForms' own messages come in the reader's language from catalogues read once per process and language,
not from the .mo file read again in every request that builds a form (the campaign page's form does)."""

from babel import support
from wtforms import IntegerField
from wtforms.i18n import messages_path

from campaign.entries.forms import EntryForm
from campaign.form_fields import _wtforms_catalogue, translations

MESSAGE = "Not a valid integer value."


def japanese(message: str) -> str:
    return support.Translations.load(messages_path(), ["ja"], domain="wtforms").ugettext(message)


def request_in(app, language: str):
    """A request of its own (its own app context: Flask-Babel keeps the chosen language there)."""
    with app.app_context(), app.test_request_context("/c/x", headers={"Accept-Language": language}):
        EntryForm()  # its hidden field's default label is translated as the form is built
        return translations.gettext(MESSAGE)


def test_each_language_is_read_once_and_every_form_gets_its_messages(app):
    _wtforms_catalogue.cache_clear()
    for _ in range(3):
        assert request_in(app, "ja") == japanese(MESSAGE) != MESSAGE
        assert request_in(app, "en") == MESSAGE
    assert _wtforms_catalogue.cache_info().misses == 2  # ja and en, once each


def test_a_studio_forms_wtforms_message_is_in_the_readers_language(app):
    class NumberForm(EntryForm):
        number = IntegerField("n")  # WTForms' message (WholeNumberField says its own, by field name)

    with app.test_request_context(
        "/c/x", method="POST", data={"number": "x"}, headers={"Accept-Language": "ja"}
    ):
        form = NumberForm(meta={"csrf": False})
        form.validate()
        assert form.number.errors == [japanese(MESSAGE)]
