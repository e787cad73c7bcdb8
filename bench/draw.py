"""Our whole verifiable draw against a minimal correct, unverifiable draw, on SQLite and PostgreSQL.

Run: .venv/bin/python bench/draw.py [--entries N] [--people P] [--repeats R] [--only sqlite|postgresql]

Each database is made here (a temporary SQLite file; a PostgreSQL database of its own,
`kuchikomi_bench_draw_<pid>`, on KUCHIKOMI_TEST_POSTGRES, default postgres@127.0.0.1:5432, dropped at the
end) through the migrations, and filled with N
approved entries from P people (10% also give a social account) in one closed campaign with one prize of
100 winners and 100 alternates. Each entry carries the participant token and social account the app
stamps when it receives an entry; the table is then analysed (and vacuumed on PostgreSQL), as autovacuum
leaves a closed campaign's table.

"ours" is `draws.services.run_draw` plus its commit: the password check (in a thread, beside the locked
read; nothing is written before it passes), freezing the list (reading it, joining shared social accounts,
checking its order, digest), HMAC ranking (a thread scores each chunk of the list while the next is read),
writing the frozen list to local storage (in a thread, beside the inserts), picks and audit event.

"textbook" is what any correct draw in this app must do, without the verifiability: the same password
check (the draw screen asks for the drawer's password, whatever the algorithm), then one SQL statement that
gives each eligible entry a random() rank, keeps each person's best, and writes the lowest 200 as the
winners, then the commit. Until December 2026 it was the ranking query alone, read and rolled back: it
skipped the password check and never recorded a winner, so ours was measured against a draw that could
neither refuse a stranger nor be kept. The password check's own time is printed too, so the ratio without
it can be worked out.

Rounds interleave the two (the order alternating), so load on this shared machine falls on both alike.
Printed per database: the median wall seconds of each, and the median CPU seconds (this process with its
threads, plus the PostgreSQL server processes serving the bench database, from /proc): CPU shows the work
that verifiability adds (an HMAC per entry), wall time what the drawer waits. Each database's ratio is of
wall medians, ours / textbook; the last line, `ratio: X`, is the worse of the two, so neither database can
hide behind the other.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from processes import postgres_backends_cpu  # noqa: E402  (bench/ is on sys.path)

SECRET = "bench-secret"  # noqa: S105
PASSWORD = "bench password 123"  # noqa: S105 - a throwaway benchmark account
WINNERS_TABLE = "CREATE TABLE textbook_winners (position INTEGER NOT NULL, entry_id INTEGER NOT NULL)"
TEXTBOOK = """
INSERT INTO textbook_winners (position, entry_id)
SELECT ROW_NUMBER() OVER (ORDER BY r), id FROM (
  SELECT id, r FROM (
    SELECT id, r, ROW_NUMBER() OVER (PARTITION BY email_normalised ORDER BY r) AS rn
    FROM (SELECT id, email_normalised, random() AS r FROM entries
          WHERE campaign_id = :campaign AND status = 'approved' AND created_at >= :opens
            AND created_at < :closes AND duplicate_of_id IS NULL) AS eligible
  ) AS ranked WHERE rn = 1 ORDER BY r LIMIT :n
) AS winners
"""


def make_app(url: str, storage_root: str):
    from flask_migrate import upgrade

    from campaign import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET,
            "STORAGE_BACKEND": "local",  # the frozen list is written to disk, as on the embedded default
            "STORAGE_LOCAL_ROOT": storage_root,
        }
    )
    with app.app_context():
        upgrade(revision="heads")
    return app


def setup_campaign():
    """An organisation, a drawer, a closed campaign with a committed seed and one prize of 100."""
    from campaign.audit.services import Actor
    from campaign.auth import services as auth
    from campaign.campaigns import services as campaigns
    from campaign.draws import services as draws
    from campaign.extensions import db
    from campaign.orgs import services as orgs
    from campaign.orgs.models import Role

    now = datetime.now(UTC)
    org = orgs.create_organisation("Bench", "bench")
    user = auth.create_user("drawer@example.com", PASSWORD)
    orgs.add_member(org, user, Role.OWNER)
    data = campaigns.CampaignData(
        title="Bench",
        slug="bench",
        opens_at=now - timedelta(days=30),
        closes_at=now + timedelta(days=1),
        terms_text="terms",
        prizes=[campaigns.PrizeData(name="Prize", quantity=100)],
    )
    campaign = campaigns.create_campaign(org, data, actor=Actor.system(), now=now)
    campaign.launched_at = now - timedelta(days=30)
    draws.create_plan(campaign, secret=SECRET, now=now - timedelta(days=30))
    campaign.closes_at = now - timedelta(days=1)
    db.session.commit()
    return org, user, campaign


def entry_rows(org_id: int, campaign: tuple[int, str], entries: int, people: int, rng: random.Random):
    """Every column of `entries`, defaults included, so other features' new columns are filled too; each
    entry stamped with its participant token and social account as the app does when it receives it."""
    from campaign.draws import participants
    from campaign.entries.models import Entry

    campaign_id, campaign_public_id = campaign
    key = participants.key_for(SECRET, campaign_public_id)
    tokens: dict[int, str] = {}

    created = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=10)
    columns = [c for c in Entry.__table__.columns if c.name != "id"]
    fixed = {}
    for column in columns:
        default = column.default
        if default is not None and not default.is_callable and not default.is_sequence:
            value = default.arg
            fixed[column.name] = value.value if hasattr(value, "value") else value
        else:
            fixed[column.name] = None
    fixed.update(
        org_id=org_id,
        campaign_id=campaign_id,
        status="approved",
        rating=5,
        locale="ja",
        storage_backend="memory",
        original_format="jpg",
        original_bytes=1000,
        processing="ready",
        created_at=created,
        updated_at=created,
    )
    names = [c.name for c in columns]
    person_of = [n if n < people else rng.randrange(people) for n in range(entries)]
    for n in range(entries):
        person = person_of[n]
        public_id = f"{rng.getrandbits(128):032x}"[:22]
        row = dict(fixed)
        email = f"person{person}@example.com"
        row.update(
            public_id=public_id,
            idempotency_key=public_id,
            email=email,
            email_normalised=email,
            original_key=f"private/originals/bench/{public_id}.jpg",
            participant_token=tokens.get(person) or tokens.setdefault(person, participants.token(key, email)),
        )
        if person % 10 == 0:
            row.update(social_handle=f"user{person}", post_url=f"https://www.instagram.com/p/{public_id}/")
            row["social_account"] = participants.social_account(row["social_handle"], row["post_url"])
        yield tuple(row[name] for name in names)


def fill(engine, org_id: int, campaign: tuple[int, str], entries: int, people: int) -> None:
    from campaign.entries.models import Entry

    names = [c.name for c in Entry.__table__.columns if c.name != "id"]
    rows = entry_rows(org_id, campaign, entries, people, random.Random(5))
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "sqlite":
            raw.driver_connection.execute("PRAGMA synchronous = OFF")  # setup only: not what is measured
            fmt = "%Y-%m-%d %H:%M:%S.%f"
            converted = (
                tuple(v.strftime(fmt) if isinstance(v, datetime) else v for v in row) for row in rows
            )
            marks = ", ".join("?" for _ in names)
            insert = f"INSERT INTO entries ({', '.join(names)}) VALUES ({marks})"  # noqa: S608
            raw.driver_connection.executemany(insert, converted)
        else:
            cur = raw.driver_connection.cursor()
            with cur, cur.copy(f"COPY entries ({', '.join(names)}) FROM STDIN") as copy:  # noqa: S608
                for row in rows:
                    copy.write_row(row)
        raw.commit()
    finally:
        raw.close()
    # What autovacuum has done to a closed campaign's table by the time it is drawn: statistics, and on
    # PostgreSQL the visibility map that lets the draw read its covering index without visiting the table.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE entries" if engine.dialect.name == "postgresql" else "ANALYZE")


def own_cpu() -> float:
    """CPU seconds of this process (every thread) and of its children that have ended."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def measured(run, database: str | None) -> tuple[float, float]:
    """Wall and CPU seconds of `run()`; the CPU of the PostgreSQL server processes serving `database`
    included (read from /proc around the run, outside its wall time)."""
    servers = postgres_backends_cpu(database) if database else {}
    cpu = own_cpu()
    start = time.perf_counter()
    run()
    wall = time.perf_counter() - start
    cpu = own_cpu() - cpu
    if database:
        after = postgres_backends_cpu(database)
        cpu += sum(seconds - servers.get(pid, 0.0) for pid, seconds in after.items())
    return wall, cpu


