"""The rights feature's calls to the networks, through the organisation's connector (its base URL, token
and the outbound guard of `connectors.base`): post a reply, read replies, send a direct message."""

from campaign.connectors.base import ConnectorError, get_json, post_json
from campaign.connectors.instagram import InstagramGraph
from campaign.connectors.x import XApi


def x_reply(api: XApi, in_reply_to: str, text: str) -> str:
    """POST /2/tweets with `reply.in_reply_to_tweet_id`; the new post's id."""
    body, _ = post_json(
        f"{api.base}/2/tweets",
        {"text": text, "reply": {"in_reply_to_tweet_id": in_reply_to}},
        api.headers,
        allow_private=api.allow_private,
    )
    return _id(body.get("data") or {}, "id")


def x_direct_message(api: XApi, handle: str, text: str) -> str:
    """POST /2/dm_conversations/with/:participant_id/messages, after looking the handle's id up."""
    found, _ = get_json(
        f"{api.base}/2/users/by/username/{handle}", {}, api.headers, allow_private=api.allow_private
    )
    user = found.get("data") or {}
    if not user.get("id"):
        raise ConnectorError(f"X knows no user @{handle}", status=200, kind="not_found")
    body, _ = post_json(
        f"{api.base}/2/dm_conversations/with/{user['id']}/messages",
        {"text": text},
        api.headers,
        allow_private=api.allow_private,
    )
    return _id(body.get("data") or {}, "dm_event_id")


def x_replies_with(api: XApi, conversation_id: str, author: str, hashtag: str) -> list[dict]:
    """Recent search `conversation_id:<id> from:<author> #<tag>`: the author's replies carrying the tag."""
    body, _ = get_json(
        f"{api.base}/2/tweets/search/recent",
        {
            "query": f"conversation_id:{conversation_id} from:{author} #{hashtag}",
            "tweet.fields": "author_id,conversation_id,created_at",
            "max_results": 10,
        },
        api.headers,
        allow_private=api.allow_private,
    )
    return [t for t in body.get("data") or [] if isinstance(t, dict)]


def ig_reply_to_mention(api: InstagramGraph, media_id: str, text: str) -> str:
    """POST /{ig-user-id}/mentions with media_id and message: a comment on media that @mentions the brand."""
    body, _ = post_json(
        f"{api.base}/{api.user_id}/mentions",
        None,
        {},
        params={"media_id": media_id, "message": text, "access_token": api.token},
        allow_private=api.allow_private,
    )
    return _id(body, "id")


def ig_mention_comments(api: InstagramGraph, media_id: str) -> list[dict]:
    """The comments of a media that mentions the brand: `mentioned_media.media_id(<id>){comments{...}}`."""
    body, _ = get_json(
        f"{api.base}/{api.user_id}",
        {
            "fields": f"mentioned_media.media_id({media_id}){{comments{{id,text,username,timestamp}}}}",
            "access_token": api.token,
        },
        {},
        allow_private=api.allow_private,
    )
    media = body.get("mentioned_media") or {}
    comments = media.get("comments") or {}
    return [c for c in comments.get("data") or [] if isinstance(c, dict)]


def _id(body: dict, key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise ConnectorError(f"the API answered without {key}", status=200, kind="api")
    return value
