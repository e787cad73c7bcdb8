"""The names the audit trail gives what its events point at by id: an entry, a drawn pick or a review by
its entry's nickname, a product by its name, each read once per page and within the organisation (a
walk-through and a check read 「応募 ufjW… 商品 Xll5…」 and 「当選した応募 EBLl…」: ids tell a marketer
nothing). `labels` holds the words; this module the lookups behind them."""

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, null, select

from campaign.extensions import db

ANONYMOUS = _l("anonymous")  # an entry without a nickname, as the customer's pages call it

# recorded values that are ids, and what they name
ID_FIELDS = {"entry": "entry", "product": "product", "replaces": "draw_pick", "duplicate_of": "entry"}
_OF_AN_ENTRY = ("draw_pick", "review")  # named by their entry's nickname


def object_name(event) -> str:
    """The name an event's object goes by beside its id; "" when it has none (or is not named so)."""
    kind = event.object_type
    if kind != "entry" and kind not in _OF_AN_ENTRY:
        return ""
    name = name_of(kind, event.object_id)
    return "" if name == event.object_id else name


def name_of(kind: str, public_id: str) -> str:
    """The name of the `kind` with this id: an entry's nickname, or 「匿名」 when it has none (the trail
    showed a bare id beside named entries, a walk-through's find); the id when there is no such row of the
    organisation's, or an erased entry)."""
    org = getattr(g, "org", None)
    names = g.setdefault("audit_names", {})
    if org is not None and (kind, public_id) not in names:
        names[(kind, public_id)] = db.session.scalar(_query(kind, public_id, org.id))
    name = names.get((kind, public_id))
    if name is None:
        return public_id
    return name or str(ANONYMOUS)


def _query(kind: str, public_id: str, org_id: int):
    from campaign.campaigns.models import Campaign, Product
    from campaign.draws.models import DrawPick
    from campaign.entries.models import Entry
    from campaign.reviews.models import Review

    # "" for an entry without one (匿名); NULL for an erased one, whose nickname is gone, not absent: its id
    nickname = case((Entry.erased_at.is_not(None), null()), else_=func.coalesce(Entry.nickname, ""))
    if kind == "product":
        query = select(Product.name).join(Campaign, Campaign.id == Product.campaign_id)
        return query.where(Product.public_id == public_id, Campaign.org_id == org_id)
    if kind in _OF_AN_ENTRY:
        model = {"draw_pick": DrawPick, "review": Review}[kind]
        query = select(nickname).join(model, model.entry_id == Entry.id)
        return query.where(model.public_id == public_id, model.org_id == org_id)
    return select(nickname).where(Entry.public_id == public_id, Entry.org_id == org_id)
