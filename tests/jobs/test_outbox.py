"""Work after the commit is an outbox row written with the change: Redis down loses nothing, the drainer
runs it later, and two drainers never run one row twice."""

import re
from datetime import timedelta

import pytest
import redis
from flask import g
from rq import Queue
from sqlalchemy import func, select

from campaign import jobs, logs, outbox, schedule
from campaign.entries.models import Entry, EntryStatus, Processing
from campaign.extensions import db
from campaign.orgs.models import Role
from tests import factories
from tests.entries.helpers import submit
from tests.jobs.workers import InProcessWorker
from tests.moderation.conftest import make_team, step
from tests.redis_dbs import own_redis_url

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there: every enqueue fails to connect
WORKING = own_redis_url(14)  # 14 or 13

runs: list[str] = []


def remember(label: str) -> None:
    runs.append(label)


def remember_request_id() -> None:
    runs.append(logs.current_request_id())


def rows() -> list[outbox.OutboxJob]:
    db.session.expire_all()
    return list(db.session.scalars(select(outbox.OutboxJob).order_by(outbox.OutboxJob.id)))


@pytest.fixture
def redis_down(app_config):
    app_config["REDIS_URL"] = CLOSED_PORT  # the limiter keeps its memory store: only the queue is down
    return app_config


def test_an_upload_with_redis_down_is_accepted_and_processed_by_the_next_drain(redis_down, app, client):
    factories.campaign(factories.org())
    response = submit(client)
    assert response.status_code == 303, response.text
    entry = db.session.scalar(select(Entry))
    assert entry.processing is Processing.PENDING
    [waiting] = rows()  # one job: the customer's confirmation mail, then the photo's processing
    assert waiting.func == "campaign.entries.received:after_entry_received"
    assert waiting.last_error.startswith("not queued")

    assert schedule.tick()["outbox"] == "1 done, 0 failed"
    db.session.refresh(entry)
    assert entry.processing is Processing.READY
    assert rows() == []


def test_a_takedown_with_redis_down_answers_303_and_the_drain_removes_the_public_copies(redis_down, app):
    team = make_team(app)
    client = app.test_client()
    entry, _ = team.entry(client)
    outbox.drain(now=outbox.utcnow())  # processed
    editor = team.studio(Role.EDITOR)
    assert step(editor, entry, "approve").status_code == 303
    db.session.refresh(entry)
    urls = [f"/media/{d.public_key}" for d in entry.derivatives]
    assert urls and all(client.get(url).status_code == 200 for url in urls)

    assert step(editor, entry, "withdraw", note="legal asked").status_code == 303
    db.session.refresh(entry)
    assert entry.status is EntryStatus.WITHDRAWN
    assert [r.func for r in rows()] == ["campaign.entries.publication:purge_public"]

    outbox.drain(now=outbox.utcnow())
    assert all(client.get(url).status_code == 404 for url in urls)
    assert rows() == []


@pytest.fixture
def redis_up(app_config):
    app_config["REDIS_URL"] = WORKING
    return app_config


def test_with_a_working_redis_the_row_is_queued_and_the_worker_deletes_it_once_done(redis_up, app):
    connection = redis.Redis.from_url(WORKING)
    Queue("kuchikomi", connection=connection).empty()
    runs.clear()
    with app.app_context():
        factories.org()
        jobs.after_commit(remember, "queued")
        db.session.commit()
        jobs.run_ready()
        assert runs == [] and len(rows()) == 1  # on the queue, not run here
        InProcessWorker([app.extensions["rq_queue"]], connection=connection).work(burst=True)
        assert runs == ["queued"]
        assert rows() == []


class CountingConnection(redis.Connection):
    """Counts what is sent to Redis: each send is one round trip."""

    sent = 0

    def send_packed_command(self, command, check_health=True):
        CountingConnection.sent += 1
        return super().send_packed_command(command, check_health)


