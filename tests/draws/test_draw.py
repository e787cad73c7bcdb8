"""The draw end to end: commitment at launch, who may draw and when, eligibility, certificate, verify."""

import json
import re
import sqlite3
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.draws import algorithm, certificate, frozen, public_views
from campaign.draws.models import Draw, DrawPlan, PickState
from campaign.entries.models import EntryStatus
from campaign.extensions import db
from campaign.orgs.models import Role
from campaign.storage import get_storage
from tests import factories
from tests.conftest import Studio
from tests.draws.algorithm_reference import reference_draw
from tests.draws.helpers import PRIZES, close, enter, launched_campaign, set_status, studio_setup


def _draw(studio, campaign, password=factories.PASSWORD, beacon="", headers=None):
    return studio.post(
        f"/studio/campaigns/{campaign.public_id}/draw",
        {"password": password, "beacon": beacon},
        form_page=f"/studio/campaigns/{campaign.public_id}/draw",
        headers=headers,
    )


def test_launch_commits_a_sealed_seed_shown_on_the_campaign_page(client):
    org, _ = studio_setup()
    campaign = launched_campaign(org)
    plan = db.session.scalar(select(DrawPlan).where(DrawPlan.campaign_id == campaign.id))
    assert len(plan.commitment) == 64
    page = client.get(f"/c/{campaign.slug}").text
    assert plan.commitment in page
    assert "never ask for payment" in page
    assert f"/c/{campaign.slug}/check" in page
    assert len(plan.seed_sealed) > 64 and plan.commitment not in plan.seed_sealed
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "draw.commit_seed"))


def test_only_owner_or_approver_draws_after_close_with_their_password(app, client, studio):
    org, _ = studio_setup(Role.EDITOR)
    campaign = launched_campaign(org, prizes=PRIZES)
    set_status(enter(client, campaign, "a@example.com"), EntryStatus.APPROVED)
    editor = Studio(app.test_client())
    editor.login("drawer@example.com", factories.PASSWORD)
    assert editor.post(f"/studio/campaigns/{campaign.public_id}/draw", {"password": "x"}).status_code == 403

    factories.member(org, "approver@example.com", Role.APPROVER)
    studio.login("approver@example.com", factories.PASSWORD)
    refused = _draw(studio, campaign, headers={"Accept": "application/json"})
    assert refused.status_code == 409, refused.text
    assert "after it has closed" in refused.json["message"]
    close(campaign)
    wrong = _draw(studio, campaign, password="not my password", headers={"Accept": "application/json"})
    assert wrong.status_code == 403
    assert db.session.scalar(select(Draw)) is None
    assert _draw(studio, campaign).status_code == 303
    assert db.session.scalar(select(Draw)) is not None
    again = _draw(studio, campaign, headers={"Accept": "application/json"})
    assert again.status_code == 409 and again.json["error"] == "already_drawn"


