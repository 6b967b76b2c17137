"""Every write of the contracts app: one transaction and one journal event each (ADR 0038).

Checks run before the first write; a refusal raises `ContractInvalid` with French messages by
field, and nothing is written.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from guichet.authorities.models import Authority
from guichet.catalogue.models import Service
from guichet.contracts import events
from guichet.contracts.indicators.definitions import DEFINITIONS
from guichet.contracts.models import Contract, Indicator, Remark, Report
from guichet.core import clock, journal
from guichet.core.journal import Actor
from guichet.territory.models import Commune

MAX_TEXT = 5000
MAX_AMOUNT = Decimal("999999999")


class ContractInvalid(Exception):
    """French messages by field (`errors`); the first one is the exception's text."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(next(iter(errors.values())))


@dataclass(frozen=True)
class IndicatorSpec:
    kind: str
    target: Any
    tolerance: Any = 0
    penalty: Any = None
    service: Service | None = None


def _decimal(value: Any, field: str, errors: dict[str, str], *, optional: bool = False):
    if value in (None, "") and optional:
        return None
    try:
        number = Decimal(str(value).replace(",", ".").strip())
        too_big = not number.is_finite() or abs(number) > MAX_AMOUNT
    except (ArithmeticError, ValueError):  # InvalidOperation, Overflow (e.g. 1e999999999)
        errors[field] = "Saisissez un nombre (par exemple 95 ou 12,5)."
        return None
    if too_big:
        errors[field] = "Ce nombre est trop grand."
        return None
    return number.quantize(Decimal("0.01"))


def _check_indicators(specs: Sequence[IndicatorSpec], services: set[int], errors) -> list[dict]:
    checked, seen = [], set()
    for i, spec in enumerate(specs):
        prefix = f"indicators-{i}"
        definition = DEFINITIONS.get(spec.kind)
        if definition is None:
            errors[f"{prefix}-kind"] = "Choisissez un indicateur de la liste."
            continue
        service_id = spec.service.pk if spec.service is not None else None
        if service_id is not None and service_id not in services:
            errors[f"{prefix}-service"] = "Ce service n'est pas délégué par ce contrat."
        if (spec.kind, service_id) in seen:
            errors[f"{prefix}-kind"] = "Cet indicateur figure déjà pour ce service."
        seen.add((spec.kind, service_id))
        target = _decimal(spec.target, f"{prefix}-target", errors)
        tolerance = _decimal(spec.tolerance or 0, f"{prefix}-tolerance", errors)
        penalty = _decimal(spec.penalty, f"{prefix}-penalty", errors, optional=True)
        low, high = definition.bounds or (None, None)
        if target is not None and low is not None and not low <= target <= high:
            errors[f"{prefix}-target"] = (
                "Un objectif exprimé en part doit être compris entre 0 et 100 %."
                if definition.share
                else f"L'objectif doit être compris entre {low:g} et {high:g}."
            )
        if tolerance is not None and tolerance < 0:
            errors[f"{prefix}-tolerance"] = "La tolérance ne peut pas être négative."
        if definition.share and tolerance is not None and tolerance > 100:
            errors[f"{prefix}-tolerance"] = "Une tolérance en points doit rester entre 0 et 100."
        if penalty is not None and penalty < 0:
            errors[f"{prefix}-penalty"] = "La pénalité ne peut pas être négative."
        checked.append(
            {"kind": spec.kind, "service_id": service_id, "target": target,
             "tolerance": tolerance, "penalty": penalty}
        )  # fmt: skip
    return checked


def _overlaps(
    services: set[int], communes: set[int], starts_on: date, ends_on: date, exclude: int | None
) -> list[Contract]:
    clash = Contract.objects.filter(
        Q(starts_on__lte=ends_on) & Q(ends_on__gte=starts_on),
        services__in=services,
        communes__in=communes,
    ).distinct()
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    return list(clash.order_by("starts_on")[:3])


