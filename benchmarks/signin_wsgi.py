"""The product's WSGI application with the sign-in benchmark's timers (never used in production).

Each answer carries four headers: `X-Bench-Total-Ms` (from the worker receiving the request to
its answer), `X-Bench-Provider-Ms` (the part spent waiting on HTTP calls to the provider:
discovery, token, keys, userinfo; every `requests` call goes through `Session.send`),
`X-Bench-Cpu-Ms` (the worker's CPU) and `X-Bench-Db-Ms` (the part spent in PostgreSQL
statements, from sending one to its result: the server's work, the commit's WAL flush, and our
own waits for a CPU meanwhile). Our own time is the first minus the second. gunicorn's sync
workers serve one request at a time, so per-process counters are per request.
"""

from __future__ import annotations

import time

import requests
from django.db import connection

from guichet.config.wsgi import application as product

_waited = [0.0]
_in_db = [0.0]
_send = requests.Session.send


def _timed_send(self, request, **kwargs):
    started = time.perf_counter()
    try:
        return _send(self, request, **kwargs)
    finally:
        _waited[0] += time.perf_counter() - started


requests.Session.send = _timed_send


def _timed_statement(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        _in_db[0] += time.perf_counter() - started


def application(environ, start_response):
    _waited[0] = _in_db[0] = 0.0
    started, cpu = time.perf_counter(), time.process_time()

    def start(status, headers, exc_info=None):
        headers = [
            *headers,
            ("X-Bench-Total-Ms", f"{(time.perf_counter() - started) * 1000:.3f}"),
            ("X-Bench-Provider-Ms", f"{_waited[0] * 1000:.3f}"),
            ("X-Bench-Cpu-Ms", f"{(time.process_time() - cpu) * 1000:.3f}"),
            ("X-Bench-Db-Ms", f"{_in_db[0] * 1000:.3f}"),
        ]
        return start_response(status, headers, exc_info)

    with connection.execute_wrapper(_timed_statement):
        return product(environ, start)
