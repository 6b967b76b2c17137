"""The operator's space and the authority's view, through the pages an agent reads."""

from __future__ import annotations

import pytest
from django.test import Client

from guichet.backoffice.contracts.tasks import run_report
from guichet.contracts.models import Remark, Report
from guichet.core.models import Event

pytestmark = pytest.mark.django_db
BASE = "/agents/pilotage/contrats/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _detail(world, user, query="?annee=2026"):
    return _client(user).get(f"{BASE}{world.contract.pk}/{query}")


def test_an_operator_agent_sees_its_indicators_and_the_breach(world):
    response = _detail(world, world.handler)
    text = response.content.decode()
    assert response.status_code == 200
    assert "DSP collecte 2026 — indicateurs 2026" in text
    assert "Manquement" in text and "mois en manquement" in text
    assert "66,67 %" in text  # within promise in March
    assert "1700" in text or "1 700" in text  # penalties implied
    assert "<svg" in text and 'role="img"' in text


def test_the_authority_sees_the_same_figures(world):
    ours, theirs = _detail(world, world.manager), _detail(world, world.handler)
    assert ours.status_code == theirs.status_code == 200
    for figure in ("66,67 %", "8 j ouvrés", "3,5/5"):
        assert figure in ours.content.decode() and figure in theirs.content.decode()


def test_agents_of_other_authorities_do_not_see_the_contract(world):
    assert _detail(world, world.outsider).status_code == 404
    assert world.contract.title not in _client(world.outsider).get(BASE).content.decode()
    behind = _client(world.outsider).get(
        f"{BASE}{world.contract.pk}/indicateurs/{world.contract.indicators.first().pk}/demandes/"
    )
    assert behind.status_code == 404


def test_each_figure_opens_the_requests_behind_it(world):
    indicator = world.contract.indicators.get(kind="within_promise")
    response = _client(world.handler).get(
        f"{BASE}{world.contract.pk}/indicateurs/{indicator.pk}/demandes/?annee=2026&mois=2026-03"
    )
    text = response.content.decode()
    r = world.requests
    assert response.status_code == 200
    assert "3 demandes" in text
    for key in "abd":
        assert r[key].reference in text
    assert r["c"].reference not in text


def test_every_table_downloads_as_csv_for_french_spreadsheets(world):
    response = _detail(world, world.manager, "?annee=2026&format=csv&table=par-mois&variante=excel")
    body = response.content.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert body.startswith("\ufeffIndicateur;Mois;Valeur")
    assert "66,67" in body
    standard = _detail(world, world.manager, "?annee=2026&format=csv&table=par-mois-et-commune")
    assert "Bourg-la-Reine" in standard.content.decode()


def test_the_manager_comments_and_the_operator_records_a_disagreement(world):
    indicator = world.contract.indicators.get(kind="within_promise")
    url = f"{BASE}{world.contract.pk}/remarques/"
    response = _client(world.manager).post(
        url,
        {
            "kind": "comment",
            "body": "Mars : à expliquer.",
            "indicator": indicator.pk,
            "mois": "2026-03",
        },
    )
    assert response.status_code == 302
    _client(world.operator_manager).post(
        url, {"kind": "disagreement", "body": "Demande d hors délai : pièce manquante."}
    )
    text = _detail(world, world.handler).content.decode()
    assert "Mars : à expliquer." in text and "Désaccord de Collecte Sud" in text
    assert Remark.objects.filter(contract=world.contract).count() == 2


def test_a_case_handler_cannot_comment_and_bad_input_is_explained(world):
    url = f"{BASE}{world.contract.pk}/remarques/"
    assert _client(world.handler).post(url, {"kind": "comment", "body": "Hop"}).status_code == 403
    response = _client(world.manager).post(url, {"kind": "nimporte", "body": ""})
    assert response.status_code == 400
    assert "Écrivez votre remarque." in response.content.decode()


def test_the_report_is_asked_built_with_progress_and_downloaded(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client = _client(world.manager)
    response = client.post(
        f"{BASE}{world.contract.pk}/rapports/", {"period": "year", "starts_on": "2026"}
    )
    report = Report.objects.latest("id")
    assert response.status_code == 302 and response["Location"].endswith(f"/rapports/{report.pk}/")
    assert "Génération en attente : 0 %" in client.get(response["Location"]).content.decode()
    run_report(report.pk)
    page = client.get(response["Location"]).content.decode()
    assert "Le rapport est prêt." in page
    pdf = client.get(f"{BASE}{world.contract.pk}/rapports/{report.pk}/pdf/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert (
        _client(world.outsider)
        .get(f"{BASE}{world.contract.pk}/rapports/{report.pk}/pdf/")
        .status_code
        == 404
    )
    assert Event.objects.filter(kind="contracts.report-requested").exists()


def test_an_empty_month_report_says_why(world):
    client = _client(world.manager)
    response = client.post(
        f"{BASE}{world.contract.pk}/rapports/", {"period": "month", "starts_on": "2026-08"}
    )
    run_report(Report.objects.latest("id").pk)
    assert "Période sans données" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    "query", ["?annee=99999999999999999999", "?annee=abc", "?annee=%C2%B2", "?format=csv&table=x"]
)
def test_hostile_queries_do_not_break_the_page(world, query):
    assert _detail(world, world.manager, query).status_code in (200, 404)
