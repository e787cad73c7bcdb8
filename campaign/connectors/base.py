"""The one interface every network's connector implements, and its outcomes."""

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from campaign import outbound
from campaign.clock import utcnow


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
    note: str = ""  # in the user's language (a lazy string until it is stored)


class ConnectorError(Exception):
    """The API refused or failed; `retry_after` (seconds from now) is set for rate limits.

    `kind` sorts the failure for the people who must act on it: "unauthorised" (wrong, expired or revoked
    token), "rate_limited", "not_found" (no such account), "unreachable" (network),
    "malformed" (an answer that is not the API's JSON), else "api". `token_refused`: the network no longer
    accepts the stored access at all (Graph's OAuthException codes that ask for a new login, X's 401), so
    only reconnecting helps (`connectors.expiry`)."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 0,
        retry_after: int | None = None,
        kind: str = "api",
        token_refused: bool = False,
    ):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.kind = kind
        self.token_refused = token_refused


class Connector(Protocol):
    network: str

    def verify(self, post: Post) -> Verdict: ...

    def account_name(self) -> str:
        """One cheap read with the stored access: the connected account's username."""
        ...


def get_json(
    url: str, params: dict, headers: dict, *, allow_private: bool = False, timeout: float = 10.0
) -> tuple[dict, dict]:
    """GET → (JSON body, headers); raises ConnectorError with the API's own message on failure. Public
    addresses only unless `allow_private` (`outbound`), and no redirects."""
    if not url.startswith(("https://", "http://")):
        raise ConnectorError(f"not an HTTP URL: {url}")
    request = urllib.request.Request(f"{url}?{urllib.parse.urlencode(params)}", headers=headers)  # noqa: S310
    return _exchange(request, allow_private=allow_private, timeout=timeout)


def post_json(
    url: str,
    body: dict | None,
    headers: dict,
    *,
    params: dict | None = None,
    allow_private: bool = False,
    timeout: float = 10.0,
) -> tuple[dict, dict]:
    """POST a JSON body (or only query parameters, as the Graph API takes them) → (JSON body, headers);
    the same guard and errors as `get_json`."""
    if not url.startswith(("https://", "http://")):
        raise ConnectorError(f"not an HTTP URL: {url}")
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    data = json.dumps(body).encode() if body is not None else b""
    headers = {**headers, "Content-Type": "application/json"} if body is not None else headers
    request = urllib.request.Request(f"{url}{query}", data=data, headers=headers, method="POST")  # noqa: S310
    return _exchange(request, allow_private=allow_private, timeout=timeout)


def _exchange(request: urllib.request.Request, *, allow_private: bool, timeout: float) -> tuple[dict, dict]:
    try:
        with outbound.opener(allow_private=allow_private).open(request, timeout=timeout) as response:
            raw, answered = response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        body = exc.read()
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            payload = {}
        raise error_from(exc.code, payload, dict(exc.headers)) from exc
    except outbound.UnsafeTarget as exc:
        raise ConnectorError("the address is on a private or local network", kind="unreachable") from exc
    except outbound.UnknownHost as exc:
        raise ConnectorError("the host name could not be found", kind="unreachable") from exc
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise ConnectorError(f"cannot reach the API: {exc}", kind="unreachable") from exc
    try:
        body = json.loads(raw or b"{}")
    except ValueError as exc:  # a 200 that is not JSON: the API (or a proxy in front of it) is broken
        raise ConnectorError("the API answered something that is not JSON", kind="malformed") from exc
    if not isinstance(body, dict):
        raise ConnectorError("the API answered JSON that is not an object", kind="malformed")
    return body, answered


GRAPH_RATE_LIMITS = (4, 17, 32, 613)  # application, user, page and custom rate limits
GRAPH_BAD_TOKEN = (102, 190)  # session key invalid, access token invalid or expired
# the permission the token was granted is missing or was removed: a new login grants it again
GRAPH_PERMISSION = (10, *range(200, 300))
X_NOT_FOUND = "https://api.twitter.com/2/problems/resource-not-found"


def error_from(status: int, payload: dict, headers: dict) -> ConnectorError:
    lower = {k.lower(): v for k, v in headers.items()}
    if not payload and status != 429:  # no API's answer (a web server, a proxy): said like a network fault
        return ConnectorError(f"HTTP {status} without an API error", status=status, kind="unreachable")
    graph = payload.get("error") if isinstance(payload.get("error"), dict) else None
    if graph is not None:  # Graph API error object
        code = graph.get("code")
        message = f"Graph API error {code}: {graph.get('message', '')}"
        if code in GRAPH_RATE_LIMITS:
            return ConnectorError(
                message, status=status, retry_after=_graph_regain(lower), kind="rate_limited"
            )
        if code in GRAPH_BAD_TOKEN or code in GRAPH_PERMISSION:
            return ConnectorError(message, status=status, kind="unauthorised", token_refused=True)
        if code == 100 and graph.get("error_subcode") == 33:  # object does not exist
            return ConnectorError(message, status=status, kind="not_found")
        return ConnectorError(message, status=status)
    if status == 429:
        return ConnectorError(
            "X API rate limit reached", status=429, retry_after=_seconds_until(lower), kind="rate_limited"
        )
    errors = payload.get("errors") or [payload]
    detail = "; ".join(str(e.get("detail") or e.get("message") or e.get("title") or "") for e in errors)
    kind = "unauthorised" if status in (401, 403) else "api"
    # 401: the bearer token is invalid or revoked; a 403 is this app's plan or access level, not the token
    refused = status == 401
    return ConnectorError(f"API error {status}: {detail}", status=status, kind=kind, token_refused=refused)


def _graph_regain(headers: dict) -> int | None:
    """Instagram's requests count against business use case limits: `X-Business-Use-Case-Usage` holds, per
    business object, `estimated_time_to_regain_access` in minutes. None when no usage says when."""
    try:
        usage = json.loads(headers.get("x-business-use-case-usage") or "{}")
        minutes = [
            int(item.get("estimated_time_to_regain_access") or 0)
            for items in usage.values()
            for item in items
        ]
    except (ValueError, TypeError, AttributeError):
        return None
    longest = max(minutes, default=0)
    return longest * 60 if longest > 0 else None


def _seconds_until(headers: dict) -> int | None:
    """X's `x-rate-limit-reset` is the epoch second the window reopens, not a number of seconds."""
    try:
        reset = int(headers["x-rate-limit-reset"])
    except (KeyError, ValueError):
        return None
    return max(1, reset - int(utcnow().timestamp()))
