"""Every CSV download, in two forms: standard, and the one French spreadsheets open as is.

- standard (`FORMS["standard"]`): comma separator, UTF-8 without BOM, decimal point, ISO
  dates (2026-05-04, 2026-05-04T14:03:00+02:00): for programs and international tools;
- French Excel (`?variante=excel`): semicolon separator, UTF-8 with a byte-order mark (so
  Excel reads the accents), decimal comma, dates as 04/05/2026 and 04/05/2026 14:03 (Paris
  time): Excel in French opens it in columns, with numbers and dates it can compute on.

A view builds rows of plain Python values (numbers, dates, strings) and calls
`csv_response(request, filename, header, rows)`; templates show both links with
`{% include "core/_csv_links.html" with csv_url=… label=… %}`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse

from guichet.core.calendar import PARIS

PARAMETER = "variante"  # ?variante=excel asks for the French spreadsheet form
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class CsvForm:
    name: str
    delimiter: str
    bom: bool
    decimal: str
    french_dates: bool
    suffix: str  # added to the file name, so that both downloads can sit side by side


FORMS = {
    "standard": CsvForm("standard", ",", False, ".", False, ""),
    "excel": CsvForm("excel", ";", True, ",", True, "-excel"),
}


def form_of(request: HttpRequest) -> CsvForm:
    """The form the query string asks for (standard unless `variante=excel`)."""
    return FORMS.get(request.GET.get(PARAMETER, ""), FORMS["standard"])


def cell(value: Any, form: CsvForm) -> Any:
    """One value as the form writes it: blank for None, its decimal mark, its dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float | Decimal):
        return str(value).replace(".", form.decimal)
    if isinstance(value, datetime):
        if not form.french_dates:
            return value.isoformat()
        local = value.astimezone(PARIS) if value.tzinfo else value
        return local.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y") if form.french_dates else value.isoformat()
    if form.french_dates and isinstance(value, str) and ISO_DATE.fullmatch(value):
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    return value


def write(out: Any, header: Sequence[str], rows: Iterable[Sequence[Any]], form: CsvForm) -> None:
    """Write `header` and `rows` to the text stream `out` in `form`."""
    if form.bom:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=form.delimiter)
    writer.writerow(header)
    writer.writerows([cell(value, form) for value in row] for row in rows)


def csv_response(
    request: HttpRequest, filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """The download of `rows` under `header` as `<filename>.csv`, in the form asked for."""
    form = form_of(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}{form.suffix}.csv"'
    write(response, header, rows, form)
    return response
