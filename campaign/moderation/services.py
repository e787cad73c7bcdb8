"""The entry state machine: one table of allowed moves, every move audited and announced.

A move is allowed by (current state, action, the actor's capability, the campaign's stages). The caller
commits once; events are sent after the flush, and their listeners defer outside work to after the commit.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from campaign import events, jobs
from campaign.audit.models import ActorKind
from campaign.audit.services import Actor, record_for_entry
from campaign.entries.models import Entry, EntryStatus, Processing
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.locks import lock_row
from campaign.moderation.models import RejectionReason
from campaign.orgs.models import Membership
from campaign.orgs.services import can

S = EntryStatus
BOTH = frozenset({False, True})
SINGLE = frozenset({False})
TWO = frozenset({True})


@dataclass(frozen=True)
class Move:
    action: str
    sources: frozenset[EntryStatus]
    target: EntryStatus
    capability: str | None  # None: only the customer, through their status link
    stages: frozenset[bool]  # the values of campaign.two_stage_approval that allow it


MOVES: tuple[Move, ...] = (
    Move("approve", frozenset({S.RECEIVED, S.REJECTED}), S.APPROVED, "moderate", SINGLE),
    Move("approve", frozenset({S.RECEIVED, S.RECOMMENDED, S.REJECTED}), S.APPROVED, "approve", TWO),
    Move("recommend", frozenset({S.RECEIVED}), S.RECOMMENDED, "moderate", TWO),
    Move("reject", frozenset({S.RECEIVED, S.RECOMMENDED}), S.REJECTED, "moderate", BOTH),
    Move("send_back", frozenset({S.RECOMMENDED}), S.RECEIVED, "approve", TWO),
    Move("withdraw", frozenset({S.APPROVED}), S.WITHDRAWN, "takedown", BOTH),  # the brand's takedown
    # the customer's own withdrawal, final; also after a takedown, so the brand can never approve it again
    Move(
        "withdraw",
        frozenset({S.RECEIVED, S.RECOMMENDED, S.APPROVED, S.REJECTED, S.WITHDRAWN}),
        S.WITHDRAWN,
        None,
        BOTH,
    ),
    Move("reapprove", frozenset({S.WITHDRAWN}), S.APPROVED, "approve", BOTH),  # after a takedown only
)
ACTIONS = frozenset(move.action for move in MOVES)
BULK_ACTIONS = ("approve", "recommend", "reject")

# Whole sentences per action, so every language can phrase them its own way.
DONE_MESSAGES = {
    "approve": _l("Entry approved."),
    "recommend": _l("Entry recommended to the approver."),
    "reject": _l("Entry rejected."),
    "send_back": _l("Entry sent back to the editors."),
    "withdraw": _l("Entry taken down from every public place."),
    "reapprove": _l("Entry approved again."),
}
REFUSED_MESSAGES = {
    "approve": _l("This entry cannot be approved in its current state."),
    "recommend": _l("This entry cannot be recommended in its current state."),
    "reject": _l("This entry cannot be rejected in its current state."),
    "send_back": _l("This entry cannot be sent back in its current state."),
    "withdraw": _l("This entry cannot be taken down in its current state."),
    "reapprove": _l("This entry cannot be approved again in its current state."),
}


class ModerationError(DomainError):
    status = 409
    code = "moderation"


# A team note, a takedown's or a decline's reason: kept with the entry and in the append-only audit trail.
NOTE_MAX = 2000


def clean_note(note: str) -> str:
    """A note as it is recorded: NFC, without control characters, trimmed; "" when it shows nothing (a
    reason of zero-width spaces passed a required note, and the trail read 「理由：」 and nothing, a
    walk-through's find). Longer than NOTE_MAX: refused at its field (the form's own limit was not held)."""
    from campaign.entries.rules import clean_text, shows_nothing

    note = clean_text(note or "")
    if shows_nothing(note):
        return ""
    if len(note) > NOTE_MAX:
        raise NoteTooLong(max=NOTE_MAX)
    return note


class NoteTooLong(ModerationError):
    status = 422
    field = "note"
    message = _l("Keep the note to %(max)s characters.")


class NotAllowed(DomainError):
    status = 403
    code = "moderation_forbidden"
    message = _l("Your role does not allow this step.")


def allowed_moves(entry: Entry, membership: Membership | None) -> list[Move]:
    """What this member (or, with None, the customer) may do with the entry now: the buttons to show."""
    return [
        move
        for move in MOVES
        if entry.status in move.sources
        and entry.campaign.two_stage_approval in move.stages
        and _actor_fits(move, membership)
        and not (move.action == "reapprove" and entry.withdrawn_by != "brand")
    ]


def _actor_fits(move: Move, membership: Membership | None) -> bool:
    if move.capability is None:
        return membership is None
    if move.action == "recommend" and membership is not None and can(membership, "approve"):
        return False  # who may approve approves: recommending to oneself was offered (a check's find)
    return membership is not None and can(membership, move.capability)


def find_move(entry: Entry, action: str, membership: Membership | None) -> Move:
    if action not in ACTIONS:
        raise ModerationError(_l("Unknown moderation step."))
    candidates = [
        m
        for m in MOVES
        if m.action == action
        and entry.campaign.two_stage_approval in m.stages
        and (m.capability is None) == (membership is None)
    ]
    for move in candidates:
        if entry.status in move.sources:
            if not _actor_fits(move, membership):
                if action == "approve":
                    raise NotAllowed(_l("Only an approver can approve entries of this campaign."))
                raise NotAllowed()
            return move
    raise ModerationError(REFUSED_MESSAGES[action])


def transition(
    entry: Entry,
    action: str,
    *,
    actor: Actor,
    membership: Membership | None,
    now: datetime,
    reason: RejectionReason | None = None,
    note: str = "",
    event: str = "",
) -> Entry:
    """Moves one entry: checks the table and the step's own rule, writes the audit event, announces it.
    `event`: the system's own record of a customer's move (a post deleted on its network is withdrawn as
    its author would, but recorded as what happened: `entry.removed_upstream`).

    The entry's row is locked and re-read first, so two moves at once are decided one after the other:
    the second sees the first one's state (and is refused when the table no longer allows it).
    """
    as_customer = actor.kind is ActorKind.CUSTOMER or (actor.kind is ActorKind.SYSTEM and bool(event))
    if (membership is None) != as_customer:
        raise NotAllowed()
    lock_row(entry)
    move = find_move(entry, action, membership)
    note = clean_note(note)
    _check_step(entry, move, reason, note)
    before = _snapshot(entry)
    _apply(entry, move, actor, now, reason, note)
    db.session.flush()
    if move.action == "recommend":  # the client's approver hears of it (once while entries wait)
        from campaign.moderation import sign_off_mail

        sign_off_mail.entry_recommended(entry, actor.label)
    record_for_entry(
        actor,
        event or f"entry.{action}",
        entry,
        now=now,
        before=before,
        after=_snapshot(entry) | ({"note": note} if note else {}),
        reason="; ".join(
            part for part in (entry.rejection_label_en if move.action == "reject" else "", note) if part
        ),
    )
    _announce(entry, move, membership)
    return entry


def _check_step(entry: Entry, move: Move, reason: RejectionReason | None, note: str) -> None:
    if move.action in ("approve", "recommend") and entry.processing is not Processing.READY:
        raise ModerationError(_l("The photo is not processed yet; it cannot be approved."))
    if move.action == "reject" and (reason is None or reason.org_id != entry.org_id or not reason.active):
        raise ModerationError(_l("Choose a rejection reason."), field="reason")
    if move.action == "send_back" and not note:
        raise ModerationError(_l("Say why you send the entry back."), field="note")
    if move.action == "withdraw" and move.capability is not None and not note:
        raise ModerationError(_l("Say why the entry is taken down."), field="note")
    if move.action == "withdraw" and move.capability is None and entry.withdrawn_by == "customer":
        raise ModerationError(REFUSED_MESSAGES["withdraw"])
    if move.action == "reapprove" and entry.withdrawn_by != "brand":
        raise ModerationError(_l("The customer withdrew this entry; it can never be published again."))


def _apply(
    entry: Entry, move: Move, actor: Actor, now: datetime, reason: RejectionReason | None, note: str
) -> None:
    if move.target is S.APPROVED:
        _republish_media(entry)  # first: a storage failure refuses the move before anything changes
    elif move.target in (S.REJECTED, S.WITHDRAWN):
        _unpublish_media(entry)
    entry.status = move.target
    entry.moderated_at = now
    if note:
        entry.team_note = note
    if move.action == "recommend":
        entry.recommended_by = actor.label
    elif move.action == "send_back":
        entry.recommended_by = ""
    elif move.action == "reject":
        entry.rejection_reason = reason
        entry.rejection_label_ja, entry.rejection_label_en = reason.label_ja, reason.label_en
    elif move.action in ("approve", "reapprove"):
        entry.rejection_reason = None
        entry.rejection_label_ja = entry.rejection_label_en = ""
    if move.action == "withdraw":
        entry.withdrawn_at = now
        entry.withdrawn_by = "customer" if move.capability is None else "brand"
        if move.capability is None:
            entry.person_slot = None  # the customer's withdrawal gives the slot back
        else:
            entry.taken_down_at = now
    elif move.action == "reapprove":
        entry.withdrawn_at = entry.taken_down_at = None
        entry.withdrawn_by = ""


def _unpublish_media(entry: Entry) -> None:
    """Rejection and takedown remove the public copies; the private original and renditions stay."""
    from campaign.entries.publication import unpublish

    unpublish(entry)


def _republish_media(entry: Entry) -> None:
    """Approval copies the renditions to public keys before the flush; one not derived yet is derived,
    then published, after the commit (`process_entry` announces it then)."""
    from campaign.entries.processing import process_entry
    from campaign.entries.publication import publish, would_be_shown
    from campaign.storage import get_storage

    if entry.processing is not Processing.READY:
        jobs.after_commit(process_entry, entry.id)
    elif would_be_shown(entry):
        publish(entry, get_storage())


def _snapshot(entry: Entry) -> dict:
    data = {"status": str(entry.status)}
    if entry.withdrawn_by:  # "network": withdrawn because the post was deleted there
        data["withdrawn_by"] = "network" if entry.removed_upstream_at else entry.withdrawn_by
    if entry.rejection_label_ja or entry.rejection_label_en:  # both words, as the customer may read either
        data["rejection_reason"] = {"ja": entry.rejection_label_ja, "en": entry.rejection_label_en}
    return data


def _announce(entry: Entry, move: Move, membership: Membership | None) -> None:
    signal = {
        S.APPROVED: events.entry_approved,
        S.REJECTED: events.entry_rejected,
        S.WITHDRAWN: events.entry_withdrawn,
    }.get(move.target)
    if signal is not None:
        signal.send(entry, actor=membership)


@dataclass
class BulkResult:
    moved: list[Entry]
    skipped: list[tuple[Entry, str]]


def bulk_transition(
    entries: list[Entry],
    action: str,
    *,
    actor: Actor,
    membership: Membership,
    now: datetime,
    reason: RejectionReason | None = None,
    note: str = "",
) -> BulkResult:
    """The same move for many entries in one transaction; an entry that cannot make it is skipped, named."""
    if action not in BULK_ACTIONS:
        raise ModerationError(_l("Unknown moderation step."))
    if action == "reject" and (reason is None or not reason.active):
        raise ModerationError(_l("Choose a rejection reason."), field="reason")
    result = BulkResult([], [])
    for entry in sorted(entries, key=lambda e: e.id):  # one lock order for every bulk step: no deadlock
        try:  # every check runs before the entry changes, so a refused entry is left untouched
            transition(entry, action, actor=actor, membership=membership, now=now, reason=reason, note=note)
        except DomainError as exc:
            if exc.field in ("reason", "note"):
                raise
            result.skipped.append((entry, exc.text()))
        else:
            result.moved.append(entry)
    return result
