"""The platform's library: Sceaux shares its terrace service's published version, Issy takes a
copy of it as a draft of its own through the import path."""

from django.urls import reverse

from guichet.authorities.models import OwnedService, SharedService
from guichet.catalogue.models import ServiceVersion
from guichet.core.models import Event


def url(name, *args):
    return reverse(f"backoffice:designer:{name}", args=args)


def _main(response):
    page = response.content.decode()
    return page[page.find("<main") : page.find("</main>")]


def publish(client, service):
    draft = service.versions.get(status="draft")
    response = client.post(
        url("publish", service.pk), {"note": "Mise en ligne", "revision": draft.revision}
    )
    assert response.status_code == 302, _main(response)


def test_share_then_another_town_reuses_it_as_its_own_draft(dworld, client):
    client.force_login(dworld.designer)
    # an unpublished service cannot be shared
    response = client.post(url("share"), {"service": dworld.terrace.pk})
    assert response.status_code == 400
    assert "Publiez d&#x27;abord une version" in _main(response)
    assert not SharedService.objects.exists()
    # published, it is shared in one event, once
    publish(client, dworld.terrace)
    assert "Demande de terrasse — version 1" in _main(client.get(url("library")))
    assert client.post(url("share"), {"service": dworld.terrace.pk}).status_code == 302
    assert Event.objects.filter(kind="service.shared-in-library").count() == 1
    again = client.post(url("share"), {"service": dworld.terrace.pk})
    assert again.status_code == 400 and "déjà dans la bibliothèque" in _main(again)
    shared = SharedService.objects.get()
    assert shared.authority == dworld.sceaux and shared.version.number == 1
    # Issy's designer sees it in the library, with who shares it
    client.force_login(dworld.issy_designer)
    page = _main(client.get(url("library")))
    assert "Demande de terrasse" in page and "Ville de Sceaux" in page
    assert "Reprendre ce service" in page
    imported = Event.objects.filter(kind="service.imported").count()
    response = client.post(url("reuse", shared.pk), {"collectivite": dworld.issy.pk})
    assert response.status_code == 302
    copy = OwnedService.objects.get(authority=dworld.issy)
    assert copy.service != dworld.terrace and copy.service.name == "Demande de terrasse"
    assert copy.based_on == f"bibliotheque:{shared.pk}"
    draft = copy.service.versions.get()
    assert draft.status == ServiceVersion.Status.DRAFT and not copy.service.is_active
    assert draft.form_definition == shared.version.form_definition
    assert Event.objects.filter(kind="service.imported").count() == imported + 1
    assert response["Location"] == url("page", copy.service.pk)


def test_access_someone_elses_service_cannot_be_shared_non_designers_refused(dworld, client):
    client.force_login(dworld.designer)
    publish(client, dworld.terrace)
    client.force_login(dworld.issy_designer)
    assert client.post(url("share"), {"service": dworld.terrace.pk}).status_code == 404
    assert client.post(url("share"), {"service": "x\x00"}).status_code == 400  # NUL byte
    assert client.post(url("share"), {"service": "abc"}).status_code == 404
    assert client.post(url("reuse", 999999), {}).status_code == 404
    assert not SharedService.objects.exists()
    client.force_login(dworld.handler)  # an agent of Sceaux, not a designer
    assert client.get(url("library")).status_code == 403
    assert client.post(url("share"), {"service": dworld.terrace.pk}).status_code == 403
    assert client.get(url("share")).status_code in (403, 405)
