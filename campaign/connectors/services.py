"""Per-organisation connector configuration (set, test, disconnect), and the check run for one drawn entry."""

import math
import re
from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from campaign import outbound
from campaign.audit.services import Actor, record
from campaign.connectors import expiry
from campaign.connectors.base import Connector, ConnectorError, Post, Verdict
from campaign.connectors.instagram import InstagramGraph
from campaign.connectors.models import ConnectorAccount
from campaign.connectors.x import XApi
from campaign.draws import sealing
from campaign.entries.rules import social_network
from campaign.errors import DomainError, NotFound
from campaign.extensions import db

TOKEN_PURPOSE = "connector-token"  # noqa: S105 - a key-derivation label, not a secret
DEFAULT_BASE_URLS = {"instagram": "https://graph.facebook.com/v21.0", "x": "https://api.x.com"}
NETWORKS = tuple(DEFAULT_BASE_URLS)
NETWORK_NAMES = {"instagram": "Instagram", "x": "X"}  # brand names, not translated
_ACCOUNT_ID_RE = re.compile(r"^[0-9]{1,64}$")  # IG user ids and X user ids are numeric
MAX_TOKEN_LENGTH = 2000


class InvalidConnector(DomainError):
    code = "invalid_connector"


class ConnectionFailed(DomainError):
    """The test call failed; the message says what to do about it, in the user's language."""

    status = 502
    code = "connector_failed"


def account_of(org_id: int, network: str) -> ConnectorAccount | None:
    return db.session.scalar(
        select(ConnectorAccount).where(ConnectorAccount.org_id == org_id, ConnectorAccount.network == network)
    )


def accounts_of(org_id: int) -> dict[str, ConnectorAccount | None]:
    """Every network, connected or not, in a fixed order."""
    return {network: account_of(org_id, network) for network in NETWORKS}


def checked_network(network: str) -> str:
    if network not in NETWORKS:
        raise NotFound()
    return network


def checked_base_url(url: str, *, allow_private: bool = False) -> str:
    """Empty (the network's public API) or an https:// URL on the public internet; with `allow_private`
    (development, tests: `OUTBOUND_ALLOW_PRIVATE`) also http:// and loopback or private hosts. A host name
    is checked again on every connection (`outbound`)."""
    url = url.strip()
    if not url:
        return ""
    refused = InvalidConnector(_l("Enter an https:// address on the public internet."), field="base_url")
    if len(url) > 200 or any(c.isspace() for c in url):
        raise refused
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError as exc:
        raise refused from exc
    if not host or parts.username or parts.password or parts.query or parts.fragment:
        raise refused
    if parts.scheme not in (("https", "http") if allow_private else ("https",)):
        raise refused
    if not allow_private and not outbound.literal_is_public(host):
        raise InvalidConnector(outbound.UnsafeTarget.message, field="base_url")
    return url.rstrip("/")


def configure(
    org_id: int,
    network: str,
    *,
    account_id: str,
    token: str,
    secret: str,
    actor: Actor,
    now: datetime,
    base_url: str = "",
) -> ConnectorAccount:
    """Sets or replaces an organisation's access to one network; the token is sealed and never audited."""
    if network not in NETWORKS:
        raise InvalidConnector(_l("Unknown network."), field="network")
    account_id, token = account_id.strip(), token.strip()
    if not _ACCOUNT_ID_RE.match(account_id):
        raise InvalidConnector(_l("Enter the account's numeric id."), field="account_id")
    if not token or len(token) > MAX_TOKEN_LENGTH or any(c.isspace() for c in token):
        raise InvalidConnector(_l("Paste the token without spaces or line breaks."), field="token")
    base_url = (
        checked_base_url(base_url, allow_private=outbound.allow_private()) or DEFAULT_BASE_URLS[network]
    )
    account = account_of(org_id, network)
    before = _facts(account) if account is not None else {}
    if account is None:
        account = ConnectorAccount(org_id=org_id, network=network)
        db.session.add(account)
    account.account_id = account_id
    account.token_sealed = sealing.seal(secret, TOKEN_PURPOSE, token.encode())
    account.base_url = base_url
    account.updated_at = now
    db.session.flush()
    expiry.token_accepted(account, actor=actor, now=now)  # a new token: reconnected
    record(
        actor,
        "connector.configured",
        org_id=org_id,
        object_type="connector",
        object_id=network,
        now=now,
        before=before,
        after={**_facts(account), "token": "replaced" if before else "set"},
    )
    return account


