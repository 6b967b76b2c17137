"""Access and portability: the archive holds the person's data and no one else's, is built
once, expires, and only agents who may see the person can start or fetch one."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

from cases.factories import PDF_BYTES
from django.urls import reverse

from guichet.core import clock
from guichet.core.models import Event
from guichet.people.rights import actions, links
from guichet.people.rights.export import README
from guichet.people.rights.models import DataExport
from guichet.people.rights.tasks import run_export

from .conftest import BOBS_SECRET


def built_export(person, *, requested_by=None) -> DataExport:
    export, _ = actions.request_export(person=person, requested_by=requested_by)
    assert run_export(export.pk) == "prête"
    export.refresh_from_db()
    return export


def open_archive(export: DataExport) -> zipfile.ZipFile:
    with export.file.open("rb") as stored:
        return zipfile.ZipFile(io.BytesIO(stored.read()))


def test_the_archive_holds_every_section_of_alices_data_and_her_attachment(world):
    # given Alice's request with messages, a note, an attachment; an appointment; a consent
    # when she asks for her data and the task builds it
    export = built_export(world.alice)
    # then the export is ready for 7 days, its progress complete
    assert export.status == DataExport.Status.READY
    assert (export.done, export.total) == (export.total, export.total)
    assert export.expires_at - export.finished_at == timedelta(days=7)
    archive = open_archive(export)
    names = set(archive.namelist())
    for section in ("usager", "demandes", "rendez-vous", "notifications", "courriels-recus",
                    "satisfaction", "consultations", "exports"):  # fmt: skip
        assert f"{section}.json" in names
    assert README in names
    assert "demandes.json : vos demandes" in archive.read(README).decode("utf-8")
    person = json.loads(archive.read("usager.json"))
    assert person["fiche"]["prenom"] == "Alice"
    assert {i["valeur"] for i in person["identifiants"]} >= {"alice@exemple.fr"}
    assert [(c["finalite"], c["accorde"]) for c in person["consentements"]] == [
        ("répondre aux enquêtes de satisfaction", True)
    ]
    [pothole] = json.loads(archive.read("demandes.json"))
    assert pothole["reference"] == world.pothole.reference
    assert pothole["reponses_au_formulaire"]["description"] == "Un trou profond."
    assert [(m["auteur"], m["texte"], m["interne"]) for m in pothole["messages"]] == [
        ("agent", "Nous passons jeudi.", False),
        ("vous", "Merci, je serai là.", False),
        ("agent", "Équipe B prévenue.", True),
    ]
    assert pothole["historique"][0]["evenement"] == "Demande reçue"
    assert pothole["historique"][0]["date"].startswith("2026-11-23T07:00:00")  # ISO, UTC
    [attachment] = pothole["pieces_jointes"]
    assert attachment["nom"] == "photo-du-trou.pdf"
    assert attachment["fichier"].startswith(f"pieces-jointes/{world.pothole.reference}/")
    assert archive.read(attachment["fichier"]) == PDF_BYTES
    [appointment] = json.loads(archive.read("rendez-vous.json"))
    assert (appointment["motif"], appointment["etat"]) == ("Urbanisme", "réservé")
    sent = json.loads(archive.read("notifications.json"))
    assert sent and all(n["destinataire"] == "alice@exemple.fr" for n in sent)
    assert any(world.pothole.reference in n["texte"] for n in sent)


def test_nothing_of_another_person_is_in_the_archive(world):
    # given Bob's request, whose description holds a word of his own
    # when Alice's archive is built
    archive = open_archive(built_export(world.alice))
    # then no file of it holds Bob's word, name, address or request
    for name in archive.namelist():
        text = archive.read(name).decode("utf-8", errors="replace")
        assert BOBS_SECRET not in text, name
        assert "bob@exemple.fr" not in text, name
        assert world.bobs.reference not in text, name


def test_asking_twice_while_one_is_pending_gives_the_same_export_built_once(world):
    # when Alice asks twice before the worker runs
    first, created = actions.request_export(person=world.alice)
    second, created_again = actions.request_export(person=world.alice)
    # then it is one export, journaled once
    assert (created, created_again) == (True, False)
    assert second.pk == first.pk
    assert (
        Event.objects.filter(kind="person.export_requested", person_id=world.alice.pk).count() == 1
    )
    # and its task run twice (a retry) builds it once
    assert run_export(first.pk) == "prête"
    assert run_export(first.pk) == "déjà traité"
    assert Event.objects.filter(kind="person.export_ready", subject_id=first.pk).count() == 1


def test_an_expired_link_is_refused_in_french_and_the_periodic_job_deletes_the_file(
    world, signed_in_person
):
    # given Alice's ready export and its download link
    export = built_export(world.alice)
    client = signed_in_person(world.alice)
    url = reverse("identity:data_download", kwargs={"token": links.download_token(export)})
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")
    # when the 7 days have passed
    with clock.frozen_at(export.expires_at + timedelta(minutes=1)):
        refused = client.get(url)
        deleted = actions.expire_exports()
    # then the link is refused with a French message, and the job deleted the file
    assert refused.status_code == 410
    assert "Ce lien de téléchargement a expiré" in refused.content.decode()
    assert deleted == 1
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED and not export.file
    assert Event.objects.filter(kind="person.exports_expired").exists()


def test_a_link_is_refused_to_another_person_and_when_tampered(world, signed_in_person):
    export = built_export(world.alice)
    token = links.download_token(export)
    # when Bob (signed in) opens Alice's link, or Alice a tampered one
    bob = signed_in_person(world.bob)
    assert bob.get(reverse("identity:data_download", kwargs={"token": token})).status_code == 410
    alice = signed_in_person(world.alice)
    tampered = alice.get(reverse("identity:data_download", kwargs={"token": token[:-2] + "xx"}))
    # then both are refused in French, never a 500
    assert tampered.status_code == 410
    assert "est pas valide" in tampered.content.decode()


def test_an_agent_exports_for_a_person_they_may_see_and_not_for_another(world, client):
    # given the Sceaux case handler (Alice filed with Sceaux; Bob only with Tours)
    client.force_login(world.agent_sceaux)
    # when they export Bob's data
    refused = client.post(reverse("backoffice:person_export", args=[world.bob.pk]))
    # then Bob is "not found" and nothing is asked
    assert refused.status_code == 404
    assert not DataExport.objects.filter(person=world.bob).exists()
    # when they export Alice's at the counter
    response = client.post(reverse("backoffice:person_export", args=[world.alice.pk]))
    assert response.status_code == 302
    export = DataExport.objects.get(person=world.alice)
    assert export.requested_by == world.agent_sceaux
    assert run_export(export.pk) == "prête"
    # then the person page offers the archive, and it downloads
    page = client.get(reverse("backoffice:person", args=[world.alice.pk])).content.decode()
    download = reverse("backoffice:person_export_download", args=[world.alice.pk, export.pk])
    assert download in page
    assert b"".join(client.get(download).streaming_content).startswith(b"PK")
    # and Tours' agent cannot fetch it
    client.force_login(world.agent_tours)
    assert client.get(download).status_code == 404


def test_the_download_path_is_masked_in_logs():
    from guichet.core.accesslog import mask_path

    assert mask_path("/mon-compte/donnees/telecharger/eyJhIjoxfQ:1abc:sig/") == (
        "/mon-compte/donnees/telecharger/***/"
    )


def test_a_person_asking_too_often_is_refused_in_french(world, signed_in_person, one_rate_window):
    client = signed_in_person(world.alice)
    url = reverse("identity:data_export")
    # given five exports asked today (each built at once)
    for _ in range(5):
        assert client.post(url).status_code == 302
        run_export(DataExport.objects.filter(person=world.alice).latest("pk").pk)
    # when she asks a sixth time
    page = client.post(url, follow=True).content.decode()
    # then it is refused with a French message and no export is added
    assert "Vous avez demandé plusieurs exports aujourd" in page
    assert DataExport.objects.filter(person=world.alice).count() == 5


def test_the_export_page_asks_for_sign_in_and_survives_hostile_tokens(
    world, client, signed_in_person
):
    # when nobody is signed in, the page sends to the sign-in page
    assert client.get(reverse("identity:data")).status_code == 302
    # when a signed-in person sends garbage in place of the token: a French page, never a 500
    # (a NUL byte is refused before any view, 400; the others by the link's check, 410)
    alice = signed_in_person(world.alice)
    for token, status in (("%00", 400), ("é" * 500, 410), ("a:b:c", 410), ("eyJ4Ijoi", 410)):
        response = alice.get(f"/mon-compte/donnees/telecharger/{token}/")
        assert response.status_code == status, token
        assert 'lang="fr"' in response.content.decode()


def test_guichet_worker_runs_the_queued_export(world, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    # given an export asked for (its task enqueued once the request commits)
    with django_capture_on_commit_callbacks(execute=True):
        export, _ = actions.request_export(person=world.alice)
    assert DataExport.objects.get(pk=export.pk).status == DataExport.Status.QUEUED
    # when `guichet worker` runs once
    call_command("worker", once=True, verbosity=0)
    # then the export is ready
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY and export.is_downloadable()


def test_an_export_left_running_by_a_dead_worker_is_failed_and_may_be_asked_again(world):
    # given an export claimed by a worker that died
    export, _ = actions.request_export(person=world.alice)
    assert actions.claim_export(export_id=export.pk) is not None
    # when the periodic job runs more than an hour later
    with clock.frozen_at(export.created_at + actions.STALE_AFTER + timedelta(minutes=1)):
        actions.expire_exports()
    # then it is failed, and a new request makes a new export
    export.refresh_from_db()
    assert export.status == DataExport.Status.FAILED
    again, created = actions.request_export(person=world.alice)
    assert created and again.pk != export.pk
