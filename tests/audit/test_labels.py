"""The audit trail speaks the reader's language: every action the code records has words, never a raw code."""

import re
from pathlib import Path

from campaign.audit.labels import ACTIONS, FIELDS, field_label
from campaign.audit.values import field_value
from campaign.moderation.services import ACTIONS as MODERATION_ACTIONS
from campaign.orgs.models import Role
from tests.conftest import csrf_from
from tests.moderation.conftest import make_team, reason_id, step

PACKAGE = Path(__file__).resolve().parents[2] / "campaign"
# The action code: the first "object.verb" string literal of a record(...) / record_for_entry(...) /
# audit(...) / _audit(...) call.
CALL = re.compile(r"\b_?(?:record|record_for_entry|audit)\(\s*[^()]*?\"([a-z_]+\.[a-z_]+)\"", re.S)
ACTION_ARG = re.compile(r"action=\"([a-z_]+\.[a-z_]+)\"")


def recorded_actions() -> set[str]:
    found = {f"entry.{action}" for action in MODERATION_ACTIONS}
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        found |= set(CALL.findall(text)) | set(ACTION_ARG.findall(text))
    return found


def test_every_recorded_action_has_a_label():
    actions = recorded_actions()
    assert {"entry.approve", "campaign.launch", "draw.run", "privacy.erase"} <= actions  # the scan works
    assert sorted(actions - ACTIONS.keys()) == []


# The keys of a before={...} / after={...} literal (nested dicts' keys are values' parts, not fields).
VALUES = re.compile(r"(?:after|before)=\{((?:[^{}]|\{[^{}]*\})*)\}")
KEY = re.compile(r"\"([a-z_]+)\":")


def recorded_fields() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for values in VALUES.findall(path.read_text()):
            found |= set(KEY.findall(re.sub(r"\{[^{}]*\}", "", values)))
    return found


def test_every_recorded_field_has_a_label():
    """A walk-through found keys such as "deadline" shown as they are, beside a raw UTC timestamp."""
    fields = recorded_fields()
    assert {"state", "deadline", "retention_days"} <= fields  # the scan works
    assert sorted(fields - FIELDS.keys()) == []


def test_times_states_and_consent_read_as_words(app):
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        deadline = field_value("2026-12-18T23:59:28.207045+00:00", "deadline", "ja")
        assert "2026/12/" in deadline and "T23" not in deadline
        assert field_label("deadline") == "受け取り手続きの期限"
        assert field_value("claimed", "state", "ja") == "受け取り手続き済み"
        assert field_value("granted", "state", "ja") == "許諾済み"
        assert (
            field_value(["gallery", "review"], "consent_scopes", "ja")
            == "ブランドサイトのギャラリー、商品レビュー"
        )


def test_closing_early_reads_as_before_the_end_not_before_the_period(app):
    """「キャンペーンを締め切り（期間前）」 read as closed before the campaign began (a walk-through's
    find)."""
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        assert str(ACTIONS["campaign.close_now"]) == "キャンペーンを終了日時より前に締め切り"


def test_a_snapshot_reads_as_words_and_a_reason_in_the_readers_language(app):
    after = {"status": "rejected", "rejection_reason": {"ja": "ピンぼけ", "en": "Out of focus"}}
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert field_value(after["status"], "status", "en") == "Not approved"
        assert field_value(after["rejection_reason"], "rejection_reason", "en") == "Out of focus"
        assert field_value(after["rejection_reason"], "rejection_reason", "ja") == "ピンぼけ"  # the reader's
        assert field_label("rejection_reason") == "Reason shown to the customer"


def test_the_audit_page_in_japanese_shows_words_not_codes(app, client):
    team = make_team(app)
    entry, _ = team.entry(client)
    editor = team.studio(Role.EDITOR)
    step(editor, entry, "reject", reason=reason_id(team))
    page = editor.client.get(
        f"/studio/campaigns/{team.campaign.public_id}/audit", headers={"Accept-Language": "ja"}
    ).text
    assert "応募を非承認" in page and "受付済み" in page and "非承認" in page
    assert ">entry.reject<" not in page and "status: received" not in page  # (data-action keeps the code)
    assert " / " not in page.split("audit-list")[1]  # the reason in one language, not "JA / EN"


def test_an_erasure_reads_in_japanese_on_the_audit_page(app, client):
    """The erasure showed "erased email、caption、nickname、social_handle…" and the withdrawal
    "withdrawn by customer": code names a marketer cannot read."""
    team = make_team(app)
    _, status_url = team.entry(client)
    confirm = client.get(status_url + "/erase")
    assert client.post(status_url + "/erase", data={"csrf_token": csrf_from(confirm.text)}).status_code == 303
    page = (
        team.studio(Role.OWNER)
        .client.get(f"/studio/campaigns/{team.campaign.public_id}/audit", headers={"Accept-Language": "ja"})
        .text.split("audit-list")[1]
    )
    assert "消去した項目" in page and "メールアドレス、コメント、ニックネーム" in page
    assert "取り下げた人" in page and "応募者" in page
    for code in ("erased", "social_handle", "post_url", "team_note", "postal_address", "withdrawn by"):
        assert code not in page, code


