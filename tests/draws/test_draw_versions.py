"""A campaign is drawn by the rule fixed when it was launched: kuchikomi-draw-v2 (every prize's winners before
any alternate) from now on, kuchikomi-draw-v1 (each prize's winners, then its alternates) kept for campaigns
launched before; each draw verifies by the version it records."""

import copy

from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.draws import algorithm, certificate, services
from campaign.draws.models import Draw
from campaign.extensions import db
from tests.draws.helpers import GIFT, MUG, walk_through

JA = {"Accept-Language": "ja"}


def drawn_as(draw: Draw) -> list[tuple[str, str, int]]:
    return [(p.prize.name, p.role, p.rank) for p in draw.picks]


def test_a_campaign_launched_now_draws_every_prize_s_winners_before_any_alternate(client, studio, runner):
    campaign, draw = walk_through(client, studio)
    plan = services.plan_of(campaign)
    committed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "draw.commit_seed"))
    assert plan.algorithm == draw.algorithm == algorithm.V2 == committed.after["algorithm"]
    # 4 winners of the 5 promised, none kept waiting as an alternate (v1 gave the mugs no winner at all)
    assert drawn_as(draw) == [
        (GIFT, "winner", 1),
        (GIFT, "winner", 2),
        (MUG, "winner", 1),
        (MUG, "winner", 2),
    ]
    assert [s.__dict__ for s in services.shortfalls(draw)] == [{"prize": MUG, "drawn": 2, "wanted": 3}]

    cert = client.get(f"/draws/{draw.public_id}.json").json
    assert cert["algorithm"] == algorithm.V2 and certificate.verify(cert) == []
    verified = runner.invoke(args=["draws", "verify", "--", draw.public_id])
    assert verified.exit_code == 0 and "OK" in verified.output, verified.output
    pack = studio.client.get(f"/studio/draws/{draw.public_id}/audit.json").json
    assert pack["certificate"]["algorithm"] == algorithm.V2 and certificate.verify(pack["certificate"]) == []
    relabelled = copy.deepcopy(cert)
    relabelled["algorithm"] = algorithm.V1  # the same results claimed under the other rule do not verify
    assert certificate.verify(relabelled) == [
        "the recorded winners and alternates differ from the recomputed ranking"
    ]

    screen = studio.client.get(f"/studio/campaigns/{campaign.public_id}/draw", headers=JA).text
    assert f"{MUG}：当選者 3名のうち 2名を抽選" in screen
    assert (
        "この賞品に選べる方は残っていませんでした" not in client.get(f"/draws/{draw.public_id}?lang=ja").text
    )


def test_a_campaign_launched_under_v1_keeps_it_and_verifies_unchanged(client, studio, runner):
    """Its rule was published with its commitment: saving its draw rules later does not change it, and its
    draw walks, verifies and explains itself as v1 (the walk-through's 1 gift set of 5 prizes)."""
    campaign, draw = walk_through(client, studio, launched_under=algorithm.V1)
    assert services.plan_of(campaign).algorithm == draw.algorithm == algorithm.V1  # rules saved, rule kept
    assert drawn_as(draw) == [
        (GIFT, "winner", 1),
        (GIFT, "winner", 2),
        (GIFT, "alternate", 1),
        (GIFT, "alternate", 2),
    ]
    cert = client.get(f"/draws/{draw.public_id}.json").json
    assert cert["algorithm"] == algorithm.V1 and certificate.verify(cert) == []
    verified = runner.invoke(args=["draws", "verify", "--", draw.public_id])
    assert verified.exit_code == 0 and "OK" in verified.output, verified.output

    screen = studio.client.get(f"/studio/campaigns/{campaign.public_id}/draw", headers=JA).text
    assert f"{MUG}：当選者 3名のうち 0名を抽選" in screen
    assert "この賞品に選べる方は残っていませんでした" in client.get(f"/draws/{draw.public_id}?lang=ja").text
