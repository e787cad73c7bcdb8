"""Our whole verifiable draw against a textbook, unverifiable SQL draw, on SQLite and PostgreSQL.

Run: .venv/bin/python bench/draw.py [--entries N] [--people P] [--repeats R] [--only sqlite|postgresql]

Each database is made here (a temporary SQLite file; PostgreSQL database `kuchikomi_bench` on
KUCHIKOMI_BENCH_POSTGRES, default postgres@127.0.0.1:5432) through the migrations, and filled with N
approved entries from P people (10% also give a social account) in one closed campaign with one prize of
100 winners and 100 alternates. Each entry carries the participant token and social account the app
stamps when it receives an entry; the table is then analysed (and vacuumed on PostgreSQL), as autovacuum
leaves a closed campaign's table. "ours" is `draws.services.run_draw` plus its commit: the password check,
freezing the list (reading it, joining shared social accounts, checking its order, digest), HMAC ranking
on both cores, writing the frozen list to local storage, picks and audit event. "textbook" is one SQL
query: a random() rank per eligible entry, each person's best, the lowest 200. Prints the median seconds
of both per database with each database's ratio, and last `ratio: X` = the worse of the two ratios (ours /
textbook), so neither database can hide behind the other.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SECRET = "bench-secret"  # noqa: S105
PASSWORD = "bench password 123"  # noqa: S105 - a throwaway benchmark account
TEXTBOOK = """
SELECT public_id FROM (
  SELECT public_id, r, ROW_NUMBER() OVER (PARTITION BY email_normalised ORDER BY r) AS rn
  FROM (SELECT public_id, email_normalised, random() AS r FROM entries
        WHERE campaign_id = :campaign AND status = 'approved' AND created_at >= :opens
          AND created_at < :closes AND duplicate_of_id IS NULL) AS eligible
) AS ranked WHERE rn = 1 ORDER BY r LIMIT :n
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


def postgres_url() -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(
        os.environ.get("KUCHIKOMI_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    )
    with psycopg.connect(
        host=admin.host, port=admin.port or 5432, user=admin.username, dbname=admin.database, autocommit=True
    ) as conn:
        conn.execute('DROP DATABASE IF EXISTS "kuchikomi_bench" WITH (FORCE)')
        conn.execute('CREATE DATABASE "kuchikomi_bench"')
    return admin.set(database="kuchikomi_bench").render_as_string(hide_password=False)


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


def time_ours(campaign_id: int, user_id: int) -> float:
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
    start = time.perf_counter()
    draw = services.run_draw(
        campaign, actor=actor, password=PASSWORD, beacon="", secret=SECRET, now=datetime.now(UTC)
    )
    db.session.commit()
    elapsed = time.perf_counter() - start
    assert len(draw.picks) == 200 and draw.entry_count > 0
    db.session.expunge_all()
    return elapsed


def time_textbook(campaign) -> float:
    from sqlalchemy import text

    from campaign.extensions import db

    params = {
        "campaign": campaign.id,
        "opens": campaign.opens_at.replace(tzinfo=None),
        "closes": campaign.closes_at.replace(tzinfo=None),
        "n": 200,
    }
    start = time.perf_counter()
    winners = db.session.execute(text(TEXTBOOK), params).scalars().all()
    elapsed = time.perf_counter() - start
    db.session.rollback()
    assert len(winners) == 200
    return elapsed


def bench(backend: str, url: str, storage_root: str, args) -> tuple[float, float]:
    from campaign.campaigns.models import Campaign
    from campaign.extensions import db

    app = make_app(url, storage_root)
    with app.app_context():
        org, user, campaign = setup_campaign()
        org_id, user_id, campaign_id = org.id, user.id, campaign.id
        campaign_key = (campaign.id, campaign.public_id)
        db.session.close()  # no open transaction: VACUUM may then mark the new rows visible to all
        start = time.perf_counter()
        fill(db.engine, org_id, campaign_key, args.entries, args.people)
        print(
            f"{backend}: inserted {args.entries} entries in {time.perf_counter() - start:.1f} s", flush=True
        )
        ours, textbook = [], []
        for _ in range(args.repeats):
            textbook.append(time_textbook(db.session.get(Campaign, campaign_id)))
            ours.append(time_ours(campaign_id, user_id))
        o, t = statistics.median(ours), statistics.median(textbook)
        print(
            f"{backend}: ours {o:.3f} s (runs {', '.join(f'{x:.3f}' for x in ours)}), "
            f"textbook {t:.3f} s (runs {', '.join(f'{x:.3f}' for x in textbook)})",
            flush=True,
        )
        db.session.remove()
        db.engine.dispose()
    return o, t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=800_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        if args.only != "postgresql":
            results["sqlite"] = bench("sqlite", f"sqlite:///{tmp}/bench.sqlite3", f"{tmp}/uploads", args)
        if args.only != "sqlite":
            results["postgresql"] = bench("postgresql", postgres_url(), f"{tmp}/uploads", args)
    ratios = {name: ours / textbook for name, (ours, textbook) in results.items()}
    for name, ratio in ratios.items():
        print(f"{name}: ours / textbook = {ratio:.2f}")
    worse = max(ratios, key=ratios.get)
    print(f"worse database: {worse}")
    print(f"ratio: {ratios[worse]:.2f}")


if __name__ == "__main__":
    main()
