"""The role matrix: every studio route × owner, editor, approver, viewer, anonymous, over two organisations.

ADDING A STUDIO ROUTE? Add its endpoint to REQUIRED below with the capability its `@studio_route(...)`
asks for (LOGIN for a route that only needs a logged-in user). `test_every_studio_route_is_in_the_table`
fails until you do. If its URL takes a new kind of id, add a maker to `objects()` if you can, otherwise
the matrix uses an id that exists nowhere (still checks 403, 302 to login and CSRF, but not the 404).
"""

import pytest
from flask import current_app
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.orgs.models import Role
from campaign.orgs.services import CAPABILITIES
from tests import factories
from tests.conftest import Studio, csrf_from
from tests.entries.helpers import submit

LOGIN = "login"  # any logged-in user, no organisation capability

REQUIRED: dict[str, str] = {
    # walking skeleton
    "campaigns.index": "view",
    "campaigns.show": "view",
    "campaigns.create": "edit_campaigns",
    "campaigns.edit": "edit_campaigns",
    "campaigns.launch": "edit_campaigns",
    "campaigns.archive": "edit_campaigns",
    "campaigns.unarchive": "edit_campaigns",
    "campaigns.close_now": "edit_campaigns",
    "campaigns.duplicate": "edit_campaigns",
    "entries.index": "view",
    "entries.show": "view",
    "entries.original": "view_originals",
    "orgs.switch": LOGIN,
    # issue 4: moderation, audit, dashboard
    "moderation.queue_all": "moderate",
    "moderation.queue_campaign": "moderate",
    "moderation.move_entry": "moderate",
    "moderation.bulk_move": "moderate",
    "moderation.redact_caption": "moderate",
    "moderation.not_duplicate": "draw",
    "moderation.list_reasons": "manage_reasons",
    "moderation.create_reason": "manage_reasons",
    "moderation.update_reason": "manage_reasons",
    "moderation.approve_launch": "approve",
    "moderation.decline_launch": "approve",
    "moderation.export_entries": "moderate",
    "audit.campaign_events": "view_audit",
    "audit.export_campaign": "view_audit",
    "dashboard.show_campaign": "view",
    # issue 5: draws (as declared in campaign/draws/views.py)
    "draws.show": "view",
    "draws.update_plan": "draw",
    "draws.run": "draw",
    "draws.check_pick": "draw",
    "draws.mark_shipped": "draw",
    "draws.audit_pack": "view_audit",  # the campaign's trail inside (a security probe: viewers read it)
    "draws.winners_csv": "draw",
    "instant.winners_csv": "draw",
    "instant.winners_page": "view",
    "instant.mark_shipped": "draw",
    "connectors.index": "manage_integrations",  # tokens are credentials: owners only
    "connectors.save": "manage_integrations",
    "connectors.disconnect": "manage_integrations",
    "connectors.check_connection": "manage_integrations",
    # issue 6: reviews, galleries, integrations (as declared in their views)
    "reviews.index": "view",
    "reviews.publish": "publish_reviews",
    "reviews.withdraw": "publish_reviews",
    "galleries.index": "view",
    "galleries.create": "edit_galleries",
    "galleries.edit": "view",
    "galleries.change_pins": "edit_galleries",
    "webhooks.index": "manage_integrations",
    "webhooks.create": "manage_integrations",
    "webhooks.set_active": "manage_integrations",
    "webhooks.delete": "manage_integrations",
    "export_api.manage_keys": "manage_integrations",
    "privacy.index": "privacy",  # issue 14: requests by email reveal and erase personal data: owners only
    "privacy.save_retention": "privacy",
    "privacy.export": "privacy",
    "privacy.erase": "privacy",
    "privacy.person_history": "privacy",  # reads the trail of requests about a person: owners only
    # issue 13: accounts — members and invitations are the owners'; everyone keeps their own settings
    "members.index": "manage_members",
    "members.invite": "manage_members",
    "members.change_role": "manage_members",
    "members.remove_member": "manage_members",
    "members.resend_invitation": "manage_members",
    "members.revoke_invitation": "manage_members",
    "accounts.settings": LOGIN,
    "accounts.save_language": LOGIN,
    "accounts.change_password": LOGIN,
    # issue 15: what a campaign earned
    "analytics.report": "view",
    "analytics.export": "view",
    "analytics.privacy_notice": "view",
    "brandpage.preview": "view",  # issue 13: the campaign page as customers will see it
    "sources.index": "view",  # issue 12: a campaign's sources on Instagram and X
    "sources.add": "edit_campaigns",
    "sources.set_state": "edit_campaigns",
    # issue 12: rights to reuse collected posts; templates and settings like campaigns, asking like moderation
    "rights.list_templates": "edit_campaigns",
    "rights.create_template": "edit_campaigns",
    "rights.update_template": "edit_campaigns",
    "rights.delete_template": "edit_campaigns",
    "rights.save_settings": "edit_campaigns",
    "rights.index": "moderate",
    "rights.send": "moderate",
    "rights.mark_sent": "moderate",
    "rights.record_seen_grant": "moderate",
    "rights.withdraw": "takedown",  # ending a grant takes the photo down everywhere
}
NOWHERE = "no-such-object-anywhere"
ROLES = [Role.OWNER, Role.EDITOR, Role.APPROVER, Role.VIEWER, None]  # None: anonymous


