"""An outside verifier's re-implementation of ARCHITECTURE.md's draw, sharing no code with the app."""

import hashlib
import hmac


def reference_draw(seed: bytes, beacon: str, lines: list[str], prizes: list[tuple[str, int, int]]):
    pairs = [line.split(" ") for line in lines]
    ranked = sorted(
        pairs, key=lambda p: hmac.new(seed, (beacon + ":" + p[0]).encode("utf-8"), hashlib.sha256).digest()
    )
    out, seen, position = [], set(), 0
    for prize, winners, alternates in prizes:
        for role, count in (("winner", winners), ("alternate", alternates)):
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
