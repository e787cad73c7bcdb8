from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField

from campaign.form_fields import AppForm, MaxLength, Required


class LoginForm(AppForm):
    email = EmailField(_l("Email address"), validators=[Required(), MaxLength(254)])
    password = PasswordField(_l("Password"), validators=[Required(), MaxLength(1024)])
