"""Which entries take part in a draw, who is the same person, and why the others do not.

A draw over a million entries must stay fast, so the eligible tickets are read in entry-id order from one
covering index (`ix_entries_draw`) through the database driver's own cursor, with no ORM rows and no
per-person work: tokens were stamped when each entry was received (`participants`). One read gives every
entry with the SQL CASE naming why it is excluded (NULL when it is eligible). It comes in chunks of 50,000
entry ids (keyset pages of the index), each chunk aggregated by the database into newline-joined text: its
eligible entries' frozen-list lines and its exclusions. Splitting that text costs Python a fraction of
building a row tuple per entry (on PostgreSQL the read takes 1.0 s per million rather than 1.7 s).

The connection only waits for the next chunk: a thread of its own (`_Reader`) splits each chunk, checks its
order, adds it to the list's text and digest, and gives its entry ids to a sink (the draw's
`scoring.Scorer`), while the next chunk is read. The read waits with Python's lock released (SQLite in its C
code, PostgreSQL on its own server), so the two overlap; when the reading thread split the chunks itself,
it held the next query back by 20 to 30 ms per chunk, waiting for the lock.
"""

import hashlib
import operator
import queue
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC
from itertools import islice
from typing import Protocol

from campaign import threads
from campaign.campaigns.models import Campaign
from campaign.draws import algorithm, participants
from campaign.draws.models import Eligibility
from campaign.extensions import db

# Why an entry is left out of the list the draw is made from (`reason_sql`, in the order it checks them)...
LIST_REASONS = ("rejected", "withdrawn", "not_approved", "outside_window", "duplicate_photo")
# ... and, with why a drawn winner is excluded later, every reason a certificate may give.
EXCLUSION_REASONS = (
    *LIST_REASONS,
    "already_won",
    "post_deleted",
    "not_following",
    "hashtag_missing",
    "manual_check_failed",
)

_ELIGIBLE = {
    Eligibility.APPROVED: "entries.status = 'approved'",
    Eligibility.NOT_REJECTED: "entries.status NOT IN ('rejected', 'withdrawn')",
}

# The rule: which of LIST_REASONS leaves an entry out (NULL when it takes part). The draw's chunks read it,
# and so do the draw screen's counts before the draw and the moderation queue's filter (`exclusions`).
_REASON = """CASE
      WHEN entries.status = 'rejected' THEN 'rejected'
      WHEN entries.status = 'withdrawn' THEN 'withdrawn'
      WHEN NOT ({eligible}) THEN 'not_approved'
      WHEN entries.created_at < {opens} OR entries.created_at >= {closes} THEN 'outside_window'
      WHEN entries.duplicate_of_id IS NOT NULL THEN 'duplicate_photo'
    END"""


def reason_sql(mode: Eligibility, opens: str, closes: str) -> str:
    """The SQL expression naming why a row of `entries` is left out of the draw (NULL when it takes part),
    with `opens` and `closes` the placeholders of the campaign's period, in that order."""
    return _REASON.format(eligible=_ELIGIBLE[mode], opens=opens, closes=closes)


# The next chunk of the campaign's entries in entry-id order after a given id, aggregated: its eligible
# entries' frozen-list lines ("{id} {token}") and, in the same order, their ids; its exclusions
# ("{id} {reason}"), its last id, its size, and how many eligible entries carry no token yet. The ids are
# aggregated a second time rather than cut from the lines in Python: the database does it beside Python,
# which is the busier of the two (it scores the chunks). The order is verified in Python.
_CHUNK = """
SELECT {agg}(public_id || ' ' || participant_token, {nl}) FILTER (WHERE reason IS NULL),
  {agg}(public_id, {nl}) FILTER (WHERE reason IS NULL),
  {agg}(public_id || ' ' || reason, {nl}) FILTER (WHERE reason IS NOT NULL),
  MAX(public_id), COUNT(*), COUNT(*) FILTER (WHERE reason IS NULL AND participant_token IS NULL)
FROM (
  SELECT public_id, participant_token, {reason} AS reason
  FROM entries WHERE campaign_id = {p} AND public_id > {p}
  ORDER BY public_id LIMIT {size}
) AS chunk
"""
CHUNK_SIZE = 50_000

