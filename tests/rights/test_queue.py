"""The moderation queue shows each collected entry's source and rights state, and filters by it."""

from tests.rights.helpers import add_templates, ask, collected


def shown(page, *entries) -> list[bool]:
    return [f'id="q-{e.public_id}"' in page.text for e in entries]


def test_the_queue_filters_by_rights_state_and_shows_badges(brand):
    add_templates(brand)
    upload = brand.entry()
    never = collected(brand, post_id="1", handle="never_asked")
    asked = collected(brand, post_id="2", handle="asked_one")
    ask(brand, asked)
    client = brand.studio.client
    page = client.get("/studio/moderation/")
    assert shown(page, upload, never, asked) == [True, True, True]
    assert (
        "Rights: not requested" in page.text
        and "Rights: to send" in page.text
        and "@never_asked" in page.text
    )
    assert "Ask selected for rights" in page.text
    assert shown(client.get("/studio/moderation/?source=x&rights=none"), upload, never, asked) == [
        False,
        True,
        False,
    ]
    assert shown(client.get("/studio/moderation/?source=upload"), upload, never, asked) == [
        True,
        False,
        False,
    ]
    assert shown(client.get("/studio/moderation/?rights=none"), upload, never, asked) == [False, True, False]
    assert shown(client.get("/studio/moderation/?rights=to_send"), upload, never, asked) == [
        False,
        False,
        True,
    ]
    assert shown(client.get("/studio/moderation/?rights=granted"), upload, never, asked) == [
        False,
        False,
        False,
    ]
    # an unknown value is ignored; the other filters keep working beside it
    assert shown(client.get("/studio/moderation/?rights=bogus"), upload, never, asked) == [True, True, True]
    assert shown(client.get("/studio/moderation/?rights=none&state=approved"), upload, never, asked) == [
        False,
        False,
        False,
    ]
    ja = client.get("/studio/moderation/", headers={"Accept-Language": "ja"})
    assert "許諾：未依頼" in ja.text and "選択した投稿に利用許諾を依頼" in ja.text
