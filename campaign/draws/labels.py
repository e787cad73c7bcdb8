"""Words for a prize's states and its address fields, in the reader's language: the draw and instant-win
screens (`draws/_labels.html`, through the Jinja globals) and the shipping lists (CSV) say the same; and
an address as the screens show it."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p

PICK_STATES = {
    "waiting": _l("Waiting (alternate)"),
    "checking": _l("Check before notifying"),
    "notified": _l("Notified: may claim"),
    "claimed": _l("Claimed"),
    "shipped": _p("prize state", "Shipped"),  # not the column "Shipped" (「発送日」): a check's find
    "forfeited": _l("Forfeited: not claimed in time"),
    "excluded": _l("Excluded"),
}
WIN_STATES = {  # instant win (instant.fulfilment.WinState); "prize state": "Shipped" is a column's name too
    "awaiting_approval": _p("prize state", "Awaiting approval"),
    "awaiting_address": _p("prize state", "Awaiting address"),
    "claim_closed": _p("prize state", "Claim period ended"),
    "forfeited": _p("prize state", "Forfeited"),
    "address_given": _p("prize state", "Address given"),
    "shipped": _p("prize state", "Shipped"),
    "cancelled": _p("prize state", "Cancelled (voided)"),
}
EXCLUSIONS = {  # eligibility.EXCLUSION_REASONS: why an entry or a drawn winner is left out of a draw
    "rejected": _l("rejected in moderation"),
    "withdrawn": _l("withdrawn"),
    "not_approved": _l("not approved"),
    "outside_window": _l("outside the campaign period"),
    "duplicate_photo": _l("duplicate photo"),
    "already_won": _l("already won"),
    "post_deleted": _l("post deleted or not found"),
    "not_following": _l("not following"),
    "hashtag_missing": _l("hashtag missing"),
    "manual_check_failed": _l("failed the check by hand"),
}
# winners.ADDRESS_FIELDS, as the claim form names them
ADDRESS_FIELDS = {
    "name": _l("Full name of the recipient"),
    "postal_code": _l("Postal code"),
    "prefecture": _l("Prefecture"),
    "city": _l("City, ward, town"),
    "street": _l("Street address, building, room"),
    "phone": _l("Phone"),
}


def label(labels: dict, value) -> str:
    """The word for `value` (an enum or its string), or the value itself when it has none."""
    return str(labels.get(str(value), value))


def shipping_header(*before) -> list[str]:
    """A shipping list's header: the given columns' words, then the address fields' (in the rows' order)."""
    from campaign.draws.winners import ADDRESS_FIELDS as ORDER

    return [str(word) for word in (*before, *(ADDRESS_FIELDS[name] for name in ORDER))]


def address_line(address: dict) -> str:
    """Prefecture, city and street on one line: run together as Japanese is written (東京都渋谷区神宮前),
    with a space where a Latin letter or a digit meets the next part (Tokyo Shibuya-ku 1-2-3)."""
    line = ""
    for part in (str(address.get(name) or "").strip() for name in ("prefecture", "city", "street")):
        if part and line and (_latin(line[-1]) or _latin(part[0])):
            line += " "
        line += part
    return line


def _latin(character: str) -> bool:
    return character.isascii() and character.isalnum()
