"""The open-data pages as a person reads them: the public list, a data set, its downloads;
the authority's admin page (managers only), its choices, preview, runs and « Publier
maintenant »."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.utils import timezone

from guichet.authorities import actions as authorities
from guichet.authorities.models import Role
from guichet.core.models import Event, User
from guichet.opendata.models import Dataset, Publication

from .published import SYSTEM, operator, publish

BASE = "https://guichet.exemple.fr"


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


@pytest.fixture
def world(db, settings, tmp_path):
    settings.GUICHET_OPENDATA_DIR = tmp_path
    settings.GUICHET_BASE_URL = BASE
    syndicat = operator()
    other = operator(slug="autre-syndicat", name="Autre syndicat", siren="200067890")
    served = publish(syndicat, title="Demandes — Syndicat des tests")
    hidden = publish(other, title="Demandes cachées", publish=False)
    return syndicat, other, served, hidden


def agent(username, authority, role):
    user = User.objects.create_user(username, f"{username}@exemple.fr", "motdepasse-solide-42")
    authorities.add_agent(actor=SYSTEM, user=user, authority=authority, role=role)
    return user


# --- public pages ----------------------------------------------------------------------


def test_the_list_shows_each_published_data_set_with_schema_preview_and_downloads(client, world):
    _, _, served, _ = world
    page = text(client.get("/donnees/"))
    assert "Données ouvertes" in page
    assert "1 jeu de données publié" in page
    assert "Demandes — Syndicat des tests" in page
    assert "Demandes cachées" not in page  # not chosen for publication
    assert "Dernière mise à jour :" in page
    assert "Licence Ouverte 2.0" in page
    # the schema's columns, the first rows, the files with their sizes
    assert "Code INSEE de la commune" in page and "R00000" in page
    assert "au format CSV" in page and "au format GeoJSON" in page and "au format Parquet" in page
    assert "n'ont pas été publiées" in page  # the anonymisation's count, in the description
    assert 'href="/signalements/"' in client.get("/donnees/").content.decode()


def test_a_data_set_page_names_producer_period_and_rows(client, world):
    _, _, served, _ = world
    page = text(client.get(f"/donnees/{served.dataset.slug}/"))
    assert "Syndicat des tests (SIREN 200012342)" in page
    assert "du 1er novembre 2026 au 28 novembre 2026" in page
    assert "Fréquence de mise à jour quotidienne" in page
    assert "Lignes 12" in page


@pytest.mark.parametrize(
    ("extension", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("geojson", "application/geo+json"),
        ("parquet", "application/vnd.apache.parquet"),
        ("schema.json", "application/schema+json"),
    ],
)
def test_files_download_with_their_type_name_and_checksum(client, world, extension, content_type):
    _, _, served, _ = world
    slug = served.dataset.slug
    response = client.get(f"/donnees/{slug}/fichiers/{slug}.{extension}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert f'filename="{slug}.{extension}"' in response["Content-Disposition"]
    fmt = {"schema.json": "schema"}.get(extension, extension)
    assert response["ETag"] == f'"{served.files.get(format=fmt).sha256}"'
    again = client.get(
        f"/donnees/{slug}/fichiers/{slug}.{extension}", HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/donnees/inconnu/",
        "/donnees/{slug}/fichiers/{slug}.exe",
        "/donnees/{slug}/fichiers/autre.csv",
        "/donnees/{hidden}/",
        "/donnees/{hidden}/fichiers/{hidden}.csv",
    ],
)
def test_unknown_or_unpublished_is_a_french_404(client, world, path):
    _, _, served, hidden = world
    response = client.get(path.format(slug=served.dataset.slug, hidden=hidden.dataset.slug))
    assert response.status_code == 404
    assert "n'existe pas" in text(response)


def test_a_filter_by_authority_and_hostile_pages_never_fail(client, world):
    assert "Demandes — Syndicat des tests" in text(
        client.get("/donnees/?collectivite=syndicat-test")
    )
    # an authority that publishes nothing is not a choice: the whole list is shown
    assert "1 jeu de données publié" in text(client.get("/donnees/?collectivite=autre-syndicat"))
    assert "0 jeu de données publié" in text(client.get("/donnees/?collectivite=plateforme"))
    for query in ("page=99999", "page=-1", "page=abc", "collectivite=" + "x" * 3000):
        assert client.get(f"/donnees/?{query}").status_code == 200


# --- the authority's admin page --------------------------------------------------------


def test_only_the_authoritys_managers_enter(client, world):
    syndicat, *_ = world
    assert client.get("/agents/donnees/").status_code == 302  # sign in first
    client.force_login(agent("instructeur", syndicat, Role.CASE_HANDLER))
    refused = client.get("/agents/donnees/")
    assert refused.status_code == 403
    assert "réservées aux responsables" in text(refused)


def test_a_manager_sees_the_preview_of_what_is_public_and_the_runs(client, world):
    syndicat, _, served, _ = world
    client.force_login(agent("responsable", syndicat, Role.MANAGER))
    page = text(client.get("/agents/donnees/"))
    assert "Demandes — Syndicat des tests" in page and "publié" in page
    assert "Aperçu de ce qui est public : les 5 premières lignes" in page
    assert "R00004" in page and "R00005" not in page
    # a failed run says which column and row, and that the previous version stays
    Publication.objects.create(
        dataset=served.dataset, version=2, status="failed", started_at=timezone.now(),
        finished_at=timezone.now(), error_column="commune_insee", error_row=42,
        error_message="Le fichier ne respecte pas son schéma : valeur « 9X » invalide.",
    )  # fmt: skip
    page = text(client.get("/agents/donnees/"))
    assert "Colonne « commune_insee », ligne 42" in page
    assert "La version précédente reste publiée" in page
    # a running one shows its progress
    Publication.objects.create(
        dataset=served.dataset, version=3, status="running", started_at=timezone.now(),
        progress_done=250, progress_total=1000,
    )  # fmt: skip
    page = text(client.get("/agents/donnees/"))
    assert "250 lignes traitées sur 1000 (25 %)" in page


def test_choosing_to_publish_goes_through_the_action_with_one_event(client, world):
    syndicat, _, served, _ = world
    client.force_login(agent("responsable", syndicat, Role.MANAGER))
    before = Event.objects.filter(kind="opendata.dataset-changed").count()
    response = client.post(
        f"/agents/donnees/{served.dataset.pk}/choix/", {"frequence": "WEEKLY"}
    )  # unchecked box: stop publishing
    assert response.status_code == 302
    dataset = Dataset.objects.get(pk=served.dataset.pk)
    assert (dataset.publish, dataset.frequency) == (False, "WEEKLY")
    assert Event.objects.filter(kind="opendata.dataset-changed").count() == before + 1
    assert client.get(f"/donnees/{dataset.slug}/").status_code == 404
    # a made-up frequency is refused in French, nothing changed
    client.post(f"/agents/donnees/{dataset.pk}/choix/", {"frequence": "HOURLY", "publier": "oui"})
    assert Dataset.objects.get(pk=dataset.pk).publish is False
    assert "Fréquence inconnue" in text(client.get("/agents/donnees/"))


def test_another_authoritys_data_set_is_not_found(client, world):
    syndicat, _, _, hidden = world
    client.force_login(agent("responsable", syndicat, Role.MANAGER))
    assert (
        client.post(f"/agents/donnees/{hidden.dataset.pk}/choix/", {"publier": "oui"}).status_code
        == 404
    )
    assert client.post(f"/agents/donnees/{hidden.dataset.pk}/publier/").status_code == 404
    assert Dataset.objects.get(pk=hidden.dataset.pk).publish is False


def test_publish_now_runs_a_publication_in_the_worker(client, world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    syndicat, *_ = world
    client.force_login(agent("responsable", syndicat, Role.MANAGER))
    fresh = operator(slug="nouveau", name="Nouveau syndicat", siren="")
    authorities.add_agent(actor=SYSTEM, user=User.objects.get(username="responsable"),
                          authority=fresh, role=Role.MANAGER)  # fmt: skip
    # given an authority without data sets: the page offers to prepare them
    page = text(client.get(f"/agents/donnees/?collectivite={fresh.pk}"))
    assert "Aucun jeu de données n'est encore préparé pour Nouveau syndicat" in page
    client.post("/agents/donnees/preparer/", {"collectivite": fresh.pk})
    dataset = Dataset.objects.get(authority=fresh, kind="requests")
    # when the manager clicks « Publier maintenant »
    response = client.post(f"/agents/donnees/{dataset.pk}/publier/", follow=True)
    # then a run publishes the files (not public: the box « Publier » is not checked)
    assert "La publication de" in text(response)
    run = Publication.objects.get(dataset=dataset)
    assert run.status == "published", run.error_message
    assert run.files.count() == 4
    assert client.get(f"/donnees/{dataset.slug}/").status_code == 404
    assert Event.objects.filter(kind="opendata.publication-published", subject_id=run.pk).exists()
