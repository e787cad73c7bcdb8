"""Instagram's `mentions` webhook: GET answers Meta's verification (hub.challenge), POST takes a signed
delivery and queues the collection of each mentioned media through the outbox. A delivery without the
right `X-Hub-Signature-256` (HMAC-SHA256 of the raw body under the app secret) gets 403 and stores
nothing; a body over MAX_BODY gets 413 before it is read."""

import hashlib
import hmac
import json

from flask import Blueprint, abort, current_app, request
from sqlalchemy import select

from campaign import jobs
from campaign.connectors.models import ConnectorAccount
from campaign.extensions import csrf, db
from campaign.sources.models import Source, SourceKind, SourceState

bp = Blueprint("source_hooks", __name__, url_prefix="/hooks")
MAX_BODY = 64 * 1024  # a mentions delivery is a few hundred bytes; Meta batches at most a thousand changes


def signature_ok(secret: str, body: bytes, header: str) -> bool:
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256=") :])


def mentioned(payload) -> list[tuple[str, str]]:
    """(IG user id, media id) of each `mentions` change; anything else in the payload is ignored."""
    found = []
    if not isinstance(payload, dict) or payload.get("object") != "instagram":
        return found
    for item in payload.get("entry") or []:
        if not isinstance(item, dict):
            continue
        for change in item.get("changes") or []:
            value = change.get("value") if isinstance(change, dict) else None
            if change.get("field") == "mentions" and isinstance(value, dict) and value.get("media_id"):
                found.append((str(item.get("id", "")), str(value["media_id"])[:64]))
    return found


@bp.get("/instagram")
def verify():
    token = current_app.config.get("INSTAGRAM_VERIFY_TOKEN") or ""
    given = request.args.get("hub.verify_token", "")
    if request.args.get("hub.mode") != "subscribe" or not token or not hmac.compare_digest(token, given):
        abort(403)
    challenge = request.args.get("hub.challenge", "")[:200]
    return challenge, 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.post("/instagram")
@csrf.exempt
def deliver():
    if (request.content_length or 0) > MAX_BODY:
        abort(413)
    body = request.stream.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        abort(413)
    secret = current_app.config.get("INSTAGRAM_APP_SECRET") or ""
    if not signature_ok(secret, body, request.headers.get("X-Hub-Signature-256", "")):
        abort(403)
    try:
        payload = json.loads(body)
    except ValueError:
        abort(400)
    from campaign.sources.poll import collect_mention

    queued = 0
    for ig_user_id, media_id in mentioned(payload):
        sources = db.session.scalars(
            select(Source.id)
            .join(ConnectorAccount, ConnectorAccount.org_id == Source.org_id)
            .where(
                ConnectorAccount.network == "instagram",
                ConnectorAccount.account_id == ig_user_id,
                Source.kind == SourceKind.INSTAGRAM_TAGS,
                Source.state == SourceState.ACTIVE,
            )
        ).all()
        for source_id in sources:
            jobs.after_commit(collect_mention, source_id, media_id)
            queued += 1
    db.session.commit()
    return {"queued": queued}, 200
