"""The winner's address forms say why the address is asked, how long it is kept and who keeps it; after
sending, the winner sees what was sent, masked. Screenshots of both forms, ja and en, 390 and 1366 px."""

import pytest

from campaign.draws import winners
from campaign.entries import status_links
from tests.browser.shots import shoot
from tests.browser.test_claim_tabs import fill
from tests.draws.test_winners import drawn
from tests.instant.test_fulfilment import approve, winning_campaign

pytestmark = pytest.mark.browser


def send_and_shoot(page, url: str, name: str, button: str) -> tuple[str, str]:
    """Shoots the form, sends an address from it, shoots the page after; (the statement, what was sent)."""
    shoot(page, url, f"{name}-purpose", owner="address")
    page.goto(f"{url}?lang=ja")
    purpose = page.locator("#address-purpose").inner_text()
    fill(page, "1-2-3")
    with page.expect_navigation():
        page.click(button)
    shoot(page, url, f"{name}-sent", owner="address")
    return purpose, page.locator("#address-sent").inner_text()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_drawn_winners_claim_form_and_what_was_sent(page, live_server, app, client, studio):
    app.config["OPERATOR_NAME"] = "株式会社みどりエージェンシー"
    _, draw = drawn(client, studio, ["a@example.com", "b@example.com"])
    winner = next(p for p in draw.picks if p.role == "winner")
    url = f"{live_server.url}/claim/{winners.claim_token(app.secret_key, winner)}"
    purpose, sent = send_and_shoot(page, url, "claim", "form button")
    assert "発送から30日後に削除します" in purpose and "株式会社みどりエージェンシー" in purpose
    assert "山＊＊" in sent


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_instant_winners_address_form_and_what_was_sent(
    page, live_server, app, client, studio, smtp_server
):
    _, entry, _ = winning_campaign(client, studio)
    approve(studio, entry)
    url = f"{live_server.url}/s/{status_links.status_token(app.secret_key, entry.public_id)}"
    purpose, sent = send_and_shoot(page, url, "instant", "#instant-claim button")
    assert "賞品の発送にのみ使い" in purpose and "＊＊＊5678" in sent
