"""A token the network refuses while a rights request is posted or replies are scanned marks the connection,
as a poll meeting it does: the studio says to reconnect, its owners are mailed once, it is audited."""

from sqlalchemy import func, select

from campaign import jobs
from campaign.audit.models import AuditEvent
from campaign.clock import utcnow
from campaign.connectors.services import account_of
from campaign.extensions import db
from campaign.rights.detection import scan_replies
from tests.fixtures.social_apis import rights_fake, x_unauthorised_answer
from tests.galleries.helpers import OWNER
from tests.rights.helpers import add_templates, ask, collected, connect, request_for


def _expired_events() -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "connector.expired")
    )


def test_a_request_posted_with_a_revoked_x_token_marks_the_connection(brand, social_apis, smtp_server):
    add_templates(brand)
    connect(brand, social_apis, "x")
    rights_fake(social_apis.state).fail_posts = [x_unauthorised_answer()]
    entry = collected(brand, network="x", post_id="42")
    ask(brand, entry)
    jobs.run_ready()
    assert request_for(entry).last_error == "unauthorised"
    db.session.expire_all()
    assert account_of(brand.org.id, "x").needs_reconnection
    (mail,) = smtp_server.messages
    assert mail["To"] == OWNER and "X" in mail["Subject"]
    assert _expired_events() == 1
    page = brand.studio.client.get("/studio/connectors/", headers={"Accept-Language": "ja"})
    assert "再連携" in page.text


def test_a_reply_scan_refused_for_its_token_marks_the_connection_once(brand, social_apis, smtp_server):
    add_templates(brand)
    connect(brand, social_apis, "instagram")
    entry = collected(
        brand, network="instagram", post_id="17900000000000003", handle="a_user", caption="@brand_a 一枚目"
    )
    ask(brand, entry)
    social_apis.state.expire_ig_token()
    assert scan_replies(now=utcnow()) == 0
    assert scan_replies(now=utcnow()) == 0  # the next pass meets it again: nothing more
    jobs.run_ready()
    db.session.expire_all()
    account = account_of(brand.org.id, "instagram")
    assert account.needs_reconnection and "Session has expired" in account.refused_detail
    assert len(smtp_server.messages) == 1 and _expired_events() == 1
