"""Both connectors against a local server speaking the APIs' documented JSON, errors and rate limits."""

import pytest

from campaign.connectors.base import ConnectorError, Post
from campaign.connectors.instagram import InstagramGraph
from campaign.connectors.x import XApi

IG_POST = "https://www.instagram.com/p/C0ffee123/"
X_POST = "https://x.com/hanako/status/1790000000000000001"


def graph(apis, token="ig-token"):  # noqa: S107 - the fake server's token
    return InstagramGraph(
        base_url=apis.graph_url, access_token=token, ig_user_id="17841400000000001", allow_private=True
    )


def x_api(apis, token="x-token"):  # noqa: S107 - the fake server's token
    return XApi(base_url=apis.url, bearer_token=token, brand_user_id="900", allow_private=True)


def test_instagram_matches_the_post_by_permalink_across_hashtag_pages(social_apis):
    state = social_apis.state
    state.ig_hashtags["greentea"] = "17843853986012345"
    others = [{"id": str(n), "permalink": f"https://www.instagram.com/p/other{n}/"} for n in range(120)]
    state.ig_media["17843853986012345"] = [
        *others,
        {"id": "999", "permalink": "https://instagram.com/p/C0ffee123"},
    ]
    verdict = graph(social_apis).verify(Post("hanako", IG_POST, ("GreenTea",)))
    assert verdict.passed is True and "cannot confirm following" in str(verdict.note)
    assert state.requests.count("/graph/17843853986012345/recent_media") == 3  # 50 per page, after cursors


def test_instagram_finds_tagged_media_first_and_reports_a_deleted_post(social_apis):
    state = social_apis.state
    state.ig_tags = [
        {"id": "5", "permalink": "https://www.instagram.com/reel/C0ffee123/", "username": "hanako"}
    ]
    assert graph(social_apis).verify(Post("hanako", IG_POST, ("tea",))).passed is True
    assert "/graph/ig_hashtag_search" not in state.requests
    state.ig_tags = []
    gone = graph(social_apis).verify(Post("hanako", IG_POST, ("tea",)))
    assert gone.passed is False and gone.reason == "post_deleted"


def test_instagram_error_objects_and_rate_limits_raise_with_the_api_message(social_apis):
    with pytest.raises(ConnectorError, match="Error validating access token") as expired:
        graph(social_apis, token="old").verify(Post("hanako", IG_POST, ("tea",)))
    assert expired.value.retry_after is None
    social_apis.state.graph_error = {"code": 4, "message": "Application request limit reached"}
    with pytest.raises(ConnectorError, match="request limit") as limited:
        graph(social_apis).verify(Post("hanako", IG_POST, ("tea",)))
    assert limited.value.kind == "rate_limited" and limited.value.retry_after is None  # no estimate given
    social_apis.state.graph_regain_minutes = 17
    with pytest.raises(ConnectorError) as limited:
        graph(social_apis).verify(Post("hanako", IG_POST, ("tea",)))
    assert limited.value.retry_after == 17 * 60  # X-Business-Use-Case-Usage, in minutes


def test_x_checks_the_post_by_search_and_the_follow_by_follower_pages(social_apis):
    state = social_apis.state
    state.tweets = [{"id": "1790000000000000001", "text": "美味しい #GreenTea", "author": "hanako"}]
    state.x_users = {"hanako": "4242", "taro": "77"}
    state.x_followers = [str(n) for n in range(2500)] + ["4242"]
    assert x_api(social_apis).verify(Post("@hanako", X_POST, ("greentea",))).passed is True
    assert state.requests.count("/2/users/900/followers") == 3  # 1,000 per page

    state.x_followers = ["1", "2"]
    not_following = x_api(social_apis).verify(Post("hanako", X_POST, ("greentea",)))
    assert (not_following.passed, not_following.reason) == (False, "not_following")
    missing = x_api(social_apis).verify(Post("taro", "https://x.com/taro/status/5", ("greentea",)))
    assert (missing.passed, missing.reason) == (False, "post_deleted")


def test_x_rate_limit_and_bad_token(social_apis):
    with pytest.raises(ConnectorError, match="401") as unauthorised:
        x_api(social_apis, token="wrong").verify(Post("hanako", X_POST, ("tea",)))
    assert (unauthorised.value.status, unauthorised.value.kind) == (401, "unauthorised")
    social_apis.state.x_rate_limited = True
    with pytest.raises(ConnectorError, match="rate limit") as limited:
        x_api(social_apis).verify(Post("hanako", X_POST, ("tea",)))
    assert limited.value.status == 429 and limited.value.kind == "rate_limited"
    assert 0 < limited.value.retry_after <= 900  # x-rate-limit-reset is an epoch second, 15 min ahead
