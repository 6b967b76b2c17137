"""What moderation needs to know of any contribution (a `Moderated` row of this app): its
kind, its author, its authority, and what readers see in place of hidden content.

Contributions are found through the model registry (every concrete subclass of `Moderated`),
so ideas and comments (P1) and statements and petitions (P2) are handled alike without this
module importing them.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

from guichet.participation.models.base import Moderated
from guichet.participation.models.moderation import Block

HIDDEN_NOTICE = "Contenu masqué par la modération"

# By model name (a kind is "<app label>.<model name>").
KIND_LABELS = {
    "idea": "idée",
    "comment": "commentaire",
    "statement": "affirmation",
    "petition": "pétition",
}


def moderated_models() -> dict[str, type[models.Model]]:
    """{model label: model} (e.g. the statement model under its label) for every concrete
    Moderated model."""
    return {
        model._meta.label_lower: model
        for model in apps.get_app_config("participation").get_models()
        if issubclass(model, Moderated)
    }


def kind_of(contribution: models.Model) -> str:
    return contribution._meta.label_lower


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind.rpartition(".")[2], "contribution")


def find(kind: str, pk: int) -> models.Model | None:
    model = moderated_models().get(kind)
    if model is None:
        return None
    return model.objects.filter(pk=pk).first()


def author_id_of(contribution: models.Model) -> int | None:
    for name in ("author_id", "initiator_id", "person_id"):
        value = getattr(contribution, name, None)
        if value is not None:
            return value
    return None


def authority_of(contribution: models.Model):
    """The authority whose moderators answer for `contribution` (directly, or through its
    consultation, or through its idea's consultation)."""
    seen = 0
    current = contribution
    while current is not None and seen < 4:
        if getattr(current, "authority_id", None) is not None:
            return current.authority
        for parent in ("consultation", "idea", "statement", "petition"):
            if getattr(current, f"{parent}_id", None) is not None:
                current = getattr(current, parent)
                break
        else:
            return None
        seen += 1
    return None


def is_blocked(person, authority) -> bool:
    """Whether `authority`'s moderators blocked `person` (and did not lift it)."""
    if person is None or authority is None:
        return False
    return Block.objects.filter(
        authority=authority, person_id=person.pk, lifted_at__isnull=True
    ).exists()


def shown(contribution: models.Model, field: str = "text") -> str:
    """The text a reader sees: the field, or the notice with the moderators' reason."""
    if getattr(contribution, "hidden_at", None) is not None:
        reason = getattr(contribution, "hidden_reason", "")
        return f"{HIDDEN_NOTICE} : {reason}" if reason else f"{HIDDEN_NOTICE}."
    return getattr(contribution, field, "")
