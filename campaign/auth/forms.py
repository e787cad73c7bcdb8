from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import Length

from campaign.form_fields import Required


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[Required(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[Required(), Length(max=1024)])
