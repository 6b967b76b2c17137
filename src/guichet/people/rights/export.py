"""Access and portability: everything the platform holds about a person, as one ZIP.

The archive holds one JSON file per *section* (UTF-8, indented, ISO 8601 dates, French keys
without accents: `date_reception`, `collectivite`…), the files (attachments, raw e-mails)
under `pieces-jointes/`, and `LISEZMOI.txt`, which says in French what each file holds.

`people` sits below the apps that hold a person's data, so each of them describes its own
part in `<app>/data_export.py`, which calls `register_section` when imported; the modules are
found by `autodiscover_modules("data_export")` the first time the sections are needed. This
module adds the two sections `people` owns: the record itself (`usager`) and the agents'
access log (`consultations`).

A section's `build(collector)` returns JSON-ready data (dicts, lists, str, numbers, dates) for
`collector.person_ids` (the person and the records merged into theirs) and may add files with
`collector.add_file`. Sections are built one after the other by the export task, which
records its progress after each.
"""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils.module_loading import autodiscover_modules

from guichet.core import clock
from guichet.core.event_labels import EVENT_LABELS
from guichet.core.models import Event
from guichet.people.models import Consent, Identity, NotificationPreference, Person
from guichet.people.rights.models import AccessLog, DataExport

ATTACHMENTS_FOLDER = "pieces-jointes"
README = "LISEZMOI.txt"


@dataclass(frozen=True)
class Section:
    """One part of a person's data: `name`.json in the archive, described by `description`
    (French, one sentence for LISEZMOI.txt). Sections are written in `order`, then name."""

    name: str
    description: str
    build: Callable[[Collector], Any]
    order: int = 50


_SECTIONS: dict[str, Section] = {}
_discovered = False


def register_section(section: Section) -> None:
    """Add (or replace) a section of every export."""
    if not re.fullmatch(r"[a-z0-9-]+", section.name):
        raise ValueError(f"section name {section.name!r}: lowercase letters, digits, hyphens")
    _SECTIONS[section.name] = section


def sections() -> list[Section]:
    """Every registered section, in archive order (each app's `data_export` imported once)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("data_export")
        _discovered = True
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.name))


def steps() -> int:
    """How many steps an export's progress counts: each section, then the archive."""
    return len(sections()) + 1


class Collector:
    """What a section builds from: the person, their record ids, and the archive's files."""

    def __init__(self, person: Person, archive: zipfile.ZipFile) -> None:
        self.person = person
        self.person_ids: tuple[int, ...] = (
            person.pk,
            *Person.objects.filter(merged_into=person).values_list("pk", flat=True),
        )
        self._archive = archive
        self._names: set[str] = set()

    def add_file(self, folder: str, name: str, source: Any) -> str | None:
        """Copy `source` (a FieldFile) into `pieces-jointes/<folder>/<name>`; returns that path
        in the archive, or None when the stored file is missing (the JSON says so)."""
        path = unique_path(self._names, f"{ATTACHMENTS_FOLDER}/{safe(folder)}/{safe(name)}")
        try:
            source.open("rb")
        except (OSError, ValueError):
            return None
        try:
            with self._archive.open(path, "w", force_zip64=True) as target:
                for chunk in source.chunks():
                    target.write(chunk)
        finally:
            source.close()
        self._names.add(path)
        return path


def safe(name: str) -> str:
    """A file or folder name safe in any archive tool (no path, no control characters)."""
    cleaned = re.sub(r"[\x00-\x1f/\\:*?\"<>|]+", "_", str(name)).strip(" .")
    return cleaned[:120] or "fichier"


def unique_path(taken: set[str], path: str) -> str:
    if path not in taken:
        return path
    stem, dot, ext = path.rpartition(".")
    if not dot or "/" in ext:
        stem, ext = path, ""
    number = 2
    while f"{stem}-{number}{'.' + ext if ext else ''}" in taken:
        number += 1
    return f"{stem}-{number}{'.' + ext if ext else ''}"


def event_out(event: Event) -> dict[str, Any]:
    """One journal event as the export shows it (used by several sections)."""
    return {
        "date": event.occurred_at,
        "evenement": EVENT_LABELS.get(event.kind, event.kind),
        "code": event.kind,
        "canal": event.channel,
        "auteur": _actor_label(event),
        "visible_par_l_usager": event.visible_to_person,
        "details": event.payload,
    }


def _actor_label(event: Event) -> str:
    return {
        "person": "vous",
        "agent": "un agent",
        "application": "une application",
        "system": "la plateforme",
    }.get(event.actor_type, event.actor_type)


def build_archive(
    export: DataExport, *, progress: Callable[[int], None] = lambda done: None
) -> tuple[str, int]:
    """Write the archive of `export.person` to the export storage; returns its name there
    and its size. `progress(done)` is called after each section."""
    person = export.person
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            collector = Collector(person, archive)
            written: list[Section] = []
            for done, section in enumerate(sections(), start=1):
                data = section.build(collector)
                archive.writestr(f"{section.name}.json", to_json(data))
                written.append(section)
                progress(done)
            archive.writestr(README, readme(person, written))
        size = spool.tell()
        spool.seek(0)
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        name = DataExport._meta.get_field("file").generate_filename(
            export, f"donnees-personnelles-{person.pk}-{stamp}.zip"
        )
        stored = DataExport._meta.get_field("file").storage.save(name, File(spool, name=name))
    return stored, size


