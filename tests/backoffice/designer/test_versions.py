"""Versions: publication with a note, the log, the diff, rollback, test requests, export and
import."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guichet.authorities.models import OwnedService
from guichet.cases.models import Request
from guichet.catalogue.models import Service, ServiceVersion
from guichet.core.models import Event


def url(name, *args):
    return reverse(f"backoffice:designer:{name}", args=args)


def draft_of(service):
    return service.versions.get(status="draft")


def publish(client, service, note="Première mise en ligne"):
    return client.post(
        url("publish", service.pk), {"note": note, "revision": draft_of(service).revision}
    )


def test_publishing_needs_a_note_and_logs_who_when_why(dworld, client):
    client.force_login(dworld.designer)
    response = publish(client, dworld.terrace, note="")
    assert response.status_code == 400
    assert "Indiquez pourquoi vous publiez cette version." in response.content.decode()
    assert publish(client, dworld.terrace).status_code == 302
    service = Service.objects.get(pk=dworld.terrace.pk)
    assert service.is_active and service.current_version.number == 1
    page = client.get(url("versions", service.pk)).content.decode()
    assert "Première mise en ligne" in page and "conceptrice" in page and "en ligne" in page
    assert Event.objects.filter(kind="service.version_published").count() == 1


def test_a_workflow_that_fails_its_checks_is_not_published(dworld, client):
    client.force_login(dworld.designer)
    draft = draft_of(dworld.terrace)
    workflow = dict(draft.workflow_definition)
    workflow["states"] = [
        *workflow["states"],
        {
            "name": "oubliee",
            "label": "Oubliée",
            "public_status": "ongoing",
            "visible": True,
            "clock": "running",
        },
    ]
    # written as a draft could not be (save_draft refuses it): the checks run again at publication
    ServiceVersion.objects.filter(pk=draft.pk).update(workflow_definition=workflow)
    response = publish(client, dworld.terrace)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Rien n'a été publié" in page and "état « oubliee »" in page, _main(response)
    assert Service.objects.get(pk=dworld.terrace.pk).current_version is None


def test_diff_rollback_and_a_second_version(dworld, client):
    client.force_login(dworld.designer)
    publish(client, dworld.terrace)
    client.post(url("open_draft", dworld.terrace.pk), {"suite": "builder"})
    client.post(
        url("builder", dworld.terrace.pk),
        {"op": "add", "type": "siret", "revision": draft_of(dworld.terrace).revision},
    )
    assert publish(client, dworld.terrace, note="Ajout du SIRET").status_code == 302
    page = client.get(url("diff", dworld.terrace.pk) + "?de=1&a=2").content.decode()
    assert "Champ ajouté" in page and "Numéro SIRET" in page
    response = client.post(url("rollback", dworld.terrace.pk, 1), {"note": "Le SIRET gêne"})
    assert response.status_code == 302
    service = Service.objects.get(pk=dworld.terrace.pk)
    assert service.current_version.number == 3 and service.current_version.based_on.number == 1
    assert client.post(url("rollback", dworld.terrace.pk, 1), {"note": ""}).status_code == 400


def test_a_test_request_is_filed_on_the_draft_and_marked(dworld, client):
    client.force_login(dworld.designer)
    draft = draft_of(dworld.terrace)
    page = client.get(url("test_request", dworld.terrace.pk)).content.decode()
    assert "Déposer la demande de test" in page
    # the model's form (occupation du domaine public)
    answers = {
        "demandeur": "particulier", "objet": "terrasse", "adresse": "1 rue Houdan, Sceaux",
        "date_debut": "2030-06-01", "duree_jours": "30", "telephone": "0612345678",
        "plan": SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        "assurance": SimpleUploadedFile("assurance.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    }  # fmt: skip
    response = client.post(url("test_request", dworld.terrace.pk), answers)
    assert response.status_code == 302, _main(response)
    case = Request.objects.get(service=dworld.terrace)
    assert case.is_test and case.service_version_id == draft.pk


def test_a_refused_test_request_says_why_in_french(dworld, client):
    client.force_login(dworld.designer)
    response = client.post(url("test_request", dworld.terrace.pk), {})
    assert response.status_code == 400 and "obligatoire" in response.content.decode()
    assert not Request.objects.filter(service=dworld.terrace).exists()


def test_export_then_import_into_another_town_as_a_draft(dworld, client):
    client.force_login(dworld.designer)
    response = client.get(url("export", dworld.terrace.pk))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["format"] == "guichet-catalogue/1"
    client.force_login(dworld.issy_designer)
    upload = SimpleUploadedFile("terrasse.json", response.content, "application/json")
    response = client.post(url("import"), {"document": upload})
    assert response.status_code == 302
    owned = OwnedService.objects.get(authority=dworld.issy)
    assert not owned.service.is_active
    draft = draft_of(owned.service)
    assert draft.form_definition == draft_of(dworld.terrace).form_definition


def test_a_bad_document_is_refused_in_french(dworld, client):
    client.force_login(dworld.designer)
    for content in (b"{not json", b"\xff\xfe", b'{"format": "autre", "services": []}'):
        upload = SimpleUploadedFile("x.json", content, "application/json")
        response = client.post(url("import"), {"document": upload})
        assert response.status_code == 400
        assert "n'a pas été importé" in response.content.decode(), _main(response)
    assert client.post(url("import"), {}).status_code == 400
    assert OwnedService.objects.filter(authority=dworld.sceaux).count() == 1


def _main(response):
    """The page's main part, for a failing assertion's message."""
    page = response.content.decode()
    main = page[page.find("<main") : page.find("</main>")]
    return "\n".join(line for line in main.splitlines() if "error" in line or "alert" in line)


def test_a_published_designed_service_is_offered_in_its_authoritys_commune_only(dworld, client):
    from guichet.authorities.competence import services_at, who_handles

    # given Sceaux's terrace service, published
    client.force_login(dworld.designer)
    assert publish(client, dworld.terrace).status_code == 302
    service = Service.objects.get(pk=dworld.terrace.pk)
    # then Sceaux offers it, Issy (another commune on the platform) does not
    assert who_handles(service, dworld.sceaux_commune).authority == dworld.sceaux
    assert not who_handles(service, dworld.issy_commune).available
    assert service in [s for s, _ in services_at(dworld.sceaux_commune)]
    assert service not in [s for s, _ in services_at(dworld.issy_commune)]
