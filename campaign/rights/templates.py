"""Request templates: what a creator reads under their post. Checked against each network's limit, rendered
with the rights page link, and rotated (Instagram treats repeated identical comments as spam)."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from campaign.audit.services import Actor, record
from campaign.entries.rules import clean_text
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.orgs.models import Organisation
from campaign.rights.models import RightsRequest, RightsTemplate

LANGUAGES = ("ja", "en")
NETWORKS = ("", "instagram", "x")  # "" = both
IG_COMMENT_MAX = 2200  # Instagram comment length
X_WEIGHTED_MAX = 280  # X counts CJK characters twice and every URL as 23 (t.co)
X_URL_WEIGHT = 23
HANDLE_MAX = {"instagram": 30, "x": 15}  # longest usernames, for {handle}
LINK_MAX = 120  # the longest rights page URL we build (base URL + /r/ + token)
LINK = "{link}"
HANDLE = "{handle}"
_HASHTAG_RE = re.compile(r"^[\w]{1,50}$")  # letters of any script, digits, underscore: what networks link
# X's weighting (twitter-text v3): these ranges weigh 1, everything else 2.
_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))


class InvalidTemplate(DomainError):
    code = "invalid_rights_template"


class NoTemplate(DomainError):
    status = 409
    code = "no_rights_template"


@dataclass(frozen=True)
class TemplateData:
    language: str
    network: str
    body: str
    hashtag: str


def x_weighted_length(text: str) -> int:
    """The length X checks against 280: CJK and emoji weigh 2, URLs 23 whatever their length."""
    total = 0
    for word in re.split(r"(https?://\S+)", unicodedata.normalize("NFC", text)):
        if word.startswith(("http://", "https://")):
            total += X_URL_WEIGHT
            continue
        total += sum(1 if any(lo <= ord(c) <= hi for lo, hi in _LIGHT) else 2 for c in word)
    return total


def normalise_hashtag(value: str) -> str:
    return clean_text(value).lstrip("#＃").strip()


def check(data: TemplateData) -> TemplateData:
    """The cleaned template, or InvalidTemplate naming the field and what is wrong."""
    if data.language not in LANGUAGES:
        raise InvalidTemplate(_l("Choose Japanese or English."), field="language")
    if data.network not in NETWORKS:
        raise InvalidTemplate(_l("Choose Instagram, X or both."), field="network")
    body = clean_text(data.body).replace("\r\n", "\n")
    hashtag = normalise_hashtag(data.hashtag)
    if not body:
        raise InvalidTemplate(_l("Write the text of the request."), field="body")
    if not hashtag:
        raise InvalidTemplate(
            _l("Enter the key hashtag creators reply with, e.g. yes_brand."), field="hashtag"
        )
    if not _HASHTAG_RE.match(hashtag):
        raise InvalidTemplate(
            _l("A hashtag has letters, digits and _ only (no spaces or symbols), at most 50."),
            field="hashtag",
        )
    if f"#{hashtag}".lower() not in body.lower():
        raise InvalidTemplate(
            _l(
                "The text must show the key hashtag #%(tag)s, so the creator knows what to reply.",
                tag=hashtag,
            ),
            field="body",
        )
    if LINK not in body:
        raise InvalidTemplate(
            _l("Put {link} where the link to the rights page goes; the creator reads the terms there."),
            field="body",
        )
    for network in ("instagram", "x") if not data.network else (data.network,):
        longest = render(body, link="https://" + "x" * (LINK_MAX - 8), handle="h" * HANDLE_MAX[network])
        if network == "x" and x_weighted_length(longest) > X_WEIGHTED_MAX:
            raise InvalidTemplate(
                _l(
                    "Too long for X: %(length)s of 280 (Japanese characters count twice, the link 23).",
                    length=x_weighted_length(longest),
                ),
                field="body",
            )
        if network == "instagram" and len(longest) > IG_COMMENT_MAX:
            raise InvalidTemplate(
                _l("Too long for an Instagram comment: %(length)s of 2,200 characters.", length=len(longest)),
                field="body",
            )
    return TemplateData(data.language, data.network, body, hashtag)


def render(body: str, *, link: str, handle: str) -> str:
    return body.replace(HANDLE, f"@{handle}" if handle else "").replace(LINK, link).strip()


def templates_of(org: Organisation) -> list[RightsTemplate]:
    query = select(RightsTemplate).where(RightsTemplate.org_id == org.id)
    return list(db.session.scalars(query.order_by(RightsTemplate.language, RightsTemplate.id)))


def _audit(actor: Actor, action: str, template: RightsTemplate, now: datetime, **kwargs) -> None:
    record(
        actor,
        action,
        org_id=template.org_id,
        object_type="rights_template",
        object_id=template.public_id,
        now=now,
        **kwargs,
    )


def _facts(template: RightsTemplate) -> dict:
    return {k: getattr(template, k) for k in ("language", "network", "body", "hashtag")}


def create(org: Organisation, data: TemplateData, *, actor: Actor, now: datetime) -> RightsTemplate:
    data = check(data)
    template = RightsTemplate(org_id=org.id, created_at=now, **data.__dict__)
    db.session.add(template)
    db.session.flush()
    _audit(actor, "rights.template_create", template, now, after=_facts(template))
    return template


def update(template: RightsTemplate, data: TemplateData, *, actor: Actor, now: datetime) -> None:
    data = check(data)
    before = _facts(template)
    for key, value in data.__dict__.items():
        setattr(template, key, value)
    db.session.flush()
    if _facts(template) != before:
        _audit(actor, "rights.template_update", template, now, before=before, after=_facts(template))


def delete(template: RightsTemplate, *, actor: Actor, now: datetime) -> None:
    """Requests made from it keep their text (their template link becomes empty)."""
    _audit(actor, "rights.template_delete", template, now, before=_facts(template))
    db.session.delete(template)
    db.session.flush()


def choose(org_id: int, network: str, language: str) -> RightsTemplate:
    """The next template in turn for this network and language: never the one the organisation's last
    request on this network used, so no two consecutive requests read the same."""
    candidates = list(
        db.session.scalars(
            select(RightsTemplate)
            .where(
                RightsTemplate.org_id == org_id,
                RightsTemplate.language == language,
                RightsTemplate.network.in_(("", network)),
            )
            .order_by(RightsTemplate.id)
        )
    )
    if not candidates:
        names = {"ja": _l("Japanese"), "en": _l("English")}
        raise NoTemplate(
            _l(
                "Add a request template in %(language)s first (Rights requests → Templates).",
                language=names[language],
            ),
        )
    last = db.session.scalar(
        select(RightsRequest.template_id)
        .where(RightsRequest.org_id == org_id, RightsRequest.network == network)
        .where(RightsRequest.template_id.is_not(None))
        .order_by(RightsRequest.created_at.desc(), RightsRequest.id.desc())
        .limit(1)
    )
    ids = [t.id for t in candidates]
    if last not in ids:
        return candidates[0]
    if len(candidates) == 1:
        raise NoTemplate(
            _l(
                "Add a second template in this language: Instagram and X treat the same text posted"
                " twice in a row as spam."
            )
        )
    return candidates[(ids.index(last) + 1) % len(candidates)]