# Social accounts that several tokens share (the partial index `ix_entries_social` answers it). An entry
# with no token yet is one the draw does not stamp (it is excluded): it joins nobody.
_SHARED_ACCOUNTS = """
SELECT social_account, participant_token FROM entries
WHERE campaign_id = {p} AND participant_token IS NOT NULL AND social_account IN (
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
    text: bytes  # the frozen list's text, UTF-8 (`algorithm.frozen_text` of the entries' lines)
    digest: str  # its SHA-256, hex


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
    """Given each chunk of the list's entry ids as it is read (from the reader's thread), in list order;
    told to discard them if the list changes."""

    def feed(self, entry_ids: list[str]) -> None: ...
    def discard(self) -> None: ...


def _split(text: str | None) -> list[str]:
    return text.split("\n") if text else []


@dataclass
class _Read:
    """What the reader made of the chunks: the lines in the order read, their ids, whether that order is
    the list's, the exclusions, and the lines' text and digest."""

    ids: list[str]
    lines: list[str]
    ordered: bool
    excluded: list[str]
    text: bytes
    digest: str


class _Reader:
    """Splits each chunk read, in a thread, while the connection reads the next one (module docstring)."""

    def __init__(self, sink: Sink | None):
        self.sink = sink
        self.chunks: queue.SimpleQueue = queue.SimpleQueue()
        self.abandoned = False
        self.done = threads.start(self._work, "draw-list-reader")

    def feed(self, lines: str | None, ids: str | None, excluded: str | None) -> None:
        self.chunks.put((lines, ids, excluded))

    def finish(self) -> _Read:
        self.chunks.put(None)
        return self.done.result()

    def abandon(self) -> None:
        """The read failed: skip what is queued and end."""
        self.abandoned = True
        self.chunks.put(None)

    def _work(self) -> _Read:
        read = _Read([], [], True, [], b"", "")
        parts: list[bytes] = []
        digest = hashlib.sha256()
        while (chunk := self.chunks.get()) is not None:
            if self.abandoned:
                continue
            text, ids_text, excluded = chunk
            read.excluded += _split(excluded)
            if not text:
                continue
            lines, ids = text.split("\n"), ids_text.split("\n")
            if len(lines) != len(ids):  # a line broken by a newline in a token: never draw from it
                raise ValueError("a chunk's frozen-list lines and entry ids do not match")
            read.ordered = (
                read.ordered
                and (not read.ids or read.ids[-1] < ids[0])
                and all(map(operator.lt, ids, islice(ids, 1, None)))
            )
            part = text.encode()
            if parts:
                digest.update(b"\n")
            digest.update(part)  # a large update runs without Python's lock
            parts.append(part)
            read.ids += ids
            read.lines += lines
            if self.sink is not None:
                self.sink.feed(ids)
        read.text, read.digest = b"\n".join(parts), digest.hexdigest()
        return read


def pool(
    campaign: Campaign,
    mode: Eligibility,
    key: bytes,
    sink: Sink | None = None,
    chunk_size: int = CHUNK_SIZE,
    before_writing: Callable[[], None] | None = None,
) -> Pool:
    """The eligible tickets, sorted by entry public id, with shared social accounts joined; exclusions; the
    frozen list's text and digest. `sink` is given each chunk of entry ids as it is read, and told to discard
    them if the list changes. Entries found without a participant token are stamped (the one write), after
    `before_writing` is called: the draw waits there for the drawer's password to pass."""
    driver = _Driver()
    agg, nl = driver.aggregate()
    reason = reason_sql(mode, driver.p, driver.p)
    sql = _CHUNK.format(p=driver.p, agg=agg, nl=nl, reason=reason, size=int(chunk_size))
    opens, closes = driver.moment(campaign.opens_at), driver.moment(campaign.closes_at)
    after, unstamped = "", 0
    reader = _Reader(sink)
    try:
        while True:
            [(chunk_lines, chunk_ids, chunk_excluded, last, size, missing)] = driver.rows(
                sql, (opens, closes, campaign.id, after)
            )
            unstamped += missing or 0
            if not unstamped:
                reader.feed(chunk_lines, chunk_ids, chunk_excluded)
            if size < chunk_size:
                break
            after = last
        # Social accounts shared by several tokens: read while the reader ends its work.
        shared = (
            [] if unstamped else driver.rows(_SHARED_ACCOUNTS.format(p=driver.p), (campaign.id, campaign.id))
        )
    except BaseException:
        reader.abandon()
        raise
    read = reader.finish()
    if unstamped:  # entries made before stamping existed, or made directly: stamp, read again
        if sink is not None:
            sink.discard()
        if before_writing is not None:
            before_writing()
        stamp_missing(campaign, key)
        return pool(campaign, mode, key, chunk_size=chunk_size)
    tickets = Tickets(read.ids, read.lines)
    text: bytes | None = read.text
    merged = participants.joined(shared)
    if merged:
        tickets, text = tickets.retokened(merged), None
    if not read.ordered:  # the index's code-point order, verified
        if sink is not None:
            sink.discard()
        tickets, text = Tickets.of(sorted(tickets)), None
    if text is None:  # the lines changed since they were read
        text = algorithm.frozen_text(tickets.lines).encode()
        digest = algorithm.text_digest(text)
    else:
        digest = read.digest
    exclusions = [
        {"entry": entry_id, "reason": reason}
        for entry_id, reason in (item.split(" ") for item in read.excluded)
    ]
    return Pool(tickets, exclusions, text, digest)
