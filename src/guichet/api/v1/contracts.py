"""Delegation contracts' quality indicators, computed from the journal (ADR 0038): for the
agents and applications of the delegating authority or of the operator, nobody else."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.http import Http404
from ninja import Field, Path, Query, Router, Schema

from guichet.api import schemas
from guichet.api.v1.params import BIG_ID
from guichet.contracts.indicators import DEFINITIONS, behind, compute, facts_for
from guichet.contracts.models import Contract

router = Router(tags=["contrats de délégation"])
E = schemas.ERRORS
NOT_FOUND = "Contrat introuvable."


class ContractOut(Schema):
    id: int
    title: str
    reference: str
    authority: str = Field(description="identifiant de la collectivité délégante")
    operator: str = Field(description="identifiant du délégataire")
    starts_on: date
    ends_on: date
    services: list[str]
    communes: list[str] = Field(description="codes INSEE")


class MonthOut(Schema):
    month: str = Field(description="AAAA-MM")
    value: float | None = Field(description="vide : aucune demande dans la population ce mois")
    population: int = Field(description="nombre de demandes derrière la valeur")
    breach: bool = Field(description="hors de l'objectif au-delà de la tolérance")


class IndicatorOut(Schema):
    id: int
    kind: str
    label: str
    service: str | None
    unit: str
    higher_is_better: bool
    target: float
    tolerance: float
    penalty: float | None = Field(description="€ par mois en manquement")
    value: float | None = Field(description="sur toute la période")
    population: int
    penalties: float = Field(description="€ impliqués par les manquements de la période")
    months: list[MonthOut]


class IndicatorsOut(Schema):
    contract: int
    since: date
    until: date
    requests: int
    indicators: list[IndicatorOut]


class BehindOut(Schema):
    reference: str
    received_on: date = Field(description="jour de réception (heure de Paris)")
    month: str
    commune: int
    value: float | bool | None = Field(description="la valeur de cette demande pour l'indicateur")


def _contracts(caller):
    ids = caller.authority_ids
    return Contract.objects.filter(Q(authority_id__in=ids) | Q(operator_id__in=ids)).select_related(
        "authority", "operator"
    )


def _contract(caller, pk: int) -> Contract:
    found = _contracts(caller).filter(pk=pk).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def _period(contract: Contract, year: int | None) -> tuple[date, date]:
    if year is None:
        return contract.starts_on, contract.ends_on
    return max(date(year, 1, 1), contract.starts_on), min(date(year, 12, 31), contract.ends_on)


@router.get(
    "/contracts", response={200: list[ContractOut], **E}, summary="Lister les contrats",
    description="Les contrats de délégation dont une de vos collectivités est la délégante ou "
    "le délégataire.",
)  # fmt: skip
def list_contracts(request):
    return [
        ContractOut(
            id=c.pk,
            title=c.title,
            reference=c.reference,
            authority=c.authority.slug,
            operator=c.operator.slug,
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            services=sorted(c.services.values_list("slug", flat=True)),
            communes=sorted(c.communes.values_list("code", flat=True)),
        )  # fmt: skip
        for c in _contracts(request.auth).order_by("-starts_on", "pk")[:200]
    ]


@router.get(
    "/contracts/{contract_id}/indicators", response={200: IndicatorsOut, **E},
    summary="Indicateurs d'un contrat",
    description="Chaque indicateur du contrat calculé à partir du journal, par mois, face à son "
    "objectif ; `year` restreint à une année (par défaut : toute la durée du contrat).",
)  # fmt: skip
def get_indicators(
    request,
    contract_id: int = Path(..., ge=1, le=BIG_ID),
    year: int | None = Query(None, ge=2000, le=2100),
):
    contract = _contract(request.auth, contract_id)
    since, until = _period(contract, year)
    figures = compute(contract, since, until)
    return IndicatorsOut(
        contract=contract.pk, since=since, until=until, requests=figures.requests,
        indicators=[
            IndicatorOut(
                id=r.indicator.pk, kind=r.indicator.kind, label=r.definition.label,
                service=r.indicator.service.slug if r.indicator.service else None,
                unit=r.definition.unit.strip(), higher_is_better=r.definition.higher_is_better,
                target=float(r.indicator.target), tolerance=float(r.indicator.tolerance),
                penalty=float(r.indicator.penalty) if r.indicator.penalty is not None else None,
                value=r.overall.value, population=r.overall.population, penalties=float(r.penalty),
                months=[
                    MonthOut(month=m.isoformat()[:7], value=f.value, population=f.population,
                             breach=f.breach)
                    for m, f in r.by_month.items()
                ],
            )
            for r in figures.results
        ],
    )  # fmt: skip


@router.get(
    "/contracts/{contract_id}/indicators/{indicator_id}/requests",
    response={200: list[BehindOut], **E}, summary="Demandes derrière un chiffre",
    description="Les demandes qui composent la valeur d'un indicateur (une année, un mois "
    "`month` AAAA-MM, une commune `commune`), chacune avec sa propre valeur.",
)  # fmt: skip
def get_behind(
    request,
    contract_id: int = Path(..., ge=1, le=BIG_ID),
    indicator_id: int = Path(..., ge=1, le=BIG_ID),
    year: int | None = Query(None, ge=2000, le=2100),
    month: str | None = Query(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$"),
    commune: int | None = Query(None, ge=1, le=BIG_ID),
):
    contract = _contract(request.auth, contract_id)
    indicator = contract.indicators.filter(pk=indicator_id).first()
    if indicator is None or indicator.kind not in DEFINITIONS:
        raise Http404("Indicateur introuvable.")
    chosen = date(int(month[:4]), int(month[5:7]), 1) if month else None
    since, until = _period(contract, year)
    rows = behind(indicator, facts_for(contract, since, until), month=chosen, commune=commune)
    return [
        BehindOut(reference=f.reference, received_on=f.received_on,
                  month=f.month.isoformat()[:7], commune=f.commune_id,
                  value=v if isinstance(v, bool) or v is None else float(v))
        for f, v in rows
    ]  # fmt: skip
