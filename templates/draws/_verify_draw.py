# Recomputes a Kuchikomi draw (kuchikomi-draw-v1) from certificate.json; prints OK when every result matches.
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
walk, seen, picks = iter(ranked), set(), []
for prize in cert["prizes"]:
    for role, count in (("winner", prize["winners"]), ("alternate", prize["alternates"])):
        for rank in range(1, count + 1):
            for _score, entry, person in walk:
                if person not in seen:
                    seen.add(person)
                    picks.append((prize["id"], role, rank, entry))
                    break
published = [(r["prize"], r["role"], r["rank"], r["entry"]) for r in cert["results"]]
assert sorted(picks) == sorted(published), "results differ"
print("OK")
