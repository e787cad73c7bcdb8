"""Instant win, as pure functions (no Flask, no database): what an outside verifier re-implements.

Algorithm version ``kuchikomi-instant-v1``. The seed is the campaign's committed draw seed (SHA-256
commitment public from launch, seed revealed when the campaign closes).

- Release schedule: prize ``k`` with quantity ``q`` has units ``u = 0 … q-1``; unit ``u`` is released at
  ``opens_at + ((closes_at - opens_at) * u) // q`` (whole microseconds). All units are ordered by
  (release time, prize position, unit): that order is the slot ``position``.
- Score of a play: HMAC-SHA256(key = seed, message = ``"instant:{entry public id}"`` UTF-8).
- A play is *lucky* when ``int(score, big-endian) * odds < 2**256`` (win probability ``1 / odds``).
- Plays are replayed in arrival order (``seq``, 1, 2, …). Before play ``seq`` every win voided after play
  ``seq - 1`` or earlier (``voided_after_seq < seq``) gives its slot back. A play by a person who already
  holds a win does not play. A lucky play takes the lowest-position slot that is free and released at the
  play's time (``release_at <= played_at``); a lucky play with no such slot, and an unlucky play, lose.
"""

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

ALGORITHM = "kuchikomi-instant-v1"
SCALE = 2**256


@dataclass(frozen=True)
class Unit:
    """One prize unit in the schedule."""

    position: int
    prize_index: int
    unit: int
    release_at: datetime


@dataclass(frozen=True)
class Play:
    seq: int
    entry_id: str
    played_at: datetime
    already_won: bool = False
    voided_after_seq: int | None = None


def commitment(seed: bytes) -> str:
    return hashlib.sha256(seed).hexdigest()


def score(seed: bytes, entry_id: str) -> bytes:
    return hmac.digest(seed, f"instant:{entry_id}".encode(), "sha256")


def lucky(score_bytes: bytes, odds: int) -> bool:
    """True with probability 1/odds for a uniformly random score."""
    return int.from_bytes(score_bytes, "big") * odds < SCALE


def schedule(opens_at: datetime, closes_at: datetime, quantities: Sequence[int]) -> list[Unit]:
    """Every prize's units spread evenly over the window, in slot order."""
    span = closes_at - opens_at
    raw = [(opens_at + (span * u) // q, k, u) for k, q in enumerate(quantities) for u in range(q)]
    raw.sort()
    return [Unit(position, k, u, at) for position, (at, k, u) in enumerate(raw)]


def replay(seed: bytes, odds: int, units: Sequence[Unit], plays: Iterable[Play]) -> dict[str, int | None]:
    """Entry public id → the slot position it wins (None: it did not win)."""
    free = {unit.position for unit in units}
    order = sorted(units, key=lambda unit: unit.position)
    held: dict[str, int] = {}  # entry → slot, for wins not (yet) voided
    voids: list[tuple[int, str]] = []
    result: dict[str, int | None] = {}
    for play in sorted(plays, key=lambda p: p.seq):
        for after, entry_id in [v for v in voids if v[0] < play.seq]:
            free.add(held.pop(entry_id))
            voids.remove((after, entry_id))
        won = None
        if not play.already_won and lucky(score(seed, play.entry_id), odds):
            won = next(
                (u.position for u in order if u.position in free and u.release_at <= play.played_at), None
            )
        result[play.entry_id] = won
        if won is not None:
            free.discard(won)
            held[play.entry_id] = won
            if play.voided_after_seq is not None:
                voids.append((play.voided_after_seq, play.entry_id))
    return result


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def verify(cert: dict) -> list[str]:
    """Recomputes an instant-win certificate; returns what does not match (empty: it is what it claims)."""
    problems: list[str] = []
    seed = bytes.fromhex(cert["seed"])
    if commitment(seed) != cert["commitment"]:
        problems.append("the seed does not match the commitment")
    odds = int(cert["odds"])
    units = schedule(_at(cert["opens_at"]), _at(cert["closes_at"]), [p["quantity"] for p in cert["prizes"]])
    recorded_units = [Unit(s["position"], s["prize"], s["unit"], _at(s["release_at"])) for s in cert["slots"]]
    if units != recorded_units:
        problems.append("the release schedule differs from the recomputed one")
    plays = []
    for row in cert["plays"]:
        recomputed = score(seed, row["entry"])
        if recomputed.hex() != row["score"]:
            problems.append(f"play {row['seq']}: the score differs")
        if lucky(recomputed, odds) != row["lucky"]:
            problems.append(f"play {row['seq']}: lucky differs from score < 2^256/odds")
        plays.append(
            Play(row["seq"], row["entry"], _at(row["played_at"]), row["already_won"], row["voided_after_seq"])
        )
    seqs = [p.seq for p in plays]
    if len(set(seqs)) != len(seqs):
        problems.append("two plays share an arrival number")
    expected = replay(seed, odds, units, plays)
    for row in cert["plays"]:
        if expected.get(row["entry"]) != row["slot"]:
            problems.append(f"play {row['seq']}: the recorded outcome differs from the recomputed one")
    holders = {
        row["slot"]: row["entry"]
        for row in cert["plays"]
        if row["slot"] is not None and row["voided_after_seq"] is None
    }
    for s in cert["slots"]:
        if s["claimed_by"] != holders.get(s["position"]):
            problems.append(f"slot {s['position']}: its holder differs from the plays")
    return problems
