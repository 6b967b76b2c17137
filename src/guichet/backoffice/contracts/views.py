"""The operator's space and the authority's view of a contract: indicators against targets by
month and commune, the requests behind each figure, remarks, and the quality reports.

Only the agents of the contract's authority and operator see it (`contracts.access`); others
get the same « introuvable » as for a contract that does not exist.
"""

from __future__ import annotations

from datetime import date

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from guichet.authorities.access import can
from guichet.backoffice.analytics import Table, csv_response
from guichet.backoffice.contracts import figures as page_figures
from guichet.backoffice.contracts import tasks
from guichet.backoffice.contracts.editing import PERMISSION, delegating_authorities
from guichet.backoffice.views._common import agent_required, forbidden
from guichet.contracts import actions
from guichet.contracts.access import access_contract, contracts_for, side_of, valid_id
from guichet.contracts.actions import ContractInvalid
from guichet.contracts.indicators import behind, compute, facts_for
from guichet.contracts.models import Remark, Report
from guichet.core.journal import Actor

NO_REMARK = "Seuls les responsables de la collectivité ou du délégataire peuvent écrire ici."


def _year(request, contract) -> int:
    default = min(max(timezone.localdate().year, contract.starts_on.year), contract.ends_on.year)
    raw = request.GET.get("annee", "")
    if (raw.isascii() and raw.isdigit()) and contract.starts_on.year <= int(
        raw
    ) <= contract.ends_on.year:
        return int(raw)
    return default


def _period(contract, year: int) -> tuple[date, date]:
    return max(date(year, 1, 1), contract.starts_on), min(date(year, 12, 31), contract.ends_on)


def _csv(request, tables: dict[str, Table]):
    table = tables.get(request.GET.get("table", ""))
    if table is None:
        raise Http404("Tableau introuvable.")
    return csv_response(request, table)


@agent_required
def contract_list(request):
    return render(
        request, "backoffice/contracts/list.html",
        {"title": "Contrats de délégation", "nav": "contracts", "contracts": contracts_for(request.user),
         "may_create": bool(delegating_authorities(request.user))},
    )  # fmt: skip


@agent_required
def contract_detail(request, pk: int):
    contract = access_contract(request.user, pk)
    year = _year(request, contract)
    since, until = _period(contract, year)
    figures = compute(contract, since, until)
    page = page_figures.build(figures, with_charts=request.GET.get("format") != "csv")
    if request.GET.get("format") == "csv":
        return _csv(request, page.tables)
    context = {
        "title": f"{contract.title} — indicateurs {year}",
        "nav": "contracts",
        "contract": contract,
        "year": year,
        "years": list(range(contract.starts_on.year, contract.ends_on.year + 1)),
        "page": page,
        "figures": figures,
        "querystring": f"annee={year}",
        "remarks": contract.remarks.select_related("indicator", "commune", "author_authority"),
        "reports": contract.reports.all()[:10],
        "may_remark": side_of(request.user, contract) is not None,
        "may_edit": can(request.user, contract.authority_id, PERMISSION),
        "kinds": Remark.Kind.choices,
        "errors": {},
    }
    return render(request, "backoffice/contracts/detail.html", context)


def _month(raw: str) -> date | None:
    try:
        year, month = (int(part) for part in raw.split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError, OverflowError):
        return None


@agent_required
def requests_behind(request, pk: int, indicator: int):
    """The requests behind one figure: an indicator over the year, a month and/or a commune."""
    contract = access_contract(request.user, pk)
    found = contract.indicators.select_related("service").filter(pk=valid_id(indicator)).first()
    if found is None:
        raise Http404("Indicateur introuvable.")
    year = _year(request, contract)
    month = _month(request.GET.get("mois", ""))
    commune = request.GET.get("commune", "")
    commune_id = (
        int(commune) if (commune.isascii() and commune.isdigit()) and len(commune) < 12 else None
    )
    since, until = _period(contract, year)
    facts = facts_for(contract, since, until)
    rows = behind(found, facts, month=month, commune=commune_id)
    names = page_figures.commune_names({f.commune_id for f, _ in rows})
    definition = page_figures.DEFINITIONS[found.kind]
    table = Table(
        "demandes", "Demandes derrière ce chiffre",
        ["Référence", "Reçue le", "Commune", "Mois", "Valeur pour cette demande"],
        [[f.reference, f.received_on, names.get(f.commune_id, ""), f.month.isoformat()[:7],
          _own(v)] for f, v in rows],
    )  # fmt: skip
    if request.GET.get("format") == "csv":
        return _csv(request, {table.key: table})
    scope = " — ".join(
        part for part in (
            page_figures.month_label(month) if month else str(year),
            names.get(commune_id, "") if commune_id else "",
        ) if part
    )  # fmt: skip
    return render(
        request, "backoffice/contracts/behind.html",
        {"title": f"{definition.label} — {scope}", "nav": "contracts", "contract": contract,
         "indicator": found, "definition": definition, "table": table, "rows": rows,
         "table_rows": list(zip(table.rows, (f for f, _ in rows), strict=True)),
         "names": names, "scope": scope, "year": year,
         "querystring": request.GET.urlencode()},
    )  # fmt: skip


