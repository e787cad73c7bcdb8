"""An instant-win verifier written from the certificate's documented rule only (no project imports)."""

import hashlib
import hmac
from datetime import datetime


def check(cert: dict) -> list[str]:
    problems = []
    seed = bytes.fromhex(cert["seed"])
    if hashlib.sha256(seed).hexdigest() != cert["commitment"]:
        problems.append("commitment")
    opens, closes = datetime.fromisoformat(cert["opens_at"]), datetime.fromisoformat(cert["closes_at"])
    units = []
    for k, prize in enumerate(cert["prizes"]):
        for u in range(prize["quantity"]):
            units.append((opens + ((closes - opens) * u) // prize["quantity"], k, u))
    units.sort()
    slots = [(s["release_at"], s["prize"], s["unit"], s["position"]) for s in cert["slots"]]
    if slots != [(at.isoformat(), k, u, n) for n, (at, k, u) in enumerate(units)]:
        problems.append("schedule")
    free = set(range(len(units)))
    holders: dict[str, int] = {}
    pending_voids = []
    for play in sorted(cert["plays"], key=lambda p: p["seq"]):
        for void in [v for v in pending_voids if v[0] < play["seq"]]:
            free.add(holders.pop(void[1]))
            pending_voids.remove(void)
        digest = hmac.new(seed, ("instant:" + play["entry"]).encode(), hashlib.sha256).digest()
        lucky = int.from_bytes(digest, "big") * cert["odds"] < 2**256
        if digest.hex() != play["score"] or lucky != play["lucky"]:
            problems.append(f"score {play['seq']}")
        won = None
        if lucky and not play["already_won"]:
            released = [n for n in sorted(free) if units[n][0] <= datetime.fromisoformat(play["played_at"])]
            won = released[0] if released else None
        if won != play["slot"]:
            problems.append(f"outcome {play['seq']}")
        if won is not None:
            free.discard(won)
            holders[play["entry"]] = won
            if play["voided_after_seq"] is not None:
                pending_voids.append((play["voided_after_seq"], play["entry"]))
    if {s["position"]: s["claimed_by"] for s in cert["slots"] if s["claimed_by"]} != {
        n: e for e, n in holders.items()
    }:
        problems.append("holders")
    return problems
