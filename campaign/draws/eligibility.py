"""Which entries take part in a draw, who is the same person, and why the others do not.

A draw over a million entries must stay fast, so the eligible tickets are read in entry-id order from one
covering index (`ix_entries_draw`) through the database driver's own cursor, with no ORM rows and no
per-person work: tokens were stamped when each entry was received (`participants`). One read gives every
entry with the SQL CASE naming why it is excluded (NULL when it is eligible). It comes in chunks of 50,000
entry ids (keyset pages of the index), each chunk aggregated by the database into newline-joined text: its
eligible entries' frozen-list lines and its exclusions. Splitting that text costs Python a fraction of
building a row tuple per entry (on PostgreSQL the read takes 1.0 s per million rather than 1.7 s). Each
chunk's eligible entry ids go to a sink (the draw's `scoring.Scorer`), whose thread scores them while the
rest is read.
"""

import operator
from collections.abc import Callable, Iterable, Sequence
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

# The next chunk of the campaign's entries in entry-id order after a given id, aggregated: its eligible
# entries' frozen-list lines ("{id} {token}"), its exclusions ("{id} {reason}"), its last id, its size, and
# how many eligible entries carry no token yet. The ids are cut from the lines in Python: aggregating them
# a second time cost SQLite more than a third of the read. The order is verified in Python.
_CHUNK = """
SELECT {agg}(public_id || ' ' || participant_token, {nl}) FILTER (WHERE reason IS NULL),
  {agg}(public_id || ' ' || reason, {nl}) FILTER (WHERE reason IS NOT NULL),
  MAX(public_id), COUNT(*), COUNT(*) FILTER (WHERE reason IS NULL AND participant_token IS NULL)
FROM (
  SELECT public_id, participant_token,
    CASE
      WHEN status = 'rejected' THEN 'rejected'
      WHEN status = 'withdrawn' THEN 'withdrawn'
      WHEN NOT ({eligible}) THEN 'not_approved'
      WHEN created_at < {p} OR created_at >= {p} THEN 'outside_window'
      WHEN duplicate_of_id IS NOT NULL THEN 'duplicate_photo'
    END AS reason
  FROM entries WHERE campaign_id = {p} AND public_id > {p}
  ORDER BY public_id LIMIT {size}
) AS chunk
"""
CHUNK_SIZE = 50_000

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
SELECT id, email_normalised, social_handle, post_url, network, network_post_id FROM entries
WHERE campaign_id = {p} AND participant_token IS NULL
"""
_STAMP = "UPDATE entries SET participant_token = {p}, social_account = {p} WHERE id = {p}"


class Tickets(Sequence):
    """(entry public id, participant token) pairs sorted by public id, kept as the ids and the frozen
    list's lines ("{entry public id} {participant token}")."""

    def __init__(self, ids: list[str], lines: list[str]):
        self.ids, self.lines = ids, lines

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> "Tickets":
        ids, lines = [], []
        for entry_id, token in pairs:
            ids.append(entry_id)
            lines.append(f"{entry_id} {token}")
        return cls(ids, lines)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: int) -> tuple[str, str]:
        entry_id = self.ids[index]
        return entry_id, self.lines[index][len(entry_id) + 1 :]

    def retokened(self, merged: dict[str, str]) -> "Tickets":
        """The same entries with every token in `merged` replaced by the token it joins."""
        return Tickets.of((entry_id, merged.get(token, token)) for entry_id, token in self)


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
        cursor = self.connection.connection.driver_connection.cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            cursor.close()

    def aggregate(self) -> tuple[str, str]:
        """The dialect's text aggregate and its newline."""
        return ("group_concat", "char(10)") if self.sqlite else ("string_agg", "chr(10)")

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
            (
                participants.token(key, participants.person(email, network, handle, post_id)),
                participants.social_account(handle, url),
                entry_id,
            )
            for entry_id, email, handle, url, network, post_id in rows
        ],
    )
    return len(rows)


class Sink(Protocol):
    def feed(self, entry_ids: list[str]) -> None: ...
    def discard(self) -> None: ...


def _split(text: str | None) -> list[str]:
    return text.split("\n") if text else []


def pool(
    campaign: Campaign,
    mode: Eligibility,
    key: bytes,
    sink: Sink | None = None,
    chunk_size: int = CHUNK_SIZE,
    before_writing: Callable[[], None] | None = None,
) -> Pool:
    """The eligible tickets, sorted by entry public id, with shared social accounts joined; exclusions.
    `sink` is given each chunk of entry ids as it is read, and told to discard them if the list changes.
    Entries found without a participant token are stamped (the one write), after `before_writing` is
    called: the draw waits there for the drawer's password to pass."""
    driver = _Driver()
    agg, nl = driver.aggregate()
    sql = _CHUNK.format(p=driver.p, agg=agg, nl=nl, eligible=_ELIGIBLE[mode], size=int(chunk_size))
    opens, closes = driver.moment(campaign.opens_at), driver.moment(campaign.closes_at)
    ids: list[str] = []
    lines: list[str] = []
    excluded: list[str] = []
    after, unstamped = "", 0
    while True:
        [(chunk_lines, chunk_excluded, last, size, missing)] = driver.rows(
            sql, (opens, closes, campaign.id, after)
        )
        unstamped += missing or 0
        if not unstamped:
            chunk = _split(chunk_lines)
            chunk_ids = [line.partition(" ")[0] for line in chunk]
            if sink is not None:
                sink.feed(chunk_ids)
            ids += chunk_ids
            lines += chunk
        excluded += _split(chunk_excluded)
        if size < chunk_size:
            break
        after = last
    if unstamped:  # entries made before stamping existed, or made directly: stamp, read again
        if sink is not None:
            sink.discard()
        if before_writing is not None:
            before_writing()
        stamp_missing(campaign, key)
        return pool(campaign, mode, key, chunk_size=chunk_size)
    tickets = Tickets(ids, lines)
    merged = participants.joined(driver.rows(_SHARED_ACCOUNTS.format(p=driver.p), (campaign.id, campaign.id)))
    if merged:
        tickets = tickets.retokened(merged)
    if not all(map(operator.lt, ids, islice(ids, 1, None))):  # the index's code-point order, verified
        if sink is not None:
            sink.discard()
        tickets = Tickets.of(sorted(tickets))
    exclusions = [
        {"entry": entry_id, "reason": reason} for entry_id, reason in (item.split(" ") for item in excluded)
    ]
    return Pool(tickets, exclusions)
