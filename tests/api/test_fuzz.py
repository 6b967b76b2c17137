"""Property-based fuzzing of every operation of the OpenAPI document (schemathesis).

Runs in-process through the WSGI application, authenticated with a real read-and-write key
of Sceaux, on a database holding the shipped territory and catalogue. Checks: never a 5xx,
and every response (status, content type, body) as documented. The quick profile generates
GUICHET_FUZZ_EXAMPLES (default 40, about 1,400 cases) cases per operation; raise it for a longer run.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from guichet.config.wsgi import application

from .factories import file_request

# schemathesis gives every operation's item the same node id, which pytest-xdist cannot
# distribute: the Makefile runs this module in a single process (`-m fuzz -n 0`).
pytestmark = pytest.mark.fuzz

DEFAULT_EXAMPLES = 40
EXAMPLES = int(os.environ.get("GUICHET_FUZZ_EXAMPLES", DEFAULT_EXAMPLES))
MINIMUM_CASES = 1000
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
generated = {"cases": 0, "operations": set()}

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def fuzz_world(world, settings):
    # The fuzzer calls far faster than any application: lift the per-key limit for it.
    settings.GUICHET_API_RATE_LIMIT = 10**9
    file_request(world)
    # Calls go straight to the WSGI handler, whose request signals would close the database
    # connection (and the test's transaction with it): detach them as Django's test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield world
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_generated_call_as_documented(case, fuzz_world):
    # given any call the document allows, with a real key of Sceaux (read and write)
    generated["cases"] += 1
    generated["operations"].add(case.operation.label)
    # when it is made
    # then no 5xx, and the status, content type and body are the documented ones
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzz_world.sceaux_key}"}, checks=CHECKS
    )


@pytest.fixture(scope="module", autouse=True)
def _enough_cases_were_generated():
    """Once the module is done: when every operation was fuzzed, at least MINIMUM_CASES calls
    were made. A teardown rather than a test, so the order of the items cannot skip it."""
    yield
    operations = {result.ok().label for result in schema.get_all_operations()}
    if EXAMPLES >= DEFAULT_EXAMPLES and generated["operations"] >= operations:
        assert generated["cases"] >= MINIMUM_CASES, generated["cases"]