def test_eligibility_exclusions_one_win_per_person_and_a_verifiable_certificate(
    client, studio, runner, monkeypatch
):
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=PRIZES, entries_per_person=3)
    a1 = enter(client, campaign, "alice@example.com", nickname="alice")
    a2 = enter(client, campaign, "Alice+2@Example.com", nickname="alice2")  # the same mailbox
    bob = enter(client, campaign, "bob@example.com", nickname="bob")
    carol = enter(client, campaign, "carol@example.com", nickname="carol")
    dave = enter(client, campaign, "dave@example.com", nickname="dave")
    rejected = enter(client, campaign, "eve@example.com")
    withdrawn = enter(client, campaign, "frank@example.com")
    pending = enter(client, campaign, "grace@example.com")
    for entry in (a1, a2, bob, carol, dave):
        set_status(entry, EntryStatus.APPROVED)
    set_status(rejected, EntryStatus.REJECTED)
    set_status(withdrawn, EntryStatus.WITHDRAWN)
    close(campaign)
    studio.login("drawer@example.com", factories.PASSWORD)
    assert _draw(studio, campaign).status_code == 303

    draw = db.session.scalar(select(Draw))
    reasons = {x["entry"]: x["reason"] for x in draw.exclusions}
    assert reasons[rejected.public_id] == "rejected"
    assert reasons[withdrawn.public_id] == "withdrawn"
    assert reasons[pending.public_id] == "not_approved"
    assert draw.entry_count == 5
    lines = frozen.lines_of(draw)
    assert draw.frozen_list_key == f"private/draws/{draw.public_id}/frozen-list.txt"  # private, not public
    tokens = dict(line.split(" ") for line in lines)
    assert tokens[a1.public_id] == tokens[a2.public_id]  # one person, one token
    assert len(set(tokens.values())) == 4
    assert all("@" not in line and "alice" not in line for line in lines)
    # 2 + 1 winners and as many alternates wanted, but only 4 people took part: one win each.
    assert len(draw.picks) == 4
    assert len({p.participant for p in draw.picks}) == 4

    served = client.get(f"/draws/{draw.public_id}.json")
    cert = served.json
    assert cert == certificate.certificate(draw)  # streamed in pieces, the same document
    assert (
        client.get(
            f"/draws/{draw.public_id}.json", headers={"If-None-Match": served.headers["ETag"]}
        ).status_code
        == 304
    )
    assert cert["seed"] == draw.seed_hex and cert["commitment"] == draw.commitment
    assert "example.com" not in json.dumps(cert)
    expected = reference_draw(
        bytes.fromhex(cert["seed"]),
        cert["beacon"],
        cert["frozen_list"],
        [(p["id"], p["winners"], p["alternates"]) for p in cert["prizes"]],
        cert["algorithm"],
    )
    assert [(r["prize"], r["role"], r["rank"], r["entry"]) for r in cert["results"]] == expected
    listed = client.get(f"/draws/{draw.public_id}/frozen-list.txt")
    assert listed.status_code == 200 and listed.mimetype == "text/plain"
    assert (
        listed.text.split("\n") == cert["frozen_list"]
        and algorithm.digest(cert["frozen_list"]) == draw.digest
    )
    assert "immutable" in listed.headers["Cache-Control"]
    page = client.get(f"/draws/{draw.public_id}")
    assert page.status_code == 200 and draw.digest in page.text and "example.com" not in page.text
    assert f"/draws/{draw.public_id}/frozen-list.txt" in page.text and lines[0] in page.text
    monkeypatch.setattr(public_views, "PAGE_LIST_LIMIT", 4)  # a list longer than the page shows
    page = client.get(f"/draws/{draw.public_id}")
    assert lines[0] not in page.text and f"/draws/{draw.public_id}/frozen-list.txt" in page.text

    result = runner.invoke(args=["draws", "verify", "--", draw.public_id])
    assert result.exit_code == 0 and "OK" in result.output, (result.output, result.exception)
    tampered_text = frozen.text_of(draw).replace(lines[0], lines[0][:-1] + "x")
    get_storage().put(draw.frozen_list_key, tampered_text.encode(), content_type=frozen.CONTENT_TYPE)
    tampered = runner.invoke(args=["draws", "verify", "--", draw.public_id])
    assert tampered.exit_code == 1 and "digest" in tampered.output

    pack = studio.client.get(f"/studio/draws/{draw.public_id}/audit.json").json
    assert pack["rules"]["terms_version"] == campaign.terms_version
    assert {e["action"] for e in pack["audit_trail"]} >= {"draw.commit_seed", "draw.run", "draw.notify"}
    assert pack["exclusions"] == draw.exclusions


def test_a_beacon_named_in_advance_is_required_and_used(client, studio):
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=PRIZES)
    studio.login("drawer@example.com", factories.PASSWORD)
    saved = studio.post(
        f"/studio/campaigns/{campaign.public_id}/draw/plan",
        {
            "beacon_source": "drand round 999",
            "eligibility": "not_rejected",
            "alternates_per_winner": "2",
            "claim_days": "7",
        },
    )
    assert saved.status_code == 302
    assert "drand round 999" in client.get(f"/c/{campaign.slug}").text
    enter(client, campaign, "a@example.com")
    enter(client, campaign, "b@example.com")
    close(campaign)
    missing = _draw(studio, campaign, headers={"Accept": "application/json"})
    assert missing.status_code == 409
    assert _draw(studio, campaign, beacon="abc123").status_code == 303
    draw = db.session.scalar(select(Draw))
    assert draw.beacon == "abc123" and draw.entry_count == 2  # not_rejected: unmoderated entries count
    assert certificate.verify(certificate.certificate(draw)) == []
    assert {p.state for p in draw.picks} == {PickState.NOTIFIED}


