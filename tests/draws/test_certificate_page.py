"""The certificate pages teach a verifier to check the draw: the script they print really recomputes it
(and fails on a tampered certificate), the commands name the real values, and the schema is linked."""

import html
import json
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from campaign.draws import algorithm, services
from campaign.draws.models import Draw
from campaign.entries.models import EntryStatus
from campaign.extensions import db
from tests import factories
from tests.draws.helpers import PRIZES, PrizeData, close, enter, launched_campaign, set_status, studio_setup
from tests.instant.helpers import instant_campaign, play
from tests.queries import counted_queries


def block(page: str, element_id: str) -> str:
    match = re.search(rf'<pre class="cert-code" id="{element_id}"[^>]*><code>(.*?)</code></pre>', page, re.S)
    assert match, element_id
    return html.unescape(match.group(1))


def run(script: str, folder, name: str, document: dict) -> subprocess.CompletedProcess:
    (folder / name).write_text(json.dumps(document), encoding="utf-8")
    (folder / "verify.py").write_text(script, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "verify.py"], cwd=folder, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize("version", algorithm.VERSIONS)
def test_the_draw_certificate_page_prints_a_script_that_recomputes_the_draw(
    client, studio, tmp_path, version
):
    """By the rule the certificate records: a v2 draw, and a v1 one (a campaign launched before v2)."""
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=PRIZES)
    services.plan_of(campaign).algorithm = version  # v1: as migration 0032 leaves a plan made before v2
    db.session.commit()
    for name in ("alice", "bob", "carol", "dave", "erin"):
        set_status(enter(client, campaign, f"{name}@example.com", nickname=name), EntryStatus.APPROVED)
    close(campaign)
    studio.login("drawer@example.com", factories.PASSWORD)
    response = studio.post(
        f"/studio/campaigns/{campaign.public_id}/draw",
        {"password": factories.PASSWORD, "beacon": ""},
        form_page=f"/studio/campaigns/{campaign.public_id}/draw",
    )
    assert response.status_code == 303, response.text
    draw = db.session.scalar(select(Draw))
    cert = client.get(f"/draws/{draw.public_id}.json").get_json()
    assert cert["algorithm"] == version

    page = client.get(f"/draws/{draw.public_id}?lang=ja").text
    assert "ご自身で検証" in page
    assert "/api/v1/schemas/draw-certificate.json" in page
    commands = block(page, "cmd-commitment")
    assert cert["commitment"] in commands and cert["seed"] in commands
    assert cert["digest"] in block(page, "cmd-digest")
    assert f"hexkey:{cert['seed']}" in block(page, "cmd-score")

    script = block(page, "verify-script")
    done = run(script, tmp_path, "certificate.json", cert)
    assert done.returncode == 0 and done.stdout.strip() == "OK", done.stderr
    tampered = json.loads(json.dumps(cert))
    tampered["results"][0]["entry"], tampered["results"][1]["entry"] = (
        tampered["results"][1]["entry"],
        tampered["results"][0]["entry"],
    )
    failed = run(script, tmp_path, "certificate.json", tampered)
    assert failed.returncode != 0 and "results differ" in failed.stderr
    relabelled = {**cert, "algorithm": next(v for v in algorithm.VERSIONS if v != version)}
    failed = run(script, tmp_path, "certificate.json", relabelled)  # 5 people, 3 + 3 places: the walks differ
    assert failed.returncode != 0 and "results differ" in failed.stderr


def test_the_instant_win_certificate_page_prints_a_script_that_checks_every_play(app, client, tmp_path):
    campaign = instant_campaign(factories.org(), quantity=2, odds=2)
    for n in range(6):
        play(campaign, f"p{n}@example.com", campaign.opens_at + timedelta(days=2 * n))
    close(campaign)
    cert = client.get(f"/c/{campaign.slug}/instant-win.json").get_json()
    page = client.get(f"/c/{campaign.slug}/instant-win?lang=en").text
    assert "Verify it yourself" in page
    assert cert["commitment"] in block(page, "cmd-commitment")
    script = block(page, "verify-script")
    done = run(script, tmp_path, "instant-certificate.json", cert)
    assert done.returncode == 0 and done.stdout.strip() == "OK", done.stderr
    cert["plays"][0]["lucky"] = not cert["plays"][0]["lucky"]
    assert run(script, tmp_path, "instant-certificate.json", cert).returncode != 0


def test_a_prize_no_entry_was_left_for_says_so(client, studio):
    """Two entries, three winners: the certificate's last prize said nothing at all under its name."""
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=PRIZES)
    for name in ("alice", "bob"):
        set_status(enter(client, campaign, f"{name}@example.com", nickname=name), EntryStatus.APPROVED)
    close(campaign)
    studio.login("drawer@example.com", factories.PASSWORD)
    page = f"/studio/campaigns/{campaign.public_id}/draw"
    drawn = studio.post(page, {"password": factories.PASSWORD, "beacon": ""}, form_page=page)
    assert drawn.status_code == 303
    draw = db.session.scalar(select(Draw))
    mug = client.get(f"/draws/{draw.public_id}?lang=ja").text.split("<h3>Mug</h3>")[1].split("</section>")[0]
    assert "この賞品に選べる方は残っていませんでした" in mug  # people, not entries: one may have many
    tea = client.get(f"/draws/{draw.public_id}?lang=en").text.split("<h3>Tea for a year</h3>")[1]
    assert "No one was left" not in tea.split("</section>")[0]


def test_the_certificate_page_costs_the_same_queries_for_three_picks_or_twelve(client, studio):
    """Each pick's entry and consent were loaded one by one: 57 queries for a small draw, more for a larger
    one. Now they come in one query each, however many picks the draw has."""
    org, _ = studio_setup()
    studio.login("drawer@example.com", factories.PASSWORD)
    counts = []
    for slug, prizes, people in (
        ("small", [PrizeData(name="Mug", quantity=1)], 3),
        ("large", [PrizeData(name="Mug", quantity=6)], 12),
    ):
        campaign = launched_campaign(org, slug=slug, prizes=prizes)
        for n in range(people):
            entry = enter(client, campaign, f"{slug}{n}@example.com", nickname=f"{slug}{n}")
            set_status(entry, EntryStatus.APPROVED)
        close(campaign)
        response = studio.post(
            f"/studio/campaigns/{campaign.public_id}/draw",
            {"password": factories.PASSWORD, "beacon": ""},
            form_page=f"/studio/campaigns/{campaign.public_id}/draw",
        )
        assert response.status_code == 303, response.text
        draw = db.session.scalar(select(Draw).where(Draw.campaign_id == campaign.id))
        db.session.expire_all()
        with counted_queries() as queries:
            page = client.get(f"/draws/{draw.public_id}?lang=en")
        assert page.status_code == 200
        counts.append((len(draw.picks), len(queries)))
    (small_picks, small), (large_picks, large) = counts
    assert small_picks < large_picks
    assert small == large, counts
