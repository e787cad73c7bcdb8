"""The campaign's audit trail in Chromium: words instead of codes, the photo beside each entry's event, no
sideways scroll on a phone. Screenshots: /tmp/shots/studio/audit-{ja,en}-{390,1366}.png"""

import pytest

from campaign.orgs.models import Role
from tests import factories
from tests.browser.one_database import ONE_DATABASE
from tests.browser.shots import shoot
from tests.browser.test_moderation_keys import log_in
from tests.moderation.conftest import make_team, reason_id, step

pytestmark = [pytest.mark.browser, ONE_DATABASE]
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_audit_trail_reads_as_words_with_photos(page, live_server, app, client):
    team = make_team(app)
    editor = team.studio(Role.EDITOR)
    liked, _ = team.entry(
        client, email="a@example.com", photo=factories.photo(800, 600, colour=(200, 80, 40))
    )
    off, _ = team.entry(client, email="b@example.com", photo=factories.photo(600, 800, colour=(40, 90, 200)))
    step(editor, liked, "approve", note="ブランドの雰囲気に合っています")
    step(editor, off, "reject", reason=reason_id(team))
    step(editor, liked, "withdraw", note="権利者から連絡がありました")  # the brand's takedown
    log_in(page, live_server.url, "editor@example.com")
    url = f"{live_server.url}/studio/campaigns/{team.campaign.public_id}/audit"
    shoot(page, url, "audit", owner="studio")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(url + "?lang=ja")
    assert page.evaluate(SIDEWAYS) == 0
    text = page.locator(".audit-list").inner_text()
    assert "応募を承認" in text and "応募を非承認" in text and "掲載を停止（テイクダウン）" in text
    assert "entry.approve" not in text and "entry.reject" not in text
    assert "製品が写っていません" in text and "The product is not visible" not in text  # reader language
    for img in page.locator(".audit-thumb img").all():
        img.scroll_into_view_if_needed()
    page.wait_for_load_state("load")
    loaded = page.eval_on_selector_all(
        ".audit-thumb img", "i => i.map(x => x.complete && x.naturalWidth > 0)"
    )
    assert len(loaded) >= 2 and all(loaded)
    assert page.console_errors == [], page.console_errors


def test_a_refused_draw_an_image_edit_and_prizes_read_as_words(page, live_server, app):
    """Was 「拒否の理由 wrong_password」, 「画像 hero_image、logo_image、prizes[0].image」, 「(2 · 5000)」."""
    from campaign.audit.services import Actor
    from campaign.campaigns import services
    from campaign.clock import utcnow
    from campaign.extensions import db

    team = make_team(app)
    campaign, actor, now = team.campaign, Actor.system(), utcnow()
    prizes = [{"name": "新茶セット", "quantity": 2, "value_jpy": 5000}]
    services.audit(campaign, actor, "campaign.update", now, {"prizes": []}, {"prizes": prizes})
    images = ["hero_image", "logo_image", "prizes[0].image"]
    services.audit(campaign, actor, "campaign.update", now, {}, {"images": images})
    services.audit(campaign, actor, "draw.refused", now, after={"refused": "wrong_password"}, reason="")
    db.session.commit()
    log_in(page, live_server.url, "editor@example.com")
    url = f"{live_server.url}/studio/campaigns/{campaign.public_id}/audit"
    shoot(page, url, "audit-codes", owner="studio")
    page.goto(url + "?lang=ja")
    text = page.locator(".audit-list").inner_text()
    assert "パスワードの誤り" in text and "メイン画像、ロゴ、賞品1の画像" in text and "2名 · 5,000円" in text
    assert "wrong_password" not in text and "hero_image" not in text