def test_a_refused_draw_rule_is_shown_by_its_field_with_what_was_typed(client, studio):
    """A redirect lost which field was wrong and why: the marketer saw "check the fields" and old values."""
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=PRIZES)
    studio.login("drawer@example.com", factories.PASSWORD)
    fields = {"beacon_source": "drand 9000", "eligibility": "approved", "alternates_per_winner": "2"}
    refused = studio.post(
        f"/studio/campaigns/{campaign.public_id}/draw/plan",
        {**fields, "claim_days": "0"},
        form_page=f"/studio/campaigns/{campaign.public_id}/draw",
    )
    assert refused.status_code == 400
    field = re.search(r'<div class="field[^"]*has-error[^"]*">.*?</div>', refused.text, re.S).group(0)
    assert 'name="claim_days"' in field and "must be from 1 to 90." in field
    assert 'value="drand 9000"' in refused.text and 'value="2"' in refused.text  # nothing typed is lost
    plan = db.session.scalar(select(DrawPlan))
    assert (plan.beacon_source, plan.alternates_per_winner, plan.claim_days) == ("", 1, 14)


def test_zero_alternates_per_winner_can_be_saved_and_drawn(client, studio):
    """DataRequired read 0 as missing, so a plan without alternates could not be saved."""
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=PRIZES)
    studio.login("drawer@example.com", factories.PASSWORD)
    plan_url = f"/studio/campaigns/{campaign.public_id}/draw/plan"
    fields = {"beacon_source": "", "eligibility": "approved", "alternates_per_winner": "0", "claim_days": "7"}
    saved = studio.post(plan_url, fields, form_page=f"/studio/campaigns/{campaign.public_id}/draw")
    assert saved.status_code == 302
    assert "Draw rules saved." in studio.client.get(saved.headers["Location"]).text
    plan = db.session.scalar(select(DrawPlan))
    assert plan.alternates_per_winner == 0 and plan.claim_days == 7
    refused = studio.post(plan_url, {**fields, "alternates_per_winner": "", "claim_days": "3"})
    assert refused.status_code == 400 and "were not saved" in refused.text
    db.session.refresh(plan)
    assert plan.alternates_per_winner == 0 and plan.claim_days == 7  # an empty field is still refused
    for email in ("a@example.com", "b@example.com", "c@example.com", "d@example.com"):
        set_status(enter(client, campaign, email), EntryStatus.APPROVED)
    close(campaign)
    assert _draw(studio, campaign).status_code == 303
    draw = db.session.scalar(select(Draw))
    assert [p["alternates"] for p in draw.prizes] == [0, 0]
    assert {p.role for p in draw.picks} == {"winner"} and len(draw.picks) == 3


def test_a_draw_with_no_eligible_entry_is_refused_and_leaves_the_campaign_drawable(client, studio):
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=PRIZES)
    pending = enter(client, campaign, "a@example.com")
    close(campaign)
    studio.login("drawer@example.com", factories.PASSWORD)
    refused = _draw(studio, campaign, headers={"Accept": "application/json"})
    assert refused.status_code == 409 and refused.json["error"] == "draw_refused"
    assert refused.json["message"].startswith("No entry can take part in this draw (1 excluded")
    ja = _draw(studio, campaign, headers={"Accept": "application/json", "Accept-Language": "ja"})
    assert ja.status_code == 409 and "抽選" in ja.json["message"]
    assert db.session.scalar(select(Draw)) is None  # nothing recorded, nothing stored, no audit event
    assert list(get_storage().iter_objects("private/draws/")) == []
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "draw.run")) is None

    set_status(pending, EntryStatus.APPROVED)
    assert _draw(studio, campaign).status_code == 303  # the campaign's one draw was not used up
    assert db.session.scalar(select(Draw)).entry_count == 1


