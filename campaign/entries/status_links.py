"""The customer's private status link: a signed token for the entry's public id."""

from itsdangerous import BadSignature, URLSafeSerializer

_SALT = "kuchikomi.entry-status"


def status_token(secret: str, entry_public_id: str) -> str:
    return URLSafeSerializer(secret, salt=_SALT).dumps(entry_public_id)


def entry_id_from_token(secret: str, token: str) -> str | None:
    try:
        value = URLSafeSerializer(secret, salt=_SALT).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None
