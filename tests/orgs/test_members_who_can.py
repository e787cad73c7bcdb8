"""The members of an organisation who hold a capability: the one query behind mails to owners, approvers."""

from campaign.orgs.models import Role
from campaign.orgs.services import members_who_can
from tests import factories


def emails(users) -> list[str]:
    return [user.email for user in users]


def test_the_members_with_the_capability_in_this_organisation_only(app):
    brand, other = factories.org("brand-a"), factories.org("brand-b")
    for role in (Role.APPROVER, Role.VIEWER, Role.OWNER, Role.EDITOR):
        factories.member(brand, f"{role.value}@example.com", role)
    factories.member(other, "elsewhere@example.com", Role.OWNER)

    assert emails(members_who_can(brand.id, "approve")) == ["approver@example.com", "owner@example.com"]
    assert emails(members_who_can(brand.id, "manage_integrations")) == ["owner@example.com"]
    assert emails(members_who_can(other.id, "approve")) == ["elsewhere@example.com"]


def test_one_member_may_be_left_out_by_address(app):
    brand = factories.org("brand-a")
    factories.member(brand, "owner@example.com", Role.OWNER)
    factories.member(brand, "approver@example.com", Role.APPROVER)

    besides_owner = members_who_can(brand.id, "approve", besides="owner@example.com")
    assert emails(besides_owner) == ["approver@example.com"]
    assert emails(members_who_can(brand.id, "approve", besides="")) == [
        "owner@example.com",
        "approver@example.com",
    ]
