"""An outside verifier's re-implementation of ARCHITECTURE.md's draw, sharing no code with the app."""

import hashlib
import hmac


def reference_draw(
    seed: bytes, beacon: str, lines: list[str], prizes: list[tuple[str, int, int]], version: str
):
    pairs = [line.split(" ") for line in lines]
    ranked = sorted(
        pairs, key=lambda p: hmac.new(seed, (beacon + ":" + p[0]).encode("utf-8"), hashlib.sha256).digest()
    )
    if version == "kuchikomi-draw-v1":  # each prize's winners, then its alternates
        slots = [(prize, role, n) for prize, w, a in prizes for role, n in (("winner", w), ("alternate", a))]
    else:  # kuchikomi-draw-v2: every prize's winners, then every prize's alternates
        assert version == "kuchikomi-draw-v2", version
        slots = [(prize, "winner", w) for prize, w, _ in prizes] + [(p, "alternate", a) for p, _, a in prizes]
    out, seen, position = [], set(), 0
    for prize, role, count in slots:
        rank = 0
        while rank < count and position < len(ranked):
            entry, person = ranked[position]
            position += 1
            if person in seen:
                continue
            seen.add(person)
            rank += 1
            out.append((prize, role, rank, entry))
    return out
