from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo

from campaign.auth.passwords import MIN_LENGTH
from campaign.form_fields import AppForm, MaxLength
from campaign.orgs.models import Role

PASSWORD_MAX = 1024


ROLE_LABELS = {
    Role.OWNER: _l("Owner"),
    Role.EDITOR: _l("Editor"),
    Role.APPROVER: _l("Approver"),
    Role.VIEWER: _l("Viewer"),
}


def role_choices():
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}  # each in its own language, as the switcher shows them


def language_choices(*, follow_browser: bool):
    """The languages this install offers (KUCHIKOMI_LANGUAGES)."""
    choices = [(code, LANGUAGE_NAMES[code]) for code in current_app.config["LANGUAGES"]]
    return ([("", _l("Same as the browser"))] if follow_browser else []) + choices


class NewPassword:
    """A new password twice; the length rule itself is the service's (auth.check_password_rules)."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password.")), MaxLength(PASSWORD_MAX)],
        description=_l("At least %(min)d characters.", min=MIN_LENGTH),
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Enter the new password a second time.")),
            EqualTo("password", _l("The two passwords do not match. Enter the same password twice.")),
        ],
    )


class ForgotPasswordForm(AppForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter the email address you log in with.")), MaxLength(254)],
    )


class ResetPasswordForm(NewPassword, AppForm):
    pass


class AcceptInvitationForm(NewPassword, AppForm):
    name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Enter your name, as your team will see it.")), MaxLength(100)],
    )


class ChangePasswordForm(NewPassword, AppForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password.")), MaxLength(PASSWORD_MAX)],
    )


class LanguageForm(AppForm):
    locale = SelectField(_l("Language of the studio and of your emails"), choices=[], validate_choice=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = language_choices(follow_browser=True)


class InviteForm(AppForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter the email address to invite.")), MaxLength(254)],
    )
    role = SelectField(_l("Role"), choices=[], default=Role.EDITOR.value)
    locale = SelectField(_l("Language of the invitation email"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()
        self.locale.choices = language_choices(follow_browser=False)


class RoleForm(AppForm):
    role = SelectField(_l("Role"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()