def _validate(
    *, authority, operator, title, starts_on, ends_on, services, communes, indicators, exclude
) -> tuple[list[dict], set[int], set[int]]:
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Donnez un intitulé au contrat."
    elif len(title) > 200:
        errors["title"] = "L'intitulé ne doit pas dépasser 200 caractères."
    if authority is None or authority.kind == Authority.Kind.OPERATOR:
        errors["authority"] = (
            "La collectivité délégante doit être une commune, un EPCI ou un département."
        )
    if operator is None or operator.kind != Authority.Kind.OPERATOR:
        errors["operator"] = "Le délégataire doit être un opérateur délégataire."
    if not isinstance(starts_on, date):
        errors["starts_on"] = "Saisissez une date de début valide."
    if not isinstance(ends_on, date):
        errors["ends_on"] = "Saisissez une date de fin valide."
    if isinstance(starts_on, date) and isinstance(ends_on, date) and ends_on < starts_on:
        errors["ends_on"] = "La date de fin doit suivre la date de début."
    service_ids = {s.pk for s in services}
    commune_ids = {c.pk for c in communes}
    if not service_ids:
        errors["services"] = "Choisissez au moins un service délégué."
    if not commune_ids:
        errors["communes"] = "Choisissez au moins une commune."
    checked = _check_indicators(indicators, service_ids, errors)
    if not errors:
        clash = _overlaps(service_ids, commune_ids, starts_on, ends_on, exclude)
        if clash:
            other = clash[0]
            errors["starts_on"] = (
                f"Un autre contrat (« {other.title} », du {other.starts_on:%d/%m/%Y} au "
                f"{other.ends_on:%d/%m/%Y}) couvre déjà un de ces services dans une de ces "
                "communes sur cette période."
            )
    if errors:
        raise ContractInvalid(errors)
    return checked, service_ids, commune_ids


def _lock(service_ids: set[int]) -> None:
    # Two writers of contracts for the same services wait for each other, so the overlap
    # check of the second sees the first (PostgreSQL; SQLite writes one at a time anyway).
    list(Service.objects.select_for_update().filter(pk__in=service_ids).values_list("pk"))


def _payload(contract: Contract, checked, service_ids, commune_ids) -> dict:
    return {
        "contract_id": contract.pk,
        "title": contract.title,
        "operator_id": contract.operator_id,
        "starts_on": contract.starts_on.isoformat(),
        "ends_on": contract.ends_on.isoformat(),
        "services": sorted(service_ids),
        "communes": sorted(commune_ids),
        "indicators": [
            {k: (str(v) if isinstance(v, Decimal) else v) for k, v in spec.items()}
            for spec in checked
        ],
    }


def create_contract(
    *,
    authority: Authority,
    operator: Authority,
    title: str,
    starts_on: date,
    ends_on: date,
    services: Sequence[Service],
    communes: Sequence[Commune],
    indicators: Sequence[IndicatorSpec] = (),
    reference: str = "",
    actor: Actor,
) -> Contract:
    """A new contract with its indicators (`ContractInvalid`: nothing written)."""
    fields = dict(
        authority=authority, operator=operator, title=title, starts_on=starts_on,
        ends_on=ends_on, services=services, communes=communes, indicators=indicators,
    )  # fmt: skip
    _validate(**fields, exclude=None)
    with transaction.atomic():
        _lock({s.pk for s in services})
        checked, service_ids, commune_ids = _validate(**fields, exclude=None)
        contract = Contract.objects.create(
            authority=authority, operator=operator, title=title.strip(),
            reference=(reference or "").strip()[:120], starts_on=starts_on, ends_on=ends_on,
            created_at=clock.now(),
        )  # fmt: skip
        contract.services.set(service_ids)
        contract.communes.set(commune_ids)
        Indicator.objects.bulk_create(Indicator(contract=contract, **spec) for spec in checked)
        journal.append(
            kind=events.CONTRACT_CREATED, actor=actor, authority_id=authority.pk,
            subject=contract, payload=_payload(contract, checked, service_ids, commune_ids),
        )  # fmt: skip
    return contract


def change_contract(
    *,
    contract: Contract,
    title: str,
    starts_on: date,
    ends_on: date,
    services: Sequence[Service],
    communes: Sequence[Commune],
    indicators: Sequence[IndicatorSpec],
    reference: str = "",
    actor: Actor,
) -> Contract:
    """The contract's dates, scope and indicators replaced (the remarks on a removed
    indicator go with it)."""
    fields = dict(
        authority=contract.authority, operator=contract.operator, title=title,
        starts_on=starts_on, ends_on=ends_on, services=services, communes=communes,
        indicators=indicators,
    )  # fmt: skip
    _validate(**fields, exclude=contract.pk)
    with transaction.atomic():
        _lock({s.pk for s in services})
        checked, service_ids, commune_ids = _validate(**fields, exclude=contract.pk)
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        contract.title, contract.reference = title.strip(), (reference or "").strip()[:120]
        contract.starts_on, contract.ends_on = starts_on, ends_on
        contract.save()
        contract.services.set(service_ids)
        contract.communes.set(commune_ids)
        kept = set()
        for spec in checked:
            row, _ = Indicator.objects.update_or_create(
                contract=contract, kind=spec["kind"], service_id=spec["service_id"],
                defaults={k: spec[k] for k in ("target", "tolerance", "penalty")},
            )  # fmt: skip
            kept.add(row.pk)
        contract.indicators.exclude(pk__in=kept).delete()
        journal.append(
            kind=events.CONTRACT_CHANGED, actor=actor, authority_id=contract.authority_id,
            subject=contract, payload=_payload(contract, checked, service_ids, commune_ids),
        )  # fmt: skip
    return contract


