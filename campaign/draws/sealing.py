"""Encryption at rest for secrets and personal data (draw seeds, postal addresses, API tokens).

Fernet (AES-128-CBC + HMAC-SHA256) with a key derived from SECRET_KEY: a database dump alone reveals
nothing. Rotating SECRET_KEY makes sealed values unreadable, which is documented in the README.
"""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken


def _key(secret: str, purpose: str) -> bytes:
    raw = hmac.digest(secret.encode(), f"kuchikomi.sealing:{purpose}".encode(), "sha256")
    return base64.urlsafe_b64encode(raw)


def seal(secret: str, purpose: str, value: bytes) -> str:
    return Fernet(_key(secret, purpose)).encrypt(value).decode()


def unseal(secret: str, purpose: str, token: str) -> bytes:
    try:
        return Fernet(_key(secret, purpose)).decrypt(token.encode())
    except InvalidToken as exc:
        raise ValueError(f"sealed {purpose} cannot be opened with this SECRET_KEY") from exc


def derived_key(secret: str, purpose: str) -> bytes:
    """A 32-byte key for HMACs that must not be computable without the server's secret."""
    return hashlib.sha256(_key(secret, purpose)).digest()
