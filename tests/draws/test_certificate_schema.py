"""The draw certificate's JSON Schema: published beside the OpenAPI document, kept by every certificate."""

import copy
from datetime import timedelta

from sqlalchemy import select

from campaign.audit.services import Actor
from campaign.campaigns.settings import PrizeData
from campaign.clock import utcnow
from campaign.draws import winners
from campaign.draws.certificate_schema import SCHEMA
from campaign.draws.models import Draw, PickState
from campaign.entries.models import EntryStatus
from campaign.extensions import db
from tests import factories
from tests.draws.helpers import certificate_errors, close, enter, launched_campaign, set_status, studio_setup

SCHEMA_URL = "/api/v1/schemas/draw-certificate.json"


def test_a_certificate_with_alternates_a_forfeit_a_promotion_and_an_exclusion_conforms(
    client, studio, runner, smtp_server
):
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=[PrizeData(name="Tea set", quantity=1), PrizeData(name="Mug")])
    people = [f"p{n}@example.com" for n in range(6)]
    for email in people:
        set_status(
            enter(client, campaign, email, nickname="hana" if email == people[0] else None),
            EntryStatus.APPROVED,
        )
    set_status(enter(client, campaign, "rejected@example.com"), EntryStatus.REJECTED)
    close(campaign)
    studio.login("drawer@example.com", factories.PASSWORD)
    url = f"/studio/campaigns/{campaign.public_id}/draw"
    assert studio.post(url, {"password": factories.PASSWORD}, form_page=url).status_code == 303
    draw = db.session.scalar(select(Draw))
    tea = draw.picks[0]
    tea.claim_deadline = utcnow() - timedelta(minutes=1)  # the winner never claims
    db.session.commit()
    assert runner.invoke(args=["draws", "expire-claims"]).output.startswith("Forfeited 1")
    db.session.refresh(draw)
    promoted = next(p for p in draw.picks if p.role == "alternate" and p.state is not PickState.WAITING)
    winners.exclude(
        promoted,
        reason="not_following",
        actor=Actor.system(),
        secret="test-secret",
        base_url="http://x/",
        now=utcnow(),
    )
    db.session.commit()

    served = client.get(f"/draws/{draw.public_id}.json")
    assert served.headers["Link"] == f'<{SCHEMA_URL}>; rel="describedby"; type="application/schema+json"'
    cert = served.json
    assert {r["state"] for r in cert["results"]} >= {"forfeited", "excluded", "notified", "waiting"}
    assert {r["role"] for r in cert["results"]} == {"winner", "alternate"}
    assert {r["excluded_reason"] for r in cert["results"]} == {None, "not_following"}
    assert None in {r["nickname"] for r in cert["results"]}
    assert [(p["winners"], p["alternates"]) for p in cert["prizes"]] == [(1, 1), (1, 1)]
    assert certificate_errors(cert) == []


def test_the_schema_is_published_and_refuses_what_a_verifier_had_to_guess(client):
    published = client.get(SCHEMA_URL)
    assert published.status_code == 200 and published.mimetype == "application/json"
    assert published.headers["Access-Control-Allow-Origin"] == "*"
    assert published.json == SCHEMA
    import jsonschema_rs

    jsonschema_rs.meta.validate(SCHEMA)  # a valid Draft 2020-12 schema itself
    prize = SCHEMA["properties"]["prizes"]["items"]["properties"]
    assert "a count" in prize["winners"]["description"] and "results" in prize["winners"]["description"]


def test_the_schema_catches_a_renamed_or_retyped_field(client, studio):
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=[PrizeData(name="Tea set", quantity=1)])
    for email in ("a@example.com", "b@example.com"):
        set_status(enter(client, campaign, email), EntryStatus.APPROVED)
    close(campaign)
    studio.login("drawer@example.com", factories.PASSWORD)
    url = f"/studio/campaigns/{campaign.public_id}/draw"
    assert studio.post(url, {"password": factories.PASSWORD}, form_page=url).status_code == 303
    cert = client.get(f"/draws/{db.session.scalar(select(Draw)).public_id}.json").json
    assert certificate_errors(cert) == []
    guessed = copy.deepcopy(cert)
    guessed["prizes"][0]["winners"] = [r["entry"] for r in cert["results"] if r["role"] == "winner"]
    assert any("prizes" in error for error in certificate_errors(guessed))
    renamed = copy.deepcopy(cert)
    renamed["picks"] = renamed.pop("results")
    assert certificate_errors(renamed)
    wrong_state = copy.deepcopy(cert)
    wrong_state["results"][0]["state"] = "won"
    assert certificate_errors(wrong_state)