def _own(value) -> str | float | int:
    if value is True:
        return "oui"
    if value is False:
        return "non"
    return "" if value is None else value


@agent_required
@require_POST
def add_remark(request, pk: int):
    contract = access_contract(request.user, pk)
    side = side_of(request.user, contract)
    if side is None:
        return forbidden(request, NO_REMARK)
    indicator = None
    raw = request.POST.get("indicator", "")
    if raw:
        indicator = contract.indicators.filter(
            pk=int(raw) if (raw.isascii() and raw.isdigit()) and len(raw) < 12 else 0
        ).first()
    try:
        actions.add_remark(
            contract=contract, kind=request.POST.get("kind", ""), body=request.POST.get("body", ""),
            on_behalf_of=side, indicator=indicator, month=_month(request.POST.get("mois", "")),
            actor=Actor.agent(request.user),
        )  # fmt: skip
    except ContractInvalid as invalid:
        return _detail_with_errors(request, contract, invalid.errors)
    return redirect(reverse("contracts:detail", args=[contract.pk]) + "#remarques")


def _detail_with_errors(request, contract, errors):
    return render(
        request, "backoffice/contracts/errors.html",
        {"title": "Remarque non enregistrée", "nav": "contracts", "contract": contract,
         "errors": errors},
        status=400,
    )  # fmt: skip


@agent_required
@require_POST
def ask_report(request, pk: int):
    contract = access_contract(request.user, pk)
    if side_of(request.user, contract) is None:
        return forbidden(request, NO_REMARK)
    period = request.POST.get("period", "")
    raw = request.POST.get("starts_on", "")
    starts_on = _month(raw) if period == Report.Period.MONTH else (
        date(int(raw), 1, 1) if (raw.isascii() and raw.isdigit()) and 1900 < int(raw) < 3000 else None
    )  # fmt: skip
    try:
        report = actions.request_report(
            contract=contract, period=period, starts_on=starts_on, actor=Actor.agent(request.user),
            build=tasks.enqueue,
        )  # fmt: skip
    except ContractInvalid as invalid:
        return render(
            request, "backoffice/contracts/errors.html",
            {"title": "Rapport non demandé", "nav": "contracts", "contract": contract,
             "errors": invalid.errors},
            status=400,
        )  # fmt: skip
    return redirect("contracts:report", contract.pk, report.pk)


@agent_required
def report_status(request, pk: int, report: int):
    contract = access_contract(request.user, pk)
    found = contract.reports.filter(pk=valid_id(report)).first()
    if found is None:
        raise Http404("Rapport introuvable.")
    return render(
        request, "backoffice/contracts/report_status.html",
        {"title": f"Rapport qualité — {contract.title}", "nav": "contracts", "contract": contract,
         "report": found, "pending": found.status in Report.PENDING},
    )  # fmt: skip


@agent_required
def report_file(request, pk: int, report: int, kind: str):
    contract = access_contract(request.user, pk)
    found = contract.reports.filter(pk=valid_id(report), status=Report.Status.READY).first()
    if found is None or kind not in ("pdf", "ods", "csv") or not getattr(found, kind):
        raise Http404("Fichier introuvable.")
    name = f"rapport-qualite-{contract.pk}-{found.starts_on:%Y-%m}.{kind}"
    return FileResponse(getattr(found, kind).open("rb"), as_attachment=True, filename=name)
