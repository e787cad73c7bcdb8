"""The studio form that sets or replaces one network's access (one instance per network, by prefix)."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import Optional

from campaign.form_fields import AppForm, MaxLength, Required


class ConnectorForm(AppForm):
    account_id = StringField(_l("Account id"), validators=[Required(), MaxLength(64)])
    token = PasswordField(_l("Access token"), validators=[Required(), MaxLength(2000)])
    base_url = StringField(_l("API base URL (optional)"), validators=[Optional(), MaxLength(200)])
