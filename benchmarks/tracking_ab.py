"""CPU per tracking page, in process, for an A/B of two versions of the code on one database.

    .venv/bin/python benchmarks/tracking_ab.py                     # this checkout
    PYTHONPATH=/path/to/other/src .venv/bin/python benchmarks/tracking_ab.py --secret-in-url

Reads the benchmark database that `intake_data.py` loaded (DEBUG off, sessions in Redis) with
Django's test client: 300 tracking pages a round, 5 rounds, and prints the minimum and the
median CPU milliseconds per page. `--secret-in-url` reads `/suivi/<ref>?cle=…` as the code
before ADR 0012 served it; otherwise the page is read with the cookie its landing sets. Run
the two versions alternately, several times: the host's speed moves between runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--database", default="guichet_bench")
parser.add_argument("--secret-in-url", action="store_true")
parser.add_argument("--pages", type=int, default=300)
parser.add_argument("--rounds", type=int, default=5)
args = parser.parse_args()
os.environ.update(
    DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}", DEBUG="0",
    REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    GUICHET_RATE_LIMIT_SCALE="1000000", ALLOWED_HOSTS="testserver",
    GUICHET_DATA_DIR=str(Path(tempfile.gettempdir()) / args.database / "data"), DJANGO_SETTINGS_MODULE="guichet.config.settings",
)  # fmt: skip

import django  # noqa: E402

django.setup()

from django.core import signing  # noqa: E402
from django.test import Client  # noqa: E402

from guichet.cases.models import Request  # noqa: E402

pairs = list(
    Request.objects.order_by("reference").values_list("reference", "tracking_secret")[: args.pages]
)
client = Client()
cookies: dict[str, str] = {}
if not args.secret_in_url:
    from guichet.portal.views.tracking import LINK_COOKIE, LINK_COOKIE_SALT

    signer = signing.get_cookie_signer(salt=LINK_COOKIE + LINK_COOKIE_SALT)
    cookies = {ref: f"{LINK_COOKIE}={signer.sign(secret)}" for ref, secret in pairs}


def read(reference: str, secret: str):
    if args.secret_in_url:
        return client.get(f"/suivi/{reference}?cle={secret}")
    client.cookies.clear()
    return client.get(f"/suivi/{reference}", headers={"cookie": cookies[reference]})


for reference, secret in pairs[:30]:  # warm the caches and the connection
    assert read(reference, secret).status_code == 200
rounds = []
for _ in range(args.rounds):
    started = time.process_time()
    for reference, secret in pairs:
        assert read(reference, secret).status_code == 200
    rounds.append((time.process_time() - started) / len(pairs) * 1000)
print(f"min {min(rounds):.2f} ms, median {statistics.median(rounds):.2f} ms of CPU per page")
