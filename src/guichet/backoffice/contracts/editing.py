"""Writing a contract from the back office: the delegating authority's managers create and
change its scope, dates and indicators' commitments (ADR 0038). The page only reads the form
(`forms.read`) and calls `contracts.actions`; their refusals come back next to each field,
and a refused form writes nothing.
"""

from __future__ import annotations

from django.shortcuts import redirect, render

from guichet.authorities.access import can
from guichet.authorities.models import Authority
from guichet.backoffice.contracts import forms
from guichet.backoffice.selectors import authorities_where
from guichet.backoffice.views._common import agent_required, forbidden
from guichet.contracts import actions
from guichet.contracts.access import access_contract
from guichet.contracts.actions import ContractInvalid
from guichet.core.journal import Actor

PERMISSION = "view_dashboards"  # as commenting and asking for reports (contracts.access)
NOT_MANAGER = (
    "Seuls les responsables de la collectivité délégante peuvent créer ou modifier un contrat "
    "de délégation."
)
NOT_YOURS = "Choisissez une collectivité dont vous êtes responsable."


def delegating_authorities(user) -> list[Authority]:
    """The authorities `user` may write contracts for (an operator delegates nothing)."""
    return [a for a in authorities_where(user, PERMISSION) if a.kind != Authority.Kind.OPERATOR]


def _chosen_authority(request, choices: list[Authority]) -> Authority | None:
    raw = request.POST.get("authority") or request.GET.get("collectivite", "")
    picked = forms._id(raw) if raw else (choices[0].pk if len(choices) == 1 else None)
    return next((a for a in choices if a.pk == picked), None)


@agent_required
def create_contract(request):
    choices = delegating_authorities(request.user)
    if not choices:
        return forbidden(request, NOT_MANAGER)
    authority = _chosen_authority(request, choices)
    if request.method != "POST":
        return _page(request, authority=authority, choices=choices, contract=None)
    reading = forms.read(request.POST, authority=authority, contract=None)
    if authority is None:
        reading.errors["authority"] = NOT_YOURS
    if reading.valid:
        data = reading.fields.cleaned_data
        try:
            contract = actions.create_contract(
                authority=authority, operator=reading.operator, title=data["title"],
                reference=data["reference"], starts_on=data["starts_on"],
                ends_on=data["ends_on"], services=reading.services, communes=reading.communes,
                indicators=reading.specs, actor=Actor.agent(request.user),
            )  # fmt: skip
        except ContractInvalid as invalid:
            reading.refuse(invalid.errors)
        else:
            return redirect("contracts:detail", contract.pk)
    return _page(request, authority=authority, choices=choices, contract=None, reading=reading)


@agent_required
def edit_contract(request, pk: int):
    contract = access_contract(request.user, pk)  # « introuvable » for another authority
    if not can(request.user, contract.authority_id, PERMISSION):
        return forbidden(request, NOT_MANAGER)
    if request.method != "POST":
        return _page(request, authority=contract.authority, choices=[], contract=contract)
    reading = forms.read(request.POST, authority=contract.authority, contract=contract)
    if reading.operator is not None and reading.operator.pk != contract.operator_id:
        reading.errors["operator"] = (
            "Le délégataire d'un contrat ne change pas : créez un nouveau contrat."
        )
    if reading.valid:
        data = reading.fields.cleaned_data
        try:
            actions.change_contract(
                contract=contract, title=data["title"], reference=data["reference"],
                starts_on=data["starts_on"], ends_on=data["ends_on"],
                services=reading.services, communes=reading.communes,
                indicators=reading.specs, actor=Actor.agent(request.user),
            )  # fmt: skip
        except ContractInvalid as invalid:
            reading.refuse(invalid.errors)
        else:
            return redirect("contracts:detail", contract.pk)
    return _page(
        request, authority=contract.authority, choices=[], contract=contract, reading=reading
    )


def _initial(contract) -> forms.Reading:
    if contract is None:
        return forms.Reading(fields=forms.ContractFields(), rows=forms.rows_for(None))
    fields = forms.ContractFields(
        initial={
            "title": contract.title, "reference": contract.reference,
            "starts_on": contract.starts_on.isoformat(), "ends_on": contract.ends_on.isoformat(),
        }
    )  # fmt: skip
    return forms.Reading(
        fields=fields, operator=contract.operator, operator_raw=str(contract.operator_id),
        services=list(contract.services.all()), communes=list(contract.communes.all()),
        rows=forms.rows_for(contract),
    )  # fmt: skip


def _page(request, *, authority, choices, contract, reading=None):
    reading = reading or _initial(contract)
    refused = reading is not None and request.method == "POST"
    title = f"Modifier « {contract.title} »" if contract else "Nouveau contrat de délégation"
    context = {
        "title": title,
        "nav": "contracts",
        "contract": contract,
        "authority": authority,
        "choices": choices,
        "form": reading.fields,
        "reading": reading,
        "operators": forms.operators(),
        "services": forms.offered_services(contract),
        "communes": forms.offered_communes(authority, contract),
        "picked_services": {s.pk for s in reading.services},
        "picked_communes": {c.pk for c in reading.communes},
        "errors": reading.errors,
        "refused": refused,
    }
    return render(
        request, "backoffice/contracts/form.html", context, status=400 if refused else 200
    )