def test_the_rows_of_one_commit_are_queued_in_one_redis_round_trip(redis_up, app):
    connection = redis.Redis.from_url(WORKING, connection_class=CountingConnection)
    queue = app.extensions["rq_queue"] = Queue("kuchikomi", connection=connection)
    queue.empty()
    queue.get_redis_server_version()  # asked once per process, before its first job
    runs.clear()
    with app.app_context():
        factories.org()
        jobs.after_commit(remember, "one")
        jobs.after_commit(remember, "two")
        db.session.commit()
        CountingConnection.sent = 0
        jobs.run_ready()
        assert CountingConnection.sent == 1  # one MULTI/EXEC: both rows or neither (was 2 per row)
        assert len(queue.jobs) == 2 and len(rows()) == 2
        InProcessWorker([queue], connection=connection).work(burst=True)
    assert sorted(runs) == ["one", "two"]
    assert rows() == []


def test_a_queued_job_logs_under_the_id_of_the_request_that_queued_it(redis_up, app):
    """Walked: a worker's lines about a job (its failure, its clean-up) had no request id."""
    connection = redis.Redis.from_url(WORKING)
    Queue("kuchikomi", connection=connection).empty()
    runs.clear()
    with app.app_context():
        g.request_id = "0123456789abcdef0123456789abcdef"
        factories.org()
        jobs.after_commit(remember_request_id)
        db.session.commit()
        jobs.run_ready()
        (queued,) = app.extensions["rq_queue"].jobs
        (row,) = rows()
        assert queued.args == (row.id, row.token)  # as before: a worker of the previous release runs it
        del g.request_id  # the worker serves no request
        InProcessWorker([app.extensions["rq_queue"]], connection=connection).work(burst=True)
    assert runs == ["0123456789abcdef0123456789abcdef"]


def test_a_failing_job_stays_with_its_error_and_backs_off(app):
    runs.clear()
    with app.app_context():
        factories.org()
        jobs.after_commit(fails_once, "x")
        db.session.commit()
    (row,) = rows()
    assert row.attempts == 1 and "RuntimeError: first try" in row.last_error
    assert row.next_attempt_at > outbox.utcnow()  # not due again at once
    assert outbox.drain(now=outbox.utcnow()) == (0, 0)
    assert outbox.drain(now=row.next_attempt_at) == (1, 0)
    assert runs == ["x"] and rows() == []


def fails_once(label: str) -> None:
    if not any(r == "failed" for r in runs):
        runs.append("failed")
        raise RuntimeError("first try")
    runs.remove("failed")
    runs.append(label)


def test_a_row_claimed_by_one_drainer_is_not_run_by_another(app):
    with app.app_context():
        factories.org()
        jobs.after_commit(remember, "once")
        db.session.commit()
        db.session.info.pop("kuchikomi.jobs.ready")  # as if the committing process died before running it
    (row,) = rows()
    job_id, old_token, later = row.id, row.token, row.next_attempt_at  # later: its creator's lease ran out
    runs.clear()
    token = outbox.claim(job_id, old_token, now=later)  # drainer one claims it...
    assert token is not None
    assert outbox.run(job_id, old_token) is False  # ...so drainer two, holding the old token, runs nothing
    assert outbox.drain(now=later) == (0, 0)  # and the claimed row is not due
    assert runs == []
    assert outbox.run(job_id, token) is True and runs == ["once"]
    assert db.session.scalar(select(func.count(outbox.OutboxJob.id))) == 0


@pytest.fixture
def ticking(redis_down):
    redis_down.update(SCHEDULER_THREAD=True, TICK_SECONDS=1)
    yield redis_down
    schedule.stop_background()


def test_the_web_process_ticks_by_itself_when_asked(ticking, app, client):
    factories.campaign(factories.org())
    assert submit(client).status_code == 303  # the first request starts the ticker
    entry = db.session.scalar(select(Entry))
    for _ in range(120):  # waits for the ticker; no assertion on how long it took
        db.session.expire_all()
        if entry.processing is Processing.READY:
            break
        schedule._stop.wait(0.5)
    assert entry.processing is Processing.READY
    assert schedule.start_background(app) is None  # one ticker per process


def test_the_worker_runs_rqs_scheduler_so_jobs_parked_for_later_run(redis_up, app, runner):
    """RQ parks retries and delayed jobs in its scheduled registry; only a scheduler moves them on."""
    queue = app.extensions["rq_queue"]
    queue.empty()
    factories.org()
    jobs.after_commit(remember, "parked")
    db.session.commit()
    db.session.info.pop("kuchikomi.jobs.ready")
    (row,) = rows()
    queue.enqueue_in(timedelta(0), outbox.run, row.id, row.token)  # as RQ parks a retry
    assert queue.count == 0

    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert rows() == []  # the scheduler queued it and the worker ran it


