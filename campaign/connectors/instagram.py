"""Instagram Graph API. Hashtag search never returns the author's username, so a post is matched by the
permalink the entrant gave: first among the media the brand is tagged in (`/{ig-user-id}/tags`), then
among the hashtag's recent and top media. The Graph API has no follower list: following cannot be
checked here and is left to the marketer (the verdict's note says so)."""

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from campaign.connectors.base import Post, Verdict, get_json

MAX_PAGES = 10  # 50 media per page


def canonical_permalink(url: str) -> str:
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    for prefix in ("/reel/", "/tv/"):
        path = path.replace(prefix, "/p/")
    return f"{(parts.hostname or '').removeprefix('www.')}{path}"


class InstagramGraph:
    network = "instagram"

    def __init__(self, *, base_url: str, access_token: str, ig_user_id: str, allow_private: bool = False):
        self.base = base_url.rstrip("/")
        self.allow_private = allow_private
        self.token = access_token
        self.user_id = ig_user_id

    def _get(self, path: str, **params) -> dict:
        body, _ = get_json(
            f"{self.base}/{path.lstrip('/')}",
            {**params, "access_token": self.token},
            {},
            allow_private=self.allow_private,
        )
        return body

    def _pages(self, path: str, **params):
        for _ in range(MAX_PAGES):
            body = self._get(path, **params)
            yield from body.get("data", [])
            after = body.get("paging", {}).get("cursors", {}).get("after")
            if not after or "next" not in body.get("paging", {}):
                return
            params["after"] = after

    def find_post(self, post: Post) -> bool:
        wanted = canonical_permalink(post.post_url)
        fields = "id,permalink,caption,username"
        for media in self._pages(f"{self.user_id}/tags", fields=fields):
            if canonical_permalink(media.get("permalink", "")) == wanted:
                return True
        for tag in post.hashtags:
            found = self._get("ig_hashtag_search", user_id=self.user_id, q=tag).get("data", [])
            for hashtag in found[:1]:
                for edge in ("recent_media", "top_media"):
                    for media in self._pages(f"{hashtag['id']}/{edge}", user_id=self.user_id, fields=fields):
                        if canonical_permalink(media.get("permalink", "")) == wanted:
                            return True
        return False

    def account_name(self) -> str:
        return str(self._get(self.user_id, fields="username").get("username", ""))

    def verify(self, post: Post) -> Verdict:
        if not self.find_post(post):
            return Verdict(False, "post_deleted", _l("The post was not found by its permalink."))
        found = _l("Post found. Instagram cannot confirm following: check by hand if needed.")
        return Verdict(True, note=found)
