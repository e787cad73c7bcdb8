"""Signatures like Stripe's: header `Kuchikomi-Signature: t=<unix time>,v1=<hex HMAC-SHA256>`.

The signed message is `"{t}.{body}"`; a receiver recomputes it with the endpoint's secret and rejects
old timestamps (replays).
"""

import hashlib
import hmac

HEADER = "Kuchikomi-Signature"
TOLERANCE_SECONDS = 300


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, body: bytes, header: str, now: int, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """What a receiver does (our tests use it as the receiver)."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
