"""The JSON Schema of the draw certificate (`/draws/<id>.json`), published for outside verifiers at
/api/v1/schemas/draw-certificate.json beside the OpenAPI document. Every certificate the tests make is
validated against it, so a renamed or retyped field cannot ship without the schema saying so."""

from campaign.draws.algorithm import V1, V2, VERSIONS
from campaign.draws.eligibility import EXCLUSION_REASONS
from campaign.draws.models import Eligibility, PickState

_HEX64 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_PUBLIC_ID = {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,32}$"}
_TOKEN = {"type": "string", "pattern": "^\\S+$", "description": "Opaque; one person's entries share it."}

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Kuchikomi draw certificate",
    "description": (
        "Everything needed to recompute a draw: the seed (revealed) and its commitment (published when the "
        "campaign went live), the beacon, the frozen list of eligible entries and its digest, the prizes in "
        "order, and the results. Ranking: each entry's score is HMAC-SHA256(key = seed, message = "
        "'{beacon}:{entry id}'); walking entries in ascending score (as bytes) and skipping a participant "
        "already picked, fill the places in the order the certificate's algorithm names. "
        f"{V2}: every prize's winners, prize by prize in the listed order, then every prize's alternates "
        f"in the same order. {V1} (campaigns launched before {V2}): the first prize's winners, then its "
        "alternates, then the next prize's winners and alternates. "
        "Contains no personal data: entry ids, opaque participant tokens and chosen nicknames only."
    ),
    "type": "object",
    "required": [
        "algorithm",
        "draw",
        "campaign",
        "drawn_at",
        "commitment",
        "seed",
        "beacon_source",
        "beacon",
        "eligibility",
        "entry_count",
        "digest",
        "frozen_list",
        "prizes",
        "results",
    ],
    "additionalProperties": False,
    "properties": {
        "algorithm": {
            "enum": list(VERSIONS),
            "description": "Version of the ranking rule described above, fixed when the campaign went live.",
        },
        "draw": {**_PUBLIC_ID, "description": "The draw's public id."},
        "campaign": {
            "type": "object",
            "required": ["slug", "title"],
            "additionalProperties": False,
            "properties": {"slug": {"type": "string"}, "title": {"type": "string"}},
        },
        "drawn_at": {"type": "string", "format": "date-time", "description": "UTC, ISO 8601."},
        "commitment": {**_HEX64, "description": "SHA-256 of the seed, in hex, shown before the draw."},
        "seed": {**_HEX64, "description": "The 32-byte seed in hex, revealed by the draw."},
        "beacon_source": {
            "type": "string",
            "description": "The public randomness named in advance; empty when none was named.",
        },
        "beacon": {"type": "string", "description": "Its value, used in every score; empty when none."},
        "eligibility": {
            "enum": [mode.value for mode in Eligibility],
            "description": "approved: approved entries sent in the campaign window; not_rejected: every "
            "entry sent in the window that was not rejected or withdrawn.",
        },
        "entry_count": {"type": "integer", "minimum": 0, "description": "Lines in the frozen list."},
        "digest": {
            **_HEX64,
            "description": "SHA-256 of the frozen list's lines joined by '\\n', UTF-8.",
        },
        "frozen_list": {
            "type": "array",
            "description": "'{entry id} {participant token}', sorted by entry id; one person's entries share "
            "a token. Empty in the page's copy when the list is long: download /draws/<id>/frozen-list.txt.",
            "items": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,32} \\S+$"},
        },
        "prizes": {
            "type": "array",
            "minItems": 1,
            "description": "In the listed order, which the ranking rule follows.",
            "items": {
                "type": "object",
                "required": ["id", "name", "winners", "alternates"],
                "additionalProperties": False,
                "properties": {
                    "id": _PUBLIC_ID,
                    "name": {"type": "string"},
                    "winners": {
                        "type": "integer",
                        "minimum": 1,
                        "description": "How many winners it has (a count; who they are is in results).",
                    },
                    "alternates": {
                        "type": "integer",
                        "minimum": 0,
                        "description": "How many ordered alternates were drawn for it (a count).",
                    },
                },
            },
        },
        "results": {
            "type": "array",
            "description": "Every pick in the order of the ranking walk. Fewer than the prizes ask for when "
            "fewer people took part; each participant appears at most once.",
            "items": {
                "type": "object",
                "required": [
                    "prize",
                    "role",
                    "rank",
                    "entry",
                    "nickname",
                    "participant",
                    "score",
                    "state",
                    "excluded_reason",
                ],
                "additionalProperties": False,
                "properties": {
                    "prize": {**_PUBLIC_ID, "description": "A prizes[].id."},
                    "role": {"enum": ["winner", "alternate"], "description": "As drawn."},
                    "rank": {"type": "integer", "minimum": 1, "description": "1-based in prize and role."},
                    "entry": {**_PUBLIC_ID, "description": "The entry's public id (as in its line)."},
                    "nickname": {"type": ["string", "null"], "description": "The entrant's choice, or null."},
                    "participant": {**_TOKEN, "description": "The entry's token in the frozen list."},
                    "score": {**_HEX64, "description": "The entry's HMAC-SHA256 score in hex."},
                    "state": {
                        "enum": [state.value for state in PickState],
                        "description": "Now, after the draw: an alternate is 'waiting' until a winner of "
                        "its prize is excluded or forfeits, then checked and notified in turn.",
                    },
                    "excluded_reason": {
                        "enum": [*EXCLUSION_REASONS, None],
                        "description": "Why the pick failed a check after the draw (state 'excluded'); "
                        "else null.",
                    },
                },
            },
        },
    },
}
