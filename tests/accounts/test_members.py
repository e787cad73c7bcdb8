"""The members page: owners change roles and remove members, and an organisation always keeps an owner."""

import pytest
from sqlalchemy import func, select

from campaign.accounts import members
from campaign.audit.models import AuditEvent
from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.extensions import db
from campaign.orgs.models import Membership, Role
from tests import factories
from tests.accounts.helpers import logged_in
from tests.races import race


@pytest.fixture
def brand(app):
    org = factories.org("brand-a", "Brand A")
    for role in Role:
        factories.member(org, f"{role.value}@example.com", role)
    return org


def membership_of(email: str) -> Membership:
    return db.session.scalar(select(Membership).join(Membership.user).where(Membership.user.has(email=email)))


def owners(org) -> int:
    return db.session.scalar(
        select(func.count()).where(Membership.org_id == org.id, Membership.role == Role.OWNER)
    )


def test_an_owner_sees_every_member_with_their_role(app, brand):
    owner = logged_in(app, "owner@example.com", factories.PASSWORD)
    page = owner.client.get("/studio/members")
    assert page.status_code == 200
    for role in Role:
        assert f"{role.value}@example.com" in page.text
    assert 'href="/studio/members"' in page.text  # the nav link, for owners


@pytest.mark.parametrize("role", [Role.EDITOR, Role.APPROVER, Role.VIEWER])
def test_other_roles_get_the_forbidden_page_and_no_link(app, brand, role):
    other = logged_in(app, f"{role.value}@example.com", factories.PASSWORD)
    page = other.client.get("/studio/members")
    assert page.status_code == 403 and "You do not have permission to do this." in page.text
    assert 'href="/studio/members"' not in other.client.get("/studio/").text


def test_an_owner_changes_a_role_and_it_is_audited(app, brand):
    owner = logged_in(app, "owner@example.com", factories.PASSWORD)
    viewer = membership_of("viewer@example.com")
    response = owner.post(
        f"/studio/members/{viewer.public_id}/role", {"role": "editor"}, form_page="/studio/members"
    )
    assert response.status_code == 303
    db.session.refresh(viewer)
    assert viewer.role is Role.EDITOR
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.role"))
    assert event.before == {"role": "viewer", "email": "viewer@example.com"} and event.after == {
        "role": "editor"
    }
    assert event.object_id == viewer.public_id and event.actor_label == "owner@example.com"
    recent = owner.client.get("/studio/members").text.split('id="member-events"')[1]
    assert "Role changed (viewer@example.com) → Editor" in recent and "member.role" not in recent


def test_an_unknown_role_is_refused_and_nothing_changes(app, brand):
    owner = logged_in(app, "owner@example.com", factories.PASSWORD)
    viewer = membership_of("viewer@example.com")
    response = owner.post(
        f"/studio/members/{viewer.public_id}/role", {"role": "king"}, form_page="/studio/members"
    )
    assert response.status_code == 400 and "Choose one of the roles in the list." in response.text
    db.session.refresh(viewer)
    assert viewer.role is Role.VIEWER


def test_an_owner_removes_a_member_who_then_cannot_open_the_studio(app, brand):
    owner = logged_in(app, "owner@example.com", factories.PASSWORD)
    editor = logged_in(app, "editor@example.com", factories.PASSWORD)
    member_id = membership_of("editor@example.com").public_id
    response = owner.post(f"/studio/members/{member_id}/remove", form_page="/studio/members")
    assert response.status_code == 303
    assert membership_of("editor@example.com") is None
    assert editor.client.get("/studio/").status_code == 403
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.remove"))
    assert event.object_id == member_id and event.before["email"] == "editor@example.com"


def test_the_last_owner_can_be_neither_demoted_nor_removed(app, brand):
    owner = logged_in(app, "owner@example.com", factories.PASSWORD)
    mine = membership_of("owner@example.com").public_id
    demote = owner.post(f"/studio/members/{mine}/role", {"role": "editor"}, form_page="/studio/members")
    assert demote.status_code == 409 and "needs at least one owner" in demote.text
    remove = owner.post(f"/studio/members/{mine}/remove", form_page="/studio/members")
    assert remove.status_code == 409 and "needs at least one owner" in remove.text
    assert owners(brand) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_with_a_second_owner_an_owner_may_step_down(app, brand):
    owner = logged_in(app, "owner@example.com", factories.PASSWORD)
    editor = membership_of("editor@example.com")
    owner.post(f"/studio/members/{editor.public_id}/role", {"role": "owner"}, form_page="/studio/members")
    mine = membership_of("owner@example.com").public_id
    step_down = owner.post(f"/studio/members/{mine}/role", {"role": "viewer"}, form_page="/studio/members")
    assert step_down.status_code == 303 and step_down.headers["Location"].endswith("/studio/")
    assert owners(brand) == 1 and membership_of("editor@example.com").role is Role.OWNER


def test_another_brands_member_is_not_found(app, brand):
    other = factories.org("brand-b")
    factories.member(other, "b-owner@example.com", Role.OWNER)
    theirs = membership_of("b-owner@example.com").public_id
    owner = logged_in(app, "owner@example.com", factories.PASSWORD)
    assert owner.post(f"/studio/members/{theirs}/remove", form_page="/studio/members").status_code == 404
    assert (
        owner.post(
            f"/studio/members/{theirs}/role", {"role": "viewer"}, form_page="/studio/members"
        ).status_code
        == 404
    )
    assert membership_of("b-owner@example.com").role is Role.OWNER


def test_two_owners_demoting_each_other_at_once_leave_one_owner(app, brand):
    """Both pages showed two owners; without the organisation's lock both moves would pass the check."""
    factories.member(brand, "second-owner@example.com", Role.OWNER)
    first, second = membership_of("owner@example.com").id, membership_of("second-owner@example.com").id

    def demote(membership_id: int, action):
        def racer(ready):
            membership = db.session.get(Membership, membership_id)
            assert owners(membership.organisation) == 2
            ready()
            action(membership, actor=Actor.system(), now=utcnow())

        return racer

    def to_editor(membership, **kwargs):
        members.change_role(membership, Role.EDITOR, **kwargs)

    outcomes = race(app, demote(first, to_editor), demote(second, members.remove))
    assert sorted(outcomes) == ["done", "last_owner"], outcomes
    assert owners(brand) == 1
