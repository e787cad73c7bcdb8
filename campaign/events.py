"""Domain events: services announce what happened; other features (snapshots, webhooks, mail) listen.

A service sends an event after it has flushed the change. Listeners that do work beyond the current
transaction use `jobs.after_commit`, so nothing happens for a change that is rolled back.
"""

from blinker import Namespace

_events = Namespace()

# sender: the Entry; keyword `actor` (a Membership, or None for the customer or the system).
entry_received = _events.signal("entry.received")
entry_approved = _events.signal("entry.approved")
entry_rejected = _events.signal("entry.rejected")
entry_withdrawn = _events.signal("entry.withdrawn")
# An approved entry's renditions became public after its approval (processed late): galleries refresh.
entry_published = _events.signal("entry.published")
# An entry left every public surface without changing state: its creator's grant ended (rights, issue 12).
entry_unpublished = _events.signal("entry.unpublished")

# sender: the Campaign, when it is launched (its page becomes public); keyword `now`.
campaign_launched = _events.signal("campaign.launched")
# sender: the Campaign, after an edit changed its settings, products or prizes was flushed.
campaign_updated = _events.signal("campaign.updated")

# Reviews (#6): sender: the Review, after flush; keyword `actor` (an audit Actor).
review_published = _events.signal("review.published")
review_withdrawn = _events.signal("review.withdrawn")
# Webhooks (#6) listen for it: sender: the Draw (with `public_id` and `campaign`), after flush.
draw_completed = _events.signal("draw.completed")
