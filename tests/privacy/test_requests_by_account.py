"""A person whose posts were collected from Instagram or X has no email with us: an owner answers their
request by the account instead: the export holds the posts and the rights requests made to them, the
erasure removes them everywhere, and the audit trail never holds the account name."""

import io
import json
import zipfile

from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.entries.models import Entry, EntryStatus
from campaign.extensions import db
from tests.rights.conftest import brand  # noqa: F401 - a brand with an owner logged in to the studio
from tests.rights.helpers import add_templates, ask, collected, request_for


def _ask(studio, action: str, who: str, kind: str, **extra):
    return studio.post(
        f"/studio/privacy/{action}", {"kind": kind, "email": who, **extra}, form_page="/studio/privacy"
    )


def test_an_owner_exports_and_erases_by_x_account(brand):  # noqa: F811
    add_templates(brand)
    mine = collected(brand, post_id="2001", handle="Sakura_Tea")
    other_network = collected(brand, network="instagram", post_id="IG1", handle="sakura_tea")
    someone_else = collected(brand, post_id="2002", handle="hanako")
    ask(brand, mine)
    asked = request_for(mine)

    response = _ask(brand.studio, "export", "@sakura_tea", "x")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    document = json.loads(zipfile.ZipFile(io.BytesIO(response.data)).read("entries.json"))
    assert document["requester"] == {"kind": "x", "value": "sakura_tea"}
    [entry] = document["entries"]  # the same name on Instagram is another person
    assert entry["entry"] == mine.public_id and entry["network"] == "x"
    [request] = entry["rights_requests"]
    assert request["text"] == asked.text and request["state"] == str(asked.state)

    done = _ask(brand.studio, "erase", "sakura_tea", "x", confirm="y")
    assert done.status_code == 303
    erased = db.session.get(Entry, mine.id)
    assert erased.erased_at is not None and erased.status is EntryStatus.WITHDRAWN
    assert erased.social_handle == "" and "sakura" not in request_for(mine).text.lower()
    assert db.session.get(Entry, other_network.id).erased_at is None
    assert db.session.get(Entry, someone_else.id).erased_at is None

    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("privacy.%"))))
    assert [e.action for e in events] == ["privacy.export", "privacy.erase"]
    assert events[0].object_id == events[1].object_id
    assert "sakura" not in str([(e.object_id, e.after, e.before, e.reason) for e in events]).lower()


def test_a_malformed_account_is_refused_with_a_clear_message_and_changes_nothing(brand):  # noqa: F811
    mine = collected(brand, post_id="2001", handle="sakura_tea")
    refused = _ask(brand.studio, "erase", "sakura tea!", "x", confirm="y")
    assert refused.status_code == 400
    assert "as it appears on the network" in refused.text
    assert db.session.get(Entry, mine.id).erased_at is None
    brand.studio.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ja"
    ja = _ask(brand.studio, "export", "@", "instagram")
    assert ja.status_code == 400 and "@hanako_tea のように" in ja.text


def test_the_cli_answers_by_account(brand, runner, tmp_path):  # noqa: F811
    mine = collected(brand, post_id="2001", handle="sakura_tea")
    out = tmp_path / "sakura.zip"
    out.write_bytes(b"an older file, readable by all")
    out.chmod(0o644)
    args = ["privacy", "export", brand.org.slug, "@Sakura_Tea", "--network", "x", "--out", str(out)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o777 == 0o600  # a person's data: the owner's alone (walk-through find)
    assert json.loads(zipfile.ZipFile(out).read("entries.json"))["entries"][0]["entry"] == mine.public_id
    result = runner.invoke(args=["privacy", "erase", brand.org.slug, "sakura_tea", "--network", "x", "--yes"])
    assert result.exit_code == 0 and "Erased 1 entry" in result.output, result.output


def test_a_form_entry_belongs_to_the_account_on_the_network_its_post_is_on(brand, app):  # noqa: F811
    """An Instagram request for @gina found (and erased) the entry of @gina on X: the form entry was matched
    by its handle alone, whatever network its post's link was on (walk-through find)."""
    from tests.entries.helpers import submit

    brand.campaign.allows_follow_and_post = True  # the form asks for the account and the post's link
    db.session.commit()

    def entry(email: str, post_url: str) -> Entry:
        answer = submit(
            app.test_client(), brand.campaign.slug, email=email, social_handle="@Gina", post_url=post_url
        )
        assert answer.status_code == 303, answer.text
        return db.session.scalar(select(Entry).where(Entry.email_normalised == email))

    on_x = entry("gina@example.com", "https://x.com/gina/status/99887766")
    on_instagram = entry("gina.ig@example.com", "https://www.instagram.com/p/Cgina123/")
    no_link = entry("gina.nolink@example.com", "")
    collected_ig = collected(brand, network="instagram", post_id="IG9", handle="gina")

    response = _ask(brand.studio, "export", "@gina", "x")
    document = json.loads(zipfile.ZipFile(io.BytesIO(response.data)).read("entries.json"))
    assert [e["entry"] for e in document["entries"]] == [on_x.public_id]

    assert _ask(brand.studio, "erase", "gina", "instagram", confirm="y").status_code == 303
    erased = {e.id for e in db.session.scalars(select(Entry).where(Entry.erased_at.is_not(None)))}
    assert erased == {on_instagram.id, collected_ig.id}  # not X's @gina, nor the entry that named no network
    assert db.session.get(Entry, no_link.id).email == "gina.nolink@example.com"
