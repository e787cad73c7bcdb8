"""An organisation's rights settings: how long a request waits, how long a grant lasts, what is asked for."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from campaign.audit.services import Actor, record
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.orgs.models import Organisation
from campaign.rights.models import RIGHTS_SCOPES, RightsSettings

EXPIRY_DAYS = (1, 90)
GRANT_MONTHS = (1, 120)
DEFAULT_SCOPES = ["gallery", "review"]


class InvalidSettings(DomainError):
    code = "invalid_rights_settings"


def settings_of(org_id: int) -> RightsSettings:
    """The organisation's settings, or the defaults (not stored until changed)."""
    found = db.session.get(RightsSettings, org_id)
    return found or RightsSettings(
        org_id=org_id, expiry_days=14, grant_months=24, scopes=list(DEFAULT_SCOPES)
    )


def save_settings(
    org: Organisation,
    *,
    expiry_days: int | None,
    grant_months: int | None,
    scopes: list[str],
    actor: Actor,
    now: datetime,
) -> RightsSettings:
    low, high = EXPIRY_DAYS
    if expiry_days is None or not low <= expiry_days <= high:
        raise InvalidSettings(
            _l("Let requests wait between %(low)s and %(high)s days.", low=low, high=high),
            field="expiry_days",
        )
    low, high = GRANT_MONTHS
    if grant_months is None or not low <= grant_months <= high:
        raise InvalidSettings(
            _l("A grant lasts between %(low)s and %(high)s months.", low=low, high=high), field="grant_months"
        )
    scopes = [s for s in RIGHTS_SCOPES if s in set(scopes)]
    if not scopes:
        raise InvalidSettings(_l("Ask for at least one use."), field="scopes")
    settings = db.session.get(RightsSettings, org.id)
    before = _settings_facts(settings) if settings else {}
    if settings is None:
        settings = RightsSettings(org_id=org.id)
        db.session.add(settings)
    settings.expiry_days, settings.grant_months, settings.scopes = expiry_days, grant_months, scopes
    db.session.flush()
    if _settings_facts(settings) != before:
        record(
            actor,
            "rights.settings",
            org_id=org.id,
            object_type="organisation",
            object_id=org.public_id,
            now=now,
            before=before,
            after=_settings_facts(settings),
        )
    return settings


def _settings_facts(settings: RightsSettings) -> dict:
    return {
        "expiry_days": settings.expiry_days,
        "grant_months": settings.grant_months,
        "scopes": list(settings.scopes),
    }
