"""API keys: random, shown once, stored as SHA-256 (a 256-bit random key needs no slow hash)."""

import hashlib
import secrets
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from campaign.api.models import ApiKey
from campaign.audit.services import Actor, record
from campaign.extensions import db

KEY_PREFIX = "kk_live_"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(org_id: int, name: str, *, actor: Actor, now: datetime) -> tuple[ApiKey, str]:
    """Returns the row and the plain key, which is never stored and never shown again."""
    plain = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey(
        org_id=org_id,
        name=name.strip()[:100] or _("API key"),  # in its creator's language, as the studio names it
        prefix=plain[:12],
        key_hash=digest(plain),
        created_at=now,
    )
    db.session.add(api_key)
    db.session.flush()
    record(
        actor,
        "api_key.created",
        org_id=org_id,
        object_type="api_key",
        object_id=api_key.public_id,
        now=now,
        after={"name": api_key.name, "prefix": api_key.prefix},
    )
    return api_key, plain


def revoke_key(api_key: ApiKey, *, actor: Actor, now: datetime) -> None:
    if api_key.revoked_at is None:
        api_key.revoked_at = now
        db.session.flush()
        record(
            actor,
            "api_key.revoked",
            org_id=api_key.org_id,
            object_type="api_key",
            object_id=api_key.public_id,
            now=now,
        )


def authenticate(plain: str, *, now: datetime) -> ApiKey | None:
    if not plain.startswith(KEY_PREFIX):
        return None
    api_key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == digest(plain)))
    if api_key is None or api_key.revoked_at is not None:
        return None
    api_key.last_used_at = now
    return api_key