def disconnect(org_id: int, network: str, *, actor: Actor, now: datetime) -> bool:
    """Deletes the stored access (the token with it); False when there was none."""
    account = account_of(org_id, network)
    if account is None:
        return False
    before = _facts(account)
    db.session.delete(account)
    db.session.flush()
    record(
        actor,
        "connector.disconnected",
        org_id=org_id,
        object_type="connector",
        object_id=network,
        now=now,
        before=before,
    )
    return True


def _facts(account: ConnectorAccount) -> dict:
    """What the audit may hold about an access: never the token."""
    return {"account_id": account.account_id, "base_url": account.base_url}


def check_connection(org_id: int, network: str, secret: str, *, actor: Actor, now: datetime) -> str:
    """One cheap read with the stored access; the account's username, or ConnectionFailed saying why. The
    answer also sets the connection's state (`expiry`): a refused token marks it, an answer clears the mark
    (flushed: the caller commits either way)."""
    connector = connector_for(org_id, network, secret)
    if connector is None:
        raise ConnectionFailed(_l("This network is not connected."))
    account = account_of(org_id, network)
    try:
        username = connector.account_name()
    except ConnectorError as exc:
        if exc.token_refused and account is not None:
            expiry.token_refused(account, str(exc), now=now)
        raise _failure(exc, account) from exc
    if account is not None:
        expiry.token_accepted(account, actor=actor, now=now)
    return username


def _failure(exc: ConnectorError, account: ConnectorAccount | None) -> ConnectionFailed:
    detail = str(exc)
    if exc.kind == "unauthorised":
        return ConnectionFailed(
            _l("The API refused the token (HTTP %(status)s): it is wrong, expired or revoked. %(detail)s"),
            status=exc.status,
            detail=detail,
        )
    if exc.kind == "rate_limited" and exc.retry_after:
        return ConnectionFailed(
            _l("The API is rate limiting this account (HTTP %(status)s): try again in %(minutes)s min."),
            status=exc.status,
            minutes=math.ceil(exc.retry_after / 60),
        )
    if exc.kind == "rate_limited":
        return ConnectionFailed(
            _l("The API is rate limiting this account (HTTP %(status)s): try again later."), status=exc.status
        )
    if exc.kind == "not_found":
        return ConnectionFailed(
            _l("The API knows no account with the id %(account)s. %(detail)s"),
            account=account.account_id if account else "",
            detail=detail,
        )
    if exc.kind in (
        "unreachable",
        "malformed",
    ):  # one text whatever the cause: the page must not map a network
        return ConnectionFailed(
            _l("Cannot reach the API at %(url)s. Check the address, or try again later."),
            url=account.base_url if account else "",
        )
    return ConnectionFailed(_l("The API answered with an error: %(detail)s"), detail=detail)


def connector_for(org_id: int, network: str, secret: str) -> Connector | None:
    account = account_of(org_id, network)
    if account is None:
        return None
    token = sealing.unseal(secret, TOKEN_PURPOSE, account.token_sealed).decode()
    private = outbound.allow_private()
    if network == "instagram":
        return InstagramGraph(
            base_url=account.base_url,
            access_token=token,
            ig_user_id=account.account_id,
            allow_private=private,
        )
    return XApi(
        base_url=account.base_url, bearer_token=token, brand_user_id=account.account_id, allow_private=private
    )


def check_entry(
    org_id: int, post_url: str, handle: str, hashtags: list[str], secret: str, *, now: datetime
) -> Verdict | None:
    """None when no connector is configured for the post's network (the marketer checks by hand). A refused
    token marks the connection (`expiry.note_refusal`; the caller commits)."""
    network = social_network(post_url)
    connector = connector_for(org_id, network, secret) if network else None
    if connector is None:
        return None
    try:
        return connector.verify(Post(handle, post_url, tuple(hashtags)))
    except ConnectorError as exc:
        expiry.note_refusal(org_id, network, exc, now=now)
        failure = _failure(exc, account_of(org_id, network)).text()
        return Verdict(None, note=_l("%(failure)s Check by hand or later.", failure=failure))
