"""Collected-style entries and a brand ready to ask for rights, through the real forms and services."""

import re

from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.rights.models import RightsRequest
from tests.conftest import csrf_from
from tests.galleries.helpers import Brand

JA_TEMPLATES = (
    "{handle} 素敵なお写真をありがとうございます！ブランドのサイトでご紹介してもよろしければ、"
    "#yes_brand とご返信ください。詳細：{link}",
    "{handle} いつもありがとうございます。このお写真を使わせていただけますか？"
    "よろしければ #yes_brand とご返信ください。{link}",
)
EN_TEMPLATES = (
    "{handle} Love this photo! May we feature it on our site? Reply #yes_brand to agree. Details: {link}",
    "{handle} Thanks for sharing! Reply #yes_brand if we may reuse your photo: {link}",
)


def collected(
    brand: Brand,
    *,
    network: str = "x",
    post_id: str = "1111",
    handle: str = "sakura_tea",
    caption: str = "新しいお茶 #summer_tea",
    approve: bool = False,
    photo: bytes | None = None,
) -> Entry:
    """An entry as collection makes it: the network's post id and handle, no email, no rating, no consent
    scope."""
    entry = brand.entry(caption=caption, photo=photo)
    entry.network, entry.network_post_id, entry.social_handle = network, post_id, handle
    entry.rating = None
    entry.post_url = (
        f"https://x.com/{handle}/status/{post_id}"
        if network == "x"
        else f"https://www.instagram.com/p/{post_id}/"
    )
    entry.email = entry.email_normalised = ""
    entry.person_slot = None
    entry.consent.scopes, entry.consent.terms_version = [], ""  # as collection makes it: no scope
    db.session.commit()
    if approve:
        brand.moderate(entry, "approve")
    return entry


def add_templates(brand: Brand, language: str = "ja", bodies=JA_TEMPLATES) -> None:
    for body in bodies:
        response = brand.studio.post(
            "/studio/rights/templates",
            {"language": language, "network": "", "body": body, "hashtag": "yes_brand"},
            form_page="/studio/rights/templates",
        )
        assert response.status_code == 303, response.text


def ask(brand: Brand, *entries: Entry):
    response = brand.studio.post(
        "/studio/rights/send",
        {"entries": [e.public_id for e in entries], "next": "/studio/moderation/"},
        form_page="/studio/moderation/",
    )
    assert response.status_code == 303, response.text
    return response


def request_for(entry: Entry) -> RightsRequest | None:
    db.session.expire_all()
    return db.session.scalar(select(RightsRequest).where(RightsRequest.entry_id == entry.id))


def actions(object_id: str) -> list[str]:
    query = select(AuditEvent.action).where(AuditEvent.object_id == object_id).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def connect(brand: Brand, apis, network: str) -> None:
    """The organisation's connector, pointed at the fake APIs, through the owner's connectors page."""
    base = apis.graph_url if network == "instagram" else apis.url
    token = apis.state.ig_access_token if network == "instagram" else apis.state.x_bearer_token
    account = "17841400000000001" if network == "instagram" else "999"
    response = brand.studio.post(
        f"/studio/connectors/{network}",
        {f"{network}-account_id": account, f"{network}-token": token, f"{network}-base_url": base},
        form_page="/studio/connectors/",
    )
    assert response.status_code == 303, response.text


def granted(brand: Brand, entry: Entry) -> None:
    """Asked (posted by hand), the author's yes on the rights page, and the team's record of the author's
    key-hashtag reply (a click alone publishes nothing): gallery and review scopes."""
    ask(brand, entry)
    request = request_for(entry)
    brand.studio.post(f"/studio/rights/requests/{request.public_id}/sent", form_page="/studio/rights/")
    link = re.search(r"https?://\S+(/rights/\S+)", request_for(entry).text).group(1)
    client = brand.app.test_client()
    page = client.get(link)
    response = client.post(f"{link}/grant", data={"csrf_token": csrf_from(page.text)})
    assert response.status_code == 303, response.text
    recorded = brand.studio.post(
        f"/studio/rights/requests/{request.public_id}/seen", form_page="/studio/rights/?state=all"
    )
    assert recorded.status_code == 303, recorded.text
    db.session.refresh(entry)
