"""The register of processing is built from the configuration and the catalogue, shown to
managers in the back office (tables, CSV in both forms), and summarised on the public site."""

from __future__ import annotations

import csv
import io

import pytest
from cases.factories import SYSTEM, agent, build_world
from django.test import Client
from support import built_for_the_module, refreshed

from guichet.authorities import actions as authorities
from guichet.authorities.models import Role
from guichet.catalogue.models import Service
from guichet.people.rights.register import build_register


def _build():
    world = build_world()
    # the operator collects bulky waste for the EPT (a delegation in force)
    authorities.record_delegation(
        actor=SYSTEM, service=Service.objects.get(slug="encombrants"),
        granting_authority=world.ept, receiving_authority=world.operator,
    )  # fmt: skip
    world.collecte = agent("agent.collecte", world.operator)
    Service.objects.filter(slug="arbre-dangereux").update(retention_days=30)
    return world


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, _build) as world:
        yield world


@pytest.fixture
def world(_module_world, db):
    return refreshed(_module_world)


def _by_name(register):
    return {p.name: p for p in register.processings}


def test_each_service_taking_requests_is_one_processing_with_data_from_its_form(world):
    # given the shipped catalogue
    register = build_register()
    found = _by_name(register)
    requests = [p for p in register.processings if p.group == "Relation usager : demandes"]
    # then every published service that takes requests is there, and no informational one
    expected = set(
        Service.objects.filter(is_active=True)
        .exclude(kind=Service.Kind.INFORMATIONAL)
        .values_list("name", flat=True)
    )
    assert {p.name for p in requests} == expected
    assert "Permis de construire" not in found
    # and the data categories follow the form's field types
    voirie = found[Service.objects.get(slug="signalement-voirie").name]
    assert "identité (nom, prénom)" in voirie.data
    assert "adresse et localisation" in voirie.data
    assert "pièces jointes (justificatifs, photos)" in voirie.data
    eclairage = found[Service.objects.get(slug="eclairage-public-en-panne").name]
    assert "pièces jointes (justificatifs, photos)" not in eclairage.data
    assert voirie.category == Service.objects.get(slug="signalement-voirie").category.name
    assert voirie.transfers == "aucun transfert hors de l'Union européenne"


def test_retention_is_the_service_s_own_else_the_platform_default(world, settings):
    settings.GUICHET_RETENTION_DAYS = 730
    found = _by_name(build_register())
    arbre = found[Service.objects.get(slug="arbre-dangereux").name]
    voirie = found[Service.objects.get(slug="signalement-voirie").name]
    assert (arbre.retention_days, voirie.retention_days) == (30, 730)
    assert arbre.retention.startswith("1 mois après la clôture")
    assert voirie.retention.startswith("2 ans après la clôture")


def test_recipients_are_the_competent_authorities_with_delegations(world):
    found = _by_name(build_register())
    voirie = found[Service.objects.get(slug="signalement-voirie").name]
    # a communal service: the communes on the platform, not the EPT nor the operator
    assert "Ville de Sceaux" in voirie.recipients[0] and "Ville de Tours" in voirie.recipients[0]
    assert world.ept.name not in voirie.recipients[0]
    # the agents are counted per authority (3 in Sceaux: handler, manager, front desk)
    assert "Ville de Sceaux : 3 agents habilités" in voirie.staff
    encombrants = found[Service.objects.get(slug="encombrants").name]
    assert "Val de Loire Collecte (délégataire)" in encombrants.recipients[0]
    assert "Val de Loire Collecte : 1 agent habilité" in encombrants.staff


def test_the_controller_and_the_other_purposes_come_from_the_settings(world, settings):
    settings.GUICHET_OPERATOR_NAME = "Syndicat numérique de test"
    settings.GUICHET_DPO_CONTACT = "dpo@exemple.fr"
    settings.GUICHET_FRANCECONNECT = {"issuer": "", "client_id": "", "client_secret": ""}
    register = build_register()
    assert register.controller.name == "Syndicat numérique de test"
    assert register.controller.dpo_contact == "dpo@exemple.fr"
    groups = [group for group, _ in register.groups()]
    assert groups == [
        "Relation usager : demandes", "Rendez-vous", "Notifications", "Satisfaction",
        "Connexion", "Sécurité et traçabilité", "Tri automatique",
    ]  # fmt: skip
    residents = _by_name(register)["Espace usager (« Mes demandes », « Mon compte »)"]
    assert not any("FranceConnect" in d for d in residents.data)
    # when FranceConnect is configured, its data and the State's provider appear
    settings.GUICHET_FRANCECONNECT = {
        "issuer": "http://127.0.0.1:1",
        "client_id": "x",
        "client_secret": "y",
    }
    residents = _by_name(build_register())["Espace usager (« Mes demandes », « Mon compte »)"]
    assert any("FranceConnect" in d for d in residents.data)
    assert "FranceConnect (fournisseur d'identité de l'État)" in residents.recipients


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_managers_read_the_register_and_download_it_in_both_csv_forms(world):
    client = _client(world.manager_sceaux)
    page = client.get("/agents/registre-des-traitements/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Registre des traitements</h1>" in html
    voirie = Service.objects.get(slug="signalement-voirie").name
    assert voirie in html and "Agents habilités" in html
    standard = client.get("/agents/registre-des-traitements/?format=csv")
    assert standard["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(standard.content.decode("utf-8"))))
    assert rows[0][:3] == ["Section", "Traitement", "Catégorie"]
    assert len(rows) == 1 + len(build_register().processings)
    excel = client.get("/agents/registre-des-traitements/?format=csv&variante=excel")
    text = excel.content.decode("utf-8")
    assert text.startswith("\ufeff") and text.splitlines()[0].count(";") == len(rows[0]) - 1
    assert "-excel.csv" in excel["Content-Disposition"]


def test_agents_who_are_not_managers_are_refused(world):
    for user in (world.agent_sceaux, world.front_desk_sceaux):
        response = _client(user).get("/agents/registre-des-traitements/")
        assert response.status_code == 403
        assert "réservé aux responsables" in response.content.decode()
    administrator = agent("administrateur.registre", world.tours, Role.ADMINISTRATOR)
    assert _client(administrator).get("/agents/registre-des-traitements/").status_code == 200


def test_the_public_summary_is_linked_from_the_personal_data_page(world, client):
    privacy = client.get("/donnees-personnelles/").content.decode()
    assert 'href="/donnees-personnelles/registre-des-traitements/"' in privacy
    page = client.get("/donnees-personnelles/registre-des-traitements/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Relation usager : demandes" in html and "Ville de Sceaux" in html
    # the staff of each authority is the back office's, not the public's
    assert "agents habilités" not in html and "agent.collecte" not in html