def test_a_refused_draw_shows_the_draw_screen_saying_why_at_the_field_it_concerns(client, studio):
    """A wrong password, or a draw nothing can take part in, led to the generic error page, which told the
    owner their role did not allow it, or that someone else may have changed something (walk-through find).
    The draw screen comes back instead, with the reason at the password field or above the form."""
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=PRIZES)
    pending = enter(client, campaign, "a@example.com")
    close(campaign)
    studio.login("drawer@example.com", factories.PASSWORD)

    wrong = _draw(studio, campaign, password="a guess")
    assert wrong.status_code == 403
    assert 'id="password-error"' in wrong.text and "Your password was not correct" in wrong.text
    assert 'aria-invalid="true"' in wrong.text and 'id="draw-errors"' in wrong.text
    assert "does not allow this" not in wrong.text and "Draw now" in wrong.text  # the form, to try again
    assert "a guess" not in wrong.text  # never echoed

    nobody = _draw(studio, campaign, headers={"Accept-Language": "ja"})
    assert nobody.status_code == 409 and 'id="draw-errors"' in nobody.text
    assert "抽選" in nobody.text and "password-error" not in nobody.text
    assert "meantime" not in nobody.text and "ほかの方" not in nobody.text
    assert db.session.scalar(select(Draw)) is None

    set_status(pending, EntryStatus.APPROVED)
    assert _draw(studio, campaign).status_code == 303  # still drawable
    again = _draw(studio, campaign)
    assert again.status_code == 409 and "already been drawn" in again.text and "Result" in again.text


def test_the_draws_password_is_guessed_no_more_often_than_the_logins(app, client, studio):
    """A draw asks for the drawer's password, so each try is a guess at it: a security probe's find was 55
    wrong guesses in a row with a signed-in approver's session, each told wrong, none refused. Now the
    login's limit holds, per account and per address, and the refusal draws nothing."""
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=PRIZES)
    set_status(enter(client, campaign, "a@example.com"), EntryStatus.APPROVED)
    close(campaign)
    studio.login("drawer@example.com", factories.PASSWORD)
    assert [_draw(studio, campaign, password=f"guess {n}").status_code for n in range(3)] == [403] * 3
    refused = _draw(studio, campaign)  # the right password too, once the guesses are spent
    assert refused.status_code == 429 and "Too many attempts" in refused.text
    assert db.session.scalar(select(Draw)) is None

    factories.member(org, "approver@example.com", Role.APPROVER)
    other = Studio(app.test_client())
    other.client.environ_base["REMOTE_ADDR"] = "198.51.100.20"  # another account, from another address
    other.login("approver@example.com", factories.PASSWORD)
    assert _draw(other, campaign).status_code == 303
    assert db.session.scalar(select(Draw)).entry_count == 1


def test_a_draw_is_scored_by_a_thread_and_starts_no_process(client, studio, monkeypatch):
    """A helper process cost more to start and feed than it saved: the drawing process scores alone."""
    from multiprocessing.process import BaseProcess

    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=PRIZES)
    for email in ("a@example.com", "b@example.com"):
        set_status(enter(client, campaign, email), EntryStatus.APPROVED)
    close(campaign)
    started = []
    start = BaseProcess.start
    monkeypatch.setattr(BaseProcess, "start", lambda process: started.append(process) or start(process))
    studio.login("drawer@example.com", factories.PASSWORD)
    assert _draw(studio, campaign).status_code == 303
    assert db.session.scalar(select(Draw)).entry_count == 2
    assert started == []


def test_another_organisation_cannot_see_or_draw(app, client, studio):
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=PRIZES)
    set_status(enter(client, campaign, "a@example.com"), EntryStatus.APPROVED)
    close(campaign)
    studio.login("drawer@example.com", factories.PASSWORD)
    assert _draw(studio, campaign).status_code == 303
    draw = db.session.scalar(select(Draw))
    other = factories.org("brand-b")
    factories.member(other, "other@example.com")
    outsider = Studio(app.test_client())
    outsider.login("other@example.com", factories.PASSWORD)
    assert outsider.client.get(f"/studio/campaigns/{campaign.public_id}/draw").status_code == 404
    assert outsider.client.get(f"/studio/draws/{draw.public_id}/audit.json").status_code == 404
    assert outsider.client.get(f"/studio/draws/{draw.public_id}/winners.csv").status_code == 404

    # a viewer sees the draw's result but not the audit pack: it holds the campaign's trail (members'
    # addresses, exports, redacted captions), which the trail's own page keeps from viewers too
    from campaign.orgs.models import Role

    factories.member(campaign.organisation, "viewer@example.com", Role.VIEWER)
    viewer = Studio(app.test_client())
    viewer.login("viewer@example.com", factories.PASSWORD)
    page = viewer.client.get(f"/studio/campaigns/{campaign.public_id}/draw")
    assert page.status_code == 200 and "audit.json" not in page.text
    assert viewer.client.get(f"/studio/draws/{draw.public_id}/audit.json").status_code == 403
    assert "audit.json" in studio.client.get(f"/studio/campaigns/{campaign.public_id}/draw").text


