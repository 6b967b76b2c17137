"""The indicators' REST endpoints: the same figures as the pages, for the agents of the
contract's two sides only, the API's own error shape otherwise."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _get(user, path):
    client = Client()
    client.force_login(user)
    return client.get(f"/api/v1{path}")


def test_the_operator_reads_its_indicators_by_month(world):
    response = _get(world.handler, f"/contracts/{world.contract.pk}/indicators?year=2026")
    assert response.status_code == 200
    body = response.json()
    assert body["requests"] == 5
    within = next(i for i in body["indicators"] if i["kind"] == "within_promise")
    march = next(m for m in within["months"] if m["month"] == "2026-03")
    assert (march["value"], march["population"], march["breach"]) == (66.67, 3, True)
    assert within["penalties"] == 1000.0


def test_the_requests_behind_a_figure(world):
    indicator = world.contract.indicators.get(kind="answer_delay")
    response = _get(
        world.manager,
        f"/contracts/{world.contract.pk}/indicators/{indicator.pk}/requests?month=2026-03"
        f"&commune={world.bourg.pk}",
    )
    assert response.json() == [
        {"reference": world.requests["b"].reference, "commune": world.bourg.pk, "month": "2026-03",
         "received_on": "2026-03-02", "value": 10.0}
    ]  # fmt: skip


def test_other_authorities_get_the_api_not_found(world):
    response = _get(world.outsider, f"/contracts/{world.contract.pk}/indicators")
    assert response.status_code == 404
    assert response.json()["detail"] == "Contrat introuvable."
    assert _get(world.outsider, "/contracts").json() == []


@pytest.mark.parametrize("query", ["?month=2026-13", "?year=99999", "?commune=-1"])
def test_bad_parameters_are_refused_in_the_api_shape(world, query):
    indicator = world.contract.indicators.first()
    response = _get(
        world.manager, f"/contracts/{world.contract.pk}/indicators/{indicator.pk}/requests{query}"
    )
    assert response.status_code in (400, 422)
    assert {"detail", "code"} <= set(response.json())
