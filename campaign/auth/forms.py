from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import Length

from campaign.form_fields import AppForm, Required


class LoginForm(AppForm):
    email = EmailField(_l("Email address"), validators=[Required(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[Required(), Length(max=1024)])
