"""Locust side of the hornet benchmark (tests/bench/bench.sh): FastHttpUser GETs / in a loop with
no think time, as hornet's tests/bench/get.json, wrk and the libcurl floor do.

With BENCH_COUNTS=FILE set, a greenlet appends "UNIX_TIME TOTAL_REQUESTS" to FILE every 0.25 s,
so that bench.sh can take Locust's CPU per request over the steady part of the run (excluding
Python's start-up and the spawning of users)."""
import os
import time

import gevent
from locust import FastHttpUser, constant, events, task


class GetUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def get(self):
        self.client.get("/")


def _write_counts(environment, path):
    with open(path, "a", encoding="ascii") as out:
        while True:
            out.write(f"{time.time():.3f} {environment.stats.total.num_requests}\n")
            out.flush()
            gevent.sleep(0.25)


@events.init.add_listener
def _on_init(environment, **_kwargs):
    path = os.environ.get("BENCH_COUNTS")
    if path:
        gevent.spawn(_write_counts, environment, path)
