"""The S3 backend's settings, checked when the app starts (the bucket layouts are in `s3.py`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

ADDRESSING_STYLES = ("path", "virtual", "auto")
_KEY_PREFIX_RE = re.compile(r"(?:[A-Za-z0-9._-]+/)*")
_BUCKET_RE = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


@dataclass(frozen=True)
class S3Settings:
    private_bucket: str
    public_bucket: str
    endpoint_url: str | None = None  # None: AWS
    region: str | None = None  # None: boto3's default (AWS_DEFAULT_REGION, ~/.aws/config)
    addressing_style: str | None = None  # None: "path" with an endpoint_url, "virtual" on AWS
    key_prefix: str = ""
    public_base_url: str | None = None
    access_key_id: str | None = None  # None: boto3's default credential chain
    secret_access_key: str | None = field(default=None, repr=False)
    connect_timeout: float = 3.0
    read_timeout: float = 10.0
    max_attempts: int = 3  # in all, the first try included

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> S3Settings:
        """Build from plain (e.g. environment-sourced) values; '' counts as unset; ValueError when invalid."""
        known = {f.name for f in fields(cls)}
        unknown = set(config) - known
        if unknown:
            raise ValueError(f"unknown S3 settings: {', '.join(sorted(unknown))}")
        values = {name: (None if value == "" else value) for name, value in config.items()}
        values = {name: value for name, value in values.items() if value is not None}
        for name in ("connect_timeout", "read_timeout"):
            if name in values:
                values[name] = _number(name, values[name], float)
        if "max_attempts" in values:
            values["max_attempts"] = _number("max_attempts", values["max_attempts"], int)
        for name in ("private_bucket", "public_bucket"):
            if not values.get(name):
                raise ValueError(f"S3 storage needs {name}")
        settings = cls(**values)
        settings._validate()
        return settings

    def _validate(self) -> None:
        for bucket in (self.private_bucket, self.public_bucket):
            if not _BUCKET_RE.fullmatch(bucket) or ".." in bucket:
                raise ValueError(f"invalid bucket name {bucket!r}")
        if self.addressing_style is not None and self.addressing_style not in ADDRESSING_STYLES:
            raise ValueError(f"addressing_style must be one of {', '.join(ADDRESSING_STYLES)}")
        if not _KEY_PREFIX_RE.fullmatch(self.key_prefix) or ".." in self.key_prefix:
            raise ValueError(
                f"invalid key_prefix {self.key_prefix!r}: use segments ending with '/', e.g. 'kuchikomi/'"
            )
        for name in ("endpoint_url", "public_base_url"):
            url = getattr(self, name)
            if url is not None and not url.startswith(("http://", "https://")):
                raise ValueError(f"{name} must be an http:// or https:// URL")
        if (self.access_key_id is None) != (self.secret_access_key is None):
            raise ValueError("set both access_key_id and secret_access_key, or neither")
        if self.connect_timeout <= 0 or self.read_timeout <= 0 or self.max_attempts < 1:
            raise ValueError("timeouts must be positive and max_attempts at least 1")

    @property
    def effective_addressing_style(self) -> str:
        if self.addressing_style:
            return self.addressing_style
        return "path" if self.endpoint_url else "virtual"


def _number(name: str, value: Any, kind: type) -> Any:
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, not {value!r}") from None