def test_a_claim_lasts_the_configured_lease_and_an_entry_lease_half_of_it(app):
    """bench/load.py's killed worker: its job ran again only after the fixed 10 minutes."""
    from campaign.entries.processing import processing_lease

    app.config["JOB_LEASE_SECONDS"] = 40
    with app.app_context():
        factories.org()
        now = outbox.utcnow()
        row = outbox.add(remember, ("x",), now=now)
        db.session.commit()
        assert row.next_attempt_at == now + timedelta(seconds=40)
        assert outbox.claim(row.id, row.token, now=now) is not None
        db.session.refresh(row)
        assert row.next_attempt_at == now + timedelta(seconds=40)
        assert processing_lease() == timedelta(seconds=20)
    app.config.pop("JOB_LEASE_SECONDS")
    with app.app_context():
        assert outbox.lease() == outbox.LEASE and processing_lease() == timedelta(minutes=5)


def test_queue_depth_and_failing_jobs_reach_metrics_and_the_failing_command(redis_up, app, client, runner):
    """Operators saw neither how much work waits nor which jobs keep failing."""
    from prometheus_client.parser import text_string_to_metric_families

    connection = redis.Redis.from_url(WORKING)
    Queue(jobs.QUEUE, connection=connection).empty()
    runs.clear()
    app.config["METRICS_TOKEN"] = "t"
    with app.app_context():
        factories.org()
        jobs.after_commit(remember, "waits on the queue")
        jobs.after_commit(fails_once, "y")
        db.session.commit()
        jobs.run_ready()  # both queued on RQ
        queued = list(app.extensions["rq_queue"].jobs)
        queued[1].perform()  # a worker ran the second: it failed and waits for its back-off
    page = client.get("/metrics", headers={"Authorization": "Bearer t"}).text
    values = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(page)
        for sample in family.samples
    }
    assert values[("kuchikomi_outbox_jobs", (("state", "pending"),))] == 1
    assert values[("kuchikomi_outbox_jobs", (("state", "failing"),))] == 1
    assert values[("kuchikomi_rq_queue_length", ())] == 2

    result = runner.invoke(args=["jobs", "failing"])
    assert result.exit_code == 0, result.output
    (line, summary) = result.output.strip().splitlines()
    assert "tests.jobs.test_outbox:fails_once attempts 1" in line and "RuntimeError: first try" in line
    assert summary == "1 failing, 1 pending"
    Queue(jobs.QUEUE, connection=connection).empty()


def remember_request_id_failing_once() -> None:
    if "failed" not in runs:
        runs.append("failed")
        raise RuntimeError("first try")
    runs.append(logs.current_request_id())


def test_a_drainers_retry_logs_under_the_id_of_the_request_that_queued_the_job(app):
    """The id travelled only in RQ's job meta: a retry from the outbox logged under none."""
    runs.clear()
    with app.test_request_context(headers={"X-Request-ID": "req-1234"}):
        logs.take_request_id()
        factories.org()
        jobs.after_commit(remember_request_id_failing_once)
        db.session.commit()
        jobs.run_ready()  # inline: fails once
    (row,) = rows()
    assert row.request_id == "req-1234" and runs == ["failed"]
    with app.app_context():
        assert outbox.drain(now=row.next_attempt_at) == (1, 0)  # a ticker's retry, outside any request
    assert runs == ["failed", "req-1234"]  # the retry ran (and would log) under the queuing request's id


def test_flask_jobs_tick_says_which_duties_were_not_due_and_when_they_run_next(app):
    """An operator running a tick by hand reads what ran and, for every other duty, when its next turn is,
    instead of silence."""
    runner = app.test_cli_runner()
    first = runner.invoke(args=["jobs", "tick"])
    assert first.exit_code == 0, first.output
    names = [duty.name for duty in schedule.registered()]
    assert first.output.startswith("outbox: 0 done, 0 failed\n")
    assert all(f"{name}: " in first.output for name in names)  # it ran, or it says when it will
    second = runner.invoke(args=["jobs", "tick"])
    assert second.exit_code == 0, second.output
    for name in names:
        assert re.search(
            rf"^{re.escape(name)}: not due, next turn at \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d UTC$",
            second.output,
            re.M,
        ), second.output