@pytest.mark.parametrize("count", [0, 1, 4, 5])
def test_the_certificate_json_pieces_make_one_document(count):
    lines = [f'id{n} tok"{n}' for n in range(count)]
    for head in ({"seed": "ab", "results": []}, {}):
        text = "".join(certificate.json_pieces(head, lines, batch=2))
        assert json.loads(text) == {**head, "frozen_list": lines}


def test_refused_draws_are_audited_with_who_and_why(client, studio):
    """Issue 11: a wrong password or a draw before the close left no trace."""
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=PRIZES)
    studio.login("drawer@example.com", factories.PASSWORD)
    assert _draw(studio, campaign, headers={"Accept": "application/json"}).status_code == 409  # still open
    close(campaign)
    wrong = _draw(studio, campaign, password="a guess", headers={"Accept": "application/json"})
    assert wrong.status_code == 403 and wrong.json["error"] == "wrong_password"
    assert db.session.scalar(select(Draw)) is None
    refused = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "draw.refused").order_by(AuditEvent.id)
    ).all()
    assert [(e.after["refused"], e.object_id, e.campaign_id) for e in refused] == [
        ("draw_refused", campaign.public_id, campaign.id),
        ("wrong_password", campaign.public_id, campaign.id),
    ]
    assert "drawer@example.com" in refused[1].actor_label and "password was not correct" in refused[1].reason


def test_a_refused_draw_reads_in_each_readers_language_on_the_trail(client, studio):
    """Walked: the reason was kept in the drawer's language: an English reader read
    「パスワードが正しくありません…」."""
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=PRIZES)
    close(campaign)
    studio.login("drawer@example.com", factories.PASSWORD)
    japanese = {"Accept": "application/json", "Accept-Language": "ja"}
    assert _draw(studio, campaign, password="a guess", headers=japanese).status_code == 403
    trail = f"/studio/campaigns/{campaign.public_id}/audit"
    english = studio.client.get(f"{trail}?lang=en").text
    assert "Your password was not correct. Nothing was drawn." in english and "パスワード" not in english
    japanese_trail = studio.client.get(f"{trail}?lang=ja").text
    assert "パスワードが正しくありません。抽選は実施されていません。" in japanese_trail


@contextmanager
def _writes_sent():
    """The writing statements sent to the database meanwhile (their verb and table): on SQLite every one
    (its own trace sees the statements run on the driver's cursor too), on PostgreSQL those sent through
    SQLAlchemy."""
    from sqlalchemy import event

    writes: list[str] = []

    def note(sql: str) -> None:
        words = sql.replace('"', "").split()
        verb = words[0].upper() if words else ""
        if verb in {"INSERT", "DELETE", "REPLACE"}:  # INSERT INTO table, DELETE FROM table
            writes.append(" ".join(words[:3]))
        elif verb == "UPDATE":
            writes.append(" ".join(words[:2]))

    def on_execute(conn, cursor, statement, *_):
        if conn.dialect.name != "sqlite":
            note(statement)

    traced: list[sqlite3.Connection] = []

    def on_checkout(dbapi_connection, *_):
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.set_trace_callback(note)
            traced.append(dbapi_connection)

    db.session.commit()  # the test's own connection back in the pool, to be traced when checked out
    event.listen(db.engine, "before_cursor_execute", on_execute)
    event.listen(db.engine, "checkout", on_checkout)
    try:
        yield writes
    finally:
        event.remove(db.engine, "checkout", on_checkout)
        event.remove(db.engine, "before_cursor_execute", on_execute)
        for connection in traced:
            connection.set_trace_callback(None)


