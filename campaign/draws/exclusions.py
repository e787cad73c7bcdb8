"""Before the draw: how many of a campaign's entries take part and how many are left out, by reason, and
which entries a reason leaves out (the moderation queue's filter). Both read the draw's own rule
(`eligibility.reason_sql`), so the screen cannot say other than what the draw will do.

The counts are one aggregate over the campaign's rows of the covering index `ix_entries_draw`: a handful of
rows reach Python, however many entries there are.
"""

from dataclasses import dataclass, field

from sqlalchemy import TextClause, bindparam, select, text

from campaign.campaigns.models import Campaign
from campaign.draws.eligibility import LIST_REASONS, reason_sql
from campaign.draws.models import DrawPlan, Eligibility
from campaign.extensions import db
from campaign.sqltypes import UTCDateTime

# Left out for a reason a person may disagree with: the draw screen asks for a look before drawing. The rule
# checks it last, so every entry it names would otherwise take part, approved or (when the rules let
# every entry not rejected take part) still waiting: only approved ones were called out, and under that
# rule six waiting duplicates were left out with no word (a walk-through's find).
NEEDS_A_LOOK = ("duplicate_photo",)

# ... and, of those withdrawn, how many the brand took down (not final: approved again, they take part)
_COUNTS = """
SELECT reason, COUNT(*), SUM(CASE WHEN withdrawn_by = 'brand' THEN 1 ELSE 0 END) FROM (
  SELECT {reason} AS reason, entries.withdrawn_by FROM entries WHERE entries.campaign_id = :campaign_id
) AS reasons
GROUP BY reason
"""


@dataclass(frozen=True)
class Preview:
    taking_part: int
    excluded: dict[str, int] = field(default_factory=dict)  # reason -> entries, in LIST_REASONS order, >0
    taken_down: int = 0  # of those withdrawn, the brand's takedowns (the rest, customers' own withdrawals)

    @property
    def to_look_at(self) -> dict[str, int]:
        """Entries the draw leaves out only for a reason a person may disagree with."""
        return {r: n for r, n in self.excluded.items() if r in NEEDS_A_LOOK}


def _period(campaign: Campaign) -> dict:
    return {"opens": campaign.opens_at, "closes": campaign.closes_at}


def _period_params() -> list:
    return [bindparam("opens", type_=UTCDateTime()), bindparam("closes", type_=UTCDateTime())]


def mode_of(campaign: Campaign) -> Eligibility:
    """Who takes part under the campaign's draw rules (the rules' default before they exist)."""
    mode = db.session.scalar(select(DrawPlan.eligibility).where(DrawPlan.campaign_id == campaign.id))
    return mode or Eligibility.APPROVED


def preview(campaign: Campaign, mode: Eligibility) -> Preview:
    """What a draw made now would take and leave out."""
    sql = text(_COUNTS.format(reason=reason_sql(mode, ":opens", ":closes"))).bindparams(*_period_params())
    rows = db.session.execute(sql, {"campaign_id": campaign.id, **_period(campaign)}).all()
    counts = {reason: int(n) for reason, n, _ in rows}
    taken_down = next((int(brand or 0) for reason, _, brand in rows if reason == "withdrawn"), 0)
    taking_part = counts.pop(None, 0)
    excluded = {r: counts[r] for r in LIST_REASONS if r in counts}
    return Preview(taking_part=taking_part, excluded=excluded, taken_down=taken_down)


def left_out_for(campaign: Campaign, reason: str) -> TextClause:
    """A condition on `entries` that holds for the campaign's entries the draw leaves out for `reason`
    (one of LIST_REASONS), under its draw rules."""
    rule = reason_sql(mode_of(campaign), ":draw_opens", ":draw_closes")
    return text(f"({rule}) = :draw_reason").bindparams(
        bindparam("draw_opens", campaign.opens_at, type_=UTCDateTime()),
        bindparam("draw_closes", campaign.closes_at, type_=UTCDateTime()),
        bindparam("draw_reason", reason),
    )
