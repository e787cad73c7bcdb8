"""Where a winner types the address: why it is asked, how long it is kept, who keeps it (APPI Art. 21);
after sending, what was sent, masked. Both forms: the drawn claim page, the instant winner's status page."""

from campaign.draws import address_shown, winners
from tests.conftest import csrf_from
from tests.draws.test_winners import ADDRESS, drawn
from tests.instant.test_fulfilment import approve, winning_campaign

JA = {"Accept-Language": "ja"}


def test_the_masked_address_shows_enough_to_recognise_and_no_more():
    shown = address_shown.masked(ADDRESS)
    assert shown == {
        "name": "山＊＊",
        "postal_code": "150-＊＊＊＊",
        "prefecture": "東京都",
        "city": "渋谷区",
        "street": "＊＊＊",
        "phone": "＊＊＊5678",
    }
    assert address_shown.masked(None) is None  # deleted after shipping: nothing to show


def test_the_claim_form_says_why_how_long_and_who_then_shows_what_was_sent_masked(app, client, studio):
    app.config["DRAW_ADDRESS_RETENTION_DAYS"] = 45
    _, draw = drawn(client, studio, ["a@example.com", "b@example.com"])
    winner = next(p for p in draw.picks if p.role == "winner")
    claim_path = "/claim/" + winners.claim_token(app.secret_key, winner)
    brand = draw.campaign.organisation.name

    form = client.get(claim_path, headers=JA).text
    assert "賞品の発送にのみ使い、発送から45日後に削除します" in form
    assert f"{brand}が保管します" in form
    app.config["OPERATOR_NAME"] = "株式会社みどりエージェンシー"
    english = client.get(claim_path).text
    assert "deleted 45 days after it is shipped" in english
    assert f"株式会社みどりエージェンシー keeps them for {brand}" in english

    sent = client.post(claim_path, data={**ADDRESS, "csrf_token": csrf_from(form)})
    assert sent.status_code == 303
    page = client.get(claim_path, headers=JA).text
    assert 'id="address-sent"' in page and "山＊＊" in page and "＊＊＊5678" in page and "渋谷区" in page
    assert "山田" not in page and "1-2-3" not in page and "1234" not in page


def test_the_instant_winners_form_says_why_how_long_and_who_then_shows_what_was_sent(
    app, client, studio, smtp_server
):
    campaign, winner, _ = winning_campaign(client, studio)
    approve(studio, winner)
    from campaign.entries import status_links

    status_path = f"/s/{status_links.status_token(app.secret_key, winner.public_id)}"
    form = client.get(status_path, headers=JA).text
    days = app.config["DRAW_ADDRESS_RETENTION_DAYS"]
    assert f"発送から{days}日後に削除します" in form and f"{campaign.organisation.name}が保管します" in form
    sent = client.post(f"{status_path}/prize", data={**ADDRESS, "csrf_token": csrf_from(form)})
    assert sent.status_code == 303
    page = client.get(status_path, headers=JA).text
    assert 'id="address-sent"' in page and "山＊＊" in page and "山田" not in page