def studio_rules():
    """(endpoint, method, rule) for every studio route, HEAD and OPTIONS aside."""
    for rule in current_app.url_map.iter_rules():
        if rule.rule.startswith("/studio"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.endpoint, method, rule


def test_every_studio_route_is_in_the_table(app):
    missing = sorted({endpoint for endpoint, _, _ in studio_rules()} - set(REQUIRED))
    assert missing == [], f"add these endpoints to REQUIRED in {__file__}: {missing}"
    unknown = sorted({cap for cap in REQUIRED.values() if cap != LOGIN} - set(CAPABILITIES))
    assert unknown == [], f"capabilities not in orgs.services.CAPABILITIES: {unknown}"


def objects(org, slug: str, client) -> dict[str, str]:
    """One of each tenant object in this organisation, by URL argument name."""
    from campaign.accounts import invitations
    from campaign.audit.services import Actor
    from campaign.clock import utcnow
    from campaign.entries.models import Entry
    from campaign.moderation.models import RejectionReason
    from campaign.orgs.models import Membership
    from campaign.rights import templates as rights_templates

    campaign = factories.campaign(org, slug=slug)
    assert submit(client, slug, email=f"{slug}@example.com").status_code == 303
    entry = db.session.scalar(select(Entry).where(Entry.campaign_id == campaign.id))
    reason = db.session.scalar(select(RejectionReason).where(RejectionReason.org_id == org.id))
    owner = db.session.scalar(
        select(Membership).where(Membership.org_id == org.id, Membership.role == Role.OWNER)
    )
    invitation = invitations.invite(
        org, f"new@{slug}.example", Role.VIEWER, locale="ja", actor=Actor.system(), now=utcnow()
    )
    template = rights_templates.create(
        org,
        rights_templates.TemplateData("ja", "", "#yes_brand {link}", "yes_brand"),
        actor=Actor.system(),
        now=utcnow(),
    )
    db.session.commit()
    return {
        "template_id": template.public_id,
        "campaign_id": campaign.public_id,
        "entry_id": entry.public_id,
        "reason_id": reason.public_id,
        "member_id": owner.public_id,  # the only owner: removing or demoting is refused, not a 5xx
        "invitation_id": invitation.public_id,
        "action": "approve",
        "network": "x",  # a name, not a tenant object: the same in every organisation
    }


@pytest.fixture
def world(app):
    """Brand A (one member per role) and brand B, each with a campaign, an entry and reasons."""
    brand_a, brand_b = factories.org("brand-a"), factories.org("brand-b")
    for role in Role:
        factories.member(brand_a, f"{role.value}@example.com", role)
    factories.member(brand_b, "b-owner@example.com", Role.OWNER)
    customer = app.test_client()
    return {"a": objects(brand_a, "a-summer", customer), "b": objects(brand_b, "b-summer", customer)}


def url_for_rule(rule, ids: dict[str, str]) -> str:
    return rule.build({arg: ids.get(arg, NOWHERE) for arg in rule.arguments}, append_unknown=False)[1]


def allowed(role: Role, capability: str) -> bool:
    return capability == LOGIN or role in CAPABILITIES[capability]


def call(studio: Studio, method: str, url: str, *, token: str | None):
    if method == "GET":
        return studio.client.get(url)
    return studio.client.open(url, method=method, data={} if token is None else {"csrf_token": token})


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_role_matrix(app, world, role):
    studio = Studio(app.test_client())
    if role is not None:
        assert studio.login(f"{role.value}@example.com", factories.PASSWORD).status_code == 302
    token = csrf_from(studio.client.get("/studio/" if role else "/login").text)
    failures = []
    for endpoint, method, rule in studio_rules():
        capability = REQUIRED[endpoint]
        own = url_for_rule(rule, world["a"])
        response = call(studio, method, own, token=token)
        if role is None:
            if response.status_code != 302 or "/login" not in response.headers.get("Location", ""):
                failures.append(f"anonymous {method} {own}: {response.status_code}, not sent to login")
            continue
        if not allowed(role, capability):
            if response.status_code != 403:
                failures.append(f"{role} {method} {own}: {response.status_code}, expected 403 ({capability})")
            continue
        if method == "GET" and not set(rule.arguments) - set(world["a"]):
            if response.status_code != 200:
                failures.append(f"{role} GET {own}: {response.status_code}, expected 200")
        elif response.status_code in (401, 403) or response.status_code >= 500:
            failures.append(f"{role} {method} {own}: {response.status_code}")
        if set(rule.arguments) & set(world["b"]) - {"action", "network"}:
            theirs = url_for_rule(rule, world["b"])
            response = call(studio, method, theirs, token=token)
            if response.status_code != 404:
                failures.append(f"{role} {method} {theirs} (brand B): {response.status_code}, expected 404")
    assert failures == []


def post_rules():
    return [(endpoint, rule) for endpoint, method, rule in studio_rules() if method == "POST"]


def test_every_post_route_refuses_a_missing_csrf_token(app, world):
    owner = Studio(app.test_client())
    owner.login("owner@example.com", factories.PASSWORD)
    refused = {}
    for endpoint, rule in post_rules():
        response = owner.client.post(url_for_rule(rule, world["a"]), data={})
        refused[endpoint] = response.status_code
    assert refused and all(code == 400 for code in refused.values()), refused


def row_counts() -> dict[str, int]:
    db.session.expire_all()
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def test_no_get_changes_state(app, world):
    owner = Studio(app.test_client())
    owner.login("owner@example.com", factories.PASSWORD)
    owner.client.get("/studio/")
    before = row_counts()
    assert before["audit_events"] >= 0 and before["entries"] == 2
    for _, method, rule in studio_rules():
        if method == "GET":
            for ids in (world["a"], world["b"]):
                owner.client.get(url_for_rule(rule, ids))
    assert row_counts() == before
