"""Which entries take part in a draw, who is the same person, and why the others do not.

One scan of the campaign's entries through the database driver's own cursor (no ORM rows): a draw over
a million entries must stay fast. The SQL CASE names each entry's exclusion reason, or NULL when eligible.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from itertools import pairwise

from campaign.campaigns.models import Campaign
from campaign.draws.algorithm import hmac_sha256_many
from campaign.draws.models import Eligibility
from campaign.entries.rules import SOCIAL_HOSTS
from campaign.extensions import db

EXCLUSION_REASONS = (
    "rejected",
    "withdrawn",
    "not_approved",
    "outside_window",
    "duplicate_photo",
    "already_won",
    "post_deleted",
    "not_following",
    "hashtag_missing",
    "manual_check_failed",
)

_SCAN = """
SELECT public_id, email_normalised, social_handle, post_url,
  CASE
    WHEN status = 'rejected' THEN 'rejected'
    WHEN status = 'withdrawn' THEN 'withdrawn'
    WHEN {approved_only} AND status <> 'approved' THEN 'not_approved'
    WHEN created_at < {p} OR created_at >= {p} THEN 'outside_window'
    WHEN duplicate_of_id IS NOT NULL THEN 'duplicate_photo'
  END AS reason
FROM entries WHERE campaign_id = {p}
ORDER BY public_id{collate}
"""


@dataclass(frozen=True)
class Pool:
    entries: list[tuple[str, str]]  # (entry public id, participant token), sorted by public id
    exclusions: list[dict]  # {"entry": public id, "reason": ...}, sorted by public id


def scan(campaign: Campaign, mode: Eligibility) -> tuple[list[tuple[str, str, str, str]], list[dict]]:
    """(eligible rows: public id, normalised email, social handle, post url), exclusions with reasons."""
    connection = db.session.connection()
    sqlite = connection.dialect.name == "sqlite"
    sql = _SCAN.format(
        collate="" if sqlite else ' COLLATE "C"',  # code-point order, as the contract sorts
        p="?" if sqlite else "%s",
        approved_only="1 = 1" if mode is Eligibility.APPROVED else "1 = 0",
    )

    def stored(moment):  # what UTCDateTime writes: naive UTC (text on SQLite)
        naive = moment.astimezone(UTC).replace(tzinfo=None)
        return naive.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else naive

    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(sql, (stored(campaign.opens_at), stored(campaign.closes_at), campaign.id))
        rows = cursor.fetchall()
    finally:
        cursor.close()
    eligible = [row[:4] for row in rows if row[4] is None]
    excluded = sorted((row[0], row[4]) for row in rows if row[4] is not None)
    return eligible, [{"entry": entry_id, "reason": reason} for entry_id, reason in excluded]


def social_key(handle: str, post_url: str) -> str | None:
    """ "instagram:handle" or "x:handle"; the network comes from the post's host (entries.rules)."""
    handle = handle.strip().lstrip("@＠").lower()
    host = post_url[8:].split("/", 1)[0].lower() if post_url.startswith("https://") else ""
    network = SOCIAL_HOSTS.get(host)
    return f"{network}:{handle}" if handle and network else None


def participant_tokens(rows: Iterable[tuple[str, str, str, str]], key: bytes) -> list[tuple[str, str]]:
    """One opaque token per person, sorted by entry public id: entries sharing an email or a social
    account are the same person. The token is an HMAC of the person's representative email under a
    server-held key, so nobody can test a guessed address against it."""
    by_social: dict[str, str] = {}  # social account -> first email seen with it
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while (p := parent.get(x, x)) != x:
            parent[x] = parent.get(p, p)
            x = p
        return x

    public_ids: list[str] = []
    emails: list[str] = []
    for public_id, email, handle, post_url in rows:
        public_ids.append(public_id)
        emails.append(email)
        if handle:
            account = social_key(handle, post_url)
            if account is None:
                continue
            first = by_social.setdefault(account, email)
            if first != email:
                a, b = find(first), find(email)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    if parent:
        emails = [find(email) for email in emails]
    people = list(dict.fromkeys(emails))
    tokens = dict(
        zip(people, (t[:16].hex() for t in hmac_sha256_many(key, [p.encode() for p in people])), strict=True)
    )
    pairs = list(zip(public_ids, [tokens[email] for email in emails], strict=True))
    if not all(a < b for a, b in pairwise(public_ids)):  # the database sorted them; trust but verify
        pairs.sort()
    return pairs


def pool(campaign: Campaign, mode: Eligibility, key: bytes) -> Pool:
    eligible, excluded = scan(campaign, mode)
    return Pool(participant_tokens(eligible, key), excluded)
