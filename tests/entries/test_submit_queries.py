"""What one submission reads: its campaign with the products in one query, then the entries that decide it
(the form's earlier entry, the person's slots) in one more."""

from sqlalchemy import select

from campaign.campaigns.addresses import public_campaign
from campaign.campaigns.settings import ProductData
from campaign.clock import utcnow
from campaign.entries import repeats, services
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.storage import get_storage
from tests import factories
from tests.queries import counted_queries


def send(app, *, form_key: str, email: str = "a@example.com") -> tuple[Entry, bool, list[str]]:
    db.session.expire_all()  # as in a request of its own
    with app.test_request_context(), counted_queries() as statements:
        campaign = public_campaign("summer", now=utcnow())
        sub = services.Submission(
            email=email,
            rating=5,
            accepts_terms=True,
            idempotency_key=form_key,
            product_id=campaign.products[1].public_id,
        )
        entry, created = services.submit(
            campaign,
            sub,
            factories.photo(),
            storage=get_storage(),
            limits=services.Limits.from_config(app.config),
            now=utcnow(),
            secret=app.secret_key,
        )
        db.session.commit()
    return entry, created, [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def test_the_campaign_and_its_products_are_one_query_and_the_deciding_entries_another(app):
    products = [ProductData(name="Green tea"), ProductData(name="Black tea")]
    factories.campaign(factories.org(), products=products, entries_per_person=3)
    entry, created, reads = send(app, form_key="k1")
    assert created and entry.product.name == "Black tea" and entry.person_slot == 1
    products_read = [s for s in reads if "products" in s]
    assert len(products_read) == 1 and "FROM campaigns LEFT OUTER JOIN products" in products_read[0]
    assert len([s for s in reads if "FROM entries" in s]) == 1

    second, created, _ = send(app, form_key="k2", email="A+tag@example.com")  # the same person
    assert created and second.person_slot == 2

    again, created, reads = send(app, form_key="k2", email="A+tag@example.com")  # the same form again
    assert not created and again.id == second.id
    assert db.session.scalar(select(Entry.person_slot).where(Entry.id == again.id)) == 2


def test_the_deciding_entries_are_found_through_their_unique_indexes_not_a_scan_of_the_campaign(app):
    """An OR of the two lookups had SQLite read every entry of the campaign for each submission."""
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL plans from its statistics; the two lookups are the ones it planned before
    campaign = factories.campaign(factories.org())
    with counted_queries() as statements:
        repeats.earlier_entries(campaign, "k" * 64, "a@example.com")
    (query,) = [s for s in statements if "FROM entries" in s]
    parameters = ("x",) * query.count("?")
    explained = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {query}", parameters)
    plan = " ".join(row[-1] for row in explained)
    assert "(campaign_id=? AND idempotency_key=?)" in plan
    assert "(campaign_id=? AND email_normalised=? AND person_slot>?)" in plan


def test_a_submission_writes_its_rows_with_no_savepoint_and_no_update(app):
    """The usual path is the entry's INSERTs and nothing else: a savepoint around them (for two photos of
    one person sent at once) cost every submission about 0.5 ms of CPU on SQLite; that race is retried
    after its rollback instead (`services.record`)."""
    factories.campaign(factories.org(), entries_per_person=3)
    db.session.expire_all()
    with app.test_request_context(), counted_queries() as statements:
        campaign = public_campaign("summer", now=utcnow())
        sub = services.Submission(email="a@example.com", rating=5, accepts_terms=True, idempotency_key="k")
        limits = services.Limits.from_config(app.config)
        entry, created = services.record(
            campaign,
            sub,
            factories.photo(),
            storage=get_storage(),
            limits=limits,
            now=utcnow(),
            secret=app.secret_key,  # as the view does: the participant is stamped before the INSERT
        )
    assert created
    writes = [s.split()[0].upper() for s in statements if not s.lstrip().upper().startswith("SELECT")]
    assert "SAVEPOINT" not in writes and "UPDATE" not in writes, writes
