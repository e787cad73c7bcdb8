"""Secrets for emailed links: 256 random bits in the link, only their SHA-256 in the database, so a copy
of the database (a backup, a replica) opens no account."""

import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """(the token for the link, its digest for the row)."""
    token = secrets.token_urlsafe(32)
    return token, digest(token)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
