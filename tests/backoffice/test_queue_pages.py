"""The agent's queue and pages (issue 13): counters, wording, « Objet », hand-off, receipt.

The counters and the rows come from one definition, at one moment: « 0 à risque » over a row badged « À RISQUE », « 11 demandes » over 10 rows after a hand-off:
the counters were cached for 30 s and counted « at risk » in calendar days while the badges
counted working days in the commune's département.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape as html_unescape

import pytest
import segno
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import built_for_the_module

from guichet.cases.actions import add_note, change_status, hand_off, submit_request
from guichet.cases.models import Request
from guichet.core import clock, refcache
from guichet.core.calendar import PARIS
from guichet.core.journal import Actor
from guichet.territory.models import Commune, Departement, Region

from .conftest import QUESTION, build_world, file_question

pytestmark = pytest.mark.django_db

POOL = 8


def _build():
    world = build_world()
    # A commune of Moselle, whose Good Friday is a public holiday (not in Sceaux's calendar).
    region = Region.objects.create(code="44", name="Grand Est")
    moselle = Departement.objects.create(code="57", name="Moselle", region=region)
    world.metz = Commune.objects.create(code="57463", name="Metz", departement=moselle)
    world.pool = [file_question(world, sujet=f"Question {n}") for n in range(POOL)]
    return world


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, _build) as world:
        yield world


@pytest.fixture
def world(_module_world, db):
    refcache.clear()
    return _module_world


def counter(html: str, name: str) -> int:
    return int(re.search(rf'data-count="{name}">(\d+)<', html).group(1))


def badged(html: str, state: str) -> int:
    return len(re.findall(rf'data-deadline="{state}"', html))


def caption_count(html: str) -> int:
    return int(re.search(r"<caption>(\d+) demandes?", html).group(1))


def queue_at(client, now: datetime) -> str:
    with clock.frozen_at(now):
        response = client.get("/agents/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_counters_follow_a_hand_off_at_once(world, client):
    # given the queue of Sceaux seen once (anything cached is now cached)
    client.force_login(world.handler)
    before = client.get("/agents/").content.decode()
    open_before = counter(before, "open")
    assert caption_count(before) == open_before == len(re.findall(r"<tr data-reference", before))
    # when one request is handed off to Issy and the agent comes back to the queue
    hand_off(
        request=world.pool[0], to_authority=world.issy, reason="Compétence d'Issy",
        actor=Actor.agent(world.handler),
    )  # fmt: skip
    after = client.get("/agents/").content.decode()
    # then the counter, the caption and the rows all say one less
    rows = len(re.findall(r"<tr data-reference", after))
    assert counter(after, "open") == caption_count(after) == rows == open_before - 1
    assert world.pool[0].reference not in after


# Around Easter 2026 (Good Friday 3 April is a holiday in Moselle only, Easter Monday 6 April
# everywhere), and anywhere in the year.
NOW = st.one_of(
    st.datetimes(min_value=datetime(2026, 3, 27), max_value=datetime(2026, 4, 9)),
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
).map(lambda naive: naive.replace(tzinfo=PARIS))
# Each request of the pool: no deadline, or one from three days before to eight days after.
DUE = st.one_of(
    st.none(), st.integers(min_value=-3 * 24 * 60, max_value=8 * 24 * 60).map(
        lambda minutes: timedelta(minutes=minutes)
    )
)  # fmt: skip
WHERE = st.sampled_from(["sceaux", "metz", None])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(now=NOW, situations=st.lists(st.tuples(DUE, WHERE), min_size=POOL, max_size=POOL))
def test_the_at_risk_and_overdue_counters_equal_the_rows_badged_so(world, client, now, situations):
    # given requests of Sceaux due at random moments around `now`, in communes of two
    # holiday calendars or in none
    communes = {"sceaux": world.sceaux_commune.pk, "metz": world.metz.pk, None: None}
    for request, (due, where) in zip(world.pool, situations, strict=True):
        Request.objects.filter(pk=request.pk).update(
            due_at=None if due is None else now + due, commune_id=communes[where]
        )
    refcache.clear()
    client.force_login(world.handler)
    # when the agent opens the queue at `now`
    html = queue_at(client, now)
    # then each counter equals the rows carrying its badge
    assert counter(html, "at_risk") == badged(html, "at_risk")
    assert counter(html, "overdue") == badged(html, "overdue")
    assert counter(html, "open") == caption_count(html) == POOL


def test_a_local_holiday_makes_a_deadline_at_risk_in_moselle_only(world, client):
    # given two requests due on Tuesday 7 April 2026 in the evening, one in Sceaux, one in Metz
    due = datetime(2026, 4, 7, 18, tzinfo=PARIS)
    sceaux, metz, *others = world.pool
    Request.objects.filter(pk=sceaux.pk).update(due_at=due, commune_id=world.sceaux_commune.pk)
    Request.objects.filter(pk=metz.pk).update(due_at=due, commune_id=world.metz.pk)
    Request.objects.filter(pk__in=[r.pk for r in others]).update(due_at=None)
    refcache.clear()
    client.force_login(world.handler)
    # when the agent opens the queue on Wednesday 1 April: Thursday, Good Friday (a working
    # day in Sceaux, not in Metz), Easter Monday off, then Tuesday
    html = queue_at(client, datetime(2026, 4, 1, 10, tzinfo=PARIS))
    # then only Metz's request is at risk (two working days left), and the counter says one
    assert re.search(rf'data-reference="{metz.reference}".*?data-deadline="at_risk"', html)
    assert re.search(rf'data-reference="{sceaux.reference}".*?data-deadline="on_time"', html)
    assert counter(html, "at_risk") == 1


def test_the_objet_column_says_what_is_asked_and_the_person_has_a_column_of_their_own(
    world, client
):
    # given a noise complaint: its service declares « Origine du bruit » as its summary
    noise = submit_request(
        service=world.noise, person=world.claire, channel="web",
        actor=Actor.person(world.claire), commune=world.sceaux_commune,
        form_data={
            "source": "voisinage", "moments": ["nuit"], "adresse": "3 rue Houdan, Sceaux",
            "description": "Musique très forte chaque nuit depuis une semaine.",
        },
    )  # fmt: skip
    refcache.clear()
    client.force_login(world.handler)
    # when the agent opens the queue
    html = client.get("/agents/").content.decode()
    # then the row's « Objet » is the declared field's label, the person is in « Usager »
    row = re.search(rf'<tr data-reference="{noise.reference}">(.*?)</tr>', html).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row)
    headers = re.findall(r'<th scope="col">(.*?)</th>', html)
    assert cells[headers.index("Objet")] == "Voisinage"
    assert cells[headers.index("Usager")] == "Claire Martin"


def test_agent_screens_say_a_request_waits_for_the_person_in_the_agents_words(world, client):
    # given a request waiting for the person's answer
    waiting = world.pool[1]
    change_status(request=waiting, to="in_progress", actor=Actor.agent(world.handler),
                  role="case_handler")  # fmt: skip
    change_status(request=waiting, to="waiting_user", actor=Actor.agent(world.handler),
                  role="case_handler", note="Merci de préciser l'adresse.")  # fmt: skip
    client.force_login(world.handler)
    # when the agent opens the queue, filters it by that phase, and opens the request
    pages = [
        client.get("/agents/").content.decode(),
        client.get("/agents/", {"public_status": "action_needed"}).content.decode(),
        client.get(f"/agents/demandes/{waiting.pk}/").content.decode(),
    ]
    # then they read « en attente de l'usager », never the person's « de votre part »
    for html in pages:
        assert "de votre part" not in html
    chosen = re.search(r'<option value="action_needed" selected>([^<]*)</option>', pages[1])
    assert html_unescape(chosen.group(1)) == "en attente de l'usager"
    assert re.findall(r'<tr data-reference="([^"]+)"', pages[1]) == [waiting.reference]


def test_after_a_hand_off_the_sending_agents_page_says_where_the_request_went_and_why(
    world, client
):
    # given a Sceaux request handed off to Issy with a reason, then handled there
    case = world.pool[2]
    hand_off(
        request=case, to_authority=world.issy, reason="L'adresse est à Issy-les-Moulineaux.",
        actor=Actor.agent(world.handler),
    )  # fmt: skip
    add_note(request=case, actor=Actor.agent(world.issy_agent), body="Suivi confidentiel d'Issy")
    never_ours = file_question(world, commune=world.issy_commune)
    # when Sceaux's agents open its page again, and a request that was never Sceaux's
    client.force_login(world.front)
    left = client.get(f"/agents/demandes/{case.pk}/")
    never = client.get(f"/agents/demandes/{never_ours.pk}/")
    client.force_login(world.handler)
    left_for_handler = client.get(f"/agents/demandes/{case.pk}/")
    # then the page says the request left, to whom and why, and nothing that followed
    assert left.status_code == left_for_handler.status_code == 200
    html = html_unescape(left.content.decode())
    assert f"Demande {case.reference} transférée" in html
    assert "suivie par Ville d'Issy" in html
    assert "L'adresse est à Issy-les-Moulineaux." in html
    assert "Suivi confidentiel" not in html and "Claire" not in html
    # and a request Sceaux never had is still not found
    assert never.status_code == 404
    assert "Demande introuvable." in never.content.decode()


def test_a_request_handed_back_shows_its_departure_to_one_side_and_itself_to_the_other(
    world, client
):
    # given a request handed from Sceaux to Issy, then back to Sceaux by Issy
    case = world.pool[3]
    hand_off(request=case, to_authority=world.issy, reason="Pour Issy",
             actor=Actor.agent(world.handler))  # fmt: skip
    hand_off(request=case, to_authority=world.sceaux, reason="Finalement Sceaux",
             actor=Actor.agent(world.issy_agent))  # fmt: skip
    # when Issy's agent opens it, and Sceaux's agent
    client.force_login(world.issy_agent)
    for_issy = client.get(f"/agents/demandes/{case.pk}/")
    client.force_login(world.handler)
    for_sceaux = client.get(f"/agents/demandes/{case.pk}/")
    # then Issy sees where it went (it handed it back), and Sceaux has the request itself
    assert for_issy.status_code == 200
    assert "Finalement Sceaux" in html_unescape(for_issy.content.decode())
    assert for_sceaux.status_code == 200
    assert for_sceaux.templates[0].name == "backoffice/request.html"


def counter_filing(client, person, *, commune="92071"):
    """The front desk files a general question for `person`, at the counter."""
    intake = "/agents/nouvelle-demande/"
    assert client.get(intake, {"q": "claire.martin@example.org"}).status_code == 200
    url = (
        f"{intake}demande/?personne={person.pk}&canal=counter&service=question-generale"
        f"&commune={commune}"
    )
    return client.post(url, QUESTION)


def test_after_filing_at_the_counter_the_agent_gets_a_printable_receipt(world, client):
    # given the front desk with Claire at the counter
    client.force_login(world.front)
    # when the agent files her question
    filed = counter_filing(client, world.claire)
    case = Request.objects.get(filed_by=world.front)
    # then they land on the receipt, whose own address carries no secret
    assert filed.status_code == 302
    assert filed["Location"] == f"/agents/demandes/{case.pk}/recepisse/"
    assert "cle" not in filed["Location"] and case.tracking_secret not in filed["Location"]
    receipt = client.get(filed["Location"])
    html = html_unescape(receipt.content.decode())
    assert receipt.status_code == 200
    assert "no-store" in receipt["Cache-Control"]
    # with the reference, what happens next and the promise with its date
    assert case.reference in html
    assert "Et maintenant ?" in html
    assert "Notre engagement : réponse sous 10 jours ouvrés." in html
    assert re.search(r"au plus tard le <strong>\d+ \w+ 20\d\d</strong>", html)
    # and the tracking link as a QR code the person's phone opens, plus the key to type in
    link = f"{django_settings.GUICHET_BASE_URL}/suivi/{case.reference}?cle={case.tracking_secret}"
    expected_qr = segno.make(link, error="m").svg_inline(
        scale=4, border=4, svgclass="receipt-qr__code"
    )
    assert expected_qr in receipt.content.decode()
    assert case.tracking_secret in html
    # never as a link on the page (it would leave in a Referer or a log)
    assert "?cle=" not in " ".join(re.findall(r'href="([^"]*)"', html))
    # and the request's page prints it again, for a person who lost it
    request_page = client.get(f"/agents/demandes/{case.pk}/").content.decode()
    assert f'href="/agents/demandes/{case.pk}/recepisse/"' in request_page


def test_the_receipt_is_for_the_agents_of_the_authority_and_the_agent_who_filed_it(world, client):
    # given a question filed at Sceaux's counter for Issy (the competence map sends it there)
    client.force_login(world.front)
    counter_filing(client, world.claire, commune="92040")
    case = Request.objects.get(filed_by=world.front)
    assert case.authority == world.issy
    url = f"/agents/demandes/{case.pk}/recepisse/"
    # when the filing agent, Issy's agent and another Sceaux agent open the receipt
    for_filer = client.get(url)
    client.force_login(world.issy_agent)
    for_issy = client.get(url)
    client.force_login(world.handler)
    for_colleague = client.get(url)
    # then the first two get it, the colleague (who has no part in it) does not
    assert for_filer.status_code == for_issy.status_code == 200
    assert for_colleague.status_code == 404
    # and the filing agent, whose authority does not handle it, reads only who to recognise
    filer_html = html_unescape(for_filer.content.decode())
    assert f"{world.claire.first_name} {world.claire.last_name[0]}." in filer_html
    assert world.claire.last_name not in filer_html
    assert world.claire.last_name in html_unescape(for_issy.content.decode())
