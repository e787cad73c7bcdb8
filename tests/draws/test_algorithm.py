"""The draw contract, with fixed vectors (checked with `openssl dgst -hmac` and `sha256sum`) and an
independent re-implementation that knows nothing but ARCHITECTURE.md."""

import random

import pytest

from campaign.draws import algorithm
from tests.draws.algorithm_reference import reference_draw

SEED = bytes(range(32))
ENTRIES = [("eB", "p2"), ("aA", "p1"), ("cC", "p1"), ("dD", "p3"), ("bB", "p2")]


def test_fixed_vectors():
    assert algorithm.commitment(SEED) == "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"
    lines = algorithm.frozen_lines(ENTRIES)
    assert lines == ["aA p1", "bB p2", "cC p1", "dD p3", "eB p2"]
    assert algorithm.digest(lines) == "526cbe33e1af382624477481656d5cc323d1a5c3b8d7dc9820b3d3e72dc6b7a9"
    assert algorithm.score(SEED, "", "aA").hex() == (
        "f4669f4a9e4dd73aac19102a636812f8921d81cf4b81818859da51dec9077fa2"
    )
    assert algorithm.score(SEED, "round-42", "aA").hex() == (
        "076b6ac2f193cf443d150ac88445ac6363de47179f2d04ed12696da727cc860e"
    )


@pytest.mark.parametrize(
    ("version", "walk"),
    [
        (algorithm.V1, [("P1", "winner", 1, "bB"), ("P1", "alternate", 1, "dD"), ("P2", "winner", 1, "cC")]),
        (algorithm.V2, [("P1", "winner", 1, "bB"), ("P2", "winner", 1, "dD"), ("P1", "alternate", 1, "cC")]),
    ],
)
def test_fixed_ranking_fills_the_places_in_its_version_s_order_one_win_per_person(version, walk):
    """One ranking (bB, dD, cC, ...): v1, which draws made under it still recompute, gives P1 its alternate
    before P2 its winner; v2 gives P2 its winner first."""
    entries = [tuple(line.split(" ")) for line in algorithm.frozen_lines(ENTRIES)]
    prizes = [algorithm.PrizeSlots("P1", 1, 1), algorithm.PrizeSlots("P2", 1, 0)]
    ranking = algorithm.rank(SEED, "", entries, prizes, version=version)
    assert [(p.prize_id, p.role, p.rank, p.entry_id) for p in ranking.picks] == walk
    assert len({p.participant for p in ranking.picks}) == 3


def test_too_few_people_v2_awards_every_winner_it_can_before_alternates():
    """The walk-through: 4 people, a gift set x2 and mugs x3, 2 alternates per winner. v1 gave the gift set
    2 winners and 2 alternates and the mugs none; v2 gives 4 winners and no alternate while a prize lacks
    winners."""
    people = [(f"e{n}", f"person{n}") for n in range(4)]
    entries = [tuple(line.split(" ")) for line in algorithm.frozen_lines(people)]
    prizes = [algorithm.PrizeSlots("gift", 2, 4), algorithm.PrizeSlots("mug", 3, 6)]

    def roles(version):
        picks = algorithm.rank(SEED, "", entries, prizes, version=version).picks
        return [(p.prize_id, p.role) for p in picks]

    assert roles(algorithm.V2) == [("gift", "winner")] * 2 + [("mug", "winner")] * 2
    assert roles(algorithm.V1) == [("gift", "winner")] * 2 + [("gift", "alternate")] * 2


def test_an_unknown_version_is_refused_not_guessed():
    with pytest.raises(algorithm.UnknownVersion):
        algorithm.rank(
            SEED, "", [("aA", "p1")], [algorithm.PrizeSlots("P", 1, 0)], version="kuchikomi-draw-v9"
        )


def test_beacon_changes_the_result_and_the_reference_agrees():
    rng = random.Random(7)
    people = [f"tok{n}" for n in range(300)]
    pairs = {(f"e{rng.getrandbits(64):016x}", rng.choice(people)) for _ in range(2000)}
    lines = algorithm.frozen_lines(pairs)
    entries = [tuple(line.split(" ")) for line in lines]
    prizes = [("A", 5, 5), ("B", 20, 20), ("C", 3, 0)]
    slots = [algorithm.PrizeSlots(*p) for p in prizes]
    for version in algorithm.VERSIONS:
        for beacon in ("", "drand-1234:abcdef"):
            ours = algorithm.rank(SEED, beacon, entries, slots, version=version)
            got = [(p.prize_id, p.role, p.rank, p.entry_id) for p in ours.picks]
            assert got == reference_draw(SEED, beacon, lines, prizes, version)
            assert len({p.participant for p in ours.picks}) == len(ours.picks) == 53
        assert (
            algorithm.rank(SEED, "", entries, slots, version=version).picks
            != algorithm.rank(SEED, "x", entries, slots, version=version).picks
        )
    v1, v2 = (algorithm.rank(SEED, "", entries, slots, version=v).picks for v in algorithm.VERSIONS)
    assert v1 != v2  # enough people for all: the same winners' count, but not the same walk


