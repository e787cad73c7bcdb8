"""A customer erases their entry and data from their private status page: confirmed, audited, everywhere."""

from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.entries.models import Derivative, Entry, EntryStatus
from campaign.extensions import db
from campaign.orgs.models import Role
from campaign.storage import get_storage
from tests import factories
from tests.conftest import csrf_from
from tests.moderation.conftest import step


def test_erasure_is_confirmed_then_withdraws_and_erases_everything(team, client):
    entry, status_url = team.entry(
        client, email="Sakura@Example.com", nickname="さくら", caption="とても良い"
    )
    step(team.studio(Role.EDITOR), entry, "approve")
    db.session.refresh(entry)
    public = [f"/media/{d.public_key}" for d in entry.derivatives]
    private = [entry.original_key, *(d.key for d in entry.derivatives)]
    assert public and all(client.get(url).status_code == 200 for url in public)

    status_page = client.get(status_url)
    assert 'id="erase-link"' in status_page.text
    confirm = client.get(status_url + "/erase")  # the confirmation step changes nothing
    assert confirm.status_code == 200 and 'id="erase-confirm"' in confirm.text
    db.session.refresh(entry)
    assert entry.status is EntryStatus.APPROVED and entry.email

    response = client.post(status_url + "/erase", data={"csrf_token": csrf_from(confirm.text)})
    assert response.status_code == 303
    entry = db.session.get(Entry, entry.id)
    assert entry.status is EntryStatus.WITHDRAWN and entry.withdrawn_by == "customer"
    assert entry.erased_at is not None and entry.person_slot is None
    assert (entry.email, entry.email_normalised, entry.caption, entry.nickname) == ("", "", "", None)
    assert entry.participant_token  # a draw's frozen list still matches
    assert all(client.get(url).status_code == 404 for url in public)
    storage = get_storage()
    assert not any(storage.exists(key) for key in private)
    assert db.session.scalar(select(Derivative.id).where(Derivative.entry_id == entry.id)) is None

    events = {
        e.action: e
        for e in db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == entry.public_id))
    }
    assert {"entry.withdraw", "entry.erase"} <= set(events)
    logged = str([(e.before, e.after, e.reason, e.actor_label) for e in events.values()])
    assert "sakura" not in logged.lower() and "さくら" not in logged and "とても良い" not in logged

    page = client.get(status_url)
    assert 'id="entry-erased"' in page.text and 'id="erase-link"' not in page.text
    assert "とても良い" not in page.text
    again = client.post(status_url + "/erase", data={"csrf_token": csrf_from(confirm.text)})
    assert again.status_code == 303
    assert (
        db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "entry.erase").offset(1)) is None
    )


def test_erasing_keeps_renditions_an_exact_duplicate_still_shows(team, client):
    photo = factories.photo(colour=(10, 120, 200))
    first, first_url = team.entry(client, photo=photo, email="one@example.com")
    second, _ = team.entry(client, photo=photo, email="two@example.com")
    step(team.studio(Role.EDITOR), second, "approve")
    db.session.refresh(second)
    shared = [d.key for d in second.derivatives]
    page = client.get(first_url + "/erase")
    assert client.post(first_url + "/erase", data={"csrf_token": csrf_from(page.text)}).status_code == 303
    storage = get_storage()
    assert all(storage.exists(key) for key in shared)
    assert all(client.get(f"/media/{d.public_key}").status_code == 200 for d in second.derivatives)


def test_the_studio_entry_page_says_an_entry_was_erased(team, client):
    """It said "Could not process" (処理できませんでした) in place of the photo, "anonymous" for the erased
    nickname, and linked the deleted original."""
    entry, status_url = team.entry(client, nickname="さくら")
    confirm = client.get(status_url + "/erase")
    client.post(status_url + "/erase", data={"csrf_token": csrf_from(confirm.text)})
    page = team.studio(Role.EDITOR).client.get(
        f"/studio/entries/{entry.public_id}", headers={"Accept-Language": "ja"}
    )
    assert page.status_code == 200
    assert 'id="entry-erased"' in page.text and "個人情報は消去済み" in page.text
    assert "処理できませんでした" not in page.text and "匿名" not in page.text
    assert f"/studio/entries/{entry.public_id}/original" not in page.text
    # the campaign's list of entries says so too (a walk-through read 「処理できませんでした」, 「匿名」)
    listing = (
        team.studio(Role.EDITOR)
        .client.get(
            f"/studio/campaigns/{entry.campaign.public_id}/entries", headers={"Accept-Language": "ja"}
        )
        .text
    )
    tile = listing[listing.index(f'href="/studio/entries/{entry.public_id}"') :].split("</li>")[0]
    assert tile.count("個人情報は消去済み") == 2 and "処理できませんでした" not in tile and "匿名" not in tile


