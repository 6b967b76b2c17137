"""The designer's services: access, list, creation (scratch, model), the public page."""

import pytest
from django.urls import reverse

from guichet.authorities.models import OwnedService
from guichet.catalogue.models import Service, ServiceVersion
from guichet.core.models import Event


def url(name, *args):
    return reverse(f"backoffice:designer:{name}", args=args)


PAGES = ("page", "builder", "preview", "workflow", "versions", "diff", "test_request", "export")


def test_only_designers_and_administrators_enter(dworld, client):
    # given agents of Sceaux with each role
    for user, status in (
        (dworld.designer, 200), (dworld.admin, 200), (dworld.manager, 403),
        (dworld.handler, 403), (dworld.front, 403),
    ):  # fmt: skip
        client.force_login(user)
        # when they open the designer, then only designers and administrators are let in
        assert client.get(url("services")).status_code == status, user


def test_another_authoritys_service_is_not_found(dworld, client):
    # given Issy's designer
    client.force_login(dworld.issy_designer)
    # when they open any page of a service Sceaux designed, then: not found, alike
    for name in PAGES:
        response = client.get(url(name, dworld.terrace.pk))
        assert response.status_code == 404, name
    assert client.post(url("publish", dworld.terrace.pk), {"note": "x"}).status_code == 404
    # and a platform service no one owns is not found either
    client.force_login(dworld.designer)
    assert client.get(url("page", dworld.question.pk)).status_code == 404


def test_the_list_shows_the_authoritys_services_with_their_versions(dworld, client):
    client.force_login(dworld.designer)
    page = client.get(url("services")).content.decode()
    assert "Demande de terrasse" in page
    assert "brouillon v1" in page and "jamais publié" in page
    client.force_login(dworld.issy_designer)
    assert "Demande de terrasse" not in client.get(url("services")).content.decode()


def test_the_menu_shows_the_designer_to_designers_only(dworld, client):
    for user, shown in ((dworld.designer, True), (dworld.admin, True), (dworld.manager, False)):
        client.force_login(user)
        page = client.get(url("services") if shown else reverse("backoffice:home"))
        assert ("Concepteur de démarches" in page.content.decode()) is shown


def test_a_service_is_created_from_scratch_as_a_draft_of_the_authority(dworld, client):
    client.force_login(dworld.designer)
    before = Event.objects.count()
    response = client.post(url("create"), {"name": "Permis de végétaliser", "model": ""})
    service = Service.objects.get(name="Permis de végétaliser")
    assert response.status_code == 302 and response["Location"] == url("page", service.pk)
    assert not service.is_active and service.current_version is None
    assert service.versions.get().status == ServiceVersion.Status.DRAFT
    assert OwnedService.objects.get(service=service).authority == dworld.sceaux
    assert list(Event.objects.order_by("pk")[before:].values_list("kind", flat=True)) == [
        "service.created"
    ]


def test_a_service_is_created_from_a_model_of_the_library(dworld, client):
    client.force_login(dworld.designer)
    page = client.get(url("create")).content.decode()
    assert "Signalement" in page or "signalement" in page
    assert "Transport scolaire" not in page  # a département's service: not a commune's model
    client.post(url("create"), {"name": "Encombrants à Sceaux", "model": "encombrants"})
    created = Service.objects.get(name="Encombrants à Sceaux")
    model = Service.objects.get(slug="encombrants")
    assert created.versions.get().form_definition == model.form_definition
    assert OwnedService.objects.get(service=created).based_on == "encombrants"


def test_an_unknown_model_is_not_found(dworld, client):
    client.force_login(dworld.designer)
    assert client.post(url("create"), {"name": "X", "model": "nope"}).status_code == 404


def _page_data(service, **changes):
    draft = service.versions.get(status="draft")
    data = {
        "revision": draft.revision, "name": "Terrasse de café", "summary": "Occuper le trottoir",
        "description": "Pour les cafés et restaurants.", "required_documents": "Kbis\nAssurance",
        "kind": "transactional", "category": draft.page["category"], "level": "communal",
        "keywords": "terrasse", "channels": ["web", "counter"], "sla_working_days": "15",
        "audience": ["businesses", "associations"],
    }  # fmt: skip
    return data | changes


def test_the_public_page_is_saved_through_the_draft(dworld, client):
    client.force_login(dworld.designer)
    response = client.post(url("page", dworld.terrace.pk), _page_data(dworld.terrace))
    assert response.status_code == 302
    draft = dworld.terrace.versions.get(status="draft")
    assert draft.revision == 2 and draft.page["name"] == "Terrasse de café"
    assert draft.page["required_documents"] == ["Kbis", "Assurance"]
    assert draft.channels == ["web", "counter"] and draft.sla_working_days == 15
    assert draft.page["audience"] == ["businesses", "associations"]
    assert Event.objects.filter(kind="service.draft_saved").count() == 1


def test_a_stale_save_is_refused_and_keeps_what_was_typed(dworld, client):
    client.force_login(dworld.designer)
    first = _page_data(dworld.terrace)
    assert client.post(url("page", dworld.terrace.pk), first).status_code == 302
    # a second designer opened revision 1 too and saves now
    response = client.post(
        url("page", dworld.terrace.pk), first | {"name": "Mon titre à moi", "revision": 1}
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Le brouillon a changé" in page and "Mon titre à moi" in page
    assert dworld.terrace.versions.get(status="draft").page["name"] == "Terrasse de café"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sla_working_days": "0"}, "compris entre 1 et 365 jours"),
        ({"sla_working_days": "deux"}, "Un nombre entier de jours ouvrés est attendu."),
        ({"summary": ""}, "Ce champ est obligatoire."),
        ({"name": "a\x00b"}, "caractère nul"),
        ({"channels": ["pigeon"]}, "pigeon"),
        ({"audience": ["martiens"]}, "martiens"),
        ({"revision": "x"}, "nombre entier"),
    ],
)
def test_bad_input_gets_a_french_message_and_nothing_is_saved(dworld, client, change, message):
    client.force_login(dworld.designer)
    response = client.post(url("page", dworld.terrace.pk), _page_data(dworld.terrace, **change))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert dworld.terrace.versions.get(status="draft").revision == 1


def test_a_designer_sees_no_request_nor_person_of_the_authority(dworld, client):
    # given a question filed at Sceaux
    from ..conftest import file_question

    case = file_question(dworld)
    client.force_login(dworld.designer)
    # then its designer enters neither the queue, nor the request, nor its person's page
    assert client.get(reverse("backoffice:home")).status_code == 302
    assert client.get(reverse("backoffice:request", args=[case.pk])).status_code == 403
    assert client.get(reverse("backoffice:person", args=[case.person_id])).status_code == 403
    # while Sceaux's handler does
    client.force_login(dworld.handler)
    assert client.get(reverse("backoffice:request", args=[case.pk])).status_code == 200
