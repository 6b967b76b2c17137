"""Services as JSON documents: export, import as a draft, and the catalogue file (ADR 0027).

One format for a shared service and for `guichet load-catalogue`:

    {"format": "guichet-catalogue/1",
     "categories": [{"slug": ..., "name": ..., "icon": ..., "position": ...}],
     "services": [{"slug": ..., "name": ..., "kind": ..., "category": ..., "summary": ...,
                   "level": ..., "channels": [...], "sla_working_days": 10,
                   "form_definition": [...], "workflow_definition": {...}}]}

described by `schemas/service.schema.json` (its `form_definition` is the list of fields,
sections, pages and repeatable blocks of `catalogue.formdef`). `read_document` checks a document (the schema
when `jsonschema` is installed, then the one form validator and the workflow checks through
`versions.check_content`) and raises InterchangeError listing French messages, each with its
JSON path (« $.services[0].form_definition : ... »). Nothing is written before every problem
is ruled out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction

from guichet.catalogue.models import Category, Service, ServiceVersion
from guichet.catalogue.versions import (
    CONTENT_FIELDS,
    check_content,
    content_of,
    fill_version,
    make_current,
    number_before_draft,
)
from guichet.core import journal
from guichet.core.journal import Actor

FORMAT = "guichet-catalogue/1"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "service.schema.json"
MAX_BYTES = 5_000_000  # a département's whole catalogue is a few hundred kilobytes
MAX_DEPTH = 20
SERVICE_IMPORTED = "service.imported"
CATEGORY_FIELDS = ("name", "icon", "position")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class InterchangeError(ValueError):
    """A document that cannot be read or imported; `errors` lists French messages."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("Document invalide : " + " ; ".join(errors))


@dataclass(frozen=True)
class ServiceRow:
    slug: str
    content: dict[str, Any]  # CONTENT_FIELDS, checked and normalised
    has_workflow: bool  # the document gave a workflow (else: keep the service's own)


# --- reading --------------------------------------------------------------------------------


def parse_json(raw: bytes | str) -> Any:
    """JSON text or bytes → a document, or InterchangeError in French (size, encoding, NUL
    characters, syntax, depth)."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_BYTES:
        raise InterchangeError(
            [f"$ : le document fait {len(raw) // 1000} ko, au plus {MAX_BYTES // 1000} ko."]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InterchangeError(
            [f"$ : le document n'est pas en UTF-8 valide (octet {error.start})."]
        ) from None
    if "\x00" in text:
        raise InterchangeError(["$ : le document contient un caractère nul."])
    try:
        document = json.loads(text)
    except RecursionError:
        raise InterchangeError(["$ : le document est trop imbriqué."]) from None
    except ValueError as error:
        line, column = getattr(error, "lineno", "?"), getattr(error, "colno", "?")
        raise InterchangeError([f"$ : JSON illisible (ligne {line}, colonne {column})."]) from None
    if _depth(document) > MAX_DEPTH:
        raise InterchangeError(["$ : le document est trop imbriqué."])
    return document


def read_document(document: Any) -> tuple[list[dict[str, Any]], list[ServiceRow]]:
    """The document's categories and services, checked; raises InterchangeError."""
    if not isinstance(document, dict):
        raise InterchangeError(["$ : un objet JSON {categories, services} est attendu."])
    if _depth(document) > MAX_DEPTH:
        raise InterchangeError(["$ : le document est trop imbriqué."])
    errors = [f"{path} : caractère nul." for path in _nul_paths(document, "$")][:20]
    errors = errors or _schema_errors(document)
    if errors:
        raise InterchangeError(errors)
    categories = [dict(row) for row in document.get("categories", [])]
    known = {row["slug"] for row in categories}
    known |= set(Category.objects.values_list("slug", flat=True))
    rows = []
    services = document.get("services", [])
    if not isinstance(services, list):
        raise InterchangeError(["$.services : une liste est attendue."])
    for index, item in enumerate(services):
        where = f"$.services[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("slug"), str):
            errors.append(f"{where}.slug : propriété obligatoire manquante.")
            continue
        if not _SLUG.fullmatch(item["slug"]) or len(item["slug"]) > 80:
            errors.append(f"{where}.slug : code invalide « {item['slug'][:80]} ».")
            continue
        raw = {name: item.get(name) for name in CONTENT_FIELDS}
        content, problems = check_content(raw, categories=known)
        for field, messages in problems.items():
            errors += [f"{where}.{field} (service « {item['slug']} ») : {m}" for m in messages]
        rows.append(ServiceRow(item["slug"], content, "workflow_definition" in item))
    slugs = [row.slug for row in rows]
    errors += [
        f"$.services : le service « {s} » est présent plusieurs fois."
        for s in sorted(set(slugs))
        if slugs.count(s) > 1
    ]
    if errors:
        raise InterchangeError(errors)
    return categories, rows


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _schema_errors(document: dict[str, Any]) -> list[str]:
    try:
        import jsonschema
    except ImportError:  # an optional check: the validator below checks every field anyway
        return []
    validator = jsonschema.Draft202012Validator(schema())
    found = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{e.json_path} : {_french(e)}" for e in found[:50]]


