"""A number too long for a float (hundreds of digits) in any studio number field is a form error, not a 500:
WTForms' NumberRange compares through `math.isnan`, which cannot convert such an int."""

import re

import pytest
from sqlalchemy import select

from campaign.campaigns.models import Campaign
from campaign.draws.models import DrawPlan
from campaign.extensions import db
from campaign.galleries.models import Gallery
from campaign.moderation.models import RejectionReason
from campaign.orgs import services as orgs
from campaign.orgs.models import Role
from tests import factories
from tests.campaigns.helpers import save_edit_form
from tests.draws.helpers import launched_campaign

HUGE = "9" * 400


@pytest.fixture
def owner(client, studio):
    org = orgs.create_organisation("Brand", "brand-x")
    db.session.commit()
    factories.member(org, "owner@example.com", Role.OWNER)
    studio.login("owner@example.com", factories.PASSWORD)
    return org


@pytest.mark.parametrize(
    "field",
    [
        "entries_per_person",
        "transaction_value_jpy",
        "projected_sales_jpy",
        "instant_win_odds",
        "prizes-0-quantity",
        "prizes-0-value_jpy",
    ],
)
def test_a_400_digit_number_in_the_campaign_form_is_a_form_error(owner, studio, field):
    campaign = factories.campaign(owner, launch=False)
    saved_at = campaign.updated_at
    response = save_edit_form(studio.client, campaign, **{field: HUGE})
    assert response.status_code == 400  # the form again
    db.session.expire_all()
    assert db.session.scalar(select(Campaign.updated_at)) == saved_at


def test_a_400_digit_minimum_rating_is_a_gallery_form_error(owner, studio):
    response = studio.post(
        "/studio/galleries/new",
        {"name": "Wall", "campaign": "", "product": "", "min_rating": HUGE, "layout": "grid"},
        form_page="/studio/galleries/new",
    )
    assert response.status_code == 200
    assert "must be a whole number." in response.text  # by the field's name
    assert db.session.scalar(select(Gallery)) is None


def test_a_400_digit_reason_position_is_a_form_error(owner, studio):
    before = db.session.scalars(select(RejectionReason.label_en)).all()
    response = studio.post(
        "/studio/moderation/reasons",
        {"label_ja": "ぼやけています", "label_en": "Blurred", "position": HUGE, "active": "y"},
        form_page="/studio/moderation/reasons",
    )
    assert response.status_code < 500
    assert db.session.scalars(select(RejectionReason.label_en)).all() == before


@pytest.mark.parametrize("field", ["alternates_per_winner", "claim_days"])
def test_a_400_digit_draw_rule_is_refused(owner, studio, field):
    campaign = launched_campaign(owner)
    url = f"/studio/campaigns/{campaign.public_id}/draw"
    values = {"eligibility": "approved", "alternates_per_winner": "1", "claim_days": "14", field: HUGE}
    response = studio.post(f"{url}/plan", values, form_page=url)
    assert response.status_code == 400  # the draw screen again, the error by the field
    assert "must be a whole number." in response.text  # by the field's name
    plan = db.session.scalar(select(DrawPlan).where(DrawPlan.campaign_id == campaign.id))
    assert (plan.alternates_per_winner, plan.claim_days) == (1, 14)


@pytest.mark.parametrize(("field", "value"), [("prizes-0-quantity", "0"), ("prizes-0-value_jpy", "abc")])
def test_a_prize_rows_own_error_is_shown_by_the_field(owner, studio, field, value):
    """The browser's checks skipped: the row's input is marked invalid and its message stands beside it."""
    campaign = factories.campaign(owner, launch=False)
    response = save_edit_form(studio.client, campaign, **{field: value})
    assert response.status_code == 400
    tag = re.search(rf'<input[^>]*name="{field}"[^>]*>', response.text).group(0)
    assert 'aria-invalid="true"' in tag and f'aria-describedby="{field}-error"' in tag
    after = response.text[response.text.index(tag) + len(tag) :]
    assert after.startswith(f'<p class="field-error" id="{field}-error">'), after[:120]
