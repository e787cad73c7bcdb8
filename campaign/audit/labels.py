"""What an audit event's action code and object type mean, in the reader's language (never the raw code)."""

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "entry.approve": _l("Approved the entry"),
    "entry.recommend": _l("Recommended the entry to the approver"),
    "entry.reject": _l("Did not approve the entry"),
    "entry.send_back": _l("Sent the entry back to the editors"),
    "entry.withdraw": _l("Withdrew the entry"),
    "entry.reapprove": _l("Approved the entry again"),
    "entry.redact": _l("Hid part of the caption"),
    "entry.erase": _l("Erased the entry's personal data"),
    "campaign.create": _l("Created the campaign"),
    "campaign.update": _l("Edited the campaign"),
    "campaign.launch": _l("Launched the campaign"),
    "campaign.request_launch": _l("Asked the approver to launch"),
    "campaign.approve_launch": _l("Approved the launch"),
    "campaign.decline_launch": _l("Declined the launch"),
    "campaign.archive": _l("Archived the campaign"),
    "campaign.unarchive": _l("Restored the campaign"),
    "draw.commit_seed": _l("Committed the draw seed"),
    "draw.plan_update": _l("Changed the draw rules"),
    "draw.run": _l("Drew the winners"),
    "draw.refused": _l("Draw refused"),
    "draw.notify": _l("Told the winner"),
    "draw.check_passed": _l("Winner's check passed"),
    "draw.check_inconclusive": _l("Winner's check inconclusive"),
    "draw.exclude": _l("Excluded a winner"),
    "draw.promote_alternate": _l("An alternate stepped up"),
    "draw.claim": _l("Winner gave a postal address"),
    "draw.ship": _l("Marked the prize shipped"),
    "draw.forfeit": _l("Prize forfeited (not claimed in time)"),
    "draw.purge_address": _l("Erased the postal address"),
    "instant_win.schedule": _l("Scheduled the instant-win prizes"),
    "instant_win.win": _l("Instant win"),
    "instant_win.void": _l("Instant win cancelled"),
    "instant_win.notify": _l("Told the instant winner"),
    "instant_win.claim": _l("Instant winner gave a postal address"),
    "instant_win.ship": _l("Marked the instant-win prize shipped"),
    "instant_win.forfeit": _l("Instant-win prize forfeited"),
    "instant_win.purge_address": _l("Erased the postal address"),
    "reason.create": _l("Added a rejection reason"),
    "reason.update": _l("Changed a rejection reason"),
    "review.published": _l("Published a review"),
    "review.withdrawn": _l("Withdrew a review"),
    "gallery.created": _l("Created a gallery"),
    "gallery.updated": _l("Changed a gallery"),
    "webhook.created": _l("Added a webhook endpoint"),
    "webhook.deleted": _l("Deleted a webhook endpoint"),
    "webhook.disabled": _l("Switched a webhook endpoint off"),
    "webhook.enabled": _l("Switched a webhook endpoint on"),
    "api_key.created": _l("Created an API key"),
    "api_key.revoked": _l("Revoked an API key"),
    "connector.configured": _l("Connected a social network"),
    "connector.disconnected": _l("Disconnected a social network"),
    "organisation.retention": _l("Changed how long personal data is kept"),
    "privacy.export": _l("Exported personal data on request"),
    "privacy.erase": _l("Erased personal data on request"),
    "cdn.purge": _l("Cleared the CDN cache"),
}

OBJECTS = {
    "entry": _l("Entry"),
    "campaign": _l("Campaign"),
    "draw": _l("Draw"),
    "draw_pick": _l("Winner"),
    "review": _l("Review"),
    "gallery": _l("Gallery"),
    "webhook": _l("Webhook"),
    "api_key": _l("API key"),
    "connector": _l("Connector"),
    "reason": _l("Rejection reason"),
    "organisation": _l("Organisation"),
    "person": _l("Person (by email address)"),
    "cdn_purge": _l("CDN"),
}


def action_label(code: str) -> str:
    """The action in words; an action added without a label reads as its object and verb, not a code."""
    if code in ACTIONS:
        return str(ACTIONS[code])
    subject, _, verb = code.partition(".")
    return f"{object_label(subject)}: {verb.replace('_', ' ')}"


def object_label(kind: str) -> str:
    return str(OBJECTS.get(kind, kind.replace("_", " ")))


FIELDS = {
    "status": _l("State"),
    "withdrawn_by": _l("Withdrawn by"),
    "rejection_reason": _l("Reason"),
    "note": _l("Note"),
    "entry": _l("Entry"),
    "product": _l("Product"),
    "title": _l("Title"),
    "slug": _l("Address (/c/…)"),
    "description": _l("Description"),
    "opens_at": _l("Opens"),
    "closes_at": _l("Closes"),
    "products": _l("Products"),
    "prizes": _l("Prizes"),
    "terms_text": _l("Terms"),
    "terms_version": _l("Terms version"),
    "entries_per_person": _l("Entries allowed per person"),
    "hashtags": _l("Required hashtags"),
    "brand_handle": _l("Brand account handle"),
    "consent_scopes": _l("Consent asked for"),
    "instant_win": _l("Instant win"),
    "premium_type": _l("Campaign type (景品表示法)"),
}
YES_NO = {True: _l("yes"), False: _l("no")}
STATES = {
    "received": _l("Received"),
    "recommended": _l("Recommended"),
    "approved": _l("Approved"),
    "rejected": _l("Not approved"),
    "withdrawn": _l("Withdrawn"),
}


def change_lines(values: dict, locale: str) -> list[tuple[str, str]]:
    """A before/after snapshot as (label, value) lines: states in words, a reason in the reader's language."""
    lines = []
    for key, value in sorted((values or {}).items()):
        if isinstance(value, dict) and {"ja", "en"} & value.keys():
            english = str(locale).startswith("en") and value.get("en")
            value = value["en"] if english else value.get("ja", "")
        elif key == "status" and value in STATES:
            value = STATES[value]
        elif isinstance(value, bool):
            value = YES_NO[value]
        elif value is None or value == "" or value == []:
            value = "—"
        lines.append((str(FIELDS.get(key, key.replace("_", " "))), str(value)))
    return lines
