"""An organisation's rejection reasons: editable and ordered; switched off, never deleted."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from campaign.audit.services import Actor, record
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.moderation.models import RejectionReason
from campaign.orgs.models import Organisation
from campaign.orgs.services import scoped

DEFAULTS = (
    ("製品が写っていません", "The product is not visible in the photo"),
    ("不適切な内容が含まれています", "The content is inappropriate"),
    ("ご本人が撮影した写真ではないようです", "The photo does not seem to be your own"),
    ("個人情報が写っています", "Personal information is visible"),
    ("キャンペーンの条件を満たしていません", "The entry does not meet the campaign's conditions"),
)
LABEL_MAX = 200


class InvalidReason(DomainError):
    code = "invalid_reason"


@dataclass
class ReasonData:
    label_ja: str
    label_en: str
    position: int = 0
    active: bool = True


def reasons_of(org: Organisation, *, active_only: bool = False) -> list[RejectionReason]:
    query = scoped(RejectionReason, org).order_by(RejectionReason.position, RejectionReason.id)
    if active_only:
        query = query.where(RejectionReason.active.is_(True))
    return list(db.session.scalars(query))


def default_reasons(org: Organisation) -> list[RejectionReason]:
    return [
        RejectionReason(organisation=org, label_ja=label_ja, label_en=label_en, position=position)
        for position, (label_ja, label_en) in enumerate(DEFAULTS)
    ]


def _seed_new_organisations(session: Session, _flush_context, _instances) -> None:
    """Every new organisation starts with the default list (migration 0003 seeded the existing ones)."""
    for obj in list(session.new):
        if isinstance(obj, Organisation):
            session.add_all(default_reasons(obj))


def install() -> None:
    if not event.contains(Session, "before_flush", _seed_new_organisations):
        event.listen(Session, "before_flush", _seed_new_organisations)


def _validate(data: ReasonData) -> ReasonData:
    data = ReasonData(data.label_ja.strip(), data.label_en.strip(), data.position, data.active)
    if not data.label_ja or not data.label_en:
        raise InvalidReason(_l("Give the reason in Japanese and in English."))
    if max(len(data.label_ja), len(data.label_en)) > LABEL_MAX:
        raise InvalidReason(_l("A reason can be at most %(max)s characters.", max=LABEL_MAX))
    return data


def _values(reason: RejectionReason) -> dict:
    return {
        "label_ja": reason.label_ja,
        "label_en": reason.label_en,
        "position": reason.position,
        "active": reason.active,
    }


def create_reason(org: Organisation, data: ReasonData, *, actor: Actor, now: datetime) -> RejectionReason:
    data = _validate(data)
    reason = RejectionReason(org_id=org.id, **vars(data))
    db.session.add(reason)
    db.session.flush()
    record(
        actor, "reason.create", org_id=org.id, object_type="reason", object_id=reason.public_id, now=now,
        after=_values(reason),
    )  # fmt: skip
    return reason


def update_reason(reason: RejectionReason, data: ReasonData, *, actor: Actor, now: datetime) -> None:
    data = _validate(data)
    before = _values(reason)
    for name, value in vars(data).items():
        setattr(reason, name, value)
    db.session.flush()
    record(
        actor, "reason.update", org_id=reason.org_id, object_type="reason", object_id=reason.public_id,
        now=now, before=before, after=_values(reason),
    )  # fmt: skip
