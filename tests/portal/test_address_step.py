import datetime as dt
import re

import pytest

from guichet.authorities import actions as authority_actions
from guichet.authorities.models import Authority
from guichet.cases.actions import change_status, submit_request
from guichet.core import clock
from guichet.core.journal import Actor
from guichet.people.actions import find_or_create_person
from guichet.territory.models import Commune

from .conftest import IN_SCEAUX, SYSTEM, page_text


def test_a_postcode_serving_several_communes_asks_which_one(client, world):
    # when a resident types a postcode La Poste shares between Amboise and Lussault-sur-Loire
    response = client.get("/", {"q": "37400"})
    # then the portal says so and lets them pick their commune
    text = page_text(response)
    assert response.status_code == 200
    assert "Le code postal 37400 dessert plusieurs communes : choisissez la vôtre." in text
    html = response.content.decode()
    assert 'href="/communes/37003/"' in html
    assert 'href="/communes/37138/"' in html


def test_a_postcode_serving_one_commune_leads_to_its_services(client, world):
    # when a resident of Sceaux types their postcode
    response = client.get("/", {"q": "92330"})
    # then they land on the services offered at Sceaux
    assert response.status_code == 302
    assert response["Location"] == "/communes/92071/"


def test_a_commune_name_finds_the_commune(client, world):
    # when a resident types the name of their commune
    response = client.get("/", {"q": "issy les moul"})
    # then the portal takes them to it
    assert response["Location"] == "/communes/92040/"


def test_an_unknown_postcode_is_answered_in_french(client, world):
    # when a resident types a postcode no commune of the territory has
    response = client.get("/", {"q": "99999"})
    # then the page explains it next to the field
    assert "Aucune commune desservie ne correspond au code postal « 99999 »." in page_text(response)
    assert "fr-input-group--error" in response.content.decode()


def test_the_services_at_an_address_come_from_several_authorities(client, world):
    # when a resident of Sceaux opens the page of their commune
    response = client.get("/communes/92071/")
    # then one offer lists services of the commune, the EPT and the département, each labelled
    text = page_text(response)
    assert response.status_code == 200
    assert "Vos démarches à Sceaux" in text
    assert "Assuré par Ville de Sceaux (commune)" in text
    assert "Assuré par Vallée Sud - Grand Paris (intercommunalité)" in text
    assert "Assuré par Département des Hauts-de-Seine (département)" in text
    # grouped by category, in catalogue order
    assert text.index("Voirie et espace public") < text.index("Propreté et déchets")


def test_a_delegated_service_names_the_operator_and_the_authority_it_acts_for(client, world):
    # given the EPT delegated waste bins to an operator
    operator = authority_actions.create_authority(
        actor=SYSTEM, kind=Authority.Kind.OPERATOR, name="Collecte Services",
        slug="collecte-services", operator_sector="déchets",
    )  # fmt: skip
    authority_actions.record_delegation(
        actor=SYSTEM, service=world.bac, granting_authority=world.vallee_sud,
        receiving_authority=operator,
    )  # fmt: skip
    # when a resident of Sceaux looks at the offer
    text = page_text(client.get("/communes/92071/"))
    # then the operator is named, acting for the EPT
    assert (
        "Assuré par Collecte Services (opérateur), pour le compte de Vallée Sud - Grand Paris"
        in text
    )


def test_the_catalogue_lists_every_published_service(client, world):
    # when a visitor opens the catalogue
    text = page_text(client.get("/services/"))
    # then every service is listed under its category, informational ones included
    assert "Signaler un problème de voirie" in text
    assert world.permis.name in text
    assert "Solidarités et autonomie" in text


def test_the_service_page_shows_the_promise_and_who_handles_it_here(client, world):
    # when a resident of Sceaux opens the pothole service
    response = client.get("/communes/92071/services/signalement-voirie/")
    # then they read the promise, who handles it and the button to file a request
    text = page_text(response)
    assert "Notre engagement : réponse sous 10 jours ouvrés." in text
    assert "Ce service est assuré par Ville de Sceaux (commune)." in text
    assert "/communes/92071/services/signalement-voirie/demande/" in response.content.decode()
    # and no made-up figure when there is no history yet
    assert "Ces derniers mois" not in text


def test_the_service_page_shows_an_honest_estimate_from_recent_requests(client, world, agent):
    # given five pothole reports at Sceaux resolved 2 to 10 days after they came in
    person = find_or_create_person(actor=SYSTEM, email="ancien@example.fr").person
    for days in (2, 3, 4, 6, 10):
        filed = submit_request(
            service=world.voirie, person=person, channel="web", actor=Actor.person(person),
            form_data={"nature": "trottoir", "emplacement": IN_SCEAUX}, commune=world.sceaux,
            received_at=clock.now() - dt.timedelta(days=days),
        )  # fmt: skip
        change_status(
            request=filed, to="in_progress", actor=Actor.agent(agent), role="case_handler"
        )
        change_status(
            request=filed, to="resolved", actor=Actor.agent(agent), role="case_handler",
            note="Réparé.",
        )  # fmt: skip
    # when a resident opens the service page
    text = page_text(client.get("/communes/92071/services/signalement-voirie/"))
    # then the promise and the recent facts are two separate sentences, in working days like
    # the promise, and the facts never read as a second promise
    assert "Notre engagement : réponse sous 10 jours ouvrés." in text
    facts = re.search(
        r"Ces derniers mois, la moitié des demandes ont reçu une réponse "
        r"(?:le jour même|en (\d+) jours? ouvrés? ou moins)"
        r"(?:, et 9 sur 10 aussi| ; 9 sur 10 en (\d+) jours? ouvrés? ou moins)\.",
        text,
    )
    assert facts is not None, text
    half, nine_in_ten = int(facts[1] or 0), int(facts[2] or facts[1] or 0)
    assert half <= nine_in_ten <= 10  # at most 10 calendar days, so at most 10 working days
    assert "en général" not in text and "Estimation" not in text


def test_an_informational_service_shows_its_page_only(client, world):
    # when a resident opens the building permit page at Sceaux
    response = client.get("/communes/92071/services/permis-de-construire/")
    # then the page informs, and offers no request form
    text = page_text(response)
    assert response.status_code == 200
    assert "ce service ne se demande pas en ligne" in text
    assert "/demande/" not in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/communes/00000/", "/services/inconnu/", "/communes/92071/services/inconnu/"]
)
def test_unknown_communes_and_services_answer_not_found_in_french(client, world, url):
    # when someone opens a page for something that does not exist
    response = client.get(url)
    # then a French "not found" page answers
    assert response.status_code == 404
    assert "Page introuvable" in page_text(response)


def test_a_delegated_commune_name_leads_to_the_commune_it_belongs_to(client, world):
    # given a commune with an associated commune (Loiret)
    associated = Commune.objects.filter(kind=Commune.Kind.ASSOCIATED).select_related("parent")
    associated = associated.first()
    # when a resident types the associated commune's name
    response = client.get("/", {"q": associated.name})
    # then the choices (or the redirect) lead to the current commune
    target = f"/communes/{associated.parent.code}/"
    assert response.get("Location") == target or target in response.content.decode()
