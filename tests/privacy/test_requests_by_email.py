"""An owner answers a request by email (個人情報保護法): export as JSON plus photos, and erasure; audited
under a hash of the address."""

import io
import json
import zipfile

from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.entries.models import Entry, EntryStatus
from campaign.extensions import db
from campaign.orgs.models import Role
from campaign.storage import get_storage
from tests import factories
from tests.entries.helpers import submit


def _ask(studio, action: str, email: str, **extra):
    return studio.post(f"/studio/privacy/{action}", {"email": email, **extra}, form_page="/studio/privacy")


def test_an_owner_exports_then_erases_a_persons_entries_in_every_campaign(team, client, app):
    autumn = factories.campaign(team.org, slug="autumn", title="Autumn photos")
    mine, _ = team.entry(client, email="Hana@Example.com", nickname="はな", caption="香りが良い")
    assert submit(client, autumn.slug, email="hana+autumn@example.com").status_code == 303
    someone_else, _ = team.entry(client, email="taro@example.com")
    owner = team.studio(Role.OWNER)

    response = _ask(owner, "export", "hana@example.com")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    document = json.loads(archive.read("entries.json"))
    assert {e["campaign"]["slug"] for e in document["entries"]} == {"summer", "autumn"}
    assert next(e for e in document["entries"] if e["entry"] == mine.public_id)["caption"] == "香りが良い"
    photos = [name for name in archive.namelist() if name.startswith("photos/")]
    assert len(photos) == 2 and archive.read(
        f"photos/{mine.public_id}.{mine.original_format}"
    ) == get_storage().get(mine.original_key)

    refused = _ask(owner, "erase", "hana@example.com")  # the owner must say they checked who asks
    assert refused.status_code == 400 and "Confirm that you checked" in refused.text
    assert db.session.get(Entry, mine.id).email
    bad = _ask(owner, "erase", "not an address", confirm="y")
    assert bad.status_code == 400

    done = _ask(owner, "erase", "hana@example.com", confirm="y")
    assert done.status_code == 303
    erased = [e for e in db.session.scalars(select(Entry)) if e.erased_at is not None]
    assert len(erased) == 2 and all(e.status is EntryStatus.WITHDRAWN and e.email == "" for e in erased)
    assert db.session.get(Entry, someone_else.id).email == "taro@example.com"

    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("privacy.%"))))
    assert [e.action for e in events] == ["privacy.export", "privacy.erase"]
    assert events[0].object_id == events[1].object_id and events[1].after == {"entries": 2, "erased": 2}
    assert "hana" not in str([(e.object_id, e.after, e.before, e.reason) for e in events]).lower()
    assert all(e.actor_label == "owner@example.com" for e in events)


def test_only_owners_see_the_privacy_page(team):
    page = team.studio(Role.OWNER).client.get("/studio/privacy", headers={"Accept-Language": "ja"})
    assert page.status_code == 200
    # what identifies the requester (an address, an account), not how they were verified (確認方法)
    assert "請求者を特定する情報" in page.text and "確認方法" not in page.text
    assert team.studio(Role.EDITOR).client.get("/studio/privacy").status_code == 403


def test_the_cli_exports_and_erases_by_email(team, client, runner, tmp_path):
    entry, _ = team.entry(client, email="ken@example.com")
    out = tmp_path / "ken.zip"
    result = runner.invoke(args=["privacy", "export", team.org.slug, "KEN@example.com", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(zipfile.ZipFile(out).read("entries.json"))["entries"][0]["entry"] == entry.public_id
    assert result.stderr.splitlines() == ["photos added: 1"] and result.stdout.startswith(f"Wrote {out}")
    result = runner.invoke(args=["privacy", "erase", team.org.slug, "ken@example.com", "--yes"])
    assert result.exit_code == 0 and "Erased 1 entry" in result.output, result.output
    assert db.session.get(Entry, entry.id).erased_at is not None


def test_an_erasure_that_finds_nobody_says_so(team, client, runner):
    """A typo in the address answered "0 entries erased." as if done; the CLI said "Erased 0 entries"."""
    team.entry(client, email="ken@example.com")
    owner = team.studio(Role.OWNER)
    ja = {"Accept-Language": "ja"}
    done = owner.post("/studio/privacy/erase", {"email": "kne@example.com", "confirm": "y"}, headers=ja)
    page = owner.client.get(done.headers["Location"], headers=ja).text
    assert "消去された応募はありません" in page and "0件" not in page
    result = runner.invoke(args=["privacy", "erase", team.org.slug, "kne@example.com", "--yes"])
    assert result.exit_code == 1 and "Nothing was erased" in result.output, result.output
    assert db.session.scalar(select(Entry.email)) == "ken@example.com"


def test_an_export_that_finds_nothing_says_so_and_gives_no_file(team, client, runner, tmp_path):
    """An unknown address downloaded an empty zip with no word: an answer to the requester, or a typo?"""
    team.entry(client, email="ken@example.com")
    owner = team.studio(Role.OWNER)
    ja = {"Accept-Language": "ja"}
    done = owner.post("/studio/privacy/export", {"email": "kne@example.com"}, headers=ja)
    assert done.status_code == 303 and done.mimetype != "application/zip"
    page = owner.client.get(done.headers["Location"], headers=ja).text
    assert "書き出す個人データはありません" in page and "表記を確認" in page

    out = tmp_path / "kne.zip"
    result = runner.invoke(args=["privacy", "export", team.org.slug, "kne@example.com", "--out", str(out)])
    assert result.exit_code == 1 and "Nothing to export" in result.output and "no file" in result.output
    assert "photos added" not in result.output  # no count before it, which read as work done (walk-through)
    assert not out.exists()
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "privacy.export")))
    assert [e.after for e in events] == [{"entries": 0}, {"entries": 0}]  # both requests were answered


def test_the_cli_export_to_a_path_it_cannot_write_says_so_and_audits_nothing(team, client, runner, tmp_path):
    team.entry(client, email="ken@example.com")
    out = tmp_path / "no such folder" / "ken.zip"
    result = runner.invoke(args=["privacy", "export", team.org.slug, "ken@example.com", "--out", str(out)])
    assert result.exit_code == 1 and f"Cannot write {out}: No such file or directory" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "privacy.export")) is None


def test_an_owner_sets_the_retention_days_and_a_wrong_number_changes_nothing(team):
    owner = team.studio(Role.OWNER)
    save = "/studio/privacy/retention"
    assert owner.post(save, {"retention_days": "30"}, form_page="/studio/privacy").status_code == 303
    refused = owner.post(save, {"retention_days": "0"}, form_page="/studio/privacy")
    assert refused.status_code == 400 and 'aria-invalid="true"' in refused.text
    db.session.refresh(team.org)
    assert team.org.retention_days == 30
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.retention"))
    assert event.before == {"retention_days": 90} and event.after == {"retention_days": 30}
