"""Takedown in one action: gone from every public place at once; only an approver re-approves."""

from sqlalchemy import func, select

from campaign.audit.models import AuditEvent
from campaign.entries.models import Derivative, EntryStatus
from campaign.extensions import db
from campaign.orgs.models import Role
from campaign.storage import get_storage
from tests import factories
from tests.moderation.conftest import step


def public_urls(entry) -> list[str]:
    return [f"/media/{d.public_key}" for d in entry.derivatives]


def test_an_editor_takes_an_approved_entry_down_everywhere_at_once(team, client):
    entry, status_url = team.entry(client)
    editor = team.studio(Role.EDITOR)
    step(editor, entry, "approve")
    urls = public_urls(entry)
    assert urls and all(client.get(url).status_code == 200 for url in urls)

    assert step(editor, entry, "withdraw").status_code == 422  # why is required
    assert step(editor, entry, "withdraw", note="The brand's legal team asked").status_code == 303
    db.session.refresh(entry)
    assert entry.status is EntryStatus.WITHDRAWN and entry.withdrawn_by == "brand"
    assert entry.person_slot is not None  # a takedown does not give the customer a new slot
    assert all(client.get(url).status_code == 404 for url in urls)  # the very next request
    storage = get_storage()
    assert entry.derivatives and all(storage.exists(d.key) for d in entry.derivatives)  # kept privately
    from campaign.entries.processing import process_entry

    process_entry(entry.id)  # e.g. `flask entries process` sweeping pending entries
    assert all(client.get(url).status_code == 404 for url in urls)
    page = client.get(status_url)
    assert 'id="entry-status">Removed from public view by the organiser<' in page.text  # not "Withdrawn":
    assert "You can also withdraw it yourself" in page.text  # the customer did not withdraw it
    japanese = client.get(status_url, headers={"Accept-Language": "ja"}).text
    assert "取り下げ済み" not in japanese and "主催者により非公開" in japanese
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.withdraw"))
    assert event.actor_label == "editor@example.com"
    assert event.before == {"status": "approved"}
    assert event.after["withdrawn_by"] == "brand"
    assert event.reason == "The brand's legal team asked"


def test_only_an_approver_can_publish_a_taken_down_entry_again(team, client):
    entry, _ = team.entry(client)
    editor, approver = team.studio(Role.EDITOR), team.studio(Role.APPROVER)
    step(editor, entry, "approve")
    step(editor, entry, "withdraw", note="complaint")
    assert step(editor, entry, "reapprove").status_code == 403
    assert step(editor, entry, "approve").status_code == 409  # no way around the re-approval
    assert step(approver, entry, "reapprove").status_code == 303
    db.session.refresh(entry)
    assert entry.status is EntryStatus.APPROVED and entry.withdrawn_by == ""
    urls = public_urls(entry)  # published again from the private renditions
    assert urls and all(client.get(url).status_code == 200 for url in urls)


def test_the_customers_withdrawal_is_audited_final_and_frees_the_slot(team, client):
    entry, status_url = team.entry(client)
    approver = team.studio(Role.APPROVER)
    step(approver, entry, "approve")
    urls = public_urls(entry)
    page = client.get(status_url)
    from tests.conftest import csrf_from

    response = client.post(status_url + "/withdraw", data={"csrf_token": csrf_from(page.text)})
    assert response.status_code == 303
    db.session.refresh(entry)
    assert entry.status is EntryStatus.WITHDRAWN and entry.withdrawn_by == "customer"
    assert entry.person_slot is None
    assert all(client.get(url).status_code == 404 for url in urls)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.withdraw"))
    assert event.actor_kind == "customer" and event.actor_user_id is None and event.ip_address == "127.0.0.1"
    refused = step(approver, entry, "reapprove")
    assert refused.status_code == 409 and "can never be published again" in refused.text


def test_a_customer_who_withdraws_after_a_takedown_makes_it_final(team, client):
    from tests.conftest import csrf_from

    entry, status_url = team.entry(client)
    approver = team.studio(Role.APPROVER)
    step(approver, entry, "approve")
    step(approver, entry, "withdraw", note="complaint")
    page = client.get(status_url)
    assert client.post(status_url + "/withdraw", data={"csrf_token": csrf_from(page.text)}).status_code == 303
    db.session.refresh(entry)
    assert entry.withdrawn_by == "customer" and entry.person_slot is None
    assert step(approver, entry, "reapprove").status_code == 409  # never published again
    again = client.post(status_url + "/withdraw", data={"csrf_token": csrf_from(page.text)})
    assert again.status_code == 303  # a second click changes nothing and is not an error
    withdrawals = select(func.count()).where(AuditEvent.action == "entry.withdraw")
    assert db.session.scalar(withdrawals) == 2  # the takedown, then the customer's own


def test_an_exact_duplicate_keeps_the_objects_it_shares(team, client):
    photo = factories.photo(colour=(10, 120, 200))
    first, _ = team.entry(client, photo=photo, email="one@example.com")
    second, _ = team.entry(client, photo=photo, email="two@example.com")
    db.session.refresh(second)
    assert second.duplicate_kind == "exact"
    shared = {d.public_key for d in first.derivatives} & {d.public_key for d in second.derivatives}
    assert shared
    editor = team.studio(Role.EDITOR)
    step(editor, first, "approve")
    step(editor, second, "approve")
    step(editor, first, "withdraw", note="duplicate")
    storage = get_storage()
    assert all(storage.exists(key) for key in shared)  # still shown for the other entry
    assert (
        db.session.scalar(select(func.count()).select_from(Derivative).where(Derivative.entry_id == first.id))
        == 6
    )  # the withdrawn entry keeps its private renditions
    step(editor, second, "withdraw", note="also gone")
    assert not any(storage.exists(key) for key in shared)
