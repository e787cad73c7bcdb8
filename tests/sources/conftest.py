"""A brand with Instagram and X connected to the fake APIs, a campaign with a hashtag, and helpers that put
posts on the fake networks with real photos."""

from dataclasses import dataclass

import pytest

from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.connectors.services import configure
from campaign.extensions import db
from campaign.sources import services
from tests import factories

IG_USER = "17841400000000001"
HASHTAG_ID = "17843853986012345"
BRAND_X_ID = "900"


@dataclass
class Brand:
    org: object
    campaign: object
    apis: object

    @property
    def state(self):
        return self.apis.state

    def photo_url(self, name: str, data: bytes | None = None, content_type: str = "image/jpeg") -> str:
        n = len(self.state.media_files)
        body = (
            data if data is not None else factories.photo(640, 480, colour=(40 + n % 200, 90, (n * 37) % 255))
        )
        self.state.media_files[name] = (body, content_type)
        return f"{self.apis.url}/media/{name}"

    def ig_post(
        self, post_id: str, *, media_type: str = "IMAGE", caption: str = "#greentea 美味しい", **extra
    ):
        item = {
            "id": post_id,
            "media_type": media_type,
            "permalink": f"https://www.instagram.com/p/P{post_id}/",
            "caption": caption,
            "timestamp": utcnow().strftime("%Y-%m-%dT%H:%M:%S+0000"),
        }
        if media_type == "IMAGE":
            item["media_url"] = self.photo_url(f"{post_id}.jpg")
        item.update(extra)
        return item

    def hashtag_posts(self, *items):
        """Newest first, as Instagram lists them."""
        self.state.ig_media[HASHTAG_ID] = list(items) + self.state.ig_media.get(HASHTAG_ID, [])

    def tweet(self, tweet_id: str, author: str = "hanako", text: str = "#greentea 最高", photo: bool = True):
        media = [{"media_key": f"3_{tweet_id}", "type": "photo", "url": self.photo_url(f"x{tweet_id}.jpg")}]
        if not photo:
            media = [{"media_key": f"7_{tweet_id}", "type": "video"}]
        self.state.tweets.append(
            {"id": tweet_id, "text": text, "author": author, "media": media, "created_at": _x_now()}
        )

    def source(self, kind: str, query: str = "", **kwargs):
        made = services.add_source(
            self.campaign, kind, query=query, actor=Actor.system(), now=utcnow(), **kwargs
        )
        db.session.commit()
        return made


def _x_now() -> str:
    return utcnow().strftime("%Y-%m-%dT%H:%M:%S.000Z")


@pytest.fixture
def brand(app, social_apis):
    organisation = factories.org()
    campaign = factories.campaign(
        organisation, hashtags=["greentea"], brand_handle="teabrand", allows_follow_and_post=True
    )
    now = utcnow()
    for network, account, token, url in (
        ("instagram", IG_USER, "ig-token", social_apis.graph_url),
        ("x", BRAND_X_ID, "x-token", social_apis.url),
    ):
        configure(
            organisation.id,
            network,
            account_id=account,
            token=token,
            secret=app.secret_key,
            actor=Actor.system(),
            now=now,
            base_url=url,
        )
    db.session.commit()
    social_apis.state.ig_users[IG_USER] = "teabrand"
    social_apis.state.ig_hashtags["greentea"] = HASHTAG_ID
    social_apis.state.x_users["teabrand"] = BRAND_X_ID
    return Brand(organisation, campaign, social_apis)
