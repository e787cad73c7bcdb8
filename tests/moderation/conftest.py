"""A brand with one member per role, a live campaign, and customers' entries made through the real form."""

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.orgs.models import Role
from tests import factories
from tests.conftest import Studio
from tests.entries.helpers import submit

ROLES = (Role.OWNER, Role.EDITOR, Role.APPROVER, Role.VIEWER)


@dataclass
class Team:
    org: object
    campaign: object
    app: object

    def studio(self, role: Role) -> Studio:
        """A separate browser, logged in as the member with this role."""
        studio = Studio(self.app.test_client())
        response = studio.login(f"{role.value}@example.com", factories.PASSWORD)
        assert response.status_code == 302, response.text
        return studio

    def entry(self, client=None, **overrides) -> tuple[Entry, str]:
        """A customer's entry through the real form (processed inline); returns it and its status URL."""
        response = submit(client or self.app.test_client(), self.campaign.slug, **overrides)
        assert response.status_code == 303, response.text
        entry = db.session.scalars(select(Entry).order_by(Entry.id.desc())).first()
        return entry, response.headers["Location"].replace("?thanks=1", "")


def make_team(app, **campaign_overrides) -> Team:
    organisation = factories.org("brand-a", "Brand A")
    for role in ROLES:
        factories.member(organisation, f"{role.value}@example.com", role)
    campaign = factories.campaign(organisation, **campaign_overrides)
    return Team(organisation, campaign, app)


@pytest.fixture
def team(app):
    return make_team(app)


@pytest.fixture
def two_stage(app):
    return make_team(app, two_stage_approval=True)


def reason_id(team: Team, index: int = 0) -> str:
    from campaign.moderation.reasons import reasons_of

    return reasons_of(team.org)[index].public_id


def step(studio: Studio, entry: Entry, action: str, **data):
    return studio.post(f"/studio/moderation/entries/{entry.public_id}/{action}", data)
