"""Work queued for after the commit runs once the transaction commits, and never after a rollback."""

from campaign import jobs
from campaign.extensions import db
from tests import factories

done: list[str] = []


def remember(label: str) -> None:
    done.append(label)


def test_work_runs_after_commit_and_not_after_rollback(app):
    done.clear()
    with app.app_context():
        factories.org("kept")
        jobs.after_commit(remember, "committed")
        db.session.commit()
        assert done == []  # not inside the commit: when the context ends
    assert done == ["committed"]

    with app.app_context():
        factories.org("other")
        jobs.after_commit(remember, "rolled back")
        db.session.rollback()
    assert done == ["committed"]


def explode() -> None:
    raise RuntimeError("boom")


def test_a_failing_job_does_not_break_the_caller(app):
    done.clear()
    with app.app_context():
        jobs.after_commit(explode)
        jobs.after_commit(remember, "after the failure")
        db.session.commit()
    assert done[-1] == "after the failure"
