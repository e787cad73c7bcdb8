"""Participant tokens: one per person, merged across a shared social account, opaque without the key."""

import hashlib

from campaign.draws.eligibility import participant_tokens

KEY = b"k" * 32


def test_a_shared_social_account_merges_two_emails_and_tokens_hide_the_email():
    rows = [
        ("e3", "a@example.com", "", ""),
        ("e1", "b@example.com", "@Hanako", "https://www.instagram.com/p/1/"),
        ("e2", "c@example.com", "hanako", "https://instagram.com/p/2/"),  # same account, other email
        ("e4", "d@example.com", "hanako", "https://x.com/hanako/status/9"),  # another network: not merged
        ("e0", "a@example.com", "", ""),
    ]
    tokens = dict(participant_tokens(rows, KEY))
    assert [e for e, _ in participant_tokens(rows, KEY)] == ["e0", "e1", "e2", "e3", "e4"]
    assert tokens["e0"] == tokens["e3"]
    assert tokens["e1"] == tokens["e2"]
    assert len({tokens["e0"], tokens["e1"], tokens["e4"]}) == 3
    assert hashlib.sha256(b"a@example.com").hexdigest()[:32] != tokens["e0"]
    assert dict(participant_tokens(rows, b"other key" * 4))["e0"] != tokens["e0"]
