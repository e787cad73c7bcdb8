"""A worker's command thread (RQ's pubsub subscription) ends on Redis's answer to its UNSUBSCRIBE.

Walked: the outbox test's burst worker (rq.SimpleWorker) took exactly 60 s in one full run in a few. RQ sent
UNSUBSCRIBE, then asked its thread to stop; a thread that read the answer first went back to wait 60 s for
a subscription, and redis-py 8's stop() waited for it. `flask jobs worker` waited its PUBSUB_WAIT_SECONDS
for the same reason, at every stop and burst that met the race. Here the thread is made to read the answer
before the worker goes on, every time, so the test does not depend on which thread wins."""

import threading

import redis
from redis.utils import str_if_bytes
from rq import Queue

from campaign.jobs import StoppableWorker
from tests.redis_dbs import own_redis_url

URL = own_redis_url(14)  # the outbox tests' (14 or 13); pubsub channels are the server's, named per worker


def test_the_command_thread_reads_the_unsubscribe_answer_and_ends_without_waiting_again():
    connection = redis.Redis.from_url(URL)
    worker = StoppableWorker([Queue("kuchikomi-command-test", connection=connection)], connection=connection)
    worker.subscribe()
    pubsub, thread = worker.pubsub, worker.pubsub_thread
    listening = threading.Event()  # the thread has read every answer before its PING's: it waits for commands
    answered = threading.Event()  # the thread has handled Redis's answer to UNSUBSCRIBE
    decided = threading.Event()  # ...and then ended, or started waiting for another message
    waits_after_the_answer = []
    handle_message, get_message, close, unsubscribe = (
        pubsub.handle_message,
        pubsub.get_message,
        pubsub.close,
        pubsub.unsubscribe,
    )

    def handling(response, *args, **kwargs):
        result = handle_message(response, *args, **kwargs)
        kind = str_if_bytes(response[0]) if isinstance(response, list) else "pong"
        if kind == "pong":
            listening.set()
        if kind == "unsubscribe":
            answered.set()
        return result

    def getting(*args, **kwargs):
        if answered.is_set():
            waits_after_the_answer.append(kwargs)
            decided.set()
        return get_message(*args, **kwargs)

    def closing():
        decided.set()
        close()

    def unsubscribing(*args):
        unsubscribe(*args)
        assert decided.wait(30), "the thread never read the answer"  # the thread's turn comes first

    pubsub.handle_message, pubsub.get_message, pubsub.close = handling, getting, closing
    pubsub.unsubscribe = unsubscribing
    pubsub.ping()
    assert listening.wait(30)
    worker.unsubscribe()
    assert waits_after_the_answer == []  # RQ's order: one, the thread's sleep_time, that stop() waited for
    assert not thread.is_alive()
