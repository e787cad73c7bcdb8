"""Draw rules: the plan made at launch, the draw itself, checks after the draw. The caller commits."""

import hashlib
import logging
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from campaign import metrics
from campaign.audit.services import Actor, record
from campaign.auth import passwords
from campaign.campaigns import services as campaigns
from campaign.campaigns.models import Campaign, CampaignStatus
from campaign.draws import algorithm, eligibility, frozen, participants, scoring, sealing
from campaign.draws.models import Draw, DrawPick, DrawPlan, Eligibility, PickState
from campaign.errors import DomainError, Forbidden
from campaign.extensions import db
from campaign.storage.base import StorageError

log = logging.getLogger(__name__)
SEED_PURPOSE = "draw-seed"


class DrawRefused(DomainError):
    status = 409
    code = "draw_refused"


class WrongPassword(Forbidden):
    code = "wrong_password"
    message = _l("Your password was not correct. Nothing was drawn.")
    field = "password"


class AlreadyDrawn(DomainError):
    status = 409
    code = "already_drawn"
    message = _l("This campaign has already been drawn.")


class DrawStorageFailed(DomainError):
    """The frozen list could not be stored: the draw rolls back whole and may be run again."""

    status = 503
    code = "draw_storage"
    message = _l(
        "The draw could not be saved just now (storage did not answer). Nothing was drawn; try again in a "
        "few minutes."
    )


def create_plan(campaign: Campaign, *, secret: str, now: datetime, seed: bytes | None = None) -> DrawPlan:
    """A fresh 32-byte seed, sealed at rest; only its SHA-256 commitment is public until the draw. The
    ranking rule is fixed with it (the latest version): the campaign is drawn by it, whatever comes later."""
    plan = plan_of(campaign)
    if plan is not None:
        return plan
    seed = seed if seed is not None else secrets.token_bytes(32)
    plan = DrawPlan(
        org_id=campaign.org_id,
        campaign=campaign,
        seed_sealed=sealing.seal(secret, SEED_PURPOSE, seed),
        commitment=algorithm.commitment(seed),
        algorithm=algorithm.LATEST,
        created_at=now,
    )
    db.session.add(plan)
    db.session.flush()
    campaigns.audit(
        campaign,
        Actor.system(),
        "draw.commit_seed",
        now,
        after={"commitment": plan.commitment, "algorithm": plan.algorithm},
    )
    return plan


def plan_of(campaign: Campaign) -> DrawPlan | None:
    return db.session.scalar(select(DrawPlan).where(DrawPlan.campaign_id == campaign.id))


def draw_of(campaign: Campaign) -> Draw | None:
    return db.session.scalar(select(Draw).where(Draw.campaign_id == campaign.id))


@dataclass(frozen=True)
class Shortfall:
    prize: str
    drawn: int
    wanted: int


def shortfalls(draw: Draw) -> list[Shortfall]:
    """The prizes that drew fewer winners than they offer: too few people took part. Under v2 every
    prize's winners are drawn before any alternate, so a shortfall means no alternates at all; under v1
    (campaigns launched before it) each prize's alternates came before the next prize's winners, so a
    later prize can fall short while an earlier one has alternates. The draw screen says which applies."""
    drawn = Counter(pick.prize.public_id for pick in draw.picks if pick.role == "winner")
    return [
        Shortfall(prize["name"], drawn[prize["id"]], prize["winners"])
        for prize in draw.prizes
        if drawn[prize["id"]] < prize["winners"]
    ]


def update_plan(
    plan: DrawPlan,
    *,
    actor: Actor,
    beacon_source: str,
    mode: Eligibility,
    alternates_per_winner: int,
    claim_days: int,
    now: datetime,
) -> None:
    """The rules are fixed before the campaign closes: a beacon named afterwards would prove nothing."""
    if plan.campaign.status(now) not in (CampaignStatus.SCHEDULED, CampaignStatus.LIVE):
        raise DrawRefused(_l("The draw rules can only be changed while the campaign has not closed."))
    if not 0 <= alternates_per_winner <= 10:
        raise DrawRefused(
            _l("Alternates per winner must be between 0 and 10."), field="alternates_per_winner"
        )
    if not 1 <= claim_days <= 90:
        raise DrawRefused(_l("The claim period must be between 1 and 90 days."), field="claim_days")
    before = _plan_state(plan)
    plan.beacon_source = beacon_source.strip()
    plan.eligibility = mode
    plan.alternates_per_winner = alternates_per_winner
    plan.claim_days = claim_days
    db.session.flush()
    campaigns.audit(plan.campaign, actor, "draw.plan_update", now, before, _plan_state(plan))


