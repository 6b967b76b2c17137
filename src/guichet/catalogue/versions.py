"""Service versions: a draft, published versions frozen, rollback; every write here (ADR 0027).

    draft = start_draft(service=service, by=actor)
    draft = save_draft(draft=draft, by=actor, changes={"form_definition": [...]}, revision=1)
    version = publish(draft=draft, by=actor, note="Ajout du justificatif de domicile")

A version holds the public page, the channels, the promise, the form and the workflow
document. Publishing copies it onto the `Service` row (what the portal and the filing read) and
points the service to it; every request keeps the version it was filed with. The workflow's
publication checks live with the workflow engine (`cases.workflow`, above the catalogue): the
cases app registers them here at start-up (`register_workflow_rules`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from guichet.catalogue.formdef import InvalidFormDefinition, parse_form_definition
from guichet.catalogue.models import Category, Channel, Level, Service, ServiceVersion
from guichet.core import journal
from guichet.core.journal import Actor

DRAFT_STARTED = "service.draft_started"
DRAFT_SAVED = "service.draft_saved"
VERSION_PUBLISHED = "service.version_published"
VERSION_ROLLED_BACK = "service.version_rolled_back"

PAGE_FIELDS = (
    "name",
    "kind",
    "category",
    "summary",
    "description",
    "level",
    "required_documents",
    "keywords",
    "audience",  # kept on the version only (no column on Service): who may ask
)
# Who a service is for (the designer's « qui peut demander »); empty or None: everyone.
AUDIENCES = {
    "residents": "particuliers",
    "businesses": "entreprises",
    "associations": "associations",
}
CONTENT_FIELDS = (
    *PAGE_FIELDS,
    "channels",
    "sla_working_days",
    "form_definition",
    "workflow_definition",
)
STALE = (
    "Le brouillon a changé depuis que vous l'avez ouvert (un autre concepteur l'a enregistré). "
    "Vos modifications n'ont pas été enregistrées mais sont conservées ci-dessous : "
    "rechargez le brouillon pour les reporter."
)
FIELD_LABELS = {
    "name": "Nom",
    "kind": "Nature",
    "category": "Catégorie",
    "summary": "En une phrase",
    "description": "Description",
    "level": "Niveau de compétence",
    "required_documents": "Pièces justificatives",
    "keywords": "Mots-clés",
    "audience": "Public concerné",
    "channels": "Canaux acceptés",
    "sla_working_days": "Délai promis (jours ouvrés)",
    "form_definition": "Formulaire",
    "workflow_definition": "Circuit de traitement",
    "note": "Note de publication",
}


class DraftError(ValueError):
    """Changes refused; `errors` maps a field ("workflow_definition.<state>" for a workflow
    state) to French messages, `changes` holds what was typed so that nothing is lost."""

    def __init__(self, errors: dict[str, list[str]], changes: dict[str, Any] | None = None):
        self.errors = errors
        self.changes = dict(changes or {})
        super().__init__(" ; ".join(m for messages in errors.values() for m in messages))


class StaleDraft(DraftError):
    """The draft was saved by someone else since `revision`: nothing written."""

    def __init__(self, changes: dict[str, Any], current_revision: int) -> None:
        super().__init__({"__all__": [STALE]}, changes)
        self.current_revision = current_revision


# --- the workflow rules, registered by the cases app ------------------------------------


@dataclass
class _WorkflowRules:
    check: Callable[[Any], dict[str, list[str]]] | None = None
    expand: Callable[[Any], dict[str, Any]] | None = None


workflow_rules = _WorkflowRules()


def register_workflow_rules(
    *, check: Callable[[Any], dict[str, list[str]]], expand: Callable[[Any], dict[str, Any]]
) -> None:
    """`check(document)` → problems by state; `expand(document)` → the document with the
    default lifecycle spelled out. Called by `CasesConfig.ready`."""
    workflow_rules.check, workflow_rules.expand = check, expand


# --- content --------------------------------------------------------------------------


def content_of(subject: Service | ServiceVersion) -> dict[str, Any]:
    """A service's current fields, or a version's content, as one dict of CONTENT_FIELDS."""
    if isinstance(subject, ServiceVersion):
        return {
            **{name: subject.page.get(name) for name in PAGE_FIELDS},
            "channels": list(subject.channels or []),
            "sla_working_days": subject.sla_working_days,
            "form_definition": list(subject.form_definition or []),
            "workflow_definition": dict(subject.workflow_definition or {}),
        }
    page = {
        name: getattr(subject, name) for name in PAGE_FIELDS if name not in ("category", "audience")
    }
    current = subject.current_version
    return page | {
        "audience": current.page.get("audience") if current is not None else None,
        "category": subject.category.slug,
        "channels": list(subject.channels or []),
        "sla_working_days": subject.sla_working_days,
        "form_definition": list(subject.form_definition or []),
        "workflow_definition": dict(subject.workflow.definition) if subject.workflow else {},
    }


def fill_version(version: ServiceVersion, content: dict[str, Any]) -> None:
    version.page = {name: content.get(name) for name in PAGE_FIELDS}
    version.channels = content.get("channels") or []
    version.sla_working_days = content.get("sla_working_days")
    version.form_definition = content.get("form_definition") or []
    version.workflow_definition = content.get("workflow_definition") or {}


def check_content(
    content: dict[str, Any], *, categories: set[str] | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The content normalised (the form in its compact form) and the French problems by field:
    the one form validator (`parse_form_definition`) and the workflow's publication checks.
    `categories`: the category codes that exist (default: those in the database)."""
    errors: dict[str, list[str]] = {}
    clean = {name: content.get(name) for name in CONTENT_FIELDS}
    clean["required_documents"] = content.get("required_documents") or []
    clean["channels"] = content.get("channels") or []
    clean["workflow_definition"] = content.get("workflow_definition") or {}

    def text(name: str, limit: int, *, required: bool = True) -> None:
        value = content.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[name] = ["Texte attendu."]
        elif "\x00" in value:
            errors[name] = ["Le texte contient un caractère nul : retirez-le."]
        elif required and not value.strip():
            errors[name] = ["Ce champ est obligatoire."]
        elif len(value) > limit:
            errors[name] = [f"Au plus {limit} caractères (il y en a {len(value)})."]
        else:
            clean[name] = value.strip() if name != "description" else value

    text("name", 200)
    text("summary", 300)
    text("description", 20_000, required=False)
    text("keywords", 300, required=False)
    if content.get("kind") not in Service.Kind.values:
        errors["kind"] = [f"Nature inconnue « {content.get('kind')} »."]
    if content.get("level") not in Level.values:
        errors["level"] = [f"Niveau inconnu « {content.get('level')} »."]
    category = content.get("category")
    known = (
        (lambda slug: slug in categories)
        if categories is not None
        else (lambda slug: Category.objects.filter(slug=slug).exists())
    )
    if not isinstance(category, str) or not known(category):
        errors["category"] = [f"Catégorie inconnue « {category} »."]
    audience = content.get("audience") or []
    if not isinstance(audience, list) or any(a not in AUDIENCES for a in audience):
        errors["audience"] = ["Public inconnu : particuliers, entreprises ou associations."]
    else:  # none ticked means everyone: stored as None, like the versions from before
        clean["audience"] = [a for a in AUDIENCES if a in audience] or None
    documents = content.get("required_documents") or []
    if not isinstance(documents, list) or not all(isinstance(d, str) for d in documents):
        errors["required_documents"] = ["Une liste de textes est attendue."]
    elif any("\x00" in d or len(d) > 300 for d in documents):
        errors["required_documents"] = ["Chaque pièce tient en 300 caractères, sans caractère nul."]
    channels = content.get("channels") or []
    if not isinstance(channels, list):
        errors["channels"] = ["Une liste de canaux est attendue."]
    elif unknown := [c for c in channels if c not in Channel.values]:
        errors["channels"] = [f"Canal inconnu « {c} »." for c in unknown[:5]]
    days = content.get("sla_working_days")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int)):
        errors["sla_working_days"] = ["Un nombre entier de jours ouvrés est attendu."]
    elif days is not None and not 1 <= days <= 365:
        errors["sla_working_days"] = ["Le délai promis doit être compris entre 1 et 365 jours."]
    form = content.get("form_definition")
    if isinstance(form, list) and len(form) > MAX_FIELDS:
        errors["form_definition"] = [f"Au plus {MAX_FIELDS} champs (il y en a {len(form)})."]
    else:
        try:
            clean["form_definition"] = parse_form_definition(form).to_json()
        except InvalidFormDefinition as invalid:
            errors["form_definition"] = invalid.errors
    workflow = content.get("workflow_definition") or {}
    if isinstance(workflow, dict) and _too_big(workflow):
        errors["workflow_definition"] = [
            f"Au plus {MAX_STATES} états et {MAX_TRANSITIONS} transitions."
        ]
        return clean, errors
    nul = "Un texte contient un caractère nul : retirez-le."
    # a NUL cannot be stored (PostgreSQL's jsonb) nor shown: refused, never dropped
    if _holds_nul(content.get("form_definition")):
        errors.setdefault("form_definition", []).insert(0, nul)
    if _holds_nul(workflow):
        errors["workflow_definition"] = [nul]
    elif not isinstance(workflow, dict):
        errors["workflow_definition"] = ["Le circuit doit être un objet JSON."]
    elif workflow_rules.check is not None:
        for state, messages in workflow_rules.check(workflow).items():
            key = f"workflow_definition.{state}" if state else "workflow_definition"
            errors.setdefault(key, []).extend(messages)
    return clean, errors


