"""The draw's public certificate (no personal data), the internal audit pack, and re-verification."""

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign.audit.models import AuditEvent
from campaign.audit.values import exportable
from campaign.draws import algorithm, frozen
from campaign.draws.models import Draw, DrawPick
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.reviews.public import public_nickname


def _pick_row(pick: DrawPick, prize_public_ids: dict[int, str]) -> dict:
    return {
        "prize": prize_public_ids[pick.prize_id],
        "role": pick.role,
        "rank": pick.rank,
        "entry": pick.entry.public_id,
        "nickname": public_nickname(pick.entry),
        "participant": pick.participant,
        "score": pick.score,
        "state": str(pick.state),
        "excluded_reason": pick.excluded_reason or None,
    }


def certificate(draw: Draw, *, with_list: bool = True) -> dict:
    """Everything needed to recompute the draw: entry public ids, opaque tokens, nicknames of those who
    consented to be shown; no emails.
    Without `with_list` the frozen list is left out (it is read from storage, up to tens of megabytes)."""
    prize_ids = {p.id: p.public_id for p in draw.campaign.prizes}
    return {
        "algorithm": draw.algorithm,
        "draw": draw.public_id,
        "campaign": {"slug": draw.campaign.slug, "title": draw.campaign.title},
        "drawn_at": draw.drawn_at.isoformat(),
        "commitment": draw.commitment,
        "seed": draw.seed_hex,
        "beacon_source": draw.beacon_source,
        "beacon": draw.beacon,
        "eligibility": str(draw.eligibility),
        "entry_count": draw.entry_count,
        "digest": draw.digest,
        "frozen_list": frozen.lines_of(draw) if with_list else [],
        "prizes": draw.prizes,
        "results": [_pick_row(p, prize_ids) for p in _picks_with_entries(draw)],
    }


def _picks_with_entries(draw: Draw) -> list[DrawPick]:
    """The picks in order, with their entries and consents in two more queries, not two per pick."""
    return list(
        db.session.scalars(
            select(DrawPick)
            .where(DrawPick.draw_id == draw.id)
            .order_by(DrawPick.position)
            .options(selectinload(DrawPick.entry).selectinload(Entry.consent))
        )
    )


def public_head(draw: Draw) -> tuple[dict, str]:
    """The certificate without its frozen list, and an ETag that changes whenever the certificate does: the
    list is fixed by the digest the head holds, the rest (picks and their states) is small to hash."""
    head = certificate(draw, with_list=False)
    del head["frozen_list"]
    return head, hashlib.sha256(json.dumps(head, sort_keys=True).encode()).hexdigest()[:32]


def certificate_json(draw: Draw, head: dict) -> Iterator[str]:
    """The certificate as JSON text, in pieces: the frozen list (a million lines, 56 MB) is encoded a batch
    of lines at a time, so a request never builds the whole document in memory. Everything is read from
    the database and storage before this returns; the pieces are only encoded while they are sent."""
    return json_pieces(head, frozen.lines_of(draw))


def json_pieces(head: dict, lines: list[str], batch: int = 10_000) -> Iterator[str]:
    """`head` with "frozen_list": `lines` as JSON text, `batch` lines to a piece."""
    yield json.dumps(head)[:-1] + (', "frozen_list": [' if head else '"frozen_list": [')
    for start in range(0, len(lines), batch):
        piece = json.dumps(lines[start : start + batch])[1:-1]
        yield piece if start == 0 else ", " + piece
    yield "]}"


def audit_pack(draw: Draw, *, now: datetime) -> dict:
    """For the company's internal sign-off: the certificate plus rules, exclusions and the audit trail."""
    campaign = draw.campaign
    events = [
        {
            "at": e.created_at.isoformat(),
            "actor": e.actor_label,
            "action": e.action,
            "object": f"{e.object_type}:{e.object_id}",
            "before": exportable(e.before),
            "after": exportable(e.after),
            "reason": e.reason,
        }
        for e in select_events(campaign.id)
    ]
    return {
        "generated_at": now.isoformat(),
        "certificate": certificate(draw),
        "rules": {
            "terms_version": draw.terms_version,
            "terms_sha256": hashlib.sha256(campaign.terms_text.encode()).hexdigest(),
            "opens_at": campaign.opens_at.isoformat() if campaign.opens_at else None,
            "closes_at": campaign.closes_at.isoformat() if campaign.closes_at else None,
            "eligibility": str(draw.eligibility),
            "one_win_per_person": True,
        },
        "drawn_by": draw.drawn_by_label,
        "exclusions": draw.exclusions,
        "audit_trail": events,
    }


def select_events(campaign_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.campaign_id == campaign_id).order_by(AuditEvent.id)
        )
    )


def verify(cert: dict) -> list[str]:
    """Recomputes a certificate by the rule of the algorithm version it records; returns what does not
    match (empty: the draw is what it claims)."""
    problems: list[str] = []
    if cert["algorithm"] not in algorithm.VERSIONS:
        return [f"unknown algorithm {cert['algorithm']!r} (known: {', '.join(algorithm.VERSIONS)})"]
    seed = bytes.fromhex(cert["seed"])
    if algorithm.commitment(seed) != cert["commitment"]:
        problems.append("the seed does not match the commitment")
    lines = cert["frozen_list"]
    if lines != sorted(lines):
        problems.append("the frozen list is not sorted by entry id")
    if algorithm.digest(lines) != cert["digest"]:
        problems.append("the frozen list does not match its digest")
    entries = [tuple(line.split(" ", 1)) for line in lines]
    prizes = [algorithm.PrizeSlots(p["id"], p["winners"], p["alternates"]) for p in cert["prizes"]]
    ranking = algorithm.rank(seed, cert["beacon"], entries, prizes, version=cert["algorithm"])
    expected = [(p.prize_id, p.role, p.rank, p.entry_id) for p in ranking.picks]
    recorded = [(r["prize"], r["role"], r["rank"], r["entry"]) for r in cert["results"]]
    if expected != recorded:
        problems.append("the recorded winners and alternates differ from the recomputed ranking")
    return problems
