"""A campaign is drawn by the rule fixed when it was launched: kuchikomi-draw-v2 (every prize's winners before
any alternate) from now on, kuchikomi-draw-v1 (each prize's winners, then its alternates) kept for campaigns
launched before; each draw verifies by the version it records, and every page states that version's rule."""

import copy

from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.campaigns.settings import PrizeData
from campaign.draws import algorithm, certificate, services
from campaign.draws.models import Draw
from campaign.extensions import db
from tests.draws.helpers import GIFT, MUG, launched_campaign, studio_setup, walk_through

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
        "すべての賞品の当選者を補欠当選者より先に抽選しましたが" in screen
        and "kuchikomi-draw-v1" not in screen
    )
    page = client.get(f"/draws/{draw.public_id}?lang=ja").text
    assert "この賞品に選べる方は残っていませんでした" not in page
    assert "まず上に記載した賞品の順に、すべての賞品の当選者を埋め" in page
    public = client.get(f"/c/{campaign.slug}?lang=ja").text
    assert "当選者は、秘密のシードを使った抽選で決まりました。" in public
    assert "まず、賞品の掲載順にすべての賞品の当選者を選び" in public


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
    assert f"{MUG}：当選者 3名のうち 0名を抽選" in screen and "以前のルール（kuchikomi-draw-v1）" in screen
    page = client.get(f"/draws/{draw.public_id}?lang=ja").text
    assert "賞品ごとに当選者、続いてその賞品の補欠当選者を埋めてから" in page
    assert "この賞品に選べる方は残っていませんでした" in page  # the mugs: everyone was drawn for the gift set
    assert "繰り上げ候補" not in page  # one word for an alternate, as on every other screen
    public = client.get(f"/c/{campaign.slug}?lang=en").text
    assert "each prize's winners, then its alternates" in public


def test_the_campaign_page_states_its_rule_before_the_draw_without_alternates_when_there_are_none(
    client, studio
):
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=[PrizeData(name=GIFT, quantity=2), PrizeData(name=MUG)])
    before = client.get(f"/c/{campaign.slug}?lang=ja").text
    assert "当選者は、秘密のシードを使った抽選で決まります。" in before  # not 「当選者は…抽選します」
    assert "抽選の前からここで公開しています" in before and "まず、賞品の掲載順に" in before
    services.plan_of(campaign).alternates_per_winner = 0
    db.session.commit()
    assert "補欠当選者は選びません" in client.get(f"/c/{campaign.slug}?lang=ja").text