MAX_FIELDS = 500
MAX_STATES = 100
MAX_TRANSITIONS = 500


def _too_big(workflow: dict[str, Any]) -> bool:
    states, transitions = workflow.get("states"), workflow.get("transitions")
    return (isinstance(states, list) and len(states) > MAX_STATES) or (
        isinstance(transitions, list) and len(transitions) > MAX_TRANSITIONS
    )


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


# --- actions ------------------------------------------------------------------------------


@transaction.atomic
def start_draft(*, service: Service, by: Actor) -> ServiceVersion:
    """The service's draft: a copy of its current version (or of its fields when it has none);
    the draft already open when there is one (no event then)."""
    Service.objects.select_for_update().filter(pk=service.pk).get()
    existing = service.versions.filter(status=ServiceVersion.Status.DRAFT).first()
    if existing is not None:
        return existing
    source = service.current_version
    content = content_of(source) if source is not None else content_of(service)
    if workflow_rules.expand is not None:  # the designer edits the lifecycle spelled out
        content["workflow_definition"] = workflow_rules.expand(content["workflow_definition"])
    draft = ServiceVersion(
        service=service, number=next_number(service), status=ServiceVersion.Status.DRAFT,
        based_on=source, created_by=by.label,
    )  # fmt: skip
    fill_version(draft, content)
    draft.save()
    journal.append(
        kind=DRAFT_STARTED, actor=by, subject=service,
        payload={"service": service.slug, "version": draft.number,
                 "based_on": source.number if source else None},
    )  # fmt: skip
    return draft


