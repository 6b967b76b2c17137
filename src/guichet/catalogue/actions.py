"""Writes to the catalogue: loading a catalogue file, changing a service."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from guichet.catalogue.formdef import InvalidFormDefinition, parse_form_definition
from guichet.catalogue.models import Category, Channel, Level, Service
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

    Idempotent: loading the same file twice changes nothing the second time. Services and
    categories absent from the file are left as they are. Every form definition is checked
    before anything is written; raises CatalogueError listing every problem.
    """
    data = _read(source)
    categories, services = _checked(data)
    counts = {"categories_created": 0, "categories_updated": 0}
    by_slug: dict[str, Category] = {}
    for row in categories:
        category, outcome = _upsert(Category, row, CATEGORY_FIELDS, "catégorie")
        by_slug[category.slug] = category
        if outcome in ("created", "updated"):
            counts[f"categories_{outcome}"] += 1
    service_counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in services:
        row = row | {"category": by_slug.get(row["category"]) or _category(row["category"])}
        _, outcome = _upsert(Service, row, (*SERVICE_FIELDS, "category"), "service")
        service_counts[outcome] += 1
    report = LoadReport(
        **counts,
        services_created=service_counts["created"],
        services_updated=service_counts["updated"],
        services_unchanged=service_counts["unchanged"],
    )
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
    journal.append(
        kind="catalogue.service_changed",
        actor=actor,
        subject=service,
        payload={"service": service.slug, "created": created, "changed": sorted(changes)},
    )
    return service


def _read(source: Path | str | dict[str, Any] | None) -> Any:
    if isinstance(source, dict):
        return source
    path = Path(source) if source is not None else DEMO_CATALOGUE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogueError([f"fichier introuvable : {path}"]) from None
    except (ValueError, OSError) as error:
        raise CatalogueError([f"fichier illisible ({path}) : {error}"]) from None


def _checked(data: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The file's rows, normalised, once every problem in the file has been ruled out."""
    if not isinstance(data, dict):
        raise CatalogueError(["le catalogue doit être un objet JSON {categories, services}"])
    errors: list[str] = []
    categories = [dict(row) for row in data.get("categories", []) if isinstance(row, dict)]
    known = {row.get("slug") for row in categories}
    known |= set(Category.objects.values_list("slug", flat=True))
    services = []
    for index, row in enumerate(data.get("services", []), start=1):
        if not isinstance(row, dict) or not row.get("slug"):
            errors.append(f"service n° {index} : code (slug) manquant")
            continue
        where = f"service « {row['slug']} »"
        row = {key: value for key, value in row.items() if key in (*SERVICE_FIELDS, "slug")} | {
            "category": row.get("category")
        }
        errors += _service_problems(where, row, known)
        try:
            row["form_definition"] = parse_form_definition(row.get("form_definition")).to_json()
        except InvalidFormDefinition as error:
            errors += [f"{where} : {message}" for message in error.errors]
        services.append(row)
    slugs = [row["slug"] for row in services]
    errors += [
        f"service « {s} » présent plusieurs fois" for s in sorted(set(slugs)) if slugs.count(s) > 1
    ]
    if errors:
        raise CatalogueError(errors)
    return categories, services


def _service_problems(where: str, row: dict[str, Any], categories: set[Any]) -> list[str]:
    problems = []
    if row["category"] not in categories:
        problems.append(f"{where} : catégorie inconnue « {row['category']} »")
    if row.get("kind") not in Service.Kind.values:
        problems.append(f"{where} : nature inconnue « {row.get('kind')} »")
    if row.get("level") not in Level.values:
        problems.append(f"{where} : niveau inconnu « {row.get('level')} »")
    channels = row.get("channels", [])
    if not isinstance(channels, list):
        return [*problems, f"{where} : les canaux doivent être une liste"]
    problems += [
        f"{where} : canal inconnu « {channel} »"
        for channel in channels
        if channel not in Channel.values
    ]
    return problems


def _category(slug: str) -> Category:
    return Category.objects.get(slug=slug)


def _upsert(model: Any, row: dict[str, Any], fields: tuple[str, ...], noun: str) -> tuple[Any, str]:
    values = {name: row[name] for name in fields if name in row}
    instance = model.objects.filter(slug=row.get("slug")).first()
    if instance is None:
        instance, outcome = model(slug=row.get("slug"), **values), "created"
        changed = None
    else:
        changed = [name for name, value in values.items() if getattr(instance, name) != value]
        if not changed:
            return instance, "unchanged"
        for name in changed:
            setattr(instance, name, values[name])
        outcome = "updated"
    try:
        instance.full_clean()
    except ValidationError as error:
        raise CatalogueError(
            [
                f"{noun} « {row.get('slug')} », {field} : {' '.join(messages)}"
                for field, messages in error.message_dict.items()
            ]
        ) from None
    instance.save(update_fields=changed)
    return instance, outcome


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
