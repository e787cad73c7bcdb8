"""Who is the same person in a draw.

Each entry is stamped when it is received with an opaque participant token (an HMAC of its normalised email
under a per-campaign key derived from the server's secret, so nobody can test a guessed address against
the public frozen list) and its social account ("instagram:handle"). At the draw, entries that share a
social account but not a token are joined: every token of such a group becomes the group's smallest.
Stamping at receipt keeps the draw itself free of per-person work; rows without a stamp (made before
stamping existed, or directly) are stamped by the draw with the same function.
"""

import hmac
from collections.abc import Iterable

from campaign.draws import sealing
from campaign.entries.rules import SOCIAL_HOSTS


def key_for(secret: str, campaign_public_id: str) -> bytes:
    """Per campaign, so one person's tokens cannot be linked across campaigns."""
    return sealing.derived_key(secret, f"participant:{campaign_public_id}")


def token(key: bytes, email_normalised: str) -> str:
    return hmac.digest(key, email_normalised.encode(), "sha256")[:16].hex()


def social_account(handle: str, post_url: str) -> str | None:
    """ "instagram:handle" or "x:handle"; the network comes from the post's host (entries.rules)."""
    handle = handle.strip().lstrip("@＠").lower()
    host = post_url[8:].split("/", 1)[0].lower() if post_url.startswith("https://") else ""
    network = SOCIAL_HOSTS.get(host)
    return f"{network}:{handle}"[:120] if handle and network else None


def person(email_normalised: str, network: str = "", handle: str = "", post_id: str | None = None) -> str:
    """What makes a person one in the draw: the email of an upload; for a post collected from a network
    (no email) its account, "x:handle", so one account is one participant, and an upload naming the same
    handle is joined to it through the social account. An anonymous post (Instagram hashtag results
    carry no username) is a participant of its own until a rights grant names its author."""
    if email_normalised or not network:
        return email_normalised
    handle = handle.strip().lstrip("@＠").lower()
    return f"{network}:{handle}" if handle else f"{network}:post:{post_id}"


def stamp(entry, secret: str) -> None:
    """Sets the entry's participant token and social account (its campaign must be loaded)."""
    who = person(
        entry.email_normalised, entry.network or "", entry.social_handle or "", entry.network_post_id
    )
    entry.participant_token = token(key_for(secret, entry.campaign.public_id), who)
    entry.social_account = social_account(entry.social_handle or "", entry.post_url or "")


def joined(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """(social account, token) pairs → {token: the smallest token of its group}, for merged tokens only.

    Two tokens are one person when they share a social account, directly or through a chain of accounts.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while (p := parent.get(x, x)) != x:
            parent[x] = parent.get(p, p)
            x = p
        return x

    first_of: dict[str, str] = {}
    for account, tok in pairs:
        first = first_of.setdefault(account, tok)
        a, b = find(first), find(tok)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {tok: root for tok in list(parent) if (root := find(tok)) != tok}