def time_ours(campaign_id: int, user_id: int, database: str | None) -> tuple[float, float]:
    from campaign.audit.services import Actor
    from campaign.auth.models import User
    from campaign.campaigns.models import Campaign
    from campaign.draws import services
    from campaign.draws.models import Draw, DrawPick
    from campaign.extensions import db

    db.session.execute(DrawPick.__table__.delete())
    db.session.execute(Draw.__table__.delete())
    db.session.commit()
    campaign = db.session.get(Campaign, campaign_id)
    actor = Actor.member(db.session.get(User, user_id))
    _ = campaign.prizes, campaign.organisation
    drawn = []

    def run() -> None:
        drawn.append(
            services.run_draw(
                campaign, actor=actor, password=PASSWORD, beacon="", secret=SECRET, now=datetime.now(UTC)
            )
        )
        db.session.commit()

    seconds = measured(run, database)
    assert len(drawn[0].picks) == 200 and drawn[0].entry_count > 0
    db.session.expunge_all()
    return seconds


def time_textbook(campaign_id: int, user_id: int, database: str | None) -> tuple[float, float]:
    from sqlalchemy import text

    from campaign.auth import passwords
    from campaign.auth.models import User
    from campaign.campaigns.models import Campaign
    from campaign.extensions import db

    db.session.execute(text("DELETE FROM textbook_winners"))
    db.session.commit()
    campaign = db.session.get(Campaign, campaign_id)
    user = db.session.get(User, user_id)
    params = {
        "campaign": campaign.id,
        "opens": campaign.opens_at.replace(tzinfo=None),
        "closes": campaign.closes_at.replace(tzinfo=None),
        "n": 200,
    }

    def run() -> None:
        assert passwords.verify_password(user.password_hash, PASSWORD)
        db.session.execute(text(TEXTBOOK), params)
        db.session.commit()

    seconds = measured(run, database)
    assert db.session.execute(text("SELECT COUNT(DISTINCT entry_id) FROM textbook_winners")).scalar() == 200
    db.session.rollback()
    return seconds


