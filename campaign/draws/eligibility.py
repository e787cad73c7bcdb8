"""Which entries take part in a draw, who is the same person, and why the others do not.

A draw over a million entries must stay fast, so the eligible tickets are read in entry-id order from one
covering index (`ix_entries_draw`) through the database driver's own cursor, with no ORM rows and no
per-person work: tokens were stamped when each entry was received (`participants`). One read gives every
entry with the SQL CASE naming why it is excluded (NULL when it is eligible). It comes in chunks, and each
chunk's eligible entry ids go to a sink (the draw's `scoring.Scorer`) that scores them on the other core
while the rest is read.
"""

import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC
from itertools import islice
from typing import Protocol

from campaign.campaigns.models import Campaign
from campaign.draws import participants
from campaign.draws.models import Eligibility
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

_ELIGIBLE = {
    Eligibility.APPROVED: "status = 'approved'",
    Eligibility.NOT_REJECTED: "status NOT IN ('rejected', 'withdrawn')",
}

# Every entry of the campaign once, in entry-id order: its token, and why it is excluded (NULL: eligible).
_SCAN = """
SELECT public_id, participant_token,
  CASE
    WHEN status = 'rejected' THEN 'rejected'
    WHEN status = 'withdrawn' THEN 'withdrawn'
    WHEN NOT ({eligible}) THEN 'not_approved'
    WHEN created_at < {p} OR created_at >= {p} THEN 'outside_window'
    WHEN duplicate_of_id IS NOT NULL THEN 'duplicate_photo'
  END AS reason
FROM entries WHERE campaign_id = {p}
ORDER BY public_id
"""

# Social accounts that several tokens share (the partial index `ix_entries_social` answers it).
_SHARED_ACCOUNTS = """
SELECT social_account, participant_token FROM entries
WHERE campaign_id = {p} AND social_account IN (
  SELECT social_account FROM entries WHERE campaign_id = {p} AND social_account IS NOT NULL
  GROUP BY social_account HAVING COUNT(DISTINCT participant_token) > 1
)
ORDER BY social_account, participant_token
"""

_UNSTAMPED = """
SELECT id, email_normalised, social_handle, post_url FROM entries
WHERE campaign_id = {p} AND participant_token IS NULL
"""
_STAMP = "UPDATE entries SET participant_token = {p}, social_account = {p} WHERE id = {p}"


class Tickets(Sequence):
    """(entry public id, participant token) pairs sorted by public id, kept as the ids and the frozen
    list's lines ("{entry public id} {participant token}")."""

    def __init__(self, ids: list[str], tokens: list[str]):
        self.ids, self.tokens = ids, tokens

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: int) -> tuple[str, str]:
        return self.ids[index], self.tokens[index]

    def lines(self) -> list[str]:
        return [f"{entry_id} {token}" for entry_id, token in zip(self.ids, self.tokens, strict=True)]


@dataclass(frozen=True)
class Pool:
    entries: Tickets
    exclusions: list[dict]  # {"entry": public id, "reason": ...}, sorted by public id


class _Driver:
    """The session's own connection, through its DB-API cursor, with the right placeholder and the
    datetimes as UTCDateTime stores them (naive UTC; text on SQLite)."""

    def __init__(self):
        self.connection = db.session.connection()
        self.sqlite = self.connection.dialect.name == "sqlite"
        self.p = "?" if self.sqlite else "%s"

    def moment(self, value):
        naive = value.astimezone(UTC).replace(tzinfo=None)
        return naive.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else naive

    def rows(self, sql: str, params: tuple) -> list[tuple]:
        return [row for chunk in self.chunks(sql, params) for row in chunk]

    def chunks(self, sql: str, params: tuple, size: int = 50_000) -> Iterator[list[tuple]]:
        """Rows in chunks; on PostgreSQL from a server-side cursor, so the first chunk comes before the
        last row is read (the scoring helper starts at once)."""
        raw = self.connection.connection.driver_connection
        cursor = raw.cursor() if self.sqlite else raw.cursor(name="kuchikomi_draw_scan")
        try:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(size):
                yield chunk
        finally:
            cursor.close()

    def execute_many(self, sql: str, rows: list[tuple]) -> None:
        cursor = self.connection.connection.driver_connection.cursor()
        try:
            cursor.executemany(sql, rows)
        finally:
            cursor.close()


def stamp_missing(campaign: Campaign, key: bytes) -> int:
    """Stamps the campaign's entries that have no participant token yet; returns how many."""
    driver = _Driver()
    rows = driver.rows(_UNSTAMPED.format(p=driver.p), (campaign.id,))
    driver.execute_many(
        _STAMP.format(p=driver.p),
        [
            (participants.token(key, email), participants.social_account(handle, url), entry_id)
            for entry_id, email, handle, url in rows
        ],
    )
    return len(rows)


class Sink(Protocol):
    def feed(self, entry_ids: list[str]) -> None: ...
    def discard(self) -> None: ...


def pool(campaign: Campaign, mode: Eligibility, key: bytes, sink: Sink | None = None) -> Pool:
    """The eligible tickets, sorted by entry public id, with shared social accounts joined; exclusions.
    `sink` is given each chunk of entry ids as it is read, and told to discard them if the list changes."""
    driver = _Driver()
    p = driver.p
    opens, closes = driver.moment(campaign.opens_at), driver.moment(campaign.closes_at)
    ids: list[str] = []
    tokens: list[str] = []
    excluded: list[tuple[str, str]] = []
    sql = _SCAN.format(p=p, eligible=_ELIGIBLE[mode])
    for chunk in driver.chunks(sql, (opens, closes, campaign.id)):
        eligible = [row for row in chunk if row[2] is None]
        if len(eligible) < len(chunk):
            excluded += [(row[0], row[2]) for row in chunk if row[2] is not None]
        chunk_ids = [row[0] for row in eligible]
        if sink is not None:
            sink.feed(chunk_ids)
        ids += chunk_ids
        tokens += [row[1] for row in eligible]
    if None in tokens:  # entries made before stamping existed, or made directly: stamp, read again
        if sink is not None:
            sink.discard()
        stamp_missing(campaign, key)
        return pool(campaign, mode, key)
    tickets = Tickets(ids, tokens)
    merged = participants.joined(driver.rows(_SHARED_ACCOUNTS.format(p=p), (campaign.id, campaign.id)))
    if merged:
        tickets = Tickets(ids, [merged.get(token, token) for token in tokens])
    if not all(map(operator.lt, ids, islice(ids, 1, None))):  # the index's code-point order, verified
        if sink is not None:
            sink.discard()
        ordered = sorted(tickets)
        tickets = Tickets([e for e, _ in ordered], [t for _, t in ordered])
    exclusions = [{"entry": entry_id, "reason": reason} for entry_id, reason in excluded]
    return Pool(tickets, exclusions)
