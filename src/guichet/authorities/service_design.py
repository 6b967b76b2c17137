"""Services an authority designs: created from scratch, from a model, or imported (issue 15).

Every write here runs in one transaction with one journal event. The service is created
inactive with a draft version 1 (`catalogue.versions`), owned by the authority
(`OwnedService`): its designers edit, version and publish it in the back office.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from guichet.authorities.competence import holding_communes
from guichet.authorities.models import Authority, OwnedService, SharedService
from guichet.catalogue import interchange
from guichet.catalogue.models import Category, Service, ServiceVersion
from guichet.catalogue.versions import (
    DraftError,
    check_content,
    content_of,
    fill_version,
    workflow_rules,
)
from guichet.core import clock, journal
from guichet.core.journal import Actor
from guichet.territory.models import Commune

SERVICE_CREATED = "service.created"
SERVICE_SHARED = "service.shared-in-library"
COMMUNES_CHOSEN = "service.communes-chosen"

# The level of the services an authority delivers by default, by kind of authority.
LEVEL_OF_KIND = {
    "commune": "communal",
    "intercommunality": "intercommunal",
    "departement": "departmental",
}


@transaction.atomic
def create_service(
    *, authority: Authority, by: Actor, content: dict[str, Any], model: Service | None = None
) -> ServiceVersion:
    """A new service of `authority`, inactive, with `content` as its draft version 1.

    `model`: a service of the library whose content (form, workflow, channels, promise…) the
    new one starts from; `content` (at least the name) overrides it. Raises DraftError with
    French messages by field; nothing written then.
    """
    base = content_of(model.current_version or model) if model is not None else {}
    merged = {"channels": ["web"], "sla_working_days": 10} | base | content
    if workflow_rules.expand is not None:  # the designer edits the lifecycle spelled out
        merged["workflow_definition"] = workflow_rules.expand(merged.get("workflow_definition"))
    clean, errors = check_content(merged)
    if errors:
        raise DraftError(errors, content)
    service = Service(
        slug=free_slug(slugify(f"{clean['name']}-{authority.slug}")[:70] or "service"),
        is_active=False,
        category=Category.objects.get(slug=clean["category"]),
        **{name: clean[name] or "" for name in ("name", "kind", "summary", "description",
                                                "level", "keywords")},
        required_documents=clean["required_documents"], channels=clean["channels"],
        sla_working_days=clean["sla_working_days"], form_definition=clean["form_definition"],
    )  # fmt: skip
    service.save()
    draft = ServiceVersion(
        service=service, number=1, status=ServiceVersion.Status.DRAFT, created_by=by.label
    )
    fill_version(draft, clean)
    draft.save()
    OwnedService.objects.create(
        service=service, authority=authority, based_on=model.slug if model else ""
    )
    journal.append(
        kind=SERVICE_CREATED, actor=by, subject=service, authority_id=authority.pk,
        payload={"service": service.slug, "authority": authority.pk,
                 "model": model.slug if model else None},
    )  # fmt: skip
    return draft


@transaction.atomic
def import_into(*, authority: Authority, by: Actor, document: Any) -> ServiceVersion:
    """Import a shared service document as a draft service of `authority` (the catalogue's
    `import_service`, whose `service.imported` event is the one event). Raises
    interchange.InterchangeError in French."""
    draft = interchange.import_service(document=document, authority=authority, by=by)
    OwnedService.objects.create(service=draft.service, authority=authority, based_on="import")
    return draft


class LibraryError(DraftError):
    """A refusal of the library, in French (`errors["__all__"]`)."""

    def __init__(self, message: str) -> None:
        super().__init__({"__all__": [message]}, {})


@transaction.atomic
def share_in_library(*, authority: Authority, service: Service, by: Actor) -> SharedService:
    """Put the current published version of a service `authority` designed in the platform's
    library (one `service.shared-in-library` event). Raises LibraryError in French."""
    owned = OwnedService.objects.filter(service=service, authority=authority).exists()
    if not owned:
        raise LibraryError("Ce service n'est pas l'un de ceux que votre collectivité a conçus.")
    version = service.current_version
    if version is None or version.status != ServiceVersion.Status.PUBLISHED:
        raise LibraryError(
            "Publiez d'abord une version du service : seule une version publiée se partage."
        )
    if SharedService.objects.filter(version=version).exists():
        raise LibraryError(f"La version {version.number} est déjà dans la bibliothèque.")
    shared = SharedService.objects.create(
        version=version, authority=authority, shared_by=by.label, shared_at=clock.now()
    )
    journal.append(
        kind=SERVICE_SHARED, actor=by, subject=service, authority_id=authority.pk,
        payload={"service": service.slug, "version": version.number, "shared": shared.pk},
    )  # fmt: skip
    return shared


@transaction.atomic
def reuse_shared(*, shared: SharedService, authority: Authority, by: Actor) -> ServiceVersion:
    """A copy of a library service as a new draft service of `authority`, through the import
    path (`import_into`: its `service.imported` event is the one event)."""
    document = interchange.export_service(shared.version)
    draft = import_into(authority=authority, by=by, document=document)
    OwnedService.objects.filter(service=draft.service).update(based_on=f"bibliotheque:{shared.pk}")
    return draft


@transaction.atomic
def choose_communes(
    *, authority: Authority, service: Service, by: Actor, communes: list[Any]
) -> list[Commune]:
    """Offer a service `authority` designed only in `communes` (codes INSEE or ids of current
    communes), among those where it holds the competence (`competence.holding_communes`); an
    empty list offers it in all of them. One `service.communes-chosen` event; applies at once
    (not versioned: where a service is offered is not its content). Raises DraftError with
    French messages under "communes"; nothing written then."""
    owned = OwnedService.objects.select_for_update().filter(service=service, authority=authority)
    owned = owned.first()
    if owned is None:
        raise LibraryError("Ce service n'est pas l'un de ceux que votre collectivité a conçus.")
    allowed = {c.pk: c for c in holding_communes(service, authority)}
    chosen: dict[int, Commune] = {}
    outside: list[str] = []
    for value in communes:
        key = str(value).strip()
        pk = int(key) if key.isdigit() and len(key) < 10 else None
        if pk in allowed:
            chosen[pk] = allowed[pk]
        else:
            known = Commune.objects.filter(pk=pk).first() if pk is not None else None
            outside.append(known.name if known else key[:40])
    if outside:
        raise DraftError(
            {"communes": [
                f"{authority.name} n'exerce pas cette compétence à {', '.join(outside)} : "
                f"choisissez parmi les communes proposées."
            ]},
            {"communes": [str(v)[:40] for v in communes]},
        )  # fmt: skip
    owned.communes.set(list(chosen))
    journal.append(
        kind=COMMUNES_CHOSEN, actor=by, subject=service, authority_id=authority.pk,
        payload={"service": service.slug, "communes": sorted(c.code for c in chosen.values())},
    )  # fmt: skip
    return sorted(chosen.values(), key=lambda c: (c.name, c.code))


def free_slug(base: str) -> str:
    slug, n = base, 2
    while Service.objects.filter(slug=slug).exists():
        slug = f"{base[:74]}-{n}"
        n += 1
    return slug
