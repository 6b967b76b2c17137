import pytest
from django.core.exceptions import ValidationError

from guichet.catalogue.actions import load_catalogue, save_service
from guichet.catalogue.models import Category, Service
from guichet.catalogue.selectors import published_services, service_by_slug
from guichet.core.journal import Actor
from guichet.core.models import Event

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")


@pytest.fixture
def catalogue():
    load_catalogue(actor=SYSTEM)


def test_saving_a_service_stores_a_compact_form_and_journals_the_change(catalogue):
    # given a published service
    service = Service.objects.get(slug="question-generale")
    new_form = [{"name": "message", "label": "Message", "type": "long_text", "required": True,
                 "help_text": "", "show_if": None}]  # fmt: skip
    # when an administrator changes its form and promise
    save_service(service=service, actor=SYSTEM, form_definition=new_form, sla_working_days=5)
    # then the form is stored without defaults and one event records the change
    service.refresh_from_db()
    assert service.form_definition == [
        {"name": "message", "label": "Message", "type": "long_text", "required": True}
    ]
    event = Event.objects.get(kind="catalogue.service_changed")
    assert event.payload == {
        "service": "question-generale",
        "created": False,
        "changed": ["form_definition", "sla_working_days"],
        "version": 2,  # the change is published as the service's version 2 (ADR 0027)
    }


def test_saving_an_invalid_form_is_refused_with_french_errors(catalogue):
    service = Service.objects.get(slug="question-generale")
    with pytest.raises(ValidationError) as caught:
        save_service(service=service, actor=SYSTEM, form_definition=[{"name": "a", "type": "x"}])
    assert "type de champ inconnu « x »" in caught.value.message_dict["form_definition"][0]
    service.refresh_from_db()
    assert service.form_definition[0]["name"] == "sujet"
    assert not Event.objects.filter(kind="catalogue.service_changed").exists()


def test_a_new_service_can_be_created_through_save_service(catalogue):
    service = save_service(
        service=Service(slug="piscine"),
        actor=SYSTEM,
        name="Piscine municipale",
        kind=Service.Kind.INFORMATIONAL,
        category=Category.objects.get(slug="vie-locale"),
        summary="Horaires et tarifs.",
        level="communal",
        channels=["web"],
    )
    assert service_by_slug("piscine") == service
    assert Event.objects.get(kind="catalogue.service_changed").payload["created"] is True


def test_published_services_hide_inactive_ones(catalogue):
    save_service(service=Service.objects.get(slug="encombrants"), actor=SYSTEM, is_active=False)
    assert "encombrants" not in {s.slug for s in published_services()}
    assert service_by_slug("encombrants") is None
    assert service_by_slug("encombrants", include_inactive=True).slug == "encombrants"


def test_published_services_filter_by_category(catalogue):
    waste = Category.objects.get(slug="proprete-dechets")
    by_object = {s.slug for s in published_services(category=waste)}
    assert by_object == {s.slug for s in published_services(category="proprete-dechets")}
    assert by_object == {"depot-sauvage", "encombrants", "bac-abime-collecte"}


def test_the_search_ignores_case_and_accents_and_needs_every_word(catalogue):
    assert "eclairage-public-en-panne" in {s.slug for s in published_services(query="ECLAIRAGE")}
    assert {s.slug for s in published_services(query="nid poule")} == {"signalement-voirie"}
    assert not published_services(query="nid licorne").exists()


def test_listing_published_services_takes_a_fixed_number_of_queries(
    catalogue, django_assert_num_queries
):
    with django_assert_num_queries(2):
        services = list(published_services(query="demande"))
        [service.category.name for service in services]
