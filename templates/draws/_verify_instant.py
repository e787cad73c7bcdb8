# Recomputes every instant-win play's score and luck from instant-certificate.json; prints OK when all match.
import hashlib
import hmac
import json

with open("instant-certificate.json", encoding="utf-8") as file:
    cert = json.load(file)
seed = bytes.fromhex(cert["seed"])
assert hashlib.sha256(seed).hexdigest() == cert["commitment"], "seed does not match the commitment"
for play in cert["plays"]:
    score = hmac.digest(seed, f"instant:{play['entry']}".encode(), "sha256")
    assert score.hex() == play["score"], play["entry"]
    assert (int.from_bytes(score, "big") * int(cert["odds"]) < 2**256) == play["lucky"], play["entry"]
print("OK")
