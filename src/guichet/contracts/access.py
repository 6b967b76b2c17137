"""Who sees a contract: the agents of its authority and of its operator, nobody else (the
same « introuvable » for missing and forbidden). Commenting, recording a disagreement and
asking for a report take a manager on either side; writing the contract an administrator
of the delegating authority."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from guichet.authorities.access import authority_ids_for, can
from guichet.contracts.models import Contract


def contracts_for(user) -> QuerySet[Contract]:
    ids = authority_ids_for(user)
    return (
        Contract.objects.filter(Q(authority_id__in=ids) | Q(operator_id__in=ids))
        .select_related("authority", "operator")
        .order_by("-starts_on", "title", "pk")
    )


BIGGEST_ID = 2**63 - 1


def valid_id(value) -> int:
    """`value` as a row id, or Http404 (what no database row can have: past 64 bits, < 1)."""
    try:
        number = int(value)
    except (ValueError, TypeError, OverflowError):
        raise Http404("Introuvable.") from None
    if not 0 < number <= BIGGEST_ID:
        raise Http404("Introuvable.")
    return number


def access_contract(user, pk) -> Contract:
    try:
        return contracts_for(user).get(pk=valid_id(pk))
    except (Contract.DoesNotExist, Http404):
        raise Http404("Contrat introuvable.") from None


def side_of(user, contract: Contract, permission: str = "view_dashboards") -> int | None:
    """The authority (the delegating one first, then the operator) for which `user` holds
    `permission` on this contract; None when neither."""
    for authority_id in (contract.authority_id, contract.operator_id):
        if can(user, authority_id, permission):
            return authority_id
    return None


def may_remark(user, contract: Contract) -> bool:
    return side_of(user, contract) is not None


def may_write(user, contract_authority_id: int) -> bool:
    return can(user, contract_authority_id, "manage_competences")
