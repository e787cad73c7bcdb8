"""X API v2: the post by recent search (`#tag from:handle`, 7 days), following by the brand's follower list
(`/2/users/:id/followers`, 1,000 per page). Reads cost money, which is why only drawn winners and
alternates are checked."""

import re

from flask_babel import lazy_gettext as _l

from campaign.connectors.base import X_NOT_FOUND, ConnectorError, Post, Verdict, get_json

MAX_FOLLOWER_PAGES = 15  # the endpoint allows 15 requests per 15 minutes
_STATUS_RE = re.compile(r"/status(?:es)?/(\d+)")


class XApi:
    network = "x"

    def __init__(self, *, base_url: str, bearer_token: str, brand_user_id: str, allow_private: bool = False):
        self.base = base_url.rstrip("/")
        self.allow_private = allow_private
        self.headers = {"Authorization": f"Bearer {bearer_token}"}
        self.brand_user_id = brand_user_id

    def _get(self, path: str, **params) -> dict:
        body, _ = get_json(
            f"{self.base}/{path.lstrip('/')}", params, self.headers, allow_private=self.allow_private
        )
        return body

    def account_name(self) -> str:
        body = self._get(f"2/users/{self.brand_user_id}")
        if "data" not in body:  # an unknown id is a 200 whose `errors` say so
            errors = body.get("errors") or [{}]
            kind = "not_found" if errors[0].get("type") == X_NOT_FOUND else "api"
            raise ConnectorError(f"X API: {errors[0].get('detail', 'no user')}", status=200, kind=kind)
        return str(body["data"].get("username", ""))

    def find_post(self, post: Post) -> bool:
        match = _STATUS_RE.search(post.post_url)
        if match is None:
            return False
        tags = " ".join(f"#{t}" for t in post.hashtags)
        body = self._get(
            "2/tweets/search/recent", query=f"{tags} from:{post.handle} -is:retweet", max_results=100
        )
        return any(tweet.get("id") == match.group(1) for tweet in body.get("data", []))

    def follows(self, handle: str) -> bool:
        user = self._get(f"2/users/by/username/{handle}").get("data")
        if not user:
            return False
        params: dict = {"max_results": 1000}
        for _ in range(MAX_FOLLOWER_PAGES):
            body = self._get(f"2/users/{self.brand_user_id}/followers", **params)
            if any(f.get("id") == user["id"] for f in body.get("data", [])):
                return True
            token = body.get("meta", {}).get("next_token")
            if not token:
                return False
            params["pagination_token"] = token
        return False

    def verify(self, post: Post) -> Verdict:
        handle = post.handle.lstrip("@")
        if not self.find_post(Post(handle, post.post_url, post.hashtags)):
            return Verdict(False, "post_deleted", _l("The post was not found with the hashtags."))
        if not self.follows(handle):
            absent = _l("@%(handle)s does not follow the brand's account.", handle=handle)
            return Verdict(False, "not_following", absent)
        return Verdict(True, note=_l("Post and follow confirmed by the X API."))
