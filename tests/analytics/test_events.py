"""Beacons from an embed on a brand's site are counted once, and nothing else is: a person's views,
interactions, product clicks and an order, against robots, floods, replays and bodies that are not ours."""

import json

from sqlalchemy import func, select

from campaign.analytics.models import Event, Order
from campaign.extensions import db
from tests.analytics.helpers import SHOP, beacon, conversion, embed, page_view, settle, totals


def test_a_visitor_is_counted_and_gets_no_cookie(app, client, brand):
    photo = brand.approved(caption="Lovely tea")
    gallery = brand.gallery(allowed_origins=SHOP)
    product = brand.campaign.products[0]
    product.url = "https://shop.example.jp/tea"
    db.session.commit()
    pv = page_view()
    answers = [
        beacon(client, embed(gallery.public_id, {"k": "impression", "ps": [photo.public_id]}, pv=pv)),
        beacon(
            client,
            {
                "g": gallery.public_id,
                "pv": pv,
                "h": 1,
                "e": [{"n": 5, "k": "interaction", "p": photo.public_id}],
            },
        ),
        beacon(
            client,
            {
                "g": gallery.public_id,
                "pv": pv,
                "h": 1,
                "e": [{"n": 6, "k": "click", "p": photo.public_id, "pr": product.public_id}],
            },
        ),
    ]
    assert [a.status_code for a in answers] == [204, 204, 204]
    assert all("Set-Cookie" not in a.headers for a in answers)
    touches = [{"g": gallery.public_id, "p": photo.public_id, "pr": product.public_id, "c": 1, "a": 30}]
    sale = beacon(client, conversion("A-1001", 4980, touches, products=["TEA-1"]))
    assert sale.status_code == 204 and "Set-Cookie" not in sale.headers
    assert db.session.scalar(select(func.count()).where(Event.kind != "visit")) == 0  # none written yet
    settle(app)
    counted = totals(gallery_id=gallery.id)
    assert counted["impressions"] == 1 and counted["views"] == 1
    assert counted["interactions"] == 1 and counted["clicks"] == 1
    assert counted["click_conversions"] == 1 and counted["view_conversions"] == 0
    assert counted["click_revenue_cents"] == 498000
    assert totals(gallery_id=gallery.id, photo_id=photo.id)["clicks"] == 1
    assert totals(gallery_id=gallery.id, product_id=product.id)["click_conversions"] == 1


def test_an_order_counts_once_however_often_it_is_sent(app, client, brand):
    photo = brand.approved()
    gallery = brand.gallery(allowed_origins=SHOP)
    seen = [{"g": gallery.public_id, "p": photo.public_id, "pr": "", "c": 0, "a": 120}]
    assert beacon(client, conversion("A-7", 1000, seen)).status_code == 204
    assert beacon(client, conversion("A-7", 1000, seen)).status_code == 204  # a reload of the thank-you page
    settle(app)
    assert beacon(client, conversion("A-7", 99999, seen)).status_code == 204  # later, from another process
    app.extensions["analytics_events"].seen.clear()  # as another worker would: it never saw the order
    assert beacon(client, conversion("A-7", 99999, seen)).status_code == 204
    settle(app)
    counted = totals(gallery_id=gallery.id)
    assert counted["view_conversions"] == 1 and counted["click_conversions"] == 0
    assert counted["view_revenue_cents"] == 100000
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1


def test_a_sale_outside_the_window_or_without_a_gallery_is_not_attributed(app, client, brand):
    photo = brand.approved()
    gallery = brand.gallery(allowed_origins=SHOP)
    old = [{"g": gallery.public_id, "p": photo.public_id, "pr": "", "c": 1, "a": 25 * 3600}]
    assert beacon(client, conversion("B-1", 500, old)).status_code == 204
    assert beacon(client, conversion("B-2", 500, [])).status_code == 204
    settle(app)
    assert totals()["click_conversions"] == totals()["view_conversions"] == 0


def test_refused_beacons_store_nothing(app, client, brand):
    photo = brand.approved()
    gallery = brand.gallery(allowed_origins=SHOP)
    good = embed(gallery.public_id, {"k": "impression", "ps": [photo.public_id]})
    cases = [
        (beacon(client, b"{not json"), 400),
        (beacon(client, b"x" * 5000), 400),  # oversized
        (beacon(client, b"[]"), 400),
        (beacon(client, {**good, "extra": 1}), 400),
        (beacon(client, embed(gallery.public_id, {"k": "purchase"})), 400),
        (beacon(client, good, origin="https://evil.example"), 400),  # wrong origin
        (beacon(client, embed("no-such-gallery", {"k": "impression"})), 400),
        (beacon(client, embed(gallery.public_id, {"k": "interaction", "p": "not-in-this-gallery"})), 400),
        (beacon(client, embed(gallery.public_id, {"k": "click", "pr": "no-such-product"})), 400),
        (beacon(client, conversion("C-1", -5, [])), 400),
        (beacon(client, conversion("C-1", 5, [], currency="yen")), 400),
        (beacon(client, conversion("has space", 5, [])), 400),
        (beacon(client, good, ua="Googlebot/2.1 (+http://www.google.com/bot.html)"), 204),  # robot
        (beacon(client, good, ua=""), 204),
        (beacon(client, embed(gallery.public_id, {"k": "impression"}, human=0)), 204),  # no person seen
        (client.get("/api/v1/events"), 405),
    ]
    assert [response.status_code for response, _ in cases] == [status for _, status in cases]
    assert all("Set-Cookie" not in response.headers for response, _ in cases)
    settle(app)
    assert db.session.scalar(select(func.count()).select_from(Event).where(Event.kind != "visit")) == 0
    assert totals()["impressions"] == 0


