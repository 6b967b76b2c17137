import pytest

from guichet.cases.models import Attachment, Request
from guichet.core.models import Event
from guichet.people.models import Person

from .conftest import QUESTION, file_question
from .test_detail import pdf

pytestmark = pytest.mark.django_db

INTAKE = "/agents/nouvelle-demande/"


def request_url(person, channel="counter", service="question-generale", commune="92071"):
    return (
        f"{INTAKE}demande/?personne={person.pk}&canal={channel}&service={service}&commune={commune}"
    )


def at_the_counter(client, query="claire.martin@example.org"):
    """The agent finds the person by their exact e-mail (Claire is new to Sceaux): the
    counter look-up that lets them file for her (ADR 0017)."""
    assert client.get(INTAKE, {"q": query}).context["found"].all
    return client


def test_the_person_is_found_by_name_phone_email_or_request_reference(world, signed_in):
    # given Claire, who has a request in Sceaux
    case = file_question(world)
    client = signed_in(world.front)
    # when the front desk searches for her in four ways
    found = [
        client.get(INTAKE, {"q": q}).context["found"].visible
        for q in ("martin", "06 12 34 56 78", "claire.martin@example.org", case.reference)
    ]
    # then each finds her
    assert all(world.claire in people for people in found)


def test_a_counter_request_is_filed_for_the_person_by_the_agent(world, signed_in):
    # given the front desk with Claire at the counter
    client = at_the_counter(signed_in(world.front))
    page = client.get(request_url(world.claire))
    assert "traité par" in page.content.decode() and "Ville de Sceaux" in page.content.decode()
    # when the agent fills in the service's form
    response = client.post(request_url(world.claire), QUESTION)
    # then a request is filed for Claire, on the counter channel, by this agent
    case = Request.objects.get()
    # and the agent is given the receipt to print for her
    assert response.status_code == 302
    assert response["Location"] == f"/agents/demandes/{case.pk}/recepisse/"
    assert (case.person, case.channel, case.filed_by) == (world.claire, "counter", world.front)
    assert case.authority == world.sceaux


def test_a_new_person_is_created_at_the_counter_then_the_request_filed_by_phone(world, signed_in):
    # given a caller unknown to the platform
    client = signed_in(world.front)
    # when the agent creates their record, then files the request
    created = client.post(
        f"{INTAKE}usager/",
        {"first_name": "Léa", "last_name": "Petit", "phone": "06 98 76 54 32", "canal": "phone",
         "commune": "92071"},
    )  # fmt: skip
    lea = Person.objects.get(last_name="Petit")
    assert created.status_code == 302
    assert created["Location"] == f"{INTAKE}demande/?personne={lea.pk}&canal=phone"
    filed = client.post(request_url(lea, channel="phone"), QUESTION)
    # then the request is Léa's, by phone
    assert filed.status_code == 302
    case = Request.objects.get()
    assert (case.person, case.channel, case.filed_by) == (lea, "phone", world.front)
    assert lea.commune == world.sceaux_commune


def test_a_person_form_with_bad_input_writes_nothing(world, signed_in):
    # given the counter
    persons, events = Person.objects.count(), Event.objects.count()
    # when the agent types a wrong e-mail and no last name
    response = signed_in(world.front).post(
        f"{INTAKE}usager/", {"first_name": "Léa", "email": "pas-un-courriel", "commune": "zzz"}
    )
    # then French errors on the fields, and nobody created
    form = response.context["person_form"]
    assert response.status_code == 400
    assert form.errors["last_name"] == ["Ce champ est obligatoire."]
    assert form.errors["email"]
    assert "fr-input-group--error" in response.content.decode()
    assert (Person.objects.count(), Event.objects.count()) == (persons, events)


def test_a_service_nobody_handles_there_is_refused_with_the_reason(world, signed_in):
    # when the agent picks a commune whose town hall is not on the platform
    response = at_the_counter(signed_in(world.front)).get(
        request_url(world.claire, commune="92002")
    )
    # then the competence map's French reason is shown, and no form
    assert response.context["refusal"]
    assert 'id="refus"' in response.content.decode()
    assert "fields" not in response.context


def test_bad_answers_give_french_field_errors_and_no_request(world, signed_in):
    # given the counter, Claire found by her e-mail
    client = at_the_counter(signed_in(world.front))
    events = Event.objects.count()
    # when the agent posts the form with a missing subject and a bad e-mail
    response = client.post(request_url(world.claire), QUESTION | {"sujet": "", "courriel": "faux"})
    # then the fields say what is wrong, in French, and nothing is written
    assert response.status_code == 400
    errors = {f.name: f.errors for f in response.context["fields"] if f.errors}
    assert set(errors) == {"sujet", "courriel"}
    assert "Ce champ est obligatoire." in errors["sujet"][0]
    assert 'aria-describedby="champ-sujet-erreur"' in response.content.decode()
    assert Request.objects.count() == 0
    assert Event.objects.count() == events


def test_mail_intake_needs_the_scanned_letter(world, signed_in):
    # given a letter received by post
    client = at_the_counter(signed_in(world.front))
    events = Event.objects.count()
    # when the agent files it without the scan
    missing = client.post(request_url(world.claire, channel="mail"), QUESTION)
    # then it is refused in French and nothing is written
    assert missing.status_code == 400
    assert missing.context["letter_errors"] == ["Joignez le courrier numérisé (PDF ou image)."]
    assert Request.objects.count() == 0 and Attachment.objects.count() == 0
    assert Event.objects.count() == events
    # when the agent attaches the scan
    filed = client.post(
        request_url(world.claire, channel="mail"), QUESTION | {"courrier": pdf("lettre.pdf")}
    )
    # then the request is filed on the mail channel with the letter
    assert filed.status_code == 302
    case = Request.objects.get()
    assert case.channel == "mail"
    assert case.attachments.get().field_name == "courrier"


def test_an_unknown_commune_or_person_is_a_french_error(world, signed_in):
    client = at_the_counter(signed_in(world.front))
    unknown_commune = client.get(request_url(world.claire, commune="Nulle-Part-sur-Mer"))
    unknown_person = client.get(f"{INTAKE}demande/?personne=987654")
    assert unknown_commune.status_code == 400
    assert "Aucune commune ne correspond" in unknown_commune.content.decode()
    assert unknown_person.status_code == 404
    assert unknown_person.context["message"] == "Usager introuvable."
