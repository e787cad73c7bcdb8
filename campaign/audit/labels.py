"""What an audit event's codes mean, in the reader's language: the page shows words, the CSV keeps codes.
A code with no label yet is shown as it is (a feature that adds an action adds its label here)."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from campaign.entries import labels as entry_labels

ACTIONS = {
    "draw.notice_by_hand": _l("Sent the winner's notice by hand"),
    "draw.notice_on_network": _l("Told the winner on the network"),
    "invitation.create": _l("Invited a member"),
    "invitation.resend": _l("Sent an invitation again"),
    "invitation.revoke": _l("Cancelled an invitation"),
    "invitation.accept": _l("Accepted an invitation"),
    "member.join": _l("Joined the organisation"),
    "member.language": _l("Changed the language"),
    "member.password_change": _l("Changed the password"),
    "member.password_reset": _l("Reset the password"),
    "member.password_reset_asked": _l("Asked for a password reset"),
    "member.remove": _l("Removed a member"),
    "member.role": _l("Changed a member's role"),
    "rights.request": _l("Asked the creator for the rights"),
    "rights.sent": _l("Marked the rights request as sent"),
    "rights.grant": _l("The creator granted the rights"),
    "rights.decline": _l("Declined the rights request"),
    "rights.expire": _l("The rights request or grant ended"),
    "rights.verify": _l("Confirmed the grant came from the creator"),
    "rights.withdraw": _l("Withdrew the rights grant"),
    "rights.hold": _l("Unpublished: the grant was only a click on the rights page, never confirmed"),
    "rights.settings": _l("Changed the rights request settings"),
    "rights.template_create": _l("Added a rights request template"),
    "rights.template_update": _l("Changed a rights request template"),
    "rights.template_delete": _l("Deleted a rights request template"),
    "source.added": _l("Added a source"),
    "source.paused": _l("Paused a source"),
    "source.resumed": _l("Resumed a source"),
    "privacy.export": _l("Exported personal data on request"),
    "privacy.erase": _l("Erased personal data on request"),
    # campaigns
    "campaign.create": _l("Campaign created"),
    "campaign.update": _l("Campaign settings changed"),
    "campaign.launch": _l("Campaign launched"),
    "campaign.request_launch": _l("Launch requested"),
    "campaign.approve_launch": _l("Launch approved"),
    "campaign.decline_launch": _l("Launch declined"),
    "campaign.withdraw_launch_request": _l("Launch request withdrawn by a save"),
    "campaign.archive": _l("Campaign archived"),
    "campaign.unarchive": _l("Campaign restored"),
    "campaign.close_now": _l("Campaign closed early"),
    "campaign.duplicate": _l("Campaign duplicated"),
    "campaign.retention": _l("Data retention changed"),
    "campaign.media": _l("Campaign images changed"),
    "organisation.retention": _l("Data retention changed"),
    # entries and moderation
    "entry.approve": _l("Entry approved"),
    "entry.recommend": _l("Entry recommended"),
    "entry.reject": _l("Entry not approved"),
    "entry.send_back": _l("Entry sent back to the editor"),
    "entry.withdraw": _l("Entry withdrawn"),
    "entry.removed_upstream": _l("Post deleted on its network"),
    "entry.held": _l("Hidden while its network cannot be checked"),
    "entry.released": _l("Shown again: still on its network"),
    "entry.reapprove": _l("Entry approved again"),
    "entry.redact": _l("Public caption masked"),
    "entry.not_duplicate": _l("Duplicate mark cleared (judged not a duplicate)"),
    "entry.duplicate_released": _l("Compared again: the earlier entry it matched was erased"),
    "entry.erase": _l("Entrant's personal data erased"),
    "entries.exported": _l("Entries downloaded (CSV)"),
    "reason.create": _l("Rejection reason added"),
    "reason.update": _l("Rejection reason changed"),
    "cdn.purge": _l("Removed from the CDN cache"),
    # draws and instant win
    "draw.commit_seed": _l("Draw seed committed"),
    "draw.plan_update": _l("Draw rules changed"),
    "draw.run": _l("Winners drawn"),
    "draw.refused": _l("Draw refused"),
    "draw.failed": _l("Draw failed (nothing drawn)"),
    "draw.completed": _l("Draw completed"),
    "draw.check_passed": _l("Winner's follow and post confirmed"),
    "draw.check_inconclusive": _l("Winner's follow and post not confirmed"),
    "draw.exclude": _l("Winner excluded"),
    "draw.promote_alternate": _l("Alternate moved up"),
    "draw.notify": _l("Winner notified"),
    "draw.claim": _l("Winner gave the address"),
    "draw.forfeit": _l("Prize forfeited"),
    "draw.ship": _l("Prize shipped"),
    "draw.purge_address": _l("Winner's address deleted"),
    "instant_win.schedule": _l("Instant-win prizes scheduled"),
    "instant_win.win": _l("Instant win"),
    "instant_win.void": _l("Instant win cancelled"),
    "instant_win.notify": _l("Instant winner notified"),
    "instant_win.claim": _l("Instant winner gave the address"),
    "instant_win.forfeit": _l("Instant-win prize forfeited"),
    "instant_win.ship": _l("Instant-win prize shipped"),
    "instant_win.purge_address": _l("Instant winner's address deleted"),
    # republishing and integrations
    "review.published": _l("Published as a review"),
    "review.withdrawn": _l("Review withdrawn"),
    "gallery.created": _l("Gallery created"),
    "gallery.updated": _l("Gallery changed"),
    "webhook.created": _l("Webhook added"),
    "webhook.deleted": _l("Webhook deleted"),
    "webhook.disabled": _l("Webhook paused"),
    "webhook.enabled": _l("Webhook resumed"),
    "api_key.created": _l("API key created"),
    "api_key.revoked": _l("API key revoked"),
    "connector.configured": _l("Social account connected"),
    "connector.disconnected": _l("Social account disconnected"),
    "connector.expired": _l("Social connection expired (the network refused the token)"),
    "connector.restored": _l("Social connection working again"),
}

OBJECTS = {
    "invitation": _l("Invitation"),
    "member": _l("Member"),
    "rights_template": _l("Rights request template"),
    "source": _l("Source"),
    "campaign": _l("Campaign"),
    "entry": _l("Entry"),
    "draw": _l("Draw"),
    "draw_pick": _l("Drawn entry"),
    "person": _l("Entrant"),
    "cdn_purge": _l("CDN cache"),
    "prize": _l("Prize"),
    "reason": _l("Rejection reason"),
    "review": _l("Review"),
    "gallery": _l("Gallery"),
    "webhook": _l("Webhook"),
    "api_key": _l("API key"),
    "connector": _l("Connector"),
    "organisation": _l("Organisation"),
}

FIELDS = {
    "status": _l("Status"),
    "title": _l("Title"),
    "slug": _l("Address"),
    "description": _l("Description"),
    "opens_at": _l("Opens"),
    "closes_at": _l("Closes"),
    "terms_text": _l("Terms"),
    "terms_version": _l("Terms version"),
    "prizes": _l("Prizes"),
    "products": _l("Products"),
    "note": _l("Note"),
    "reason": _l("Reason"),
    "caption": _l("Caption"),
    "redacted_caption": _l("Public caption"),
    "name": _l("Name"),
    "pinned": _l("Pinned photos"),
    "layout": _l("Layout"),
    "copy": _l("Copy created"),
    "source": _l("Copied from"),
    "with_email": _l("With email addresses"),
    "retention_days": _l("Days personal data is kept"),
    "allows_upload": _l("Direct upload on the campaign page"),
    "allows_follow_and_post": _l("Follow and post on social media"),
    "brand_handle": _l("Brand account handle"),
    "hashtags": _l("Required hashtags"),
    "entries_per_person": _l("Entries allowed per person"),
    "consent_scopes": _l("Ask customers' consent to show their photo and caption in"),
    "two_stage_approval": _l("The client's approver (or an owner) signs off entries and the launch"),
    "notify_customers": _l("Email customers when their entry is approved or not approved"),
    "premium_type": _l("Campaign type (景品表示法)"),
    "transaction_value_jpy": _l("Transaction value (JPY)"),
    "projected_sales_jpy": _l("Projected sales during the campaign (JPY)"),
    "instant_win": _l("Instant win: each entry sees at once whether it won"),
    "instant_win_odds": _l("Instant-win odds: one lucky entry in"),
    "rejection_reason": _l("Reason shown to the customer"),
    "withdrawn_by": _l("Withdrawn by"),
    "held": _l("Hidden while its network cannot be checked"),
    "was_public": _l("Was public"),
    "since": _l("Since"),
    "erased": _l("Erased"),
    "entries": _l("Entries found"),
    "commitment": _l("Seed commitment (SHA-256)"),
    "algorithm": _l("Algorithm"),
    "title_en": _l("Title (English)"),
    "description_en": _l("Description (English)"),
    "brand_color": _l("Brand colour"),
    "deadline": _l("Claim deadline"),
    "state": _l("State"),
    "entry": _l("Entry"),
    "product": _l("Product"),
    "prize": _l("Prize"),
    "email": _l("Email address"),
    "role": _l("Role"),
    "active": _l("Active"),
    "events": _l("Events"),
    "images": _l("Images"),
    "launch_requested": _l("Launch requested"),
    "requested_by": _l("Requested by"),
    "network": _l("Network"),
    "scopes": _l("Consent"),
    "beacon": _l("Beacon value"),
    "seed": _l("Seed"),
    "digest": _l("List digest (SHA-256)"),
    "winners": _l("Winners"),
    "replaces": _l("In place of"),
    "rank": _l("Alternate's place"),
    "seq": _l("Entry number"),
    "slot": _l("Prize unit"),
    "slots": _l("Prize units"),
    "score": _l("Score"),
    "odds": _l("Instant-win odds: one lucky entry in"),
    "voided_after_seq": _l("Voided after entry number"),
    "channel": _l("Sent through"),
    "post": _l("Post"),
    "proof": _l("Proof"),
    "reply": _l("Reply"),
    "delivery": _l("Sent by"),
    "template": _l("Message template"),
    "until": _l("Until"),
    "kind": _l("Kind"),
    "query": _l("Search"),
    "include_top": _l("Include top posts"),
    "url": _l("URL"),
    "prefix": _l("Key prefix"),
    "token": _l("Access token"),
    "refused": _l("Refused because"),
    "failed": _l("Failed because"),
    "public_caption": _l("Public caption"),
    "masked_characters": _l("Characters masked"),
    "duplicate": _l("Duplicate check"),
    "duplicate_of": _l("Earlier entry it matched"),
    "emails": _l("Email addresses erased"),
    "originals": _l("Original photos deleted"),
    "states": _l("Statuses"),
    "duplicates_only": _l("Possible duplicates only"),
    "rights": _l("Rights"),
    "left_out": _l("Left out of the draw"),
    "rating": _l("Rating"),
    "from": _l("From"),
    "to": _l("To"),
    "needs_reconnection": _l("Needs reconnection"),
    "unchecked_public_posts": _l("Approved posts no longer checked for deletion"),
    "refused_at": _l("Refused since"),
}
# values of `state` (a prize drawn, a rights request, a review) and of consent scopes, in words
STATE_WORDS = {
    "published": _l("Published"),
    "requested": _l("Requested"),
    "granted": _l("Granted"),
    "declined": _l("Declined"),
    "expired": _l("Expired"),
}
# values of `proof` (a rights grant: rights/proof.py)
PROOFS = {
    "verified": _l("the creator's reply, read from the network"),
    "manual": _l("a reply the team saw and recorded"),
    "unverified": _l("a click on the rights page only (not confirmed)"),
}
SCOPES = entry_labels.SCOPES

WITHDRAWN_BY = {
    "customer": _l("Customer"),
    "brand": _l("The brand (takedown)"),
    "network": _l("Its network (the post was deleted there)"),
}
# what an erasure removed (campaign/privacy/erasure.py ERASED), named as the entry form names it
ERASED_FIELDS = {
    "email": _l("Email address"),
    "caption": _l("Caption"),
    "nickname": _l("Nickname"),
    "social_handle": _l("Account name"),
    "post_url": _l("Link to the post"),
    "team_note": _l("Team note"),
    "photos": _l("Photos"),
    "postal_address": _l("Postal address"),
}

STATES = {
    **entry_labels.STATUSES,
    "draft": _l("Draft"),
    "scheduled": _l("Scheduled"),
    "live": _l("Live"),
    "closed": _l("Closed"),
    "archived": _l("Archived"),
}
YES, NO = _l("yes"), _l("no")

ACTORS = {
    "member": _l("Team member"),
    "customer": _l("Customer"),
    "rights_link": _l("Someone with the rights link (not necessarily the creator)"),
    "system": _l("System"),
}


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))


TAKEN_DOWN = _l("Takedown by the brand")
CLICKED_YES = _l("Yes clicked on the rights page (not confirmed by the creator: nothing published)")


def event_label(event) -> str:
    """What an event did, in words: the brand's takedown and a customer's withdrawal share their code
    (`entry.withdraw`) but not their words (a walk-through read both as 「応募を取り下げ」)."""
    if event.action == "entry.withdraw" and (event.after or {}).get("withdrawn_by") == "brand":
        return str(TAKEN_DOWN)
    if event.action == "rights.grant" and (event.after or {}).get("proof") == "unverified":
        return str(CLICKED_YES)
    return action_label(event.action)


# reasons the app records itself (codes); a reason a member typed is shown as typed
REASONS = {
    "entry withdrawn": _l("the entry was withdrawn"),
    "entry rejected": _l("the entry was not approved"),
    "entry approved again": _l("the entry was approved again"),
    "entry held": _l("the post was hidden while its network could not be checked"),
    "entry released": _l("the post was found still on its network"),
    "withdrawn": _l("the entry was withdrawn"),
    "manual_check_failed": _l("the check before notifying failed"),
    "claim deadline passed": _l("the claim deadline passed"),
    "claim deadline passed; the prize unit is not released again": _l(
        "the claim deadline passed; the prize unit is not released again"
    ),
    "expired": _l("the request expired"),
}


def reason_label(reason: str) -> str:
    """A code of REASONS in words; a reason the app recorded in its catalogue's words (`force_locale("en")`,
    a refused draw's say) in the reader's language; anything else, a member's note, as it was typed."""
    if reason in REASONS:
        return str(REASONS[reason])
    return gettext(reason) if reason else reason


def object_label(kind: str) -> str:
    return str(OBJECTS.get(kind, kind))


def actor_label(label: str) -> str:
    """A member's email as it is; "customer" and "system" in words."""
    return str(ACTORS.get(label, label))


# a key whose meaning depends on the action: an entry's erasure lists the fields it erased, a request's
# erasure counts the entries
ACTION_FIELDS = {
    ("privacy.erase", "erased"): _l("Entries erased"),
    ("campaign.retention", "erased"): _l("Entries erased"),
    ("entries.exported", "source"): _l("Source"),  # the queue's filter; a campaign's copy: "Copied from"
}


# a request answered records what it found and did, not a change of something: its values are a result
RESULT_ACTIONS = frozenset({"privacy.export", "privacy.erase"})
AFTER, RESULT = _l("After"), _l("Result")


def after_label(action: str) -> str:
    """What the values recorded after an action are called: "Result" for a request answered."""
    return str(RESULT if action in RESULT_ACTIONS else AFTER)


def field_label(key: str, action: str = "") -> str:
    label = ACTION_FIELDS.get((action, key)) or FIELDS.get(key)
    return str(label) if label is not None else key.replace("_", " ")
