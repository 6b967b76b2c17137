"""A person planted across every app with distinctive data, and a scan of every table and file
for it (the erasure tests)."""

from __future__ import annotations

import json
import os
from datetime import datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace

from cases.factories import PDF_BYTES, SYSTEM, bring_to, file_request
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client

from guichet.api.keys import issue_key
from guichet.appointments import actions as appointments
from guichet.appointments.models import AppointmentType, Desk, OpeningHours, Place
from guichet.cases import actions as cases
from guichet.channels.inbound_mail.intake import ingest
from guichet.core import calendar, clock
from guichet.core.calendar import PARIS
from guichet.core.journal import Actor
from guichet.people import actions as people
from guichet.people.models import Household, Verification
from guichet.people.rights.actions import request_export
from guichet.people.rights.tasks import run_export

FIRST, LAST = "Zéphyrine", "Quenouillard"
EMAIL = "zephyrine.quenouillard@exemple.fr"
PHONE = "06 71 82 93 04"
ADDRESS = "17 impasse des Hirondelles-Tardives"
# What the scan looks for (lowercase): every spelling of the planted values.
NEEDLES = (
    "zéphyrine", "zephyrine", "z\\u00e9phyrine", "quenouillard", "71829304", "71 82 93 04",
    "71.82.93.04", "hirondelles",
)  # fmt: skip


def plant(world: SimpleNamespace) -> SimpleNamespace:
    """Zéphyrine Quenouillard with a household, a request (answers, messages, an attachment, an
    e-mail reply), an upcoming appointment, the notifications they queued and her data export.
    Returns what it made."""
    person = people.create_person(
        actor=SYSTEM, first_name=FIRST, last_name=LAST, email=EMAIL, phone=PHONE,
        address=ADDRESS, commune=world.sceaux_commune, verification=Verification.EMAIL_VERIFIED,
    )  # fmt: skip
    household = people.save_household(actor=SYSTEM, household=Household(), name=f"Foyer {LAST}")
    person = people.change_person(actor=SYSTEM, person=person, household=household)
    people.record_consent(
        actor=SYSTEM, person=person, purpose="notifications", granted=True, source="portail"
    )
    upload = SimpleUploadedFile(
        f"{LAST}-{FIRST}.pdf", PDF_BYTES + f"% {FIRST} {LAST} {PHONE}\n".encode(), "application/pdf"
    )
    request = file_request(
        world, "question-generale", person=person,
        form_data={
            "sujet": f"Question de {FIRST} {LAST}",
            "message": f"Rappelez-moi au {PHONE.replace(' ', '.')}, j'habite {ADDRESS}.",
            "reponse_par": "courriel", "courriel": EMAIL, "telephone": PHONE, "adresse": ADDRESS,
        },
        files={"piece_jointe": upload},
    )  # fmt: skip
    agent = Actor.agent(world.agent_sceaux)
    _through_the_api(world, request.reference)
    cases.send_message(
        request=request, actor=agent, body=f"Bonjour Madame {LAST}, nous vous rappelons au {PHONE}."
    )
    cases.add_note(request=request, actor=agent, body=f"{FIRST} {LAST} a appelé de {EMAIL}.")
    request = bring_to(world, request, "in_progress")
    cases.change_status(
        request=request, to="resolved", actor=agent, role="case_handler",
        note=f"Réponse envoyée à Mme {LAST}.",
    )  # fmt: skip
    mail = ingest(
        _email(f"{FIRST} {LAST} <{EMAIL}>", f"Re: {request.reference}", f"Merci ! {FIRST}, {PHONE}")
    )
    appointment = appointments.book_appointment(
        appointment_type=_appointment_type(world), start=_next_slot(), person=person
    )
    # Her data export, built: a ZIP whose compressed content no byte scan would read.
    export, _ = request_export(person=person)
    run_export(export.pk)
    return SimpleNamespace(
        person=person, request=request, mail=mail, appointment=appointment, export=export
    )


def _through_the_api(world: SimpleNamespace, reference: str) -> None:
    """A message and a file added by an application with idempotency keys: their answers are
    kept for retries (api.IdempotencyRecord)."""
    _, raw_key = issue_key(
        actor=SYSTEM, authority=world.sceaux, application="logiciel-metier",
        scopes=["read", "write"],
    )  # fmt: skip
    client, url = Client(), f"/api/v1/requests/{reference}"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw_key}"}
    sent = client.post(
        f"{url}/messages", {"body": f"Mme {LAST} rappelée au {PHONE}."},
        content_type="application/json", HTTP_IDEMPOTENCY_KEY="message-1", **auth,
    )  # fmt: skip
    upload = SimpleUploadedFile(f"releve-{LAST}.pdf", PDF_BYTES, "application/pdf")
    stored = client.post(
        f"{url}/attachments", {"files": [upload]}, HTTP_IDEMPOTENCY_KEY="upload-1", **auth
    )
    assert (sent.status_code, stored.status_code) == (201, 201), (sent.json(), stored.json())


def _email(sender: str, subject: str, body: str) -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = (
        sender,
        "sceaux@guichet.exemple.fr",
        subject,
    )
    message["Message-ID"] = "<erasure@exemple.fr>"
    message.set_content(body)
    return message.as_bytes()


def _appointment_type(world: SimpleNamespace) -> AppointmentType:
    place = Place.objects.create(authority=world.sceaux, name="Accueil", notice_minutes=0)
    Desk.objects.create(place=place, name="Guichet 1")
    for weekday in range(7):
        OpeningHours.objects.create(place=place, weekday=weekday, start=time(8), end=time(18))
    return AppointmentType.objects.create(
        place=place, name="Accueil général", slug="accueil", duration_minutes=15
    )


def _next_slot() -> datetime:
    day = calendar.local_date(clock.now()) + timedelta(days=3)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, time(10), tzinfo=PARIS)


def found_in_tables() -> list[str]:
    """Every (table, column, row) whose text holds one of the NEEDLES."""
    found = []
    for model in apps.get_models():
        columns = [
            f.attname for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField
                          | models.BinaryField | models.FileField)
        ]  # fmt: skip
        if not columns:
            continue
        for row in model._default_manager.values_list("pk", *columns).iterator():
            for column, value in zip(columns, row[1:], strict=True):
                text = _text(value)
                if any(needle in text for needle in NEEDLES):
                    found.append(f"{model._meta.db_table}.{column} #{row[0]}: {text[:120]}")
    return found


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "replace").lower()
    if isinstance(value, str):
        return value.lower()
    return json.dumps(value, ensure_ascii=False).lower() + json.dumps(value).lower()


def found_in_files(root: Path) -> list[str]:
    """Every file under `root` whose name or content holds one of the NEEDLES."""
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            text = (str(path) + "\n").lower() + path.read_bytes().decode("utf-8", "replace").lower()
            if any(needle in text for needle in NEEDLES):
                found.append(str(path))
    return found
