"""Request templates: checked for what a creator needs and what each network accepts, rotated per network."""

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.rights import templates
from campaign.rights.models import RightsTemplate
from tests.rights.helpers import JA_TEMPLATES, add_templates, ask, collected, request_for


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(RightsTemplate))


def test_x_weighs_japanese_twice_and_every_link_23():
    assert templates.x_weighted_length("abc") == 3
    assert templates.x_weighted_length("お茶") == 4
    assert templates.x_weighted_length("see https://example.com/" + "x" * 200) == 4 + 23


@pytest.mark.parametrize(
    ("body", "hashtag", "field", "message"),
    [
        ("", "yes_brand", "body", "Write the text of the request."),
        ("Reply #yes_brand {link}", "", "hashtag", "Enter the key hashtag"),
        ("Reply #yes_brand {link}", "yes brand", "hashtag", "letters, digits and _ only"),
        ("Reply to agree: {link}", "yes_brand", "body", "must show the key hashtag #yes_brand"),
        ("Reply #yes_brand to agree", "yes_brand", "body", "Put {link} where"),
        ("お" * 130 + " #yes_brand {link}", "yes_brand", "body", "Too long for X"),
    ],
)
def test_a_bad_template_is_refused_by_its_field_and_nothing_is_stored(brand, body, hashtag, field, message):
    response = brand.studio.post(
        "/studio/rights/templates",
        {"language": "ja", "network": "", "body": body, "hashtag": hashtag},
        form_page="/studio/rights/templates",
    )
    assert response.status_code == 400
    assert message in response.text
    assert count() == 0


def test_instagram_only_templates_may_be_longer_than_x_allows_but_not_past_2200(brand):
    with force_locale("en"):
        _instagram_only_is_checked_against_its_own_limit()


def _instagram_only_is_checked_against_its_own_limit():
    long_ok = "a" * 1500 + " #yes_brand {link}"
    assert templates.check(templates.TemplateData("en", "instagram", long_ok, "yes_brand"))
    with pytest.raises(templates.InvalidTemplate) as for_both:
        templates.check(templates.TemplateData("en", "", long_ok, "yes_brand"))
    assert "Too long for X" in for_both.value.text()
    with pytest.raises(templates.InvalidTemplate) as too_long:
        templates.check(
            templates.TemplateData("en", "instagram", "a" * 2190 + " #yes_brand {link}", "yes_brand")
        )
    assert "Instagram comment" in too_long.value.text() and too_long.value.field == "body"


def test_the_errors_speak_japanese(brand):
    response = brand.studio.post(
        "/studio/rights/templates",
        {"language": "ja", "network": "", "body": "#yes_brand とご返信ください", "hashtag": "#yes_brand"},
        form_page="/studio/rights/templates",
        headers={"Accept-Language": "ja"},
    )
    assert response.status_code == 400
    assert "{link}" in response.text and "権利確認ページ" in response.text


def test_templates_are_added_edited_and_deleted_with_an_audit_trail(brand):
    add_templates(brand)
    assert count() == 2
    first = db.session.scalar(select(RightsTemplate).order_by(RightsTemplate.id))
    response = brand.studio.post(
        f"/studio/rights/templates/{first.public_id}",
        {
            f"{first.public_id}-language": "ja",
            f"{first.public_id}-network": "x",
            f"{first.public_id}-body": "#yes_brand でOKです {link}",
            f"{first.public_id}-hashtag": "yes_brand",
        },
        form_page="/studio/rights/templates",
    )
    assert response.status_code == 303
    db.session.refresh(first)
    assert first.network == "x" and first.body.startswith("#yes_brand")
    bad = brand.studio.post(
        f"/studio/rights/templates/{first.public_id}",
        {
            f"{first.public_id}-language": "ja",
            f"{first.public_id}-network": "x",
            f"{first.public_id}-body": "no link #yes_brand",
            f"{first.public_id}-hashtag": "yes_brand",
        },
        form_page="/studio/rights/templates",
    )
    assert bad.status_code == 400 and "Put {link} where" in bad.text
    db.session.refresh(first)
    assert first.body.startswith("#yes_brand")  # unchanged
    assert brand.studio.post(f"/studio/rights/templates/{first.public_id}/delete").status_code == 303
    assert count() == 1


def test_consecutive_requests_on_a_network_never_use_the_same_template(brand):
    add_templates(brand)
    entries = [collected(brand, post_id=str(100 + i), handle=f"fan{i}") for i in range(4)]
    ask(brand, *entries)
    used = [request_for(e).template_id for e in entries]
    assert all(a != b for a, b in zip(used, used[1:], strict=False))
    texts = [request_for(e).text for e in entries]
    assert "@fan0" in texts[0] and "#yes_brand" in texts[0] and "/rights/" in texts[0]


def test_with_a_single_template_the_second_request_in_a_row_is_refused_until_another_is_added(brand):
    add_templates(brand, bodies=JA_TEMPLATES[:1])
    one, two = collected(brand, post_id="1"), collected(brand, post_id="2", handle="other")
    ask(brand, one)
    assert request_for(one) is not None
    ask(brand, two)
    follow = brand.studio.client.get("/studio/moderation/")
    assert "Add a second template in this language" in follow.text
    assert request_for(two) is None
