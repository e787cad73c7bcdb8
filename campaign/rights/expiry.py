"""Rights that end: unanswered requests past their organisation's days, grants past their period."""

from datetime import datetime

from sqlalchemy import select

from campaign.audit.services import Actor
from campaign.extensions import db
from campaign.locks import lock_row
from campaign.rights import services
from campaign.rights.models import RightsRequest
from campaign.rights.models import RightsState as S


def expire_due(*, now: datetime) -> tuple[int, int]:
    """Unanswered requests past their expiry, and grants past their period: (requests, grants) ended."""
    asked = list(
        db.session.scalars(
            select(RightsRequest).where(RightsRequest.state == S.REQUESTED, RightsRequest.expires_at <= now)
        )
    )
    for request in asked:
        if lock_row(request).state is S.REQUESTED:
            request.state = S.EXPIRED
            db.session.flush()
            services.audit_request(
                Actor.system(),
                "rights.expire",
                request,
                now,
                before={"state": "requested"},
                after={"state": "expired"},
            )
    ended = list(
        db.session.scalars(
            select(RightsRequest).where(RightsRequest.state == S.GRANTED, RightsRequest.grant_until <= now)
        )
    )
    for request in ended:
        services.withdraw(request, actor=Actor.system(), now=now, reason="expired")
    return len(asked), len(ended)


def expire_duty(now) -> str:
    """The periodic expiry of unanswered requests and ended grants (`campaign.schedule`)."""
    requests, grants = expire_due(now=now)
    db.session.commit()
    return f"{requests} requests and {grants} grants expired"
