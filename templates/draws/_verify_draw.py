# Recomputes a Kuchikomi draw from certificate.json by the rule its "algorithm" names; prints OK if all match.
import hashlib
import hmac
import json

with open("certificate.json", encoding="utf-8") as file:
    cert = json.load(file)
seed = bytes.fromhex(cert["seed"])
assert hashlib.sha256(seed).hexdigest() == cert["commitment"], "seed does not match the commitment"
lines = cert["frozen_list"]
assert hashlib.sha256("\n".join(lines).encode()).hexdigest() == cert["digest"], "frozen list changed"
beacon = cert["beacon"] or ""
ranked = sorted(
    (hmac.digest(seed, f"{beacon}:{entry}".encode(), "sha256"), entry, person)
    for entry, person in (line.split(" ") for line in lines)
)
roles = (("winner", "winners"), ("alternate", "alternates"))
if cert["algorithm"] == "kuchikomi-draw-v2":  # every prize's winners first, then the alternates
    places = [(prize["id"], role, prize[count]) for role, count in roles for prize in cert["prizes"]]
elif cert["algorithm"] == "kuchikomi-draw-v1":  # each prize's winners, then its alternates
    places = [(prize["id"], role, prize[count]) for prize in cert["prizes"] for role, count in roles]
else:
    raise SystemExit(f"unknown algorithm {cert['algorithm']}")
walk, seen, picks = iter(ranked), set(), []
for prize, role, count in places:
    for rank in range(1, count + 1):
        for _score, entry, person in walk:
            if person not in seen:
                seen.add(person)
                picks.append((prize, role, rank, entry))
                break
published = [(r["prize"], r["role"], r["rank"], r["entry"]) for r in cert["results"]]
assert sorted(picks) == sorted(published), "results differ"
print("OK")
