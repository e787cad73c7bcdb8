"""Instant-win maths: the schedule spreads prizes over the period, the lucky rule, the replay."""

import random
from datetime import UTC, datetime, timedelta

from campaign.instant import algorithm

SEED = bytes(range(32))
OPENS = datetime(2026, 7, 1, tzinfo=UTC)
CLOSES = OPENS + timedelta(days=30)


def test_schedule_spreads_each_prize_evenly_over_the_window():
    units = algorithm.schedule(OPENS, CLOSES, [3, 2])
    assert [(u.prize_index, u.unit, u.release_at - OPENS) for u in units] == [
        (0, 0, timedelta(0)),
        (1, 0, timedelta(0)),
        (0, 1, timedelta(days=10)),
        (1, 1, timedelta(days=15)),
        (0, 2, timedelta(days=20)),
    ]
    assert [u.position for u in units] == [0, 1, 2, 3, 4]
    assert all(OPENS <= u.release_at < CLOSES for u in algorithm.schedule(OPENS, CLOSES, [1000]))


def test_score_vector_and_lucky_threshold():
    # checked with: printf 'instant:aA' | openssl dgst -sha256 -mac HMAC -macopt hexkey:0001…1f
    assert algorithm.score(SEED, "aA").hex() == (
        "7fc80ad76387988e9d95a93f9784809795e3abe7b64784ee1866da7b29bfb14b"
    )
    assert algorithm.score(SEED, "aA") != algorithm.score(SEED, "aB")
    assert algorithm.lucky(b"\xff" * 32, 1)
    assert algorithm.lucky(b"\x7f" + b"\xff" * 31, 2) and not algorithm.lucky(b"\x80" + b"\x00" * 31, 2)
    rng = random.Random(5)
    hits = sum(algorithm.lucky(algorithm.score(SEED, f"e{rng.random()}"), 10) for _ in range(5000))
    assert 400 < hits < 600  # about one in ten


def play(seq, entry, at, **kw):
    return algorithm.Play(seq, entry, OPENS + at, **kw)


def test_replay_uses_only_released_slots_and_gives_a_voided_slot_back():
    units = algorithm.schedule(OPENS, CLOSES, [2])  # released at day 0 and day 15
    plays = [
        play(1, "a", timedelta(hours=1), voided_after_seq=2),
        play(2, "b", timedelta(hours=2)),  # slot 0 held by a, slot 1 not released
        play(3, "c", timedelta(hours=3)),  # a's win was voided after play 2: slot 0 is free again
        play(4, "d", timedelta(days=15)),
        play(5, "e", timedelta(days=16)),  # nothing left
        play(6, "f", timedelta(days=17), already_won=True),
    ]
    assert algorithm.replay(SEED, 1, units, plays) == {
        "a": 0,
        "b": None,
        "c": 0,
        "d": 1,
        "e": None,
        "f": None,
    }
