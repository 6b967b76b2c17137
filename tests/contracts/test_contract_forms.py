"""The delegating authority's managers write contracts through the back office's form:
create, change, and every refusal shown next to its field in French, nothing written."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from guichet.authorities import actions as authorities
from guichet.authorities.models import Role
from guichet.catalogue.models import Service
from guichet.contracts import events
from guichet.contracts.models import Contract, Indicator
from guichet.core.models import Event

from .factories import SYSTEM, agent

NOT_YOURS = "Choisissez une collectivité dont vous êtes responsable."

pytestmark = pytest.mark.django_db
BASE = "/agents/pilotage/contrats/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _error(html: str, field_id: str) -> str:
    """The French message shown next to one field (its `…-erreur` element)."""
    found = re.search(rf'id="{re.escape(field_id)}-erreur"[^>]*>([^<]*)<', html)
    return unescape(found.group(1)) if found else ""


def _other_service(world) -> Service:
    return Service.objects.filter(is_active=True).exclude(pk__in=[world.bins.pk, world.bulky.pk])[0]


def _new(world, **changes) -> dict:
    data = {
        "authority": str(world.ept.pk),
        "title": "DSP propreté 2027",
        "reference": "DEL-2026-04",
        "operator": str(world.other.pk),
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
        "services": [str(_other_service(world).pk)],
        "communes": [str(world.sceaux.pk)],
        "ind-within_promise-target": "95",
        "ind-within_promise-tolerance": "2,5",
        "ind-within_promise-penalty": "1500",
        "ind-satisfaction-target": "4",
    }
    data.update(changes)
    return data


def _written():
    return Contract.objects.count(), Indicator.objects.count(), Event.objects.count()


def test_a_manager_creates_a_contract_with_its_indicators(world):
    client = _client(world.manager)
    page = client.get(f"{BASE}nouveau/").content.decode()
    assert "Nouveau contrat de délégation" in page and "Eaux du Sud (eau)" in page
    assert "Sceaux" in page and "part des demandes résolues dans le délai promis" in page

    response = client.post(f"{BASE}nouveau/", _new(world))

    contract = Contract.objects.get(title="DSP propreté 2027")
    assert response.status_code == 302 and response["Location"] == f"{BASE}{contract.pk}/"
    assert (contract.authority, contract.operator) == (world.ept, world.other)
    assert [c.pk for c in contract.communes.all()] == [world.sceaux.pk]
    targets = {
        i.kind: (str(i.target), str(i.tolerance), i.penalty) for i in contract.indicators.all()
    }
    assert (
        targets["within_promise"][:2] == ("95.00", "2.50") and targets["within_promise"][2] == 1500
    )
    assert set(targets) == {"within_promise", "satisfaction"}
    assert Event.objects.latest("id").kind == events.CONTRACT_CREATED
    assert "DSP propreté 2027" in client.get(response["Location"]).content.decode()


def test_a_manager_changes_a_contract_and_keeps_its_per_service_indicator(world):
    client = _client(world.manager)
    url = f"{BASE}{world.contract.pk}/modifier/"
    page = client.get(url).content.decode()
    assert 'value="DSP collecte 2026"' in page and 'value="2026-01-01"' in page
    assert "délai moyen de résolution — " in page  # the bins' own line
    resolve = world.contract.indicators.get(kind="resolve_delay")
    data = {
        "title": "DSP collecte 2026 (avenant 1)",
        "operator": str(world.operator.pk),
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "services": [str(world.bins.pk), str(world.bulky.pk)],
        "communes": [str(world.sceaux.pk), str(world.bourg.pk)],
        "ind-within_promise-target": "92",
        f"ind-resolve_delay-{world.bins.pk}-target": "4",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    contract = Contract.objects.get(pk=world.contract.pk)
    assert contract.title == "DSP collecte 2026 (avenant 1)"
    kept = {(i.kind, i.service_id): i.target for i in contract.indicators.all()}
    assert kept == {("within_promise", None): 92, ("resolve_delay", world.bins.pk): 4}
    assert contract.indicators.get(kind="resolve_delay").pk == resolve.pk
    assert Event.objects.latest("id").kind == events.CONTRACT_CHANGED


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"services": None}, "services", "Choisissez au moins un service délégué."),
        ({"communes": None}, "communes", "Choisissez au moins une commune."),
        ({"title": "  "}, "id_title", "Donnez un intitulé au contrat."),
        ({"starts_on": "2027-06-01", "ends_on": "2027-05-31"}, "id_ends_on",
         "La date de fin doit suivre la date de début."),
        ({"ind-within_promise-target": "120"}, "ind-within_promise-target",
         "Un objectif exprimé en part doit être compris entre 0 et 100 %."),
        ({"ind-within_promise-tolerance": "-1"}, "ind-within_promise-tolerance",
         "La tolérance ne peut pas être négative."),
        ({"ind-satisfaction-penalty": "-5"}, "ind-satisfaction-penalty",
         "La pénalité ne peut pas être négative."),
        ({"ind-answer_delay-tolerance": "3"}, "ind-answer_delay-target",
         "Fixez un objectif, ou videz la tolérance et la pénalité pour retirer cet indicateur."),
    ],
)  # fmt: skip
def test_each_refusal_is_shown_next_to_its_field_and_nothing_is_written(
    world, changes, field_id, message
):
    data = _new(world, **changes)
    data = {k: v for k, v in data.items() if v is not None}
    before = _written()
    response = _client(world.manager).post(f"{BASE}nouveau/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert _error(html, field_id) == message
    assert "Le contrat n'est pas enregistré" in unescape(html)
    assert _written() == before


def test_an_overlapping_contract_is_refused_on_its_start_date(world):
    data = _new(
        world, services=[str(world.bins.pk)], communes=[str(world.bourg.pk)],
        starts_on="2026-11-01", ends_on="2027-10-31",
    )  # fmt: skip
    before = _written()
    response = _client(world.manager).post(f"{BASE}nouveau/", data)
    message = _error(response.content.decode(), "id_starts_on")
    assert response.status_code == 400 and _written() == before
    assert message.startswith(
        "Un autre contrat (« DSP collecte 2026 », du 01/01/2026 au 31/12/2026)"
    )


def test_a_delegate_that_is_not_an_operator_is_refused(world):
    response = _client(world.manager).post(
        f"{BASE}nouveau/", _new(world, operator=str(world.ept.pk))
    )
    assert response.status_code == 400
    assert _error(response.content.decode(), "operator") == (
        "Le délégataire doit être un opérateur délégataire."
    )


def test_the_edit_refuses_what_the_action_refuses_and_keeps_the_contract(world):
    url = f"{BASE}{world.contract.pk}/modifier/"
    before = _written()
    response = _client(world.manager).post(
        url, {"title": "x", "operator": str(world.operator.pk), "starts_on": "2026-01-01",
              "ends_on": "2025-01-01", "services": [str(world.bins.pk)],
              "communes": [str(world.sceaux.pk)], "ind-first_contact-target": "101"},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 400 and _written() == before
    assert _error(html, "id_ends_on") == "La date de fin doit suivre la date de début."
    assert _error(html, "ind-first_contact-target").startswith("Un objectif exprimé en part")
    assert Contract.objects.get(pk=world.contract.pk).title == "DSP collecte 2026"


def test_others_may_not_write_a_contract(world):
    # an operator's manager sees the contract but does not write it
    operator = _client(world.operator_manager)
    assert operator.get(f"{BASE}{world.contract.pk}/modifier/").status_code == 403
    assert operator.get(f"{BASE}nouveau/").status_code == 403
    # another operator's manager does not even see it
    outsider = _client(world.outsider)
    assert outsider.get(f"{BASE}{world.contract.pk}/modifier/").status_code == 404
    # a case handler of the operator neither
    assert _client(world.handler).post(f"{BASE}nouveau/", _new(world)).status_code == 403
    # another authority's manager cannot write for Vallée Sud
    sceaux = authorities.create_authority(
        actor=SYSTEM, kind="commune", name="Sceaux", slug="sceaux", commune=world.sceaux
    )
    stranger = _client(agent("responsable.sceaux", sceaux, Role.MANAGER))
    assert stranger.get(f"{BASE}{world.contract.pk}/modifier/").status_code == 404
    before = _written()
    response = stranger.post(f"{BASE}nouveau/", _new(world))
    assert response.status_code == 400 and _written() == before
    assert _error(response.content.decode(), "authority") == NOT_YOURS


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"ind-within_promise-target": "quatre-vingt"}, "ind-within_promise-target",
         "Saisissez un nombre (par exemple 95 ou 12,5)."),
        ({"ind-within_promise-penalty": "1e999999999"}, "ind-within_promise-penalty",
         "Ce nombre est trop grand."),
        ({"ind-within_promise-penalty": "Infinity"}, "ind-within_promise-penalty",
         "Ce nombre est trop grand."),
        ({"ind-within_promise-penalty": "9" * 5000}, "ind-within_promise-penalty",
         "Saisissez un nombre d'au plus 30 caractères."),
        ({"starts_on": "99999-01-01"}, "id_starts_on",
         "Saisissez une date valide, par exemple 01/01/2027."),
        ({"ends_on": "2027-02-30"}, "id_ends_on",
         "Saisissez une date valide, par exemple 01/01/2027."),
        ({"starts_on": ""}, "id_starts_on", "Saisissez une date de début valide."),
        ({"services": ["douze"]}, "services", "Choisissez les services dans la liste."),
        ({"communes": ["99999999999999999999999"]}, "communes",
         "Choisissez les communes dans la liste."),
        ({"operator": "-1"}, "operator", "Le délégataire doit être un opérateur délégataire."),
    ],
)  # fmt: skip
def test_hostile_input_gets_a_french_message_and_no_write(world, changes, field_id, message):
    before = _written()
    response = _client(world.manager).post(f"{BASE}nouveau/", _new(world, **changes))
    assert response.status_code == 400
    assert _error(response.content.decode(), field_id) == message
    assert _written() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "DSP\x00"), ("ind-within_promise-target", "9\x005"), ("ends_on", "2027-02-28\x00"),
     ("services", "\x00")],
)  # fmt: skip
def test_a_nul_byte_is_refused_in_french_before_the_form(world, field, value):
    before = _written()
    response = _client(world.manager).post(f"{BASE}nouveau/", _new(world, **{field: value}))
    assert response.status_code == 400 and _written() == before
    assert (
        f"Le champ « {field} » contient un caractère interdit (le caractère nul U+0000)."
        in unescape(response.content.decode())
    )


def test_the_menu_offers_the_contracts_to_operators_agents_and_managers(world):
    def menu(user) -> str:
        html = _client(user).get(f"{BASE}").content.decode()
        return re.search(r'<nav class="fr-nav".*?</nav>', html, re.S).group(0)

    for user in (world.handler, world.outsider, world.manager, world.admin):
        entry = f'href="{BASE}" aria-current="page">Contrats de délégation</a>'
        assert entry in menu(user), user.username


def test_the_list_and_the_contract_page_lead_the_manager_to_the_forms_and_not_the_operator(world):
    manager, operator = _client(world.manager), _client(world.operator_manager)
    listing, detail = BASE, f"{BASE}{world.contract.pk}/"
    assert f'href="{BASE}nouveau/"' in manager.get(listing).content.decode()
    edit_link = f'href="{BASE}{world.contract.pk}/modifier/"'
    assert edit_link in manager.get(detail).content.decode()
    assert "Nouveau contrat" not in operator.get(listing).content.decode()
    assert edit_link not in operator.get(detail).content.decode()