def to_json(data: Any) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2) + "\n"


def readme(person: Person, written: Iterable[Section]) -> str:
    lines = [
        "Vos données personnelles",
        "========================",
        "",
        f"Cette archive contient tout ce que la plateforme conserve à votre sujet "
        f"(fiche n° {person.pk}), à la date du {clock.now():%d/%m/%Y à %H:%M} (UTC).",
        "",
        "Chaque fichier .json est un texte lisible (encodage UTF-8) que tout tableur ou éditeur "
        "de texte sait ouvrir ; les dates sont au format international (AAAA-MM-JJ, heure UTC). "
        "Vous pouvez le transmettre à un autre service (droit à la portabilité).",
        "",
        "Contenu :",
    ]
    lines += [f"- {section.name}.json : {section.description}" for section in written]
    lines += [
        f"- {ATTACHMENTS_FOLDER}/ : les pièces jointes de vos demandes et les courriels que "
        "vous nous avez envoyés, tels que reçus.",
        "",
        "Les notes internes des agents et les événements qu'ils ne vous montrent pas d'habitude "
        "y figurent aussi, marqués « interne » : le droit d'accès porte sur toutes les données "
        "vous concernant.",
        "",
        "Pour faire corriger ou effacer vos données, adressez-vous à la collectivité qui traite "
        "votre demande, ou au délégué à la protection des données indiqué dans la page "
        "« Données personnelles et cookies » du site.",
        "",
    ]
    return "\n".join(lines)


# The sections `people` owns ---------------------------------------------------------------


def person_section(collector: Collector) -> dict[str, Any]:
    ids = collector.person_ids
    person = (
        Person.objects.select_related("commune", "household").filter(pk=collector.person.pk).get()
    )
    identities = Identity.objects.filter(person_id__in=ids).order_by("kind", "value")
    return {
        "fiche": {
            "numero": person.pk,
            "prenom": person.first_name,
            "nom": person.last_name,
            "categorie": person.get_category_display(),
            "adresse": person.address,
            "commune": (
                {"nom": person.commune.name, "code_insee": person.commune.code}
                if person.commune
                else None
            ),
            "foyer": person.household.name if person.household else None,
            "creee_le": person.created_at,
            "modifiee_le": person.updated_at,
            "fiches_rattachees": list(ids[1:]),
        },
        "identifiants": [
            {
                "nature": identity.get_kind_display(),
                "valeur": identity.value,
                "fournisseur": identity.provider,
                "verification": identity.get_verification_display(),
                "verifie_le": identity.verified_at,
                "ajoute_le": identity.created_at,
            }
            for identity in identities
        ],
        "organisations": [
            {
                "nom": role.organisation.name,
                "nature": role.organisation.get_kind_display(),
                "siret": role.organisation.siret,
                "rna": role.organisation.rna,
                "fonction": role.role,
            }
            for role in person.organisation_roles.select_related("organisation")
        ],
        "consentements": [
            {
                "finalite": consent.get_purpose_display(),
                "accorde": consent.granted,
                "recueilli_via": consent.source,
                "le": consent.decided_at,
            }
            for consent in Consent.objects.filter(person_id__in=ids).order_by("decided_at", "pk")
        ],
        "preferences_de_notification": [
            {
                "message": preference.get_message_kind_display(),
                "canal": preference.get_channel_display(),
                "active": preference.enabled,
            }
            for preference in NotificationPreference.objects.filter(person_id__in=ids).order_by(
                "message_kind", "channel"
            )
        ],
        "journal": [
            event_out(event)
            for event in Event.objects.filter(person_id__in=ids, case_id__isnull=True).order_by(
                "occurred_at", "pk"
            )
        ],
    }


def access_log_section(collector: Collector) -> list[dict[str, Any]]:
    rows = (
        AccessLog.objects.filter(person_id__in=collector.person_ids)
        .select_related("authority")
        .order_by("at", "pk")
    )
    return [
        {
            "le": row.at,
            "collectivite": row.authority.name if row.authority else None,
            "agent": row.agent_label,
            "role": row.role,
            "donnee_consultee": row.what,
        }
        for row in rows
    ]


def exports_section(collector: Collector) -> list[dict[str, Any]]:
    return [
        {
            "demande_le": export.created_at,
            "etat": export.get_status_display(),
            "au_guichet": export.requested_by_id is not None,
            "terminee_le": export.finished_at,
        }
        for export in DataExport.objects.filter(
            Q(person_id__in=collector.person_ids), ~Q(status__in=DataExport.PENDING)
        ).order_by("created_at")
    ]


register_section(
    Section(
        "usager",
        "votre fiche (nom, adresse, commune, foyer), vos identifiants (courriel, téléphone, "
        "comptes liés) et leur vérification, vos organisations, vos consentements, vos "
        "préférences de notification et le journal de votre fiche.",
        person_section,
        order=0,
    )
)
register_section(
    Section(
        "consultations",
        "qui a consulté vos données : la date, la collectivité, l'agent et son rôle, ce qui a "
        "été consulté.",
        access_log_section,
        order=90,
    )
)
register_section(
    Section(
        "exports",
        "les exports de vos données demandés auparavant.",
        exports_section,
        order=95,
    )
)
