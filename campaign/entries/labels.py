"""Words for an entry's status, its consent's scopes, its duplicate flag and its language, in the reader's
language: the studio's screens (`entries/_labels.html`, through the Jinja globals), the audit trail and the
CSV exports say the same."""

from babel import Locale, UnknownLocaleError
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

STATUSES = {  # entries.models.EntryStatus
    "received": _l("Received: waiting for review"),
    "recommended": _l("Recommended: waiting for the approver"),
    "approved": _l("Approved"),
    "rejected": _l("Not approved"),
    "withdrawn": _l("Withdrawn"),
}
SCOPES = {  # consent scopes (campaigns.models)
    "gallery": _l("Gallery on the brand's site"),
    "review": _l("Product review"),
    "social": _l("Brand's social media accounts"),
}
DUPLICATES = {  # Entry.duplicate_kind
    "exact": _l("Exact copy of an earlier entry"),
    "near": _l("Looks like an earlier entry"),
}


def status_label(status) -> str:
    """The words for an entry's status (the enum or its value); an unknown value as it is."""
    return str(STATUSES.get(str(status), status))


TAKEN_DOWN = _l("Taken down by the brand")
REMOVED_UPSTREAM = _l("Deleted where it was posted")


def entry_state_label(entry) -> str:
    """An entry's status in words, a brand's takedown told apart from a customer's withdrawal (a check read
    「取り下げ済み」 for both in the export, while the trail said 「掲載を停止」)."""
    if str(entry.status) == "withdrawn" and getattr(entry, "removed_upstream_at", None) is not None:
        return str(REMOVED_UPSTREAM)  # not the customer's withdrawal: the network said the post is gone
    if str(entry.status) == "withdrawn" and entry.withdrawn_by == "brand":
        return str(TAKEN_DOWN)
    return status_label(entry.status)


def scopes_label(scopes) -> str:
    """The consent's scopes in words, joined as the reader's language lists things."""
    return gettext(", ").join(str(SCOPES.get(scope, scope)) for scope in scopes)


def duplicate_label(kind: str) -> str:
    return str(DUPLICATES.get(kind, kind)) if kind else ""


def language_label(code: str) -> str:
    """A customer's language (`Entry.locale`, e.g. "ja") in the reader's language: 「日本語」, "Japanese"."""
    try:
        return Locale.parse(code).get_display_name(get_locale()) if code else ""
    except (ValueError, UnknownLocaleError):
        return code
