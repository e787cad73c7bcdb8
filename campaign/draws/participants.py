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


def stamp(entry, secret: str) -> None:
    """Sets the entry's participant token and social account (its campaign must be loaded)."""
    entry.participant_token = token(key_for(secret, entry.campaign.public_id), entry.email_normalised)
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
