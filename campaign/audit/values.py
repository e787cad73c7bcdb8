"""How a value an audit event recorded reads on a page (`field_value`) and in an export (`exportable`): the
words of `labels` for states, proofs, scopes and reasons, prizes and products by name with units, times as
the page shows them, and never a caption's text the trail must not show."""

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l

from campaign.audit import names
from campaign.audit.labels import ERASED_FIELDS, NO, PROOFS, SCOPES, STATE_WORDS, STATES, WITHDRAWN_BY, YES

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")  # ISO 8601, as the trail records times


# why a step was refused or failed (`refused`, `failed`: a DomainError's code), in words
REFUSED = {
    "wrong_password": _l("the password was wrong"),
    "already_drawn": _l("the draw had already run"),
    "draw_refused": _l("the draw could not run"),
    "draw_storage": _l("the storage did not answer"),  # recorded as `failed` (draw.failed)
}
# what an edit of the campaign page's images changed (brandpage.services.attach/detach)
IMAGES = {"hero_image": _l("Hero image"), "logo_image": _l("Logo")}
_PRIZE_IMAGE = re.compile(r"prizes\[(\d+)\]\.image")


def _image(code: object) -> str:
    if code in IMAGES:
        return str(IMAGES[code])
    found = _PRIZE_IMAGE.fullmatch(str(code))
    return str(_l("Image of prize %(num)s", num=int(found[1]) + 1)) if found else str(code)


def _detail(key: str, value: object) -> str:
    """A prize's quantity and value with units (「2名」「5,000円」), a product's codes by their names."""
    from flask_babel import format_decimal, npgettext

    if key == "quantity" and isinstance(value, int):  # the studio's plain 「2名」; customers read 「2名様」
        return npgettext("audit: a prize's quantity", "%(num)s winner", "%(num)s winners", value)
    if key == "value_jpy" and isinstance(value, int):
        return str(_l("¥%(num)s", num=format_decimal(value)))
    if key in ("sku", "jan"):
        return f"{key.upper()} {value}"
    return str(value)


def _named(item: object) -> str:
    """A product or prize by its name, with what else it holds (SKU, JAN, URL; quantity, value), so that a
    change of any of them shows (a walk-through saw a product URL's change as the same name twice)."""
    if not isinstance(item, dict):
        return str(item)
    details = [_detail(k, value) for k, value in item.items() if k not in ("name", "public_id") and value]
    return f"{item.get('name', '')} ({' · '.join(details)})" if details else str(item.get("name", item))


# Recorded before the trail kept only counts of a redaction: a caption's text, which the customer's erasure
# cannot reach in the append-only trail, so the trail never shows it, on a page or in an export
UNSHOWN = frozenset({"public_caption"})
NOT_SHOWN = _l("(text not shown)")


def exportable(values: dict | None) -> dict | None:
    """An event's before or after values as an export gives them: a value the trail never shows is null."""
    if not values:
        return values
    return {key: (None if key in UNSHOWN else value) for key, value in values.items()}


def field_value(value: object, key: str, locale: str) -> str:
    """A recorded value as a reader would say it: states in words, yes or no, a reason in the reader's
    language, lists of prizes or products by name, times as the page shows them."""
    from flask_babel import format_datetime

    if value is None or value == "" or value == []:
        return "—"
    if key in UNSHOWN:
        return str(NOT_SHOWN)
    if isinstance(value, bool):
        return str(YES if value else NO)
    if key in names.ID_FIELDS and isinstance(value, str):
        name = names.name_of(names.ID_FIELDS[key], value)
        return f"{name} ({value})" if name == str(names.ANONYMOUS) else name  # which of the anonymous ones
    if key == "status" and value in (STATES | STATE_WORDS):  # an entry's, a review's ("published")
        return str((STATES | STATE_WORDS)[value])
    if key == "state" and isinstance(value, str):
        from campaign.draws.labels import PICK_STATES

        return str((STATE_WORDS | PICK_STATES | STATES).get(value, value))
    if key == "proof" and value in PROOFS:
        return str(PROOFS[value])
    if key in ("consent_scopes", "scopes") and isinstance(value, list):
        value = [SCOPES.get(item, item) for item in value]
    if key == "duplicate" and isinstance(value, str):
        from campaign.entries.labels import duplicate_label

        return duplicate_label(value)
    if key == "network" and isinstance(value, str):  # a held post's, a connection's: "x" read as X
        from campaign.connectors.services import NETWORK_NAMES

        return NETWORK_NAMES.get(value, value)
    if key == "withdrawn_by" and value in WITHDRAWN_BY:
        return str(WITHDRAWN_BY[value])
    if key in ("refused", "failed") and value in REFUSED:
        return str(REFUSED[value])
    if key == "images" and isinstance(value, list):
        value = [_image(item) for item in value]
    if key == "erased" and isinstance(value, list):
        value = [ERASED_FIELDS.get(item, item) for item in value]
    if isinstance(value, dict) and {"ja", "en"} <= value.keys():
        return str(value["en"] if locale.startswith("en") and value["en"] else value["ja"])
    if isinstance(value, list):
        return (
            "、".join(_named(item) for item in value)
            if not locale.startswith("en")
            else ", ".join(_named(item) for item in value)
        )
    if isinstance(value, str) and (key.endswith("_at") or _TIMESTAMP.match(value)):
        try:
            return format_datetime(datetime.fromisoformat(value), "medium")
        except ValueError:
            return value
    return str(value)
