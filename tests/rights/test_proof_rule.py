"""The rule of what a rights answer allows (campaign/rights/proof.py) and its SQL twins agree, for every
state and proof a request can hold; the queue and the rights list filter by them."""

import itertools

from sqlalchemy import select

from campaign.clock import utcnow
from campaign.extensions import db
from campaign.rights import proof as rules
from campaign.rights.models import Proof, RightsRequest, RightsState
from tests.rights.helpers import add_templates, ask, collected, request_for


def every_state_and_proof(brand) -> list[RightsRequest]:
    add_templates(brand)
    made = []
    for n, (state, proof) in enumerate(itertools.product(RightsState, Proof)):
        entry = collected(brand, post_id=str(100 + n), handle=f"h{n}")
        ask(brand, entry)
        request = request_for(entry)
        request.state, request.proof = state, proof
        request.answered_at = utcnow() if state is not RightsState.REQUESTED else None
        db.session.commit()
        made.append(request.id)
    return [db.session.get(RightsRequest, i) for i in made]


def test_the_python_rules_and_their_sql_twins_agree(brand):
    made = every_state_and_proof(brand)
    for in_python, in_sql in (
        (rules.in_force, rules.in_force_rows()),
        (rules.awaiting_confirmation, rules.awaiting_confirmation_rows()),
    ):
        by_sql = set(db.session.scalars(select(RightsRequest.id).where(in_sql)))
        assert by_sql == {r.id for r in made if in_python(r)}
    in_force = {(r.state, r.proof) for r in made if rules.in_force(r)}
    assert in_force == {(RightsState.GRANTED, Proof.VERIFIED), (RightsState.GRANTED, Proof.MANUAL)}


def test_granted_in_the_filters_means_publishable(brand):
    made = every_state_and_proof(brand)
    by_entry = {r.entry.public_id: r for r in made}
    client = brand.studio.client
    for value, rule in (("granted", rules.in_force), ("unconfirmed", rules.awaiting_confirmation)):
        page = client.get(f"/studio/moderation/?rights={value}").text
        assert {p for p, r in by_entry.items() if f'id="q-{p}"' in page} == {
            p for p, r in by_entry.items() if rule(r)
        }
        listed = client.get(f"/studio/rights/?state={value}").text
        assert {r.public_id for r in made if f'id="r-{r.public_id}"' in listed} == {
            r.public_id for r in made if rule(r)
        }