def _plan_state(plan: DrawPlan) -> dict:
    return {
        "beacon_source": plan.beacon_source,
        "eligibility": str(plan.eligibility),
        "alternates_per_winner": plan.alternates_per_winner,
        "claim_days": plan.claim_days,
    }


def needs_check(campaign: Campaign, pick: DrawPick) -> bool:
    """Follow-and-post entries are checked (by a connector or by hand) before the winner is told."""
    return campaign.allows_follow_and_post and bool(pick.entry.post_url)


@metrics.DRAW_SECONDS.time()
def run_draw(
    campaign: Campaign,
    *,
    actor: Actor,
    password: str,
    beacon: str,
    secret: str,
    now: datetime,
) -> Draw:
    """Freezes the eligible list, ranks it with the committed seed, records winners and alternates.

    The drawer's password is checked in a thread while the campaign is locked and its list read, frozen
    and ranked (the two take about as long); nothing is written before it has passed. A wrong password is
    refused as such whatever else went wrong meanwhile, as when it was checked first. The campaign's lock
    keeps a second draw waiting until this one ends, and then refused as already drawn; the draw row's
    unique constraint catches any other (an IntegrityError the caller turns into AlreadyDrawn).
    """
    if actor.user is None:
        raise WrongPassword()
    password_ok = passwords.verify_in_thread(actor.user.password_hash, password)

    def authorised() -> None:
        if not password_ok():
            raise WrongPassword()

    beacon = beacon.strip()
    try:
        plan, seed = _checked_plan(campaign, beacon, secret, now)
        prizes = [
            algorithm.PrizeSlots(p.public_id, p.quantity, p.quantity * plan.alternates_per_winner)
            for p in campaign.prizes
        ]
        key = participants.key_for(secret, campaign.public_id)
        count = algorithm.head_size(sum(p.winners + p.alternates for p in prizes))
        scorer = scoring.Scorer(seed, beacon, count)  # scores each chunk of the list as it is read
        pool = eligibility.pool(campaign, plan.eligibility, key, sink=scorer, before_writing=authorised)
        if not len(pool.entries):
            raise DrawRefused(
                _l(
                    "No entry can take part in this draw (%(excluded)s excluded by its rules), so "
                    "nothing was drawn. The campaign can still be drawn once entries qualify.",
                    excluded=len(pool.exclusions),
                )
            )
        ranking = algorithm.rank(
            seed, beacon, pool.entries, prizes, version=plan.algorithm, head=scorer.result(pool.entries.ids)
        )
    except Exception as exc:
        if not password_ok():
            raise WrongPassword() from exc
        raise
    authorised()

    draw = Draw(
        org_id=campaign.org_id,
        campaign=campaign,
        algorithm=plan.algorithm,  # the rule fixed at launch, not the latest
        commitment=plan.commitment,
        seed_hex=seed.hex(),
        beacon_source=plan.beacon_source,
        beacon=beacon,
        eligibility=plan.eligibility,
        digest=pool.digest,
        entry_count=len(pool.entries),
        prizes=[
            {"id": p.public_id, "name": p.name, "winners": s.winners, "alternates": s.alternates}
            for p, s in zip(campaign.prizes, prizes, strict=True)
        ],
        exclusions=pool.exclusions + [{"entry": e, "reason": "already_won"} for e, _ in ranking.skipped],
        terms_version=campaign.terms_version,
        drawn_by_user_id=actor.user.id,
        drawn_by_label=actor.label,
        drawn_at=now,
    )
    db.session.add(draw)
    db.session.flush()  # claims the campaign's one draw
    written = frozen.store(draw, pool.text, pool.digest)  # meanwhile, the picks and the audit event
    try:
        _store_picks(draw, campaign, ranking)
        db.session.flush()
        record(
            actor,
            "draw.run",
            org_id=campaign.org_id,
            campaign_id=campaign.id,
            object_type="draw",
            object_id=draw.public_id,
            after={
                "digest": draw.digest,
                "entries": draw.entry_count,
                "commitment": draw.commitment,
                "seed": draw.seed_hex,
                "beacon": beacon,
                "winners": [p.entry_id for p in ranking.picks if p.role == "winner"],
            },
            now=now,
        )
    except BaseException:
        written.exception()  # written (or failed) before the caller's rollback deletes it again
        raise
    try:
        written.result()
    except StorageError as exc:  # the caller rolls back, which deletes whatever was written
        log.warning("the frozen list of campaign %s's draw could not be stored: %s", campaign.public_id, exc)
        raise DrawStorageFailed() from exc
    from campaign import events

    events.draw_completed.send(draw)
    return draw


