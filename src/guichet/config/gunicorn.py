"""Gunicorn's configuration for `guichet serve` (loaded with `-c python:guichet.config.gunicorn`).

Gunicorn names itself in a `Server: gunicorn` header on every response and has no setting to
leave it out: every response object takes the header's value from `gunicorn.http.wsgi.SERVER`
when it is created. This module is imported by the master process before it forks its workers,
so the name set here is the one every worker sends. The version stays out of it too.

Command-line options given to gunicorn (`--bind`, `--workers`…) win over the settings here.
"""

import gunicorn.http.wsgi

# Said in the `Server` header instead of "gunicorn": what answers, not what software it runs.
SERVER_NAME = "guichet"

gunicorn.http.wsgi.SERVER = SERVER_NAME
