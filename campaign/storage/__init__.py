"""Object storage: one interface, backends chosen by configuration (local folder, S3, in-memory).

The database stores the backend's ``name`` and the key beside each other, never a URL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from campaign.config import STORAGE_BACKENDS
from campaign.storage.base import ObjectNotFound, Storage, StorageError, StoredObject

__all__ = [
    "ObjectNotFound",
    "Storage",
    "StorageError",
    "StoredObject",
    "build_storage",
    "get_storage",
    "init_app",
    "referenced_keys",
    "register_references",
]

DEFAULT_LOCAL_ROOT = Path(__file__).resolve().parents[2] / "uploads"
BACKENDS = STORAGE_BACKENDS

# app.config key -> S3Settings field
S3_CONFIG_KEYS = {
    "S3_ENDPOINT_URL": "endpoint_url",
    "S3_REGION": "region",
    "S3_ADDRESSING_STYLE": "addressing_style",
    "S3_PRIVATE_BUCKET": "private_bucket",
    "S3_PUBLIC_BUCKET": "public_bucket",
    "S3_KEY_PREFIX": "key_prefix",
    "S3_PUBLIC_BASE_URL": "public_base_url",
    "S3_ACCESS_KEY_ID": "access_key_id",
    "S3_SECRET_ACCESS_KEY": "secret_access_key",
    "S3_CONNECT_TIMEOUT": "connect_timeout",
    "S3_READ_TIMEOUT": "read_timeout",
    "S3_MAX_ATTEMPTS": "max_attempts",
}


def build_storage(config: Mapping[str, Any]) -> Storage:
    """The backend that ``config`` (app.config keys: STORAGE_BACKEND, STORAGE_LOCAL_ROOT, S3_*) describes.

    Makes no network call; ValueError when the configuration is incomplete or invalid.
    """
    backend = config.get("STORAGE_BACKEND") or "local"
    if backend == "local":
        from campaign.storage.local import LocalStorage

        return LocalStorage(config.get("STORAGE_LOCAL_ROOT") or DEFAULT_LOCAL_ROOT)
    if backend == "memory":
        from campaign.storage.memory import MemoryStorage

        return MemoryStorage()
    if backend == "s3":
        from campaign.storage.s3 import S3Storage  # imports boto3 only when S3 is configured

        return S3Storage({field: config[name] for name, field in S3_CONFIG_KEYS.items() if name in config})
    raise ValueError(f"KUCHIKOMI_STORAGE_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")


def init_app(app: Flask) -> None:
    app.extensions["storage"] = build_storage(app.config)
    app.extensions.setdefault("storage_refs", [])
    from campaign.storage.cli import storage_cli

    app.cli.add_command(storage_cli)


def get_storage() -> Storage:
    try:
        return current_app.extensions["storage"]
    except KeyError:
        raise RuntimeError("storage is not set up: call campaign.storage.init_app(app)") from None


def register_references(app: Flask, referenced: Callable[[list[str]], set[str]]) -> None:
    """Let ``flask storage gc`` know which keys a feature's rows point at (returns the subset of a batch).

    Called in the app context; it should only count rows whose backend name is the current storage's.
    """
    app.extensions.setdefault("storage_refs", []).append(referenced)


def referenced_keys(keys: list[str]) -> set[str]:
    """The union of what every registered provider says is referenced."""
    found: set[str] = set()
    for provider in current_app.extensions.get("storage_refs", []):
        found |= set(provider(keys))
    return found
