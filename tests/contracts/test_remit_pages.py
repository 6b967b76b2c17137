"""The managers' pages for elected officials' remits (list, create, end, send now) and the
topic page's volume by commune over time, through the Django test client."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from steering_support import LAST_WEEK, NOW, SYSTEM, build_world
from support import built_for_the_module

from guichet.cases import actions as cases
from guichet.catalogue.models import Category, Service
from guichet.contracts.briefings import actions
from guichet.contracts.models import Briefing, BriefingRemit
from guichet.core.clock import frozen_at
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.journeys.topics.actions import refresh_topics

BIRTH = {"type_acte": "copie_integrale", "qualite": "titulaire", "nom": "Martin",
         "prenoms": "Alice", "date_naissance": "1990-04-12", "nombre": 1,
         "adresse_envoi": "3 rue Houdan, 92330 Sceaux"}  # fmt: skip
BIRTHS = 4
URL = "/agents/pilotage/briefings/perimetres/"


def build():
    w = build_world()
    # Four birth certificates asked in Sceaux in the briefing's week: another policy area.
    w.birth = Service.objects.get(slug="acte-de-naissance")
    for i in range(BIRTHS):
        with frozen_at(LAST_WEEK + timedelta(days=i, hours=5)):
            cases.submit_request(service=w.birth, person=w.alice, channel="web",
                                 actor=Actor.person(w.alice), form_data=BIRTH,
                                 commune=w.sceaux_commune)  # fmt: skip
    return w


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build) as world:
        yield world


@pytest.fixture
def w(_world, db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.GUICHET_BASE_URL = "https://guichet.exemple.fr"
    return _world


def post(w, **changes) -> dict:
    return {"authority": str(w.sceaux.pk), "official": str(w.elected.pk),
            "title": "Maire de Sceaux", "scope": "commune", "commune": "92071",
            "frequency": "weekly"} | changes  # fmt: skip


def nothing_written():
    assert not BriefingRemit.objects.exists()
    assert not Event.objects.filter(kind=actions.REMIT_CREATED).exists()


def test_a_manager_creates_a_commune_remit_and_sees_it_listed(w, client):
    client.force_login(w.manager)
    page = client.get(URL)
    assert page.status_code == 200 and "Aucun périmètre pour l'instant." in page.content.decode()
    response = client.post(URL, post(w))
    assert response.status_code == 302
    remit = BriefingRemit.objects.get()
    assert (remit.official, remit.scope, remit.commune, remit.frequency) == (
        w.elected,
        "commune",
        w.sceaux_commune,
        "weekly",
    )
    event = Event.objects.get(kind=actions.REMIT_CREATED, subject_id=remit.pk)
    assert event.actor_user == w.manager
    text = client.get(URL).content.decode()
    assert "Maire de Sceaux" in text and "Une commune : Sceaux" in text
    assert "Périmètre « Maire de Sceaux » créé." in text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"commune": "92040"},
            "commune",
            "Cette commune n&#x27;est pas sur le territoire de Ville de Sceaux.",
        ),
        ({"commune": ""}, "commune", "Choisissez la commune suivie par l&#x27;élu."),
        ({"scope": "policy"}, "services", "Choisissez au moins un service ou une catégorie"),
        ({"title": "   "}, "title", "Indiquez la délégation de l&#x27;élu."),
        ({"title": "x" * 161}, "title", "160 caractères"),
        ({"authority": "abc"}, "authority", "Choisissez une valeur dans la liste."),
        ({"scope": "galaxie"}, "scope", "Choisissez une valeur dans la liste."),
        ({"frequency": ["weekly", "daily"]}, "frequency", "Choisissez une valeur dans la liste."),
        (
            {"scope": "policy", "services": ["abc"]},
            "services",
            "« abc » n&#x27;est pas une valeur proposée.",
        ),
        (
            {"scope": "policy", "categories": ["9999999999999999999999"]},
            "categories",
            "n&#x27;est pas une valeur proposée",
        ),
    ],
)
def test_bad_input_is_refused_in_french_on_its_field_and_nothing_is_written(
    w, client, changes, field, message
):
    client.force_login(w.manager)
    response = client.post(URL, post(w, **changes))
    assert response.status_code == 400
    text = response.content.decode()
    assert f'id="id_{field}-erreur"' in text
    error = text.split(f'id="id_{field}-erreur" class="fr-error-text">')[1].split("</p>")[0]
    assert message in error
    nothing_written()


@pytest.mark.parametrize("field", ["title", "commune", "official"])
def test_a_nul_byte_is_refused_before_the_form_with_a_french_page(w, client, field):
    client.force_login(w.manager)
    response = client.post(URL, post(w, **{field: "92\x0071"}))
    assert response.status_code == 400
    assert "le caractère nul U+0000" in response.content.decode()
    nothing_written()


def test_an_official_of_another_authority_is_refused(w, client):
    client.force_login(w.manager)
    response = client.post(URL, post(w, official=str(w.issy_manager.pk)))
    assert response.status_code == 400 and "Choisissez une valeur dans la liste." in (
        response.content.decode()
    )
    nothing_written()


def test_other_authorities_managers_and_the_elected_cannot_manage_sceaux_remits(w, client):
    remit = actions.create_remit(actor=SYSTEM, authority=w.sceaux, official=w.elected,
                                 title="Maire de Sceaux", scope="authority", frequency="weekly")  # fmt: skip
    client.force_login(w.issy_manager)
    assert "Maire de Sceaux" not in client.get(URL).content.decode()
    refused = client.post(URL, post(w, title="Intrus"))  # Sceaux is not a choice for Issy
    assert refused.status_code == 400 and "Choisissez une valeur dans la liste." in (
        refused.content.decode()
    )
    assert client.post(reverse("steering:remit_end", args=[remit.pk])).status_code == 404
    assert client.post(reverse("steering:remit_send", args=[remit.pk])).status_code == 404
    client.force_login(w.elected)  # an élu reads their briefings but manages no remit
    assert client.get(URL).status_code == 403
    assert client.post(reverse("steering:remit_end", args=[remit.pk])).status_code == 403
    remit.refresh_from_db()
    assert remit.is_active and BriefingRemit.objects.filter(title="Intrus").count() == 0
    assert not Event.objects.filter(kind=actions.REMIT_ENDED).exists()


def test_a_manager_ends_a_remit_once(w, client):
    remit = actions.create_remit(actor=SYSTEM, authority=w.sceaux, official=w.elected,
                                 title="Maire de Sceaux", scope="authority", frequency="monthly")  # fmt: skip
    client.force_login(w.manager)
    url = reverse("steering:remit_end", args=[remit.pk])
    assert client.get(url).status_code == 405
    page = client.post(url, follow=True).content.decode()
    assert "Les notes « Maire de Sceaux » ne seront plus envoyées." in page
    remit.refresh_from_db()
    assert not remit.is_active
    assert Event.objects.filter(kind=actions.REMIT_ENDED, subject_id=remit.pk).count() == 1
    again = client.post(url, follow=True).content.decode()
    assert "Les notes de ce périmètre ne sont déjà plus envoyées." in again
    assert Event.objects.filter(kind=actions.REMIT_ENDED, subject_id=remit.pk).count() == 1


def test_send_now_composes_the_briefing_in_the_worker(w, client, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr("guichet.core.clock.now", lambda: NOW)
    remit = actions.create_remit(actor=SYSTEM, authority=w.sceaux, official=w.elected,
                                 title="Maire de Sceaux", scope="authority", frequency="weekly")  # fmt: skip
    client.force_login(w.manager)
    page = client.post(reverse("steering:remit_send", args=[remit.pk]), follow=True)
    assert "sera composée et envoyée dans quelques instants" in page.content.decode()
    briefing = Briefing.objects.get(remit=remit)
    # the whole authority in the week of 23 November: 8 usual + 10 park + 4 birth certificates
    assert briefing.content["figures"]["received"] == 8 + 10 + BIRTHS
    event = Event.objects.get(kind=actions.BRIEFING_SENT, subject_id=briefing.pk)
    assert event.resource == "responsable.sceaux (envoyer maintenant)"


def test_a_policy_remit_made_on_the_page_counts_only_its_services(w, client):
    client.force_login(w.manager)
    civil = Category.objects.get(slug="etat-civil-citoyennete")
    contact = Category.objects.get(slug="nous-contacter")
    for title, fields in (("Adjointe à l'état civil", {"services": [str(w.birth.pk)]}),
                          ("Adjoint à l'accueil", {"categories": [str(contact.pk)]}),
                          ("Adjointe à la citoyenneté", {"categories": [str(civil.pk)]})):  # fmt: skip
        response = client.post(URL, post(w, title=title, scope="policy", commune="", **fields))
        assert response.status_code == 302, response.content.decode()
    counted = {}
    for remit in BriefingRemit.objects.all():
        briefing = actions.send_briefing(remit=remit, now=NOW)
        counted[remit.title] = briefing.content["figures"]["received"]
    # by hand: the week of 23 November in Sceaux had 4 birth certificates (état civil) and
    # 18 general questions (8 usual + 10 park complaints, « nous contacter »); Issy's 3 never count
    assert counted == {"Adjointe à l'état civil": BIRTHS, "Adjoint à l'accueil": 18,
                       "Adjointe à la citoyenneté": BIRTHS}  # fmt: skip
    remit = BriefingRemit.objects.get(title="Adjointe à l'état civil")
    assert list(remit.services.all()) == [w.birth] and remit.commune is None


def _csv(client, pk: int, table: str) -> list[list[str]]:
    response = client.get(reverse("steering:topic", args=[pk]), {"format": "csv", "table": table})
    return [row for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) if row]


def test_the_topic_page_charts_its_volume_by_commune_over_time(w, client):
    refresh_topics(authority=w.sceaux, now=NOW)
    client.force_login(w.manager)
    topics = client.get(reverse("steering:topics")).content.decode()
    pks = [int(part.split("/")[0]) for part in topics.split("/agents/pilotage/sujets/")[1:]
           if part.split("/")[0].isdigit()]  # fmt: skip
    assert pks
    found = False
    for pk in set(pks):
        page = client.get(reverse("steering:topic", args=[pk]))
        text = page.content.decode()
        assert page.status_code == 200
        assert (
            "Textes par semaine et par commune" in text and 'data-table="communes-semaines"' in text
        )
        assert text.count("<svg") >= 2  # the weekly chart and the chart by commune
        by_commune = _csv(client, pk, "communes-semaines")
        if "Sceaux" in by_commune[0]:
            found = True
            # all the topic's texts are in Sceaux: each week's Sceaux count is the weekly total
            weekly = _csv(client, pk, "semaines")
            assert weekly[0] == ["Semaine (lundi)", "Textes"] and len(weekly) > 2
            assert [row[1] for row in weekly[1:]] == [row[1] for row in by_commune[1:]]
            assert by_commune[0] == ["Semaine (lundi)", "Sceaux"]
    assert found
