"""What may change in a campaign once customers can see it: the one rule behind the README's table.

`refusals` is a plain function of the campaign's stage (facts read by `stage.stage_of`) and of the data
before and after the edit. Each refusal names its field and says why, in the user's language; a save with
any refusal changes nothing.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Stage:
    """What has already happened to a saved campaign."""

    now: datetime
    launched: bool = False
    opened: bool = False  # launched, and its opening time has passed
    closed: bool = False  # launched, and its closing time has passed
    entries: int = 0
    drawn: bool = False
    instant_win: bool = False  # launched as instant win: its prize units were scheduled at launch
    awaiting_approver: int = 0  # entries recommended, waiting for the client's approver
    products_in_use: frozenset[str] = frozenset()  # public ids a review, an entry or a gallery points at
    prizes_in_use: frozenset[str] = frozenset()  # public ids a draw pick or an instant-win unit points at
    agreed_terms_versions: frozenset[str] = frozenset()  # the terms versions entrants' consents name


@dataclass(frozen=True)
class Refusal:
    field: str
    message: str

    def text(self) -> str:
        return str(self.message)


def refusals(stage: Stage, before, after) -> list[Refusal]:
    """Every reason the edit from `before` to `after` (CampaignData) may not be saved at this stage."""
    found: list[Refusal] = []
    found += _window(stage, before, after)
    found += _instant_win(stage, before, after)
    found += _prizes(stage, before.prizes, after.prizes)
    found += _products(stage, before.products, after.products)
    if before.two_stage_approval and not after.two_stage_approval and stage.awaiting_approver:
        found.append(
            Refusal(
                "two_stage_approval",
                _l(
                    "Entries waiting for the approver's sign-off: %(count)s. Approve or reject them "
                    "before switching the sign-off off.",
                    count=stage.awaiting_approver,
                ),
            )
        )
    # A consent names its terms by version only: a version entrants agreed to keeps the text they read. A
    # walk-through gave version 2 new terms, then named other terms version 1 again, which the studio then
    # showed beside the consents to version 1; and version 2's text, which no one had agreed to, could not
    # be corrected ("Entrants agreed to terms version 2")
    terms_changed = after.terms_text != before.terms_text or after.terms_version != before.terms_version
    if terms_changed and after.terms_version in stage.agreed_terms_versions:
        found.append(
            Refusal(
                "terms_version",
                _l(
                    "Entrants agreed to terms version %(version)s: give the changed terms a new version.",
                    version=after.terms_version,
                ),
            )
        )
    return found


def _window(stage: Stage, before, after) -> list[Refusal]:
    if not stage.launched:
        return []
    if after.opens_at is None or after.closes_at is None:
        return [Refusal("opens_at", _l("A launched campaign keeps its opening and closing times."))]
    found = []
    if after.opens_at != before.opens_at:
        if stage.opened:
            found.append(
                Refusal("opens_at", _l("The campaign has already opened: its opening time is fixed."))
            )
        elif stage.instant_win:
            found.append(
                Refusal(
                    "opens_at",
                    _l(
                        "The prizes of an instant win were scheduled at launch over "
                        "its period: the opening time is fixed."
                    ),
                )
            )
    if after.closes_at != before.closes_at:
        if stage.closed:
            found.append(Refusal("closes_at", _l("The campaign has closed: its closing time is fixed.")))
        elif stage.instant_win and after.closes_at < before.closes_at:
            found.append(
                Refusal(
                    "closes_at",
                    _l(
                        "The prizes of an instant win are released until the closing time set at launch: "
                        "it may be moved later, never earlier."
                    ),
                )
            )
        elif after.closes_at < stage.now:  # now itself is "close now" (copies.close_now)
            found.append(Refusal("closes_at", _l("This closing time has already passed.")))
    return found


def _instant_win(stage: Stage, before, after) -> list[Refusal]:
    if not stage.launched:
        return []
    found = []
    if after.instant_win != before.instant_win:
        found.append(
            Refusal("instant_win", _l("Instant win is fixed at launch: it cannot be switched on or off."))
        )
    if after.instant_win_odds != before.instant_win_odds:
        found.append(Refusal("instant_win_odds", _l("The instant-win odds are fixed at launch.")))
    return found


def _prizes(stage: Stage, before: list, after: list) -> list[Refusal]:
    old = {p.public_id: p for p in before}
    kept = [p for p in after if p.public_id in old]
    kept_ids = [p.public_id for p in kept]
    removed = [p for p in before if p.public_id not in kept_ids]
    changed = len(after) != len(kept) or bool(removed) or any(vars(p) != vars(old[p.public_id]) for p in kept)
    reordered = kept_ids != [p.public_id for p in before if p.public_id in kept_ids]
    if stage.drawn and (changed or reordered):
        return [
            Refusal(
                "prizes",
                _l("The prizes are part of the published draw certificate: they are fixed after the draw."),
            )
        ]
    if stage.launched and stage.instant_win and (changed or reordered):
        return [
            Refusal(
                "prizes",
                _l(
                    "An instant win's prize units were scheduled at launch: the prizes are fixed, "
                    "so the page never promises more than the inventory."
                ),
            )
        ]
    found = []
    for prize in removed:
        if prize.public_id in stage.prizes_in_use:
            found.append(
                Refusal("prizes", _l("“%(name)s” has winners: it cannot be removed.", name=prize.name))
            )
        elif stage.entries:
            found.append(
                Refusal(
                    "prizes",
                    _l(
                        "Entrants were promised “%(name)s”: it cannot be removed once entries have arrived.",
                        name=prize.name,
                    ),
                )
            )
    if stage.entries:
        for prize in kept:
            was = old[prize.public_id]
            if prize.name != was.name or prize.quantity < was.quantity or prize.value_jpy < was.value_jpy:
                found.append(
                    Refusal(
                        "prizes",
                        _l(
                            "Entrants were promised “%(name)s” × %(quantity)s: once entries "
                            "have arrived a prize may only be added to or increased.",
                            name=was.name,
                            quantity=was.quantity,
                        ),
                    )
                )
    return found


def _products(stage: Stage, before: list, after: list) -> list[Refusal]:
    kept = {p.public_id for p in after}
    return [
        Refusal(
            "products",
            _l(
                "“%(name)s” has entries, reviews or a gallery: it cannot be removed (edit it instead).",
                name=p.name,
            ),
        )
        for p in before
        if p.public_id not in kept and p.public_id in stage.products_in_use
    ]