@transaction.atomic
def save_draft(
    *, draft: ServiceVersion, by: Actor, changes: dict[str, Any], revision: int
) -> ServiceVersion:
    """Apply `changes` (among CONTENT_FIELDS) to the draft opened at `revision`.

    Raises StaleDraft when someone saved it since, DraftError with French messages by field
    when the result does not validate; nothing is written then, and the error carries the
    changes as typed.
    """
    current = ServiceVersion.objects.select_for_update().get(pk=draft.pk)
    if current.status != ServiceVersion.Status.DRAFT:
        raise DraftError({"__all__": ["Cette version est publiée : ouvrez un nouveau brouillon."]})
    if unknown := sorted(set(changes) - set(CONTENT_FIELDS)):
        raise DraftError({"__all__": [f"Champs inconnus : {', '.join(unknown)}."]}, changes)
    if current.revision != revision:
        raise StaleDraft(changes, current.revision)
    content, errors = check_content(content_of(current) | changes)
    if errors:
        raise DraftError(errors, changes)
    fill_version(current, content)
    current.revision += 1
    current.save()
    journal.append(
        kind=DRAFT_SAVED, actor=by, subject=current.service,
        payload={"service": current.service.slug, "version": current.number,
                 "revision": current.revision, "changed": sorted(changes)},
    )  # fmt: skip
    return current


@transaction.atomic
def publish(
    *, draft: ServiceVersion, by: Actor, note: str, revision: int | None = None
) -> ServiceVersion:
    """Check the draft again, freeze it and make it the service's current version.

    `note` says why (the publication log). Raises DraftError (nothing published) or StaleDraft
    when `revision` is given and the draft changed since.
    """
    version = ServiceVersion.objects.select_for_update().get(pk=draft.pk)
    if version.status != ServiceVersion.Status.DRAFT:
        raise DraftError({"__all__": ["Cette version est déjà publiée."]})
    if revision is not None and version.revision != revision:
        raise StaleDraft({}, version.revision)
    content, errors = check_content(content_of(version))
    if not (note or "").strip() or "\x00" in note:
        errors["note"] = ["Indiquez pourquoi vous publiez cette version."]
    if errors:
        raise DraftError(errors)
    fill_version(version, content)
    return make_current(version, by=by, note=note.strip(), kind=VERSION_PUBLISHED)