def _checked_plan(campaign: Campaign, beacon: str, secret: str, now: datetime) -> tuple[DrawPlan, bytes]:
    """Locks the campaign (a save of its prizes waits for the draw, or the draw for the save) and checks
    that it can be drawn now; its plan and unsealed seed. Reads only."""
    campaigns.lock_campaign(campaign)
    if campaign.status(now) is not CampaignStatus.CLOSED:
        raise DrawRefused(_l("A campaign can only be drawn after it has closed."))
    if not campaign.prizes:
        raise DrawRefused(_l("Add the prizes before drawing."))
    plan = plan_of(campaign)
    if plan is None:
        raise DrawRefused(_l("This campaign has no published seed commitment, so it cannot be drawn."))
    if plan.beacon_source and not beacon:
        raise DrawRefused(_l("Enter the beacon value named in advance."), field="beacon")
    if not plan.beacon_source and beacon:
        raise DrawRefused(_l("No beacon was named in advance, so none can be used now."), field="beacon")
    if draw_of(campaign) is not None:
        raise AlreadyDrawn()
    seed = sealing.unseal(secret, SEED_PURPOSE, plan.seed_sealed)
    if hashlib.sha256(seed).hexdigest() != plan.commitment:  # a sealed seed swapped in the database
        raise DrawRefused(_l("The stored seed does not match its published commitment. Nothing was drawn."))
    return plan, seed


def record_refusal(campaign: Campaign, *, actor: Actor, error: DomainError, now: datetime) -> None:
    """A refused draw is audited too (wrong password, too early, drawn already): who tried, when, why; a
    draw that failed (storage down) as `draw.failed`. The caller has rolled the attempt back and commits
    this alone."""
    with force_locale("en"):  # the catalogue's own words: each reader's trail says them in their language
        reason = error.text()  # (`audit.labels.reason_label`); it held the drawer's language
    if isinstance(error, DrawStorageFailed):  # not refused: it failed, and can be run again
        campaigns.audit(campaign, actor, "draw.failed", now, after={"failed": error.code}, reason=reason)
        return
    campaigns.audit(campaign, actor, "draw.refused", now, after={"refused": error.code}, reason=reason)


def _store_picks(draw: Draw, campaign: Campaign, ranking: algorithm.Ranking) -> None:
    """One executemany of plain rows (the columns' defaults, public ids included, filled in by SQLAlchemy):
    no ORM object per pick."""
    from campaign.entries.models import Entry

    prize_ids = {p.public_id: p.id for p in campaign.prizes}
    entry_ids = dict(
        db.session.execute(
            select(Entry.public_id, Entry.id).where(
                Entry.campaign_id == campaign.id, Entry.public_id.in_([p.entry_id for p in ranking.picks])
            )
        ).all()
    )
    rows = [
        {
            "org_id": draw.org_id,
            "draw_id": draw.id,
            "prize_id": prize_ids[pick.prize_id],
            "entry_id": entry_ids[pick.entry_id],
            "position": position,
            "role": pick.role,
            "rank": pick.rank,
            "participant": pick.participant,
            "score": pick.score,
            "state": PickState.CHECKING if pick.role == "winner" else PickState.WAITING,
        }
        for position, pick in enumerate(ranking.picks)
    ]
    db.session.execute(insert(DrawPick.__table__), rows)
    db.session.expire(draw, ["picks"])  # read back from the rows when next used


def _on_launch(campaign: Campaign, *, now: datetime, **_) -> None:
    from flask import current_app

    create_plan(campaign, secret=current_app.secret_key, now=now)


def _on_entry_received(entry, **_) -> None:
    from flask import current_app

    if entry.participant_token is None:  # an upload is stamped before its INSERT (entries.services.submit)
        participants.stamp(entry, current_app.secret_key)


def install() -> None:
    """Subscribes (idempotent): the seed is committed when the page goes live; each entry received is
    stamped with its participant token, so the draw does no per-person work."""
    from campaign import events

    events.campaign_launched.connect(_on_launch, weak=False)
    events.entry_received.connect(_on_entry_received, weak=False)