def _french(error: Any) -> str:
    kind, expected = error.validator, error.validator_value
    if kind == "type":
        names = {"string": "texte", "integer": "nombre entier", "array": "liste",
                 "object": "objet", "boolean": "vrai ou faux", "null": "null", "number": "nombre"}  # fmt: skip
        wanted = expected if isinstance(expected, list) else [expected]
        return "type attendu : " + " ou ".join(names.get(w, w) for w in wanted) + "."
    if kind == "required":
        return "propriété obligatoire manquante : " + str(error.message.split("'")[1]) + "."
    if kind == "additionalProperties":
        return "propriété inconnue."
    if kind in ("enum", "const"):
        values = expected if isinstance(expected, list) else [expected]
        return "valeur non permise (valeurs possibles : " + ", ".join(map(str, values)) + ")."
    if kind == "maxLength":
        return f"texte trop long (au plus {expected} caractères)."
    if kind == "minLength":
        return "texte vide ou trop court."
    if kind == "maxItems":
        return f"liste trop longue (au plus {expected} éléments)."
    if kind == "pattern" and "_" in str(expected):
        return "nom invalide : des minuscules, des chiffres et « _ », en commençant par une lettre."
    if kind == "pattern":
        return "code invalide : des minuscules, des chiffres et des tirets."
    if kind == "minItems":
        return "liste vide."
    if kind == "not":
        return "la propriété « fields » est réservée aux blocs répétables (type « repeat »)."
    if kind == "minimum":
        return f"valeur au moins égale à {expected} attendue."
    if kind == "maximum":
        return f"valeur au plus égale à {expected} attendue."
    return "valeur invalide."


def _nul_paths(value: Any, path: str) -> list[str]:
    """Where a NUL character hides in the document (a JSON string may spell it \\u0000)."""
    if isinstance(value, str):
        return [path] if "\x00" in value else []
    if isinstance(value, dict):
        found = [f"{path} (clé)" for key in value if "\x00" in str(key)]
        for key, item in value.items():
            found += _nul_paths(item, f"{path}.{key}")
        return found
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _nul_paths(item, f"{path}[{index}]")]
    return []


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


# --- export -------------------------------------------------------------------------------


def export_service(version: ServiceVersion) -> dict[str, Any]:
    """One version of a service as a document `import_service` and load-catalogue read."""
    content = content_of(version)
    category = Category.objects.filter(slug=content["category"]).first()
    categories = (
        [{"slug": category.slug} | {name: getattr(category, name) for name in CATEGORY_FIELDS}]
        if category is not None
        else []
    )
    row = {"slug": version.service.slug} | {
        name: value for name, value in content.items() if value is not None
    }
    return {"format": FORMAT, "categories": categories, "services": [row]}


# --- import ----------------------------------------------------------------------------------