def test_withdrawing_and_erasing_say_so_and_lead_back_to_the_campaign(team, client):
    """The customer sees what they just did (not only a status word) and, once erased, the way back."""
    entry, status_url = team.entry(client)
    confirm = client.get(status_url + "/withdraw")
    withdrawn = client.post(status_url + "/withdraw", data={"csrf_token": csrf_from(confirm.text)})
    assert withdrawn.status_code == 303 and withdrawn.headers["Location"].endswith("?done=withdrawn")
    page = client.get(withdrawn.headers["Location"] + "&lang=ja").text
    assert 'id="entry-withdrawn"' in page and "応募を取り下げました。" in page
    assert 'id="entry-withdrawn"' not in client.get(status_url).text  # said once, not on every visit

    confirm = client.get(status_url + "/erase")
    erased = client.post(status_url + "/erase", data={"csrf_token": csrf_from(confirm.text)})
    assert erased.headers["Location"].endswith("?done=erased")
    page = client.get(erased.headers["Location"] + "&lang=ja").text
    assert 'id="entry-erased"' in page
    assert f'<a href="/c/{entry.campaign.slug}" id="back-to-campaign">キャンペーンページに戻る</a>' in page


def test_the_erase_page_names_the_account_and_post_link_when_the_entry_has_them(team, client):
    """An operator's walk-through: the page listed photo, caption, nickname and email, yet the account and
    the post's link the customer gave are erased too."""
    entry, status_url = team.entry(client)
    assert "account and post link" not in client.get(status_url + "/erase?lang=en").text
    entry.social_handle, entry.post_url = "hanako_tea", "https://www.instagram.com/p/abc123/"
    db.session.commit()
    page = client.get(status_url + "/erase?lang=en").text
    assert "nickname, email address, and the account and post link you gave are deleted" in page
    assert "入力いただいたアカウント・投稿のリンク" in client.get(status_url + "/erase?lang=ja").text


def test_the_erase_page_says_only_what_applies_to_this_entry(team, client):
    """A phone walk-through: for an entry already withdrawn it still said the entry would be taken down,
    and on a drawn campaign it spoke of instant win, in jargon (「秘密の鍵で作った符号」)."""
    entry, status_url = team.entry(client)
    page = client.get(status_url + "/erase?lang=ja").text
    assert "ギャラリー" in page and "インスタントウィン" not in page and "秘密の鍵" not in page
    assert "元に戻せないコードだけが残ります" in page
    entry.status = EntryStatus.WITHDRAWN
    db.session.commit()
    withdrawn = client.get(status_url + "/erase?lang=en").text
    assert "withdrawn from every public place" not in withdrawn and "check the draw." in withdrawn


def test_copies_of_an_erased_photo_are_compared_again_with_what_is_left(team, client):
    """An entry marked as a copy of one whose sender then erased it stayed left out of the draw, its studio
    page linking a blank entry, while a copy sent after the erasure was never marked (a walk-through's find).
    The copies are compared again: a copy of another earlier entry stays marked, as that one's copy."""
    first, first_url = team.entry(client, email="one@example.com")
    second, _ = team.entry(client, email="two@example.com")  # the same photo: a copy of the first
    third, _ = team.entry(client, email="three@example.com")  # and of the first too
    assert second.duplicate_of_id == third.duplicate_of_id == first.id
    confirm = client.get(first_url + "/erase")
    assert client.post(first_url + "/erase", data={"csrf_token": csrf_from(confirm.text)}).status_code == 303
    db.session.expire_all()
    assert (second.duplicate_of_id, second.duplicate_kind) == (None, "")  # now the first of its photo
    assert (third.duplicate_of_id, third.duplicate_kind) == (second.id, "exact")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "entry.duplicate_released").order_by(AuditEvent.id)
    ).all()
    assert [(e.object_id, e.before, e.after) for e in events] == [
        (second.public_id, {"duplicate_of": first.public_id}, {"duplicate_of": ""}),
        (third.public_id, {"duplicate_of": first.public_id}, {"duplicate_of": second.public_id}),
    ]
    page = team.studio(Role.OWNER).client.get(
        f"/studio/entries/{third.public_id}", headers={"Accept-Language": "ja"}
    )
    assert "照合し直し" in page.text  # the trail says why the mark changed
