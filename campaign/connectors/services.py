"""Per-organisation connector configuration, and the check run for one drawn entry."""

from datetime import datetime

from sqlalchemy import select

from campaign.connectors.base import Connector, ConnectorError, Post, Verdict
from campaign.connectors.instagram import InstagramGraph
from campaign.connectors.models import ConnectorAccount
from campaign.connectors.x import XApi
from campaign.draws import sealing
from campaign.entries.rules import social_network
from campaign.extensions import db

TOKEN_PURPOSE = "connector-token"  # noqa: S105 - a key-derivation label, not a secret
DEFAULT_BASE_URLS = {"instagram": "https://graph.facebook.com/v21.0", "x": "https://api.x.com"}


def configure(
    org_id: int, network: str, *, account_id: str, token: str, secret: str, now: datetime, base_url: str = ""
) -> ConnectorAccount:
    if network not in DEFAULT_BASE_URLS:
        raise ValueError(f"unknown network {network!r}")
    account = db.session.scalar(
        select(ConnectorAccount).where(ConnectorAccount.org_id == org_id, ConnectorAccount.network == network)
    )
    if account is None:
        account = ConnectorAccount(org_id=org_id, network=network)
        db.session.add(account)
    account.account_id = account_id
    account.token_sealed = sealing.seal(secret, TOKEN_PURPOSE, token.encode())
    account.base_url = base_url or DEFAULT_BASE_URLS[network]
    account.updated_at = now
    db.session.flush()
    return account


def connector_for(org_id: int, network: str, secret: str) -> Connector | None:
    account = db.session.scalar(
        select(ConnectorAccount).where(ConnectorAccount.org_id == org_id, ConnectorAccount.network == network)
    )
    if account is None:
        return None
    token = sealing.unseal(secret, TOKEN_PURPOSE, account.token_sealed).decode()
    if network == "instagram":
        return InstagramGraph(base_url=account.base_url, access_token=token, ig_user_id=account.account_id)
    return XApi(base_url=account.base_url, bearer_token=token, brand_user_id=account.account_id)


def check_entry(org_id: int, post_url: str, handle: str, hashtags: list[str], secret: str) -> Verdict | None:
    """None when no connector is configured for the post's network (the marketer checks by hand)."""
    network = social_network(post_url)
    connector = connector_for(org_id, network, secret) if network else None
    if connector is None:
        return None
    try:
        return connector.verify(Post(handle, post_url, tuple(hashtags)))
    except ConnectorError as exc:
        wait = f" (retry in {exc.retry_after} s)" if exc.retry_after else ""
        return Verdict(None, note=f"{exc}{wait}: check by hand or later")