def test_replays_and_floods_are_not_counted(app, client, brand):
    photo = brand.approved()
    gallery = brand.gallery(allowed_origins=SHOP)
    body = embed(gallery.public_id, {"k": "interaction", "p": photo.public_id})
    assert [beacon(client, body).status_code for _ in range(3)] == [204, 204, 204]
    settle(app)
    app.extensions["analytics_events"].seen.clear()  # another worker, same day: the database drops it
    beacon(client, body)
    settle(app)
    assert totals()["interactions"] == 1
    flood = [
        beacon(client, embed(gallery.public_id, {"k": "interaction"}), address="198.51.100.7").status_code
        for _ in range(150)
    ]
    assert set(flood) == {204}
    settle(app)
    assert totals()["interactions"] == 1 + 120  # the rate per address and minute


def test_a_thousand_hostile_bodies_leave_the_rollups_right(app, client, brand):
    """Real beacons among 1 000 hostile ones: only the real ones are counted."""
    import random

    photo = brand.approved()
    gallery = brand.gallery(allowed_origins=SHOP)
    rng = random.Random(15)
    good = embed(gallery.public_id, {"k": "impression", "ps": [photo.public_id]})
    mutations = [
        lambda: rng.randbytes(rng.randint(1, 6000)),
        lambda: json.dumps({**good, "g": "x" * rng.randint(33, 300)}).encode(),
        lambda: json.dumps({**good, "pv": rng.choice(["", "ABC", "0" * 17, None, 7])}).encode(),
        lambda: json.dumps({**good, "e": [{"n": -1, "k": "impression"}]}).encode(),
        lambda: json.dumps({**good, "e": [{"n": i, "k": "click"} for i in range(11)]}).encode(),
        lambda: json.dumps({**good, "e": [{"n": 1, "k": "impression", "ps": ["zz"] * 60}]}).encode(),
        lambda: json.dumps({**good, "e": [{"n": True, "k": "impression"}]}).encode(),
        lambda: json.dumps({**good, "h": rng.choice([0, "1", True, None])}).encode(),
        lambda: ("[" * 5000).encode(),
        lambda: json.dumps(conversion("X", rng.choice([float("inf"), 10**12, "100", None]), [])).encode(),
        lambda: json.dumps(conversion("Y", 10, [{"g": gallery.public_id, "c": 2, "a": 1}])).encode(),
        lambda: json.dumps(conversion("Z", 10, [{"g": "nope", "c": 1, "a": 1}])).encode(),
        lambda: "\ufeff{}".encode(),
        lambda: json.dumps({"k": "conversion"}).encode(),
    ]
    statuses = set()
    for i in range(1000):
        hostile = rng.choice(mutations)()
        statuses.add(beacon(client, hostile, address=f"10.0.{i % 250}.{i // 250}").status_code)
        if i % 100 == 0:
            assert (
                beacon(
                    client, embed(gallery.public_id, {"k": "impression", "ps": [photo.public_id]})
                ).status_code
                == 204
            )
    assert statuses <= {204, 400}
    settle(app)
    counted = totals(gallery_id=gallery.id)
    assert counted["impressions"] == 10 and counted["views"] == 10
    assert counted["clicks"] == counted["click_conversions"] == counted["view_conversions"] == 0
    assert totals()["impressions"] == 10


def test_a_web_process_writer_writes_its_beacons_and_stops_with_its_app(app, client, brand):
    """Without Redis each web process writes its beacons from its own thread; that thread ends, after a
    last write, when asked (a worker's shutdown, a test's end), instead of outliving its app."""
    import threading

    from campaign.analytics.buffer import MemoryBuffer, stop_writers

    photo = brand.approved()
    gallery = brand.gallery(allowed_origins=SHOP)
    app.extensions["analytics_buffer"] = writer = MemoryBuffer(app, thread=True)
    answer = beacon(client, embed(gallery.public_id, {"k": "impression", "ps": [photo.public_id]}))
    assert answer.status_code == 204
    assert writer.writer is not None and writer.writer.is_alive()
    stop_writers()
    assert not writer.writer.is_alive()
    assert not [t for t in threading.enumerate() if t.name == "kuchikomi-analytics"]
    assert db.session.scalar(select(func.count()).where(Event.kind == "impression")) == 1  # its last write
