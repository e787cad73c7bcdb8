"""The one interface every network's connector implements, and its outcomes."""

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Post:
    """What the entrant told us: their handle and their post's link."""

    handle: str
    post_url: str
    hashtags: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    """passed True/False, or None when the API could not answer (rate limit, outage): check by hand."""

    passed: bool | None
    reason: str = ""  # an exclusion reason when passed is False: post_deleted, not_following, ...
    note: str = ""


class ConnectorError(Exception):
    """The API refused or failed; `retry_after` (seconds) is set for rate limits."""

    def __init__(self, message: str, *, status: int = 0, retry_after: int | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class Connector(Protocol):
    network: str

    def verify(self, post: Post) -> Verdict: ...


def get_json(url: str, params: dict, headers: dict, *, timeout: float = 10.0) -> tuple[dict, dict]:
    """GET → (JSON body, headers); raises ConnectorError with the API's own message on failure."""
    if not url.startswith(("https://", "http://")):
        raise ConnectorError(f"not an HTTP URL: {url}")
    request = urllib.request.Request(f"{url}?{urllib.parse.urlencode(params)}", headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - checked above
            return json.loads(response.read() or b"{}"), dict(response.headers)
    except urllib.error.HTTPError as exc:
        body = exc.read()
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            payload = {}
        raise error_from(exc.code, payload, dict(exc.headers)) from exc
    except (OSError, ValueError) as exc:
        raise ConnectorError(f"cannot reach the API: {exc}") from exc


def error_from(status: int, payload: dict, headers: dict) -> ConnectorError:
    lower = {k.lower(): v for k, v in headers.items()}
    graph = payload.get("error") if isinstance(payload.get("error"), dict) else None
    if graph is not None:  # Graph API error object
        code = graph.get("code")
        message = f"Graph API error {code}: {graph.get('message', '')}"
        if code in (4, 17, 32, 613):  # application, user, page and custom rate limits
            return ConnectorError(message, status=status, retry_after=3600)
        return ConnectorError(message, status=status)
    if status == 429:
        reset = lower.get("x-rate-limit-reset")
        return ConnectorError(
            "X API rate limit reached", status=429, retry_after=int(reset) if reset else None
        )
    errors = payload.get("errors") or [payload]
    detail = "; ".join(str(e.get("detail") or e.get("message") or e.get("title") or "") for e in errors)
    return ConnectorError(f"API error {status}: {detail}", status=status)
