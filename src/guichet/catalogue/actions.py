"""Writes to the catalogue: loading a catalogue file, changing a service."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from guichet.catalogue import interchange, versions
from guichet.catalogue.formdef import InvalidFormDefinition, parse_form_definition
from guichet.catalogue.models import Category, Channel, Service
from guichet.core import journal
from guichet.core.journal import Actor

DEMO_CATALOGUE = Path(__file__).resolve().parent / "data" / "services.json"

CATEGORY_FIELDS = ("name", "icon", "position")
SERVICE_FIELDS = (
    "name",
    "kind",
    "summary",
    "description",
    "level",
    "required_documents",
    "channels",
    "sla_working_days",
    "form_definition",
    "keywords",
)
# what an administrator may change through save_service (the slug is the service's identity
# in URLs, routing rules and the journal: renaming it is a deliberate, separate operation)
EDITABLE_FIELDS = (*SERVICE_FIELDS, "category", "workflow", "is_active")


class CatalogueError(ValueError):
    """A catalogue file that cannot be loaded; `.errors` lists French messages."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("Catalogue invalide : " + " ; ".join(errors))


@dataclass(frozen=True)
class LoadReport:
    categories_created: int = 0
    categories_updated: int = 0
    services_created: int = 0
    services_updated: int = 0
    services_unchanged: int = 0

    @property
    def services_total(self) -> int:
        return self.services_created + self.services_updated + self.services_unchanged


@transaction.atomic
def load_catalogue(
    *, source: Path | str | dict[str, Any] | None = None, actor: Actor
) -> LoadReport:
    """Create or update categories and services from a catalogue file (the demo by default).

    The file is the service interchange format (`catalogue.interchange`, the one path shared
    with a service's import): every service is checked (schema, the one form validator, the
    workflow checks) before anything is written, and CatalogueError lists every problem.
    A new service gets its version 1, published; a service whose content changed gets a new
    published version (ADR 0027). Idempotent: loading the same file twice changes nothing the
    second time. Services and categories absent from the file are left as they are.
    """
    data = _read(source)
    try:
        categories, rows = interchange.read_document(data)
    except interchange.InterchangeError as error:
        raise CatalogueError(error.errors) from None
    report = LoadReport(**interchange.install_rows(categories, rows, by=actor))
    journal.append(
        kind="catalogue.loaded",
        actor=actor,
        payload=asdict(report) | {"source": _source_label(source)},
    )
    return report


@transaction.atomic
def save_service(*, service: Service, actor: Actor, **changes: Any) -> Service:
    """Apply `changes` to `service` (new or existing), check it and save it.

    The form definition is parsed and stored in its compact form; raises
    django.core.exceptions.ValidationError with French messages per field.
    """
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValueError(f"champs non modifiables : {', '.join(unknown)}")
    created = service.pk is None
    for name, value in changes.items():
        setattr(service, name, value)
    try:
        definition = parse_form_definition(service.form_definition)
    except InvalidFormDefinition as error:
        raise ValidationError({"form_definition": error.errors}) from None
    service.form_definition = definition.to_json()
    bad_channels = [c for c in service.channels or [] if c not in Channel.values]
    if bad_channels:
        raise ValidationError({"channels": [f"canal inconnu : {c}" for c in bad_channels]})
    service.full_clean()
    service.save()
    # the change is the service's new published version (ADR 0027)
    version = versions.record_current(
        service, by=actor, note="Modifié dans l'administration du catalogue.",
        workflow_changed="workflow" in changes,
    )  # fmt: skip
    journal.append(
        kind="catalogue.service_changed",
        actor=actor,
        subject=service,
        payload={
            "service": service.slug, "created": created, "changed": sorted(changes),
            "version": version.number if version is not None else None,
        },
    )  # fmt: skip
    return service


@transaction.atomic
def set_reports_settings(
    *,
    service: Service,
    actor: Actor,
    nearby_radius_m: int | None = None,
    nearby_days: int | None = None,
    public_reports: bool | None = None,
) -> Service:
    """Change how `service`'s place-based reports are shown (issue 16): the radius (metres, 0:
    off) and age (days) of "already reported nearby", and the public map. Not part of the
    service's versioned content. Raises ValidationError (French) for an out-of-range value."""
    changes = {
        name: value
        for name, value in (
            ("nearby_radius_m", nearby_radius_m), ("nearby_days", nearby_days),
            ("public_reports", public_reports),
        )
        if value is not None and getattr(service, name) != value
    }  # fmt: skip
    if not changes:
        return service
    if not 0 <= changes.get("nearby_radius_m", 0) <= 5_000:
        raise ValidationError({"nearby_radius_m": ["Distance entre 0 et 5 000 mètres attendue."]})
    if not 1 <= changes.get("nearby_days", 1) <= 365:
        raise ValidationError({"nearby_days": ["Ancienneté entre 1 et 365 jours attendue."]})
    for name, value in changes.items():
        setattr(service, name, value)
    service.save(update_fields=list(changes))
    journal.append(
        kind="catalogue.service-reports-settings-changed", actor=actor, subject=service,
        payload={"service": service.slug, **changes},
    )  # fmt: skip
    return service


@transaction.atomic
def set_open_data(*, service: Service, actor: Actor, publishable: bool) -> Service:
    """Whether `service`'s requests may appear (anonymised) in the open data sets (issue 19).
    Not part of the service's versioned content."""
    if service.open_data == publishable:
        return service
    service.open_data = publishable
    service.save(update_fields=["open_data"])
    journal.append(
        kind="catalogue.service-open-data-changed", actor=actor, subject=service,
        payload={"service": service.slug, "open_data": publishable},
    )  # fmt: skip
    return service


def _read(source: Path | str | dict[str, Any] | None) -> Any:
    if isinstance(source, dict):
        return source
    path = Path(source) if source is not None else DEMO_CATALOGUE
    try:
        return interchange.parse_json(path.read_bytes())
    except FileNotFoundError:
        raise CatalogueError([f"fichier introuvable : {path}"]) from None
    except OSError as error:
        raise CatalogueError([f"fichier illisible ({path}) : {error}"]) from None
    except interchange.InterchangeError as error:
        raise CatalogueError([f"fichier illisible ({path}) : {e}" for e in error.errors]) from None


def _source_label(source: Path | str | dict[str, Any] | None) -> str:
    if source is None:
        return "catalogue de démonstration"
    return "données fournies" if isinstance(source, dict) else str(source)


CATEGORY_CHANGED = "catalogue.category_changed"


@transaction.atomic
def save_category(*, category: Category, actor: Actor, **changes: Any) -> Category:
    """Apply `changes` (among CATEGORY_FIELDS) to `category`, new or existing, and save it.

    The slug is set once, at creation; raises ValidationError with French messages per field.
    """
    if unknown := sorted(set(changes) - set(CATEGORY_FIELDS)):
        raise ValueError(f"champs non modifiables : {', '.join(unknown)}")
    created = category.pk is None
    for name, value in changes.items():
        setattr(category, name, value)
    category.full_clean()
    category.save()
    journal.append(
        kind=CATEGORY_CHANGED,
        actor=actor,
        subject=category,
        payload={"category": category.slug, "created": created, "changed": sorted(changes)},
    )
    return category