def test_a_wrong_password_writes_nothing_but_its_refusal_and_the_campaign_stays_drawable(client, studio):
    """The password is checked while the list is read: whatever the reading found (an entry to stamp, a
    beacon that was not named), a wrong password is refused as such and nothing else is written."""
    from campaign.draws.models import DrawPick
    from campaign.entries.models import Entry
    from tests.instant.helpers import bare_entry

    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=PRIZES)
    for email in ("a@example.com", "b@example.com", "c@example.com"):
        set_status(enter(client, campaign, email), EntryStatus.APPROVED)
    close(campaign)
    studio.login("drawer@example.com", factories.PASSWORD)
    last_event = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))

    def guess(beacon: str = "") -> None:
        json_ = {"Accept": "application/json"}
        wrong = _draw(studio, campaign, password="a guess", beacon=beacon, headers=json_)
        assert wrong.status_code == 403 and wrong.json["error"] == "wrong_password", wrong.text

    with _writes_sent() as writes:
        guess()  # the list read and ranked: a draw ready to be written
        guess("a beacon nobody named")  # a refusal of its own found meanwhile
        made = campaign.closes_at - timedelta(seconds=1)
        unstamped = bare_entry(campaign, "d@example.com", made)  # made directly: the draw stamps it
        unstamped.status = EntryStatus.APPROVED
        db.session.commit()
        unstamped_id = unstamped.id
        guess()
    # Not even written and rolled back: the refusal's audit event alone (and SQLite's lock of the campaign).
    assert [w for w in writes if w != "UPDATE campaigns"] == [
        "INSERT INTO audit_events",
        "INSERT INTO audit_events",
        "INSERT INTO entries",  # the test's own
        "UPDATE entries",
        "INSERT INTO audit_events",
    ]

    db.session.expire_all()
    assert db.session.scalar(select(Draw)) is None and db.session.scalar(select(DrawPick)) is None
    assert list(get_storage().iter_objects("private/draws/")) == []
    assert db.session.get(Entry, unstamped_id).participant_token is None
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.id > last_event).order_by(AuditEvent.id))
    assert [(e.action, e.after) for e in events] == [("draw.refused", {"refused": "wrong_password"})] * 3

    assert _draw(studio, campaign).status_code == 303  # the campaign's one draw was not used up
    draw = db.session.scalar(select(Draw))
    assert draw.entry_count == 4 and db.session.get(Entry, unstamped_id).participant_token is not None
    cert = certificate.certificate(draw)
    assert certificate.verify(cert) == []
    expected = reference_draw(
        bytes.fromhex(cert["seed"]),
        cert["beacon"],
        frozen.lines_of(draw),
        [(p["id"], p["winners"], p["alternates"]) for p in cert["prizes"]],
        cert["algorithm"],
    )
    assert [(r["prize"], r["role"], r["rank"], r["entry"]) for r in cert["results"]] == expected


def test_the_certificate_shows_a_nickname_only_with_consent_to_be_shown(client, studio):
    """Issue 11: an entrant who agreed to no public surface appears by entry id alone."""
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=PRIZES)
    shown = enter(client, campaign, "shown@example.com", nickname="shown-sakura")
    hidden = enter(client, campaign, "hidden@example.com", nickname="hidden-kaede", consent_scopes=[])
    for entry in (shown, hidden):
        set_status(entry, EntryStatus.APPROVED)
    close(campaign)
    studio.login("drawer@example.com", factories.PASSWORD)
    assert _draw(studio, campaign).status_code == 303
    draw = db.session.scalar(select(Draw))
    results = {r["entry"]: r["nickname"] for r in client.get(f"/draws/{draw.public_id}.json").json["results"]}
    assert results == {shown.public_id: "shown-sakura", hidden.public_id: None}
    page = client.get(f"/draws/{draw.public_id}").text
    assert "shown-sakura" in page and hidden.public_id in page and "hidden-kaede" not in page


def test_a_shipped_prize_reads_as_shipped_in_japanese_not_as_the_ship_date_column(app):
    """A check found the draw screen and winners.csv calling a shipped prize 「発送日」, a column."""
    from campaign.draws.labels import PICK_STATES

    with app.test_request_context("/?lang=ja"):
        assert str(PICK_STATES["shipped"]) == "発送済み"