def time_password(user_id: int) -> float:
    from campaign.auth import passwords
    from campaign.auth.models import User
    from campaign.extensions import db

    user = db.session.get(User, user_id)
    start = time.perf_counter()
    assert passwords.verify_password(user.password_hash, PASSWORD)
    elapsed = time.perf_counter() - start
    db.session.rollback()
    return elapsed


def bench(backend: str, url: str, storage_root: str, args) -> tuple[float, float]:
    """Median wall seconds of ours and of the textbook."""
    from campaign.extensions import db

    app = make_app(url, storage_root)
    with app.app_context():
        org, user, campaign = setup_campaign()
        org_id, user_id, campaign_id = org.id, user.id, campaign.id
        campaign_key = (campaign.id, campaign.public_id)
        db.session.close()  # no open transaction: VACUUM may then mark the new rows visible to all
        start = time.perf_counter()
        fill(db.engine, org_id, campaign_key, args.entries, args.people)
        with db.engine.begin() as conn:
            conn.exec_driver_sql(WINNERS_TABLE)
        print(
            f"{backend}: inserted {args.entries} entries in {time.perf_counter() - start:.1f} s", flush=True
        )
        database = db.engine.url.database if backend == "postgresql" else None  # whose servers' CPU counts
        ours, textbook, password = [], [], []
        for round_ in range(args.repeats):
            for name in ("textbook", "ours") if round_ % 2 == 0 else ("ours", "textbook"):
                if name == "ours":
                    ours.append(time_ours(campaign_id, user_id, database))
                else:
                    textbook.append(time_textbook(campaign_id, user_id, database))
            password.append(time_password(user_id))
        medians = {
            name: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
            for name, runs in (("ours", ours), ("textbook", textbook))
        }
        for name, runs in (("ours", ours), ("textbook", textbook)):
            wall, cpu = medians[name]
            print(
                f"{backend}: {name} {wall:.3f} s wall (runs {', '.join(f'{w:.3f}' for w, _ in runs)}), "
                f"{cpu:.3f} s CPU (runs {', '.join(f'{c:.3f}' for _, c in runs)})",
                flush=True,
            )
        print(f"{backend}: the password check alone {statistics.median(password):.3f} s wall", flush=True)
        cpu_ratio = medians["ours"][1] / medians["textbook"][1]
        print(f"{backend}: CPU ours / textbook = {cpu_ratio:.2f}", flush=True)
        db.session.remove()
        db.engine.dispose()
    return medians["ours"][0], medians["textbook"][0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=800_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        if args.only != "postgresql":
            results["sqlite"] = bench("sqlite", f"sqlite:///{tmp}/bench.sqlite3", f"{tmp}/uploads", args)
        if args.only != "sqlite":
            # A database of its own, dropped at the end: another bench running meanwhile keeps its own.
            from tests.fixtures.databases import _drop_postgres_database, _fresh_postgres_database

            database = f"kuchikomi_bench_draw_{os.getpid()}"
            try:
                url = _fresh_postgres_database(database)
                results["postgresql"] = bench("postgresql", url, f"{tmp}/uploads", args)
            finally:
                _drop_postgres_database(database)
    ratios = {name: ours / textbook for name, (ours, textbook) in results.items()}
    for name, ratio in ratios.items():
        print(f"{name}: ours / textbook = {ratio:.2f}")
    worse = max(ratios, key=ratios.get)
    print(f"worse database: {worse}")
    print(f"ratio: {ratios[worse]:.2f}")


if __name__ == "__main__":
    main()