@transaction.atomic
def import_service(*, document: Any, authority: Any, by: Actor) -> ServiceVersion:
    """Create a new service from a shared document (its only service) as a draft of
    `authority`'s designers: nothing published, the service not offered until it is.

    The service keeps the document's code when it is free, else gets the authority's code
    appended. One event, `service.imported`. Raises InterchangeError (French, with JSON paths).
    """
    if isinstance(document, bytes | str):
        document = parse_json(document)
    categories, rows = read_document(document)
    if len(rows) != 1:
        raise InterchangeError(["$.services : un seul service est attendu pour un import."])
    row = rows[0]
    _install_categories(categories, only={row.content["category"]})
    slug = _free_slug(row.slug, str(getattr(authority, "slug", "") or "import"))
    content = row.content
    service = Service(
        slug=slug, is_active=False, category=Category.objects.get(slug=content["category"]),
        **{name: content[name] or "" for name in ("name", "kind", "summary", "description",
                                                  "level", "keywords")},
        required_documents=content["required_documents"] or [], channels=content["channels"],
        sla_working_days=content["sla_working_days"], form_definition=content["form_definition"],
    )  # fmt: skip
    service.save()
    draft = ServiceVersion(
        service=service, number=1, status=ServiceVersion.Status.DRAFT, created_by=by.label
    )
    fill_version(draft, content)
    draft.save()
    journal.append(
        kind=SERVICE_IMPORTED, actor=by, subject=service,
        payload={"service": slug, "from": row.slug, "version": 1,
                 "authority": getattr(authority, "pk", None)},
    )  # fmt: skip
    return draft


def install_rows(
    categories: list[dict[str, Any]], rows: list[ServiceRow], *, by: Actor
) -> dict[str, int]:
    """`load-catalogue`'s writes, in the caller's transaction and without events of their own:
    categories created or updated, then each service created (version 1 published) or given a
    new published version when its content changed. Counts by outcome."""
    counts = {"categories_created": 0, "categories_updated": 0}
    for outcome in _install_categories(categories):
        counts[f"categories_{outcome}"] += 1
    services = {"created": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        services[_install_service(row, by=by)] += 1
    return counts | {f"services_{k}": v for k, v in services.items()}


def _install_categories(
    categories: list[dict[str, Any]], *, only: set[str] | None = None
) -> list[str]:
    outcomes = []
    for row in categories:
        if only is not None and row["slug"] not in only:
            continue
        values = {name: row[name] for name in CATEGORY_FIELDS if name in row}
        category = Category.objects.filter(slug=row["slug"]).first()
        if category is None:
            Category.objects.create(slug=row["slug"], **values)
            outcomes.append("created")
        elif only is None and (
            changed := [n for n, v in values.items() if getattr(category, n) != v]
        ):
            for name in changed:
                setattr(category, name, values[name])
            category.save(update_fields=changed)
            outcomes.append("updated")
    return outcomes


def _install_service(row: ServiceRow, *, by: Actor) -> str:
    service = (
        Service.objects.select_related("category", "workflow", "current_version")
        .filter(slug=row.slug)
        .first()
    )
    content = dict(row.content)
    if service is not None:
        current = content_of(service.current_version or service)
        if not row.has_workflow:
            content["workflow_definition"] = current["workflow_definition"]
        if content == current:
            return "unchanged"
    outcome = "created" if service is None else "updated"
    if service is None:
        service = Service(slug=row.slug, is_active=True, category=Category.objects.get(
            slug=content["category"]), kind=content["kind"], level=content["level"])  # fmt: skip
        service.save()
    version = ServiceVersion(
        service=service, number=number_before_draft(service), status=ServiceVersion.Status.DRAFT,
        based_on=service.current_version, created_by=by.label,
    )  # fmt: skip
    fill_version(version, content)  # saved once, published, by make_current
    make_current(
        version, by=by, note="Chargé depuis un fichier de catalogue.", kind=None,
        activate=outcome == "created",
    )  # fmt: skip
    return outcome


def _free_slug(slug: str, suffix: str) -> str:
    if not Service.objects.filter(slug=slug).exists():
        return slug
    base = f"{slug}-{suffix}"[:76].strip("-")
    candidate, n = base, 2
    while Service.objects.filter(slug=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate
