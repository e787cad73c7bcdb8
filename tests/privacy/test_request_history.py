"""The owners' Personal data page lists the requests answered, and finds a person's earlier requests by the
keyed code the audit trail records instead of the address or account."""

import re

from sqlalchemy import func, select

from campaign.audit.models import AuditEvent
from campaign.extensions import db
from campaign.orgs.models import Role
from tests import factories


def _ask(studio, action: str, email: str, **extra):
    return studio.post(f"/studio/privacy/{action}", {"email": email, **extra}, form_page="/studio/privacy")


def _history(html: str) -> str:
    """The page's history section (the form above it holds what was typed)."""
    return html[html.index('id="history"') :]


def _actions(html: str) -> list[str]:
    return re.findall(r'data-action="([^"]+)"', _history(html))


def test_the_page_lists_every_request_answered_newest_first_without_the_address(team, client):
    team.entry(client, email="hana@example.com")
    team.entry(client, email="taro@example.com")
    owner = team.studio(Role.OWNER)
    assert _ask(owner, "export", "hana@example.com").status_code == 200
    assert _ask(owner, "erase", "hana@example.com", confirm="y").status_code == 303
    assert _ask(owner, "export", "taro@example.com").status_code == 200
    retention = owner.post("/studio/privacy/retention", {"retention_days": "30"}, form_page="/studio/privacy")
    assert retention.status_code == 303

    page = owner.client.get("/studio/privacy")
    history = _history(page.text)
    newest_first = ["organisation.retention", "privacy.export", "privacy.erase", "privacy.export"]
    assert _actions(page.text) == newest_first
    assert "Requests answered" in history and "Erased personal data on request" in history
    assert "Entries found" in history and "owner@example.com" in history
    assert "hana" not in history and "taro" not in history
    ja = owner.client.get("/studio/privacy", headers={"Accept-Language": "ja"}).text
    assert "対応した請求" in _history(ja) and "該当した応募" in _history(ja)


def test_an_owner_finds_a_persons_earlier_requests_and_only_theirs(team, client):
    team.entry(client, email="hana@example.com")
    owner = team.studio(Role.OWNER)
    _ask(owner, "export", "Hana@Example.com")
    _ask(owner, "export", "taro@example.com")  # nothing held: audited all the same
    _ask(owner, "export", "hana_tea", kind="instagram")

    found = _ask(owner, "history", " hana@example.com ")  # as typed: case and spaces do not matter
    assert found.status_code == 200
    assert _actions(found.text) == ["privacy.export"]
    assert "Earlier requests about this address or account" in _history(found.text)
    assert 'value=" hana@example.com "' in found.text  # the address stays in the form, out of the URL

    by_account = _ask(owner, "history", "@Hana_Tea", kind="instagram")
    assert _actions(by_account.text) == ["privacy.export"]
    nobody = _ask(owner, "history", "someone@example.com")
    assert _actions(nobody.text) == [] and 'id="history-none"' in nobody.text


def test_a_lookup_with_a_wrong_address_says_so_and_records_nothing(team):
    owner = team.studio(Role.OWNER)
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    refused = _ask(owner, "history", "not an address")
    assert refused.status_code == 400 and "field-error" in refused.text
    assert "data-error-summary" in refused.text
    # no history under the error: the whole list there would read as this person's
    assert 'id="history"' not in refused.text
    assert 'id="history"' in _ask(owner, "export", "not an address").text  # other refusals keep it
    refused_ja = owner.post(
        "/studio/privacy/history",
        {"email": "さくら tea", "kind": "x"},
        form_page="/studio/privacy",
        headers={"Accept-Language": "ja"},
    )
    assert refused_ja.status_code == 400 and "@hanako_tea のように" in refused_ja.text
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before  # nothing recorded


def test_the_history_is_the_organisations_own_and_for_owners_only(team, client):
    team.entry(client, email="hana@example.com")
    _ask(team.studio(Role.OWNER), "export", "hana@example.com")
    other = factories.org("brand-b", "Brand B")
    factories.member(other, "owner-b@example.com", Role.OWNER)
    other_owner = type(team.studio(Role.OWNER))(team.app.test_client())
    assert other_owner.login("owner-b@example.com", factories.PASSWORD).status_code == 302
    assert _actions(other_owner.client.get("/studio/privacy").text) == []
    assert _actions(_ask(other_owner, "history", "hana@example.com").text) == []

    editor = team.studio(Role.EDITOR)
    assert _ask(editor, "history", "hana@example.com").status_code == 403


def test_one_persons_requests_to_two_organisations_leave_codes_that_do_not_match(team, client):
    """On an install serving several brands, the keyed code is the organisation's own: the two trails cannot
    be joined on it to follow one person across brands (each still finds its own requests)."""
    _ask(team.studio(Role.OWNER), "export", "hana@example.com")
    other = factories.org("brand-b", "Brand B")
    factories.member(other, "owner-b@example.com", Role.OWNER)
    other_owner = type(team.studio(Role.OWNER))(team.app.test_client())
    assert other_owner.login("owner-b@example.com", factories.PASSWORD).status_code == 302
    _ask(other_owner, "export", "hana@example.com")

    codes = {e.org_id: e.object_id for e in db.session.scalars(select(AuditEvent).where(_EXPORTS))}
    assert set(codes) == {team.org.id, other.id} and codes[team.org.id] != codes[other.id]
    assert _actions(_ask(other_owner, "history", "hana@example.com").text) == ["privacy.export"]
    assert _actions(_ask(team.studio(Role.OWNER), "history", "hana@example.com").text) == ["privacy.export"]


def test_a_request_recorded_under_the_earlier_install_wide_code_is_still_found(team, client, app):
    """Requests answered before the code was keyed per organisation (HMAC of the address under the install's
    "privacy-request" key) keep being found by a lookup."""
    import hashlib
    import hmac

    from campaign.audit.services import Actor, record
    from campaign.clock import utcnow
    from campaign.draws import sealing

    key = sealing.derived_key(app.secret_key, "privacy-request")
    earlier = hmac.new(key, b"hana@example.com", hashlib.sha256).hexdigest()[:32]
    record(
        Actor.system(),
        "privacy.erase",
        org_id=team.org.id,
        object_type="person",
        object_id=earlier,
        now=utcnow(),
        after={"entries": 0, "erased": 0},
    )
    db.session.commit()
    owner = team.studio(Role.OWNER)
    _ask(owner, "export", "hana@example.com")

    assert _actions(_ask(owner, "history", "Hana@example.com").text) == ["privacy.export", "privacy.erase"]
    assert _actions(_ask(owner, "history", "taro@example.com").text) == []


_EXPORTS = AuditEvent.action == "privacy.export"


def test_a_requests_erasure_counts_entries_where_an_entrys_erasure_lists_fields(team, client):
    entry, _ = team.entry(client, email="hana@example.com")
    owner = team.studio(Role.OWNER)
    _ask(owner, "erase", "hana@example.com", confirm="y")
    history = _history(owner.client.get("/studio/privacy", headers={"Accept-Language": "ja"}).text)
    assert "消去した応募" in history and "消去した項目" not in history
    entry_page = owner.client.get(f"/studio/entries/{entry.public_id}", headers={"Accept-Language": "ja"})
    assert "消去した項目" in entry_page.text  # the entry's own erasure names what it erased


def test_a_request_answered_shows_its_result_and_a_retention_change_its_new_value(team, client):
    team.entry(client, email="hana@example.com")
    owner = team.studio(Role.OWNER)
    _ask(owner, "export", "hana@example.com")
    owner.post("/studio/privacy/retention", {"retention_days": "30"}, form_page="/studio/privacy")
    history = _history(owner.client.get("/studio/privacy", headers={"Accept-Language": "ja"}).text)
    retention, export = history.split('class="audit-event"')[1:3]
    assert "変更後" in retention and "結果" not in retention
    assert "結果" in export and "変更後" not in export


def test_retention_of_zero_days_is_refused_with_the_range_not_as_missing(team):
    owner = team.studio(Role.OWNER)
    refused = owner.post("/studio/privacy/retention", {"retention_days": "0"}, form_page="/studio/privacy")
    assert refused.status_code == 400
    assert "3650" in refused.text and "Enter “" not in refused.text
    assert team.org.retention_days == 90


def test_retention_out_of_range_is_said_in_plain_japanese_and_an_unchanged_one_records_nothing(team):
    """An operator's walk-through: 「数値は 1 以上, 3650 以下でなければいけません。」 (WTForms' own words, an
    ASCII comma), and saving the same number recorded a change "45 → 45"."""
    owner = team.studio(Role.OWNER)
    refused = owner.post(
        "/studio/privacy/retention?lang=ja", {"retention_days": "5000"}, form_page="/studio/privacy?lang=ja"
    )
    assert refused.status_code == 400
    assert "は1〜3,650の範囲で入力してください。" in refused.text and "いけません" not in refused.text
    not_a_number = owner.post(
        "/studio/privacy/retention?lang=ja", {"retention_days": "1.5"}, form_page="/studio/privacy?lang=ja"
    )
    assert "は整数で入力してください。" in not_a_number.text and "無効な整数" not in not_a_number.text
    changes = select(func.count()).where(AuditEvent.action == "organisation.retention")
    for _ in range(2):
        owner.post("/studio/privacy/retention", {"retention_days": "45"}, form_page="/studio/privacy")
    assert team.org.retention_days == 45 and db.session.scalar(changes) == 1
