import json

import pytest

from guichet.catalogue.actions import load_catalogue
from guichet.catalogue.models import Category, Service, WorkflowDefinition
from guichet.core.journal import Actor
from guichet.core.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    load_catalogue(actor=Actor.system("tests"))
    WorkflowDefinition.objects.create(slug="simple", name="Circuit simple")


def _service_form(service: Service, **overrides) -> dict:
    form = {
        "name": service.name,
        "slug": service.slug,
        "category": service.category_id,
        "kind": service.kind,
        "level": service.level,
        "summary": service.summary,
        "description": service.description,
        "required_documents": json.dumps(service.required_documents),
        # the admin posts the initial value of fields with a callable default (a browser would)
        "initial-required_documents": json.dumps(service.required_documents),
        "channels": service.channels,
        "sla_working_days": service.sla_working_days or "",
        "keywords": service.keywords,
        "workflow": "",
        "form_definition": json.dumps(service.form_definition),
        "is_active": "on",
    }
    return form | overrides


@pytest.mark.parametrize(
    "url",
    [
        "/admin/catalogue/",
        "/admin/catalogue/service/",
        "/admin/catalogue/service/add/",
        "/admin/catalogue/category/",
        "/admin/catalogue/workflowdefinition/",
        "/admin/catalogue/workflowdefinition/add/",
    ],
)
def test_catalogue_admin_pages_load(admin_client, catalogue, url):
    assert admin_client.get(url).status_code == 200


def test_a_service_and_a_category_change_page_load(admin_client, catalogue):
    service = Service.objects.get(slug="signalement-voirie")
    category = service.category
    assert admin_client.get(f"/admin/catalogue/service/{service.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/catalogue/category/{category.pk}/change/").status_code == 200
    workflow = WorkflowDefinition.objects.get()
    page = f"/admin/catalogue/workflowdefinition/{workflow.pk}/change/"
    assert admin_client.get(page).status_code == 200


def test_an_invalid_form_definition_shows_an_error_and_is_not_saved(admin_client, catalogue):
    # given a service and a form definition with a condition on a later field
    service = Service.objects.get(slug="question-generale")
    broken = [
        {"name": "b", "label": "B", "type": "short_text", "show_if": {"field": "a", "equals": "x"}},
        {"name": "a", "label": "A", "type": "short_text"},
    ]
    # when an administrator submits it
    response = admin_client.post(
        f"/admin/catalogue/service/{service.pk}/change/",
        _service_form(service, form_definition=json.dumps(broken)),
    )
    # then the page shows the French error and the service keeps its form
    assert response.status_code == 200
    assert "porte sur un champ placé après lui « a »" in response.content.decode()
    service.refresh_from_db()
    assert service.form_definition[0]["name"] == "sujet"


def test_a_valid_change_in_the_admin_is_saved_and_journaled(admin_client, catalogue, admin_user):
    service = Service.objects.get(slug="question-generale")
    form = [{"name": "message", "label": "Message", "type": "long_text", "required": True}]
    response = admin_client.post(
        f"/admin/catalogue/service/{service.pk}/change/",
        _service_form(service, form_definition=json.dumps(form), channels=["web", "sms"]),
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.form_definition, service.channels) == (form, ["web", "sms"])
    event = Event.objects.get(kind="catalogue.service_changed")
    assert event.actor_user == admin_user
    assert event.payload["changed"] == ["channels", "form_definition"]


def test_categories_are_listed_with_their_icons(admin_client, catalogue):
    page = admin_client.get("/admin/catalogue/category/").content.decode()
    assert all(c.icon in page for c in Category.objects.all())
