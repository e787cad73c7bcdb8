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

# Left out although someone approved them: the draw screen asks a person to look before drawing.
NEEDS_A_LOOK = ("duplicate_photo",)

_COUNTS = """
SELECT reason, COUNT(*), SUM(CASE WHEN approved THEN 1 ELSE 0 END) FROM (
  SELECT {reason} AS reason, entries.status = 'approved' AS approved
  FROM entries WHERE entries.campaign_id = :campaign_id
) AS reasons
GROUP BY reason
"""


@dataclass(frozen=True)
class Preview:
    taking_part: int
    excluded: dict[str, int] = field(default_factory=dict)  # reason -> entries, in LIST_REASONS order, >0
    approved_excluded: dict[str, int] = field(default_factory=dict)  # of those, approved ones, >0

    @property
    def to_look_at(self) -> dict[str, int]:
        """Approved entries the draw leaves out for a reason a person may disagree with."""
        return {r: n for r, n in self.approved_excluded.items() if r in NEEDS_A_LOOK}


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
    counts = {reason: (int(n), int(approved or 0)) for reason, n, approved in rows}
    taking_part = counts.pop(None, (0, 0))[0]
    return Preview(
        taking_part=taking_part,
        excluded={r: counts[r][0] for r in LIST_REASONS if r in counts},
        approved_excluded={r: counts[r][1] for r in LIST_REASONS if counts.get(r, (0, 0))[1]},
    )


def left_out_for(campaign: Campaign, reason: str) -> TextClause:
    """A condition on `entries` that holds for the campaign's entries the draw leaves out for `reason`
    (one of LIST_REASONS), under its draw rules."""
    rule = reason_sql(mode_of(campaign), ":draw_opens", ":draw_closes")
    return text(f"({rule}) = :draw_reason").bindparams(
        bindparam("draw_opens", campaign.opens_at, type_=UTCDateTime()),
        bindparam("draw_closes", campaign.closes_at, type_=UTCDateTime()),
        bindparam("draw_reason", reason),
    )
