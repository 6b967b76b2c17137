"""Render a report's files: the PDF from an HTML template, the ODS and CSV annexes."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table as OdsTable
from odf.table import TableCell, TableRow
from odf.text import P

from guichet.backoffice.analytics import Table
from guichet.backoffice.contracts import figures as page_figures
from guichet.backoffice.contracts.report.verbatim import quotes
from guichet.contracts.indicators import compute, facts_for
from guichet.contracts.models import Report
from guichet.core import csvexport

EMPTY = (
    "Période sans données : aucune demande couverte par ce contrat n'a été reçue entre le "
    "{since} et le {until}. Aucun rapport n'est produit pour une période vide."
)
STEPS = 5


def _french(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def render(report: Report, progress: Callable[[int, int], None]) -> tuple[str, dict[str, str]]:
    """Build the files of `report`; ("empty", message) when the period has no request,
    ("ready", {field: stored name}) otherwise. `progress(done, total)` after each step."""
    contract = report.contract
    facts = facts_for(contract, report.starts_on, report.ends_on)
    progress(1, STEPS)
    if not facts:
        return Report.Status.EMPTY, {
            "message": EMPTY.format(since=_french(report.starts_on), until=_french(report.ends_on))
        }
    figures = compute(contract, report.starts_on, report.ends_on, facts=facts)
    page = page_figures.build(figures)
    progress(2, STEPS)
    verbatim = quotes(facts)
    title = (
        f"Rapport {'annuel' if report.period == Report.Period.YEAR else 'mensuel'} du "
        f"délégataire — qualité du service — {contract.title}"
    )
    period = (
        str(report.starts_on.year)
        if report.period == Report.Period.YEAR
        else page_figures.month_label(report.starts_on)
    )
    html = render_to_string(
        "backoffice/contracts/report.html",
        {"report": report, "contract": contract, "page": page, "figures": figures,
         "verbatim": verbatim, "title": title, "period": period,
         "month_label": page_figures.month_label},
    )  # fmt: skip
    from weasyprint import HTML  # imported here: loading it costs a second at start-up

    pdf = HTML(string=html).write_pdf()
    progress(3, STEPS)
    stem = f"contracts/reports/rapport-{contract.pk}-{report.starts_on:%Y-%m}-{report.pk}"
    tables = [page.summary, page.by_month, page.by_commune, page.by_month_commune]
    ods = _ods(tables)
    progress(4, STEPS)
    annex = io.StringIO()
    for table in tables:
        annex.write(f"# {table.caption}\n")
        csvexport.write(annex, table.columns, table.rows, csvexport.FORMS["excel"])
        annex.write("\n")
    names = {
        "pdf": default_storage.save(f"{stem}.pdf", ContentFile(pdf)),
        "ods": default_storage.save(f"{stem}.ods", ContentFile(ods)),
        "csv": default_storage.save(f"{stem}.csv", ContentFile(annex.getvalue().encode("utf-8"))),
    }
    progress(5, STEPS)
    return Report.Status.READY, names


def _ods(tables: list[Table]) -> bytes:
    document = OpenDocumentSpreadsheet()
    for table in tables:
        sheet = OdsTable(name=table.caption[:31])
        for row in [table.columns, *table.rows]:
            line = TableRow()
            for value in row:
                if isinstance(value, int | float) and not isinstance(value, bool):
                    cell = TableCell(valuetype="float", value=value)
                else:
                    cell = TableCell(valuetype="string")
                cell.addElement(P(text="" if value is None else str(value)))
                line.addElement(cell)
            sheet.addElement(line)
        document.spreadsheet.addElement(sheet)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()
