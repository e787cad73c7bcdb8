"""The verifiable draw, as pure functions (no Flask, no database): what an outside verifier re-implements.

Contract (ARCHITECTURE.md, "Verifiable draw"):

- frozen list line: ``"{entry public id} {participant token}"``; digest: SHA-256 of the lines sorted by
  entry public id (code-point order), joined by ``"\\n"``, UTF-8, as lowercase hex;
- score of an entry: HMAC-SHA256(key=seed, msg=``"{beacon}:{entry public id}"`` UTF-8);
- one ranking, ascending by score bytes; walking it and skipping participants already picked, fill the
  slots in the order of the draw's algorithm version, recorded when the campaign is launched (the plan):
  ``kuchikomi-draw-v2``: every prize's winners in the prizes' listed order, then every prize's alternates
  in the same order, so no prize goes without winners while another has alternates;
  ``kuchikomi-draw-v1`` (campaigns launched before v2): prize 1's winners, then prize 1's alternates, then
  prize 2's winners and alternates, and so on.
"""

import hashlib
import heapq
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# CPython's own SHA-256 for the scores' short messages: its copy and digest copy a small struct, where
# OpenSSL 3's allocate a context each, so an HMAC per entry takes about 40% less time. The module is `_sha2`
# from CPython 3.12 (HACL*'s verified code) and `_sha256` before; hashlib's OpenSSL one is the last resort.
try:
    from _sha2 import sha256 as _small_sha256
except ImportError:
    try:
        from _sha256 import sha256 as _small_sha256
    except ImportError:
        from hashlib import sha256 as _small_sha256

V1 = "kuchikomi-draw-v1"  # each prize's winners, then its alternates, prize by prize
V2 = "kuchikomi-draw-v2"  # every prize's winners first, then the alternates, prize by prize
VERSIONS = (V1, V2)
LATEST = V2  # what a campaign launched now is drawn by


class UnknownVersion(ValueError):
    """A certificate or plan names an algorithm version this code does not know."""


@dataclass(frozen=True)
class PrizeSlots:
    prize_id: str
    winners: int
    alternates: int


@dataclass(frozen=True)
class Pick:
    prize_id: str
    role: str  # "winner" or "alternate"
    rank: int  # 1-based within (prize, role)
    entry_id: str
    participant: str
    score: str  # hex


@dataclass(frozen=True)
class Ranking:
    picks: list[Pick]
    skipped: list[tuple[str, str]]  # (entry id, participant) passed over: their person was already picked


def commitment(seed: bytes) -> str:
    return hashlib.sha256(seed).hexdigest()


def frozen_lines(entries: Iterable[tuple[str, str]]) -> list[str]:
    """(entry public id, participant token) pairs → the frozen list's lines, sorted by entry public id."""
    return [f"{entry_id} {token}" for entry_id, token in sorted(entries)]


def frozen_text(lines: Sequence[str]) -> str:
    return "\n".join(lines)


def text_digest(text: str | bytes) -> str:
    """The digest of the list's text, given as text or already UTF-8 encoded (as it is stored)."""
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def digest(lines: Sequence[str]) -> str:
    return text_digest(frozen_text(lines))


def score(seed: bytes, beacon: str, entry_id: str) -> bytes:
    return hmac.digest(seed, f"{beacon}:{entry_id}".encode(), "sha256")


def hmac_sha256_many(key: bytes, messages: Iterable[bytes], prefix: bytes = b"") -> list[bytes]:
    """HMAC-SHA256 (RFC 2104) of `prefix + message` for many messages under one key, about 3x faster than
    `hmac.digest` each: the padded key's inner state (with the prefix) and outer state are hashed once and
    copied per message."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = _small_sha256(bytes(b ^ 0x36 for b in key) + prefix).copy
    outer = _small_sha256(bytes(b ^ 0x5C for b in key)).copy
    out = []
    append = out.append
    for message in messages:
        h = inner()
        h.update(message)
        o = outer()
        o.update(h.digest())
        append(o.digest())
    return out


def head_size(needed: int) -> int:
    """How many of the lowest scores a draw computes first; people with many entries may need more."""
    return max(4 * needed, 64)


def lowest_scores(
    seed: bytes, beacon: str, entry_ids: Sequence[str], count: int, start: int = 0
) -> list[tuple[bytes, int]]:
    """The `count` lowest (score, index) pairs, ascending; indices count from `start`."""
    scores = hmac_sha256_many(seed, [entry_id.encode() for entry_id in entry_ids], f"{beacon}:".encode())
    if count <= 0 or not scores:
        return []
    if count >= len(scores):
        return sorted(zip(scores, range(start, start + len(scores)), strict=True))
    threshold = heapq.nsmallest(count, scores)[-1]
    return sorted((s, start + i) for i, s in enumerate(scores) if s <= threshold)[:count]


def rank(
    seed: bytes,
    beacon: str,
    entries: Sequence[tuple[str, str]],
    prizes: Sequence[PrizeSlots],
    *,
    version: str,
    head: list[tuple[bytes, int]] | None = None,
) -> Ranking:
    """Winners and ordered alternates per prize, from (entry public id, participant token) pairs, by the
    rule of `version` (the one recorded for the draw: never a default, so no caller can mix them up).

    `head`, when given, is the `head_size` lowest (score, index) pairs computed elsewhere (in parallel:
    `scoring`); the walk continues into the full ranking only if the head runs out.
    """
    slots = slot_order(prizes, version)
    needed = sum(p.winners + p.alternates for p in prizes)
    if head is None:
        head = lowest_scores(seed, beacon, [entry_id for entry_id, _ in entries], head_size(needed))
    picks: list[Pick] = []
    skipped: list[tuple[str, str]] = []
    taken: set[str] = set()
    walk = _walk(seed, beacon, entries, head)
    for prize_id, role, count in slots:
        filled = 0
        while filled < count:
            step = next(walk, None)
            if step is None:
                break
            score_, index = step
            entry_id, participant = entries[index]
            if participant in taken:
                skipped.append((entry_id, participant))
                continue
            taken.add(participant)
            filled += 1
            picks.append(Pick(prize_id, role, filled, entry_id, participant, score_.hex()))
    return Ranking(picks, skipped)


def slot_order(prizes: Sequence[PrizeSlots], version: str) -> list[tuple[str, str, int]]:
    """(prize id, role, how many) in the order the walk fills them, by the draw's version."""
    winners = [(p.prize_id, "winner", p.winners) for p in prizes]
    alternates = [(p.prize_id, "alternate", p.alternates) for p in prizes]
    if version == V2:
        return winners + alternates
    if version == V1:
        return [slot for pair in zip(winners, alternates, strict=True) for slot in pair]
    raise UnknownVersion(f"unknown draw algorithm {version!r}; known: {', '.join(VERSIONS)}")


def _walk(seed: bytes, beacon: str, entries: Sequence[tuple[str, str]], head: list[tuple[bytes, int]]):
    """(score, index) by ascending score: the head, then (only if needed) the rest of the full ranking."""
    yield from head
    if len(head) < len(entries):
        everything = lowest_scores(seed, beacon, [entry_id for entry_id, _ in entries], len(entries))
        yield from everything[len(head) :]
