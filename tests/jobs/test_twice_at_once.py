"""Periodic duties run twice at once (two tickers, or a job beside the scheduler) do their work once."""

import pytest
from sqlalchemy import select

from campaign import schedule
from campaign.extensions import db
from campaign.webhooks import services
from campaign.webhooks.models import WebhookDelivery
from tests.races import race
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_webhooks import add_endpoint

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def test_two_retries_of_one_webhook_delivery_at_once_send_it_once(brand):
    with Receiver([500, 200, 200]) as receiver:
        add_endpoint(brand, receiver.url, ["entry.approved"])
        brand.approved()
        delivery = db.session.scalar(select(WebhookDelivery))
        due = delivery.next_attempt_at

        def retry(ready) -> None:
            assert db.session.get(WebhookDelivery, delivery.id).attempts == 1  # both read it due
            ready()
            services.deliver_due(now=due)

        assert race(brand.app, retry, retry) == ["done", "done"]
    assert len(receiver.requests) == 2  # the first attempt and one retry, not two


def test_two_tickers_at_once_run_a_duty_once(app):
    ran: list[str] = []

    def count(now) -> str:
        ran.append("x")
        return "ran"

    duty = schedule.Duty("test-duty", schedule.DUTY_LEASE, count)

    def ticker(ready) -> None:
        ready()
        schedule.tick(duties=(duty,))

    assert race(app, ticker, ticker) == ["done", "done"]
    assert ran == ["x"]