@transaction.atomic
def rollback(
    *, service: Service, to_version: ServiceVersion, by: Actor, note: str
) -> ServiceVersion:
    """Publish a new version copying `to_version` (an earlier published one) of `service`.

    An open draft stays open, renumbered after the new version.
    """
    Service.objects.select_for_update().filter(pk=service.pk).get()
    if to_version.service_id != service.pk or to_version.status == ServiceVersion.Status.DRAFT:
        raise DraftError(
            {"__all__": ["Seule une version publiée de ce service peut être reprise."]}
        )
    if not (note or "").strip() or "\x00" in note:
        raise DraftError({"note": ["Indiquez pourquoi vous revenez à cette version."]})
    content, errors = check_content(content_of(to_version))
    if errors:  # the catalogue changed since (a category removed): say what to fix
        raise DraftError(errors)
    version = ServiceVersion(
        service=service, number=number_before_draft(service),
        status=ServiceVersion.Status.DRAFT, based_on=to_version, created_by=by.label,
    )  # fmt: skip
    fill_version(version, content)  # saved once, published, by make_current
    return make_current(
        version, by=by, note=note.strip(), kind=VERSION_ROLLED_BACK, rolled_back_to=to_version
    )


def make_current(
    version: ServiceVersion,
    *,
    by: Actor,
    note: str,
    kind: str | None,
    rolled_back_to: ServiceVersion | None = None,
    activate: bool = True,
) -> ServiceVersion:
    """Freeze `version` and make it its service's current one (the previous one retired), its
    content copied onto the service row; append `kind` (None: the caller's own event says it).
    """
    service = Service.objects.select_for_update().get(pk=version.service_id)
    previous = service.current_version
    if previous is not None:
        ServiceVersion.objects.filter(pk=previous.pk).update(status=ServiceVersion.Status.RETIRED)
    version.status = ServiceVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = by.label
    version.note = note
    version.save()
    content = content_of(version)
    for name in PAGE_FIELDS:
        if name not in ("category", "audience"):  # the audience lives on the version
            setattr(service, name, content[name] if content[name] is not None else "")
    service.category = Category.objects.get(slug=content["category"])
    service.channels = content["channels"]
    service.sla_working_days = content["sla_working_days"]
    service.form_definition = content["form_definition"]
    service.current_version = version
    if activate:
        service.is_active = True
    service.save()
    payload: dict[str, Any] = {
        "service": service.slug,
        "version": version.number,
        "previous": previous.number if previous else None,
        "note": note,
    }
    if rolled_back_to is not None:
        payload["rolled_back_to"] = rolled_back_to.number
    if kind is not None:
        journal.append(kind=kind, actor=by, subject=service, payload=payload)
    return version


def record_current(
    service: Service, *, by: Actor, note: str, workflow_changed: bool = False
) -> ServiceVersion | None:
    """After a change written on the service row itself (the administration's form): publish
    its content as a new version when it differs from the current one, so that requests keep
    pointing to what they were filed with. The current version's workflow is kept unless
    `workflow_changed`. No event of its own: the caller's says it. None when nothing changed.
    """
    current = service.current_version
    content = content_of(service)
    if current is not None and not workflow_changed:
        content["workflow_definition"] = dict(current.workflow_definition or {})
    if current is not None and content_of(current) == content:
        return None
    version = ServiceVersion(
        service=service, number=number_before_draft(service), status=ServiceVersion.Status.DRAFT,
        based_on=current, created_by=by.label,
    )  # fmt: skip
    fill_version(version, content)  # saved once, published, by make_current
    make_current(version, by=by, note=note, kind=None, activate=False)
    service.current_version = version
    return version


def number_before_draft(service: Service) -> int:
    """The number of a version published now, not from the draft: the next one, or the open
    draft's (always the highest), the draft moving to the next."""
    draft = service.versions.filter(status=ServiceVersion.Status.DRAFT).first()
    if draft is None:
        return next_number(service)
    number = draft.number
    draft.number = next_number(service)
    draft.save(update_fields=["number"])
    return number


def next_number(service: Service) -> int:
    highest = service.versions.aggregate(highest=Max("number"))["highest"]
    return (highest or 0) + 1


def publication_log(service: Service) -> list[ServiceVersion]:
    """The service's published versions, newest first (who, when, why)."""
    return list(service.versions.exclude(status=ServiceVersion.Status.DRAFT).order_by("-number"))