REASON_ARG = re.compile(r"\breason=\"([^\"]+)\"\s*[,)]")  # the whole argument, not a part
LOST = re.compile(r"_on_entry_lost\(\"([^\"]+)\"\)")


def test_every_reason_the_app_records_itself_has_words():
    """A walk-through read 「理由：entry withdrawn」 and 「理由：entry approved again」 on the trail."""
    from campaign.audit.labels import REASONS
    from campaign.entries.models import EntryStatus

    found = {f"entry {status.value}" for status in (EntryStatus.REJECTED, EntryStatus.WITHDRAWN)}  # galleries
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        found |= set(REASON_ARG.findall(text)) | set(LOST.findall(text))
    assert {"entry approved again", "claim deadline passed", "entry withdrawn"} <= found  # the scan works
    assert sorted(found - REASONS.keys()) == []


def test_a_takedown_and_its_review_read_as_words_in_japanese(app, client):
    """A walk-through's finds: the brand's takedown read 「応募を取り下げ」 as a customer's withdrawal
    does, the review it withdrew said 「変更前 ステータス published」 and 「理由：entry withdrawn」, and the
    entry was named by its id alone."""
    from campaign.reviews.services import publish_review

    team = make_team(app)
    entry, _ = team.entry(client, nickname="みどり")
    editor = team.studio(Role.EDITOR)
    step(editor, entry, "approve")
    from campaign.audit.services import Actor
    from campaign.extensions import db

    publish_review(entry, None, actor=Actor.system(), now=entry.created_at)
    db.session.commit()
    assert step(editor, entry, "withdraw", note="権利者から連絡").status_code == 303
    page = editor.client.get(
        f"/studio/campaigns/{team.campaign.public_id}/audit", headers={"Accept-Language": "ja"}
    ).text.split("audit-list")[1]
    assert "掲載を停止（テイクダウン）" in page and "応募を取り下げ" not in page
    assert "理由：応募が取り下げられたため" in page and "entry withdrawn" not in page
    assert "公開済み" in page
    assert ">published<" not in page and " published" not in page
    assert "みどり" in page  # the entry by its nickname beside its id
    assert "Green tea" in page and entry.campaign.products[0].public_id not in page  # its product by name


def test_a_promoted_alternate_is_named_by_nickname(app, client, studio):
    """A check read 「当選した応募 EBLl…」 and 「繰り上げ元 XQe1…」: pick ids, shown nowhere else."""
    from tests.draws.test_winners import drawn

    campaign, draw = drawn(client, studio, ["a@example.com", "b@example.com"])
    winner = next(p for p in draw.picks if p.role == "winner")
    nickname = winner.entry.nickname
    page = studio.client.get(f"/studio/campaigns/{campaign.public_id}/audit?lang=ja").text
    assert nickname and f"当選した応募 {nickname} <code>{winner.public_id}</code>" in page


def test_a_refused_draw_images_and_prizes_read_as_words_with_units(app):
    """The trail showed 「拒否の理由 wrong_password」, 「画像 hero_image、logo_image、prizes[0].image」 and a
    prize as 「お茶 (2 · 5000)」."""
    from flask_babel import refresh

    from campaign.draws import services as draws

    images = ["hero_image", "logo_image", "prizes[0].image"]
    prizes = [{"name": "お茶", "quantity": 2, "value_jpy": 5000, "public_id": "p1"}]
    products = [{"name": "緑茶", "sku": "GT-1", "jan": "4901234567894", "url": ""}]
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        assert field_value("wrong_password", "refused", "ja") == "パスワードの誤り"
        assert field_value(images, "images", "ja") == "メイン画像、ロゴ、賞品1の画像"
        assert field_value(prizes, "prizes", "ja") == "お茶 (2名 · 5,000円)"
        assert field_value(products, "products", "ja") == "緑茶 (SKU GT-1 · JAN 4901234567894)"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()  # the app context outlives the request: its locale was the Japanese one
        assert field_value("wrong_password", "refused", "en") == "the password was wrong"
        assert field_value(images, "images", "en") == "Hero image, Logo, Image of prize 1"
        assert field_value(prizes, "prizes", "en") == "お茶 (2 winners · ¥5,000)"
    from campaign.audit.values import REFUSED

    refusals = [c for c in vars(draws).values() if isinstance(c, type) and c.__module__ == draws.__name__]
    codes = {cls.code for cls in refusals if hasattr(cls, "code")}  # what draw.refused may record
    assert {"wrong_password", "already_drawn"} <= codes and sorted(codes - REFUSED.keys()) == []


def test_a_held_posts_network_reads_as_its_name(app):
    """Walked: the trail of a held post read 「SNS x」, the code, beside the Japanese words."""
    from campaign.audit.values import field_value

    with app.test_request_context(headers={"Accept-Language": "ja"}):
        assert field_value("x", "network", "ja") == "X"
        assert field_value("instagram", "network", "ja") == "Instagram"
