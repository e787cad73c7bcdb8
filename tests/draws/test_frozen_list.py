"""The frozen list lives in private storage: kept by `storage gc`, moved there and back by migration 0010."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from campaign import create_app
from campaign.audit.models import AuditEvent
from campaign.audit.services import Actor
from campaign.campaigns.settings import PrizeData
from campaign.clock import utcnow
from campaign.draws import algorithm, certificate, eligibility, frozen, participants, services
from campaign.draws.models import Draw, DrawPick, Eligibility
from campaign.entries.models import EntryStatus
from campaign.extensions import db
from campaign.galleries import services as galleries
from campaign.galleries import snapshots
from campaign.storage import StorageError, build_storage, get_storage
from tests import factories
from tests.draws.helpers import close, enter, launched_campaign, set_status, studio_setup
from tests.instant.helpers import bare_entry


def _drawn(client) -> Draw:
    org, user = studio_setup()
    campaign = launched_campaign(org, prizes=[PrizeData(name="Tea", quantity=1)])
    for email in ("a@example.com", "b@example.com"):
        set_status(enter(client, campaign, email), EntryStatus.APPROVED)
    close(campaign)
    draw = services.run_draw(
        campaign,
        actor=Actor.member(user),
        password=factories.PASSWORD,
        beacon="",
        secret=client.application.secret_key,
        now=utcnow(),
    )
    db.session.commit()
    return draw


def test_storage_gc_keeps_frozen_lists_and_gallery_snapshots(client, runner):
    draw = _drawn(client)
    gallery = galleries.create_gallery(
        draw.org_id, galleries.GalleryData(name="Wall"), actor=Actor.system(), now=utcnow()
    )
    snapshots.publish(gallery, now=utcnow())
    db.session.commit()
    storage = get_storage()
    storage.put("private/draws/gone/frozen-list.txt", b"x y", content_type=frozen.CONTENT_TYPE)  # no draw
    storage.put("public/g/gone/gallery.json", b"{}", content_type="application/json")  # no gallery
    kept = [
        draw.frozen_list_key,
        *(snapshots.snapshot_key(gallery, name) for name in snapshots.SNAPSHOT_FILES),
    ]

    result = runner.invoke(args=["storage", "gc", "--grace", "0", "--delete"])

    assert result.exit_code == 0, result.output
    assert all(storage.exists(key) for key in kept)
    assert not storage.exists("private/draws/gone/frozen-list.txt")
    assert not storage.exists("public/g/gone/gallery.json")
    assert certificate.verify(certificate.certificate(draw)) == []


def test_migration_0010_moves_frozen_lists_to_storage_and_back(tmp_path):
    app = create_app(
        {
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrate.sqlite3'}",
            "STORAGE_BACKEND": "local",
            "STORAGE_LOCAL_ROOT": str(tmp_path / "uploads"),
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "ARGON2_PARALLELISM": 1,
            "SCHEDULER_THREAD": False,  # no ticker racing the migration under test
        }
    )
    with app.app_context():
        upgrade(revision="heads")
        draw = _drawn(app.test_client())
        text, key, public_id = frozen.text_of(draw), draw.frozen_list_key, draw.public_id
        assert text.count("\n") == 1
        db.session.remove()

        downgrade(revision="0009")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT frozen_list FROM draws")).scalar_one() == text
        get_storage().delete(key)  # the upgrade must write it again from the column

        upgrade(revision="heads")
        moved = db.session.scalar(select(Draw).where(Draw.public_id == public_id))
        assert moved.frozen_list_key == key and frozen.text_of(moved) == text
        assert certificate.verify(certificate.certificate(moved)) == []
        db.session.remove()
        db.engine.dispose()


def test_the_draw_reads_entry_ids_in_code_point_order(app):
    """Upper case before lower, "-" before digits, "_" between: the contract's order, not a locale's."""
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=[PrizeData(name="Tea", quantity=1)])
    ids = ["b-2", "B_1", "a", "Zz", "-x", "_y", "9", "aB", "ab"]
    for n, public_id in enumerate(ids):
        entry = bare_entry(campaign, f"p{n}@example.com", utcnow())
        entry.public_id, entry.status = public_id, EntryStatus.APPROVED
    db.session.commit()
    key = participants.key_for(app.secret_key, campaign.public_id)

    pool = eligibility.pool(campaign, Eligibility.APPROVED, key)

    assert list(pool.entries.ids) == sorted(ids)
    if db.engine.dialect.name == "postgresql":  # whatever the database's own collation is
        collation = db.session.execute(
            text(
                "SELECT collation_name FROM information_schema.columns"
                " WHERE table_name = 'entries' AND column_name = 'public_id'"
            )
        ).scalar()
        assert collation == "C"


class _Fed:
    """A sink that keeps what the scan feeds it, chunk by chunk."""

    def __init__(self):
        self.chunks: list[list[str]] = []

    def feed(self, entry_ids: list[str]) -> None:
        self.chunks.append(entry_ids)

    def discard(self) -> None:
        self.chunks.clear()


def test_the_scan_pages_through_the_index_and_finds_every_ticket_and_exclusion(app):
    """Chunks of every size, including one that ends exactly on the last entry, give the same pool; an
    unstamped entry found in a late chunk is stamped and the list read again."""
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=[PrizeData(name="Tea", quantity=1)])
    statuses = [EntryStatus.APPROVED] * 5 + [
        EntryStatus.REJECTED,
        EntryStatus.WITHDRAWN,
        EntryStatus.RECEIVED,
    ]
    entries = []
    for n, status in enumerate(statuses):
        entry = bare_entry(campaign, f"p{n % 6}@example.com", utcnow())
        entry.public_id, entry.status = f"id{n}", status
        entries.append(entry)
    db.session.commit()
    key = participants.key_for(app.secret_key, campaign.public_id)
    whole = eligibility.pool(campaign, Eligibility.APPROVED, key)  # stamps the unstamped entries
    assert whole.entries.ids == [f"id{n}" for n in range(5)]
    assert [e["reason"] for e in whole.exclusions] == ["rejected", "withdrawn", "not_approved"]
    assert whole.entries[0] == ("id0", participants.token(key, "p0@example.com"))

    for size in (1, 2, 3, 4, 8, 9):
        fed = _Fed()
        paged = eligibility.pool(campaign, Eligibility.APPROVED, key, sink=fed, chunk_size=size)
        assert (paged.entries.ids, paged.entries.lines) == (whole.entries.ids, whole.entries.lines), size
        assert paged.exclusions == whole.exclusions
        assert paged.text == algorithm.frozen_text(whole.entries.lines).encode()  # made from the chunks
        assert paged.digest == algorithm.digest(whole.entries.lines)
        assert [i for chunk in fed.chunks for i in chunk] == whole.entries.ids

        entries[4].participant_token = None  # the last eligible entry: found in the last chunk it is in
        db.session.commit()
        fed = _Fed()
        restamped = eligibility.pool(campaign, Eligibility.APPROVED, key, sink=fed, chunk_size=size)
        assert (restamped.entries.ids, restamped.entries.lines) == (whole.entries.ids, whole.entries.lines)
        assert fed.chunks == []  # told to discard: the draw scores the list read again in-process
        assert entries[4].participant_token == participants.token(key, "p4@example.com")


def test_a_storage_fault_writing_the_list_leaves_no_draw_and_the_campaign_drawable(app, tmp_path):
    """The list is written in a thread while the picks are inserted: its failure still fails the draw."""
    org, user = studio_setup()
    campaign = launched_campaign(org, prizes=[PrizeData(name="Tea", quantity=1)])
    for n in range(3):
        entry = bare_entry(campaign, f"p{n}@example.com", utcnow())
        entry.status = EntryStatus.APPROVED
    db.session.commit()
    close(campaign)
    working = get_storage()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("occupied")
    app.extensions["storage"] = build_storage(
        {"STORAGE_BACKEND": "local", "STORAGE_LOCAL_ROOT": str(blocker / "uploads")}
    )

    def draw() -> Draw:
        return services.run_draw(
            campaign,
            actor=Actor.member(user),
            password=factories.PASSWORD,
            beacon="",
            secret=app.secret_key,
            now=utcnow(),
        )

    with pytest.raises(services.DrawStorageFailed) as failed:  # a 503 the draw screen says: run it again
        draw()
    assert isinstance(failed.value.__cause__, StorageError)
    db.session.rollback()
    app.extensions["storage"] = working
    assert db.session.scalar(select(Draw)) is None and db.session.scalar(select(DrawPick)) is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "draw.run")) is None

    drawn = draw()
    db.session.commit()
    assert drawn.entry_count == 3 and certificate.verify(certificate.certificate(drawn)) == []


def test_the_reader_finds_chunks_out_of_order_and_gives_the_text_in_the_order_read():
    """Within a chunk or across two: then the draw sorts the list and writes its text again."""
    for chunks, ordered in (
        (["a x\nb y", None, "c z"], True),
        (["a x\nc y", "b z"], False),  # across chunks
        (["b x\na y"], False),  # within one
        (["a x\na y"], False),  # the same id twice is not in order either
    ):
        fed = _Fed()
        reader = eligibility._Reader(fed)
        for chunk in chunks:
            ids = "\n".join(line.split(" ")[0] for line in chunk.split("\n")) if chunk else None
            reader.feed(chunk, ids, None)
        read = reader.finish()
        lines = [line for chunk in chunks if chunk for line in chunk.split("\n")]
        assert read.ordered is ordered, chunks
        assert (read.lines, read.ids) == (lines, [line.split(" ")[0] for line in lines])
        assert read.text == "\n".join(lines).encode() and read.digest == algorithm.digest(lines)
        assert [i for chunk in fed.chunks for i in chunk] == read.ids


def test_the_reader_ends_when_the_read_fails_and_raises_its_own_error_in_the_draw():
    """A read that failed (the database went away) abandons the reader: its thread ends without splitting
    what is still queued. An error in the reader's thread (out of memory while scoring, say) is raised in
    the draw, which then writes nothing."""
    fed = _Fed()
    reader = eligibility._Reader(fed)
    reader.abandoned = True  # as abandon() sets it, before the queued chunk is taken
    reader.feed("a x", "a", None)
    reader.abandon()
    assert reader.done.result(timeout=10).ids == [] and fed.chunks == []

    class Full(_Fed):
        def feed(self, entry_ids: list[str]) -> None:
            raise MemoryError

    failing = eligibility._Reader(Full())
    failing.feed("a x", "a", None)
    with pytest.raises(MemoryError):
        failing.finish()

    broken = eligibility._Reader(None)
    broken.feed("a x\ny", "a", None)  # a token holding a newline: two lines for one entry
    with pytest.raises(ValueError, match="do not match"):
        broken.finish()