def add_remark(
    *,
    contract: Contract,
    kind: str,
    body: str,
    on_behalf_of: int,
    indicator: Indicator | None = None,
    month: date | None = None,
    commune: Commune | None = None,
    actor: Actor,
) -> Remark:
    """A comment or a recorded disagreement on the contract's figures."""
    errors = {}
    body = (body or "").strip()
    if kind not in Remark.Kind.values:
        errors["kind"] = "Choisissez commentaire ou désaccord."
    if not body:
        errors["body"] = "Écrivez votre remarque."
    elif len(body) > MAX_TEXT:
        errors["body"] = f"La remarque ne doit pas dépasser {MAX_TEXT} caractères."
    if indicator is not None and indicator.contract_id != contract.pk:
        errors["indicator"] = "Cet indicateur n'appartient pas à ce contrat."
    if on_behalf_of not in (contract.authority_id, contract.operator_id):
        errors["kind"] = "Seules la collectivité et le délégataire peuvent s'exprimer ici."
    if errors:
        raise ContractInvalid(errors)
    with transaction.atomic():
        remark = Remark.objects.create(
            contract=contract, kind=kind, body=body, indicator=indicator,
            month=month.replace(day=1) if month else None, commune=commune,
            author=actor.user, author_authority_id=on_behalf_of, created_at=clock.now(),
        )  # fmt: skip
        journal.append(
            kind=events.COMMENT_ADDED if kind == Remark.Kind.COMMENT else events.DISAGREEMENT_RECORDED,
            actor=actor, authority_id=on_behalf_of, subject=remark,
            payload={
                "contract_id": contract.pk, "indicator": indicator.kind if indicator else "",
                "month": remark.month.isoformat() if remark.month else "",
                "commune_id": commune.pk if commune else None,
            },
        )  # fmt: skip
    return remark


def request_report(
    *,
    contract: Contract,
    period: str,
    starts_on: date,
    actor: Actor,
    build: Callable[[int], Any] | None = None,
) -> Report:
    """A report of the year (`starts_on` within it) or of the month, queued; `build(pk)` is
    called after commit (the back office's task renders it: its charts live there)."""
    errors = {}
    if period not in Report.Period.values:
        errors["period"] = "Choisissez un rapport annuel ou mensuel."
    elif not isinstance(starts_on, date):
        errors["starts_on"] = "Saisissez une période valide."
    if errors:
        raise ContractInvalid(errors)
    if period == Report.Period.YEAR:
        since, until = date(starts_on.year, 1, 1), date(starts_on.year, 12, 31)
    else:
        since = starts_on.replace(day=1)
        until = since.replace(day=monthrange(since.year, since.month)[1])
    if until < contract.starts_on or since > contract.ends_on:
        raise ContractInvalid(
            {
                "starts_on": "Cette période est en dehors des dates du contrat : aucun rapport possible."
            }
        )
    with transaction.atomic():
        report = Report.objects.create(
            contract=contract, period=period, starts_on=since, ends_on=until,
            requested_by=actor.user, requested_at=clock.now(),
        )  # fmt: skip
        journal.append(
            kind=events.REPORT_REQUESTED, actor=actor, authority_id=contract.authority_id,
            subject=report,
            payload={"contract_id": contract.pk, "period": period, "starts_on": since.isoformat()},
        )  # fmt: skip
        if build is not None:
            pk = report.pk
            transaction.on_commit(lambda: build(pk))
    return report


def claim_report(*, report_id: int) -> Report | None:
    """Take a queued report (queued → running); None when another worker has it. Not
    journaled: its outcome is (`finish_report`)."""
    taken = Report.objects.filter(pk=report_id, status=Report.Status.QUEUED).update(
        status=Report.Status.RUNNING, done=0
    )
    if not taken:
        return None
    return Report.objects.select_related("contract").get(pk=report_id)


def record_progress(*, report: Report, done: int, total: int) -> None:
    """Steps done (one UPDATE outside any transaction, so the page sees it move)."""
    Report.objects.filter(pk=report.pk).update(done=done, total=total)


@transaction.atomic
def finish_report(
    *, report: Report, status: str, message: str = "", files: dict[str, str] | None = None
) -> Report:
    """The report is ready (its files' names), empty (the French explanation) or failed."""
    report.status, report.message = status, message[:300]
    for field, name in (files or {}).items():
        getattr(report, field).name = name
    report.done = report.total
    report.finished_at = clock.now()
    report.save()
    journal.append(
        kind=events.REPORT_FINISHED, actor=Actor.system("rapport qualité"),
        authority_id=report.contract.authority_id, subject=report,
        payload={"contract_id": report.contract_id, "status": status, "message": message[:300]},
    )  # fmt: skip
    return report
