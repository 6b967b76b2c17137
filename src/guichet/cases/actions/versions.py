"""Moving open requests onto a service's new version, when the designer maps the old workflow
states to the new ones (issue 15, ADR 0027).

A new workflow applies to new requests only, unless the designer says where each open
request goes: `states_to_map` lists the states open requests are in on older versions (with a
suggested target: the state of the same name, when the new workflow has one) and
`move_open_requests` moves them, all or none, one journal event per request moved. The
answers keep the form they were filled in (`Request.answered_version`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from guichet.cases import events
from guichet.cases.actions._common import append, apply_state
from guichet.cases.models import PublicStatus, Request
from guichet.cases.workflow import IllegalTransition, workflow_for
from guichet.catalogue.models import Service, ServiceVersion
from guichet.core.journal import Actor

OPEN = (PublicStatus.ONGOING, PublicStatus.ACTION_NEEDED)


class MappingError(IllegalTransition):
    """The mapping is refused; `errors` maps an old state's key (version:state) to French
    messages. Nothing was moved."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(" ; ".join(m for messages in errors.values() for m in messages))


@dataclass(frozen=True)
class StateToMap:
    key: str  # "<version number>:<state name>", the form field's name
    version: int
    state: str
    label: str
    count: int
    suggested: str  # a state of the new workflow, or ""


def _open_elsewhere(service: Service, version: ServiceVersion) -> QuerySet[Request]:
    return Request.objects.filter(
        service=service, public_status__in=OPEN, is_test=False, duplicate_of__isnull=True
    ).exclude(service_version=version)


def states_to_map(service: Service, version: ServiceVersion) -> list[StateToMap]:
    """Where open requests of `service` on other versions stand, to map onto `version`."""
    new_states = {state.name for state in workflow_for(version).states}
    counts = Counter(
        _open_elsewhere(service, version).values_list("service_version__number", "state")
    )
    rows = []
    versions = {v.number: v for v in service.versions.all()}
    for (number, state), count in sorted(counts.items(), key=lambda item: item[0]):
        old = versions.get(number)
        label = workflow_for(old).state(state).label if old is not None else state
        rows.append(
            StateToMap(
                key=f"{number}:{state}", version=number, state=state, label=label, count=count,
                suggested=state if state in new_states else "",
            )
        )  # fmt: skip
    return rows


@transaction.atomic
def move_open_requests(
    *, service: Service, version: ServiceVersion, mapping: dict[str, str], actor: Actor
) -> int:
    """Move every open request of `service` filed on another version onto `version` (its
    current published one), each into `mapping["<number>:<state>"]`. Returns how many moved.

    Every old state open requests are in must be mapped to a state of the new workflow that
    is not final; otherwise MappingError (French, by key) and nothing moves.
    """
    if version.service_id != service.pk or version.pk != service.current_version_id:
        raise MappingError(
            {"": ["Les demandes ne peuvent passer que sur la version en vigueur du service."]}
        )
    workflow = workflow_for(version)
    known = {state.name: state for state in workflow.states}
    requests = list(
        _open_elsewhere(service, version)
        .select_for_update(of=("self",))
        .select_related("service_version")
        .order_by("pk")
    )
    errors: dict[str, list[str]] = {}
    for request in requests:
        key = f"{request.service_version.number if request.service_version else 0}:{request.state}"
        target = mapping.get(key, "")
        if not isinstance(target, str) or target not in known:
            errors.setdefault(key, ["Choisissez l'état du nouveau circuit pour ces demandes."])
        elif known[target].public_status not in OPEN:
            errors.setdefault(
                key, [f"« {known[target].label} » clôt la demande : choisissez un état ouvert."]
            )
    if errors:
        raise MappingError(errors)
    for request in requests:
        old = request.service_version
        source = request.state
        target = mapping[f"{old.number if old else 0}:{source}"]
        if request.answered_version_id is None:
            request.answered_version = old
        left = workflow_for(request).state(source)
        request.service_version = version
        apply_state(request, workflow, target, source=left)
        append(
            events.MOVED_TO_VERSION, request, actor, visible=False,
            from_version=old.number if old else None, to_version=version.number,
            source=source, target=target,
        )  # fmt: skip
    return len(requests)