def test_heavy_repeaters_fall_back_to_the_full_ranking():
    """Few people with many entries each: the quick head of the ranking is not enough, the result is."""
    pairs = [(f"e{n:05d}", f"p{n % 3}") for n in range(500)]
    lines = algorithm.frozen_lines(pairs)
    entries = [tuple(line.split(" ")) for line in lines]
    ranking = algorithm.rank(SEED, "", entries, [algorithm.PrizeSlots("A", 2, 5)], version=algorithm.LATEST)
    assert [(p.prize_id, p.role, p.rank, p.entry_id) for p in ranking.picks] == reference_draw(
        SEED, "", lines, [("A", 2, 5)], algorithm.LATEST
    )
    assert len(ranking.picks) == 3  # only three people took part
    assert ranking.skipped


def test_batched_hmac_equals_the_standard_library():
    import hashlib
    import hmac

    for key in (b"", b"k" * 32, b"long" * 40):
        messages = [b"", b":abc", "ベーコン:xyz".encode()]
        assert algorithm.hmac_sha256_many(key, messages) == [
            hmac.new(key, m, hashlib.sha256).digest() for m in messages
        ]
        assert algorithm.hmac_sha256_many(key, messages, "ベーコン:".encode()) == [
            hmac.new(key, "ベーコン:".encode() + m, hashlib.sha256).digest() for m in messages
        ]


def test_a_head_that_runs_out_continues_into_the_full_ranking():
    """Two people with many entries each: a head of 2 scores is exhausted at once, and the walk goes on."""
    entries = [(f"e{n:03d}", "p1" if n % 2 else "p2") for n in range(200)] + [("z999", "p3")]
    prizes = [algorithm.PrizeSlots("A", 2, 1)]
    full = algorithm.rank(SEED, "", entries, prizes, version=algorithm.LATEST)
    short = algorithm.rank(
        SEED,
        "",
        entries,
        prizes,
        version=algorithm.LATEST,
        head=algorithm.lowest_scores(SEED, "", [e for e, _ in entries], 2),
    )
    assert short == full and len(full.picks) == 3
    lines = algorithm.frozen_lines(entries)
    assert [(p.prize_id, p.role, p.rank, p.entry_id) for p in full.picks] == reference_draw(
        SEED, "", lines, [("A", 2, 1)], algorithm.LATEST
    )


def test_the_scorer_fed_chunk_by_chunk_gives_the_same_head_as_one_list():
    from campaign.draws import scoring

    rng = random.Random(3)
    ids = sorted(f"{rng.getrandbits(128):032x}"[:22] for _ in range(5000))
    scorer = scoring.Scorer(SEED, "b", 300)
    assert _scored(scorer, ids, chunk=700) == algorithm.lowest_scores(SEED, "b", ids, 300)  # 8 chunks
    assert not scorer.spoiled and scorer.fed == len(ids)  # the chunks' head was used


def test_the_scorer_scores_in_the_caller_when_the_list_it_was_fed_is_not_the_final_one():
    from campaign.draws import scoring

    ids = [f"e{n:05d}" for n in range(3000)]
    scorer = scoring.Scorer(SEED, "", 50)
    scorer.feed(ids[:1000])
    scorer.discard()  # the draw read the list again, or re-sorted it
    scorer.feed(ids)
    assert scorer.result(ids[:2000]) == algorithm.lowest_scores(SEED, "", ids[:2000], 50)
    short = scoring.Scorer(SEED, "", 50)  # fed less than the list: never a head of part of it
    short.feed(ids[:1000])
    assert short.result(ids) == algorithm.lowest_scores(SEED, "", ids, 50)


def _scored(scorer, entry_ids: list[str], chunk: int = 50_000):
    """What the draw does with a Scorer: feed the list chunk by chunk as it is read, ask the head."""
    for at in range(0, len(entry_ids), chunk):
        scorer.feed(entry_ids[at : at + chunk])
    return scorer.result(entry_ids)
