"""CSV downloads in two forms: standard, and the French Excel form (;, BOM, decimal comma)."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.test import RequestFactory

from guichet.core.csvexport import csv_response

HEADER = ["Commune", "Demandes", "Durée médiane (jours)", "Semaine du", "Reçue le", "Note"]
ROWS = [
    ["Sceaux", 12, 10.5, "2026-05-04", datetime(2026, 5, 4, 12, 3, tzinfo=ZoneInfo("UTC")),
     Decimal("3.25")],
    ["Fontaine-la-Rivière ; « test »", 0, None, date(2026, 5, 11), None, None],
]  # fmt: skip


def download(query: str = ""):
    return csv_response(RequestFactory().get(f"/x/{query}"), "volumes", HEADER, ROWS)


def test_the_standard_form_is_comma_separated_utf8_with_decimal_points_and_iso_dates():
    response = download()
    # then: no BOM, commas, the original file name
    assert not response.content.startswith(b"\xef\xbb\xbf")
    assert response["Content-Disposition"] == 'attachment; filename="volumes.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == HEADER
    assert rows[1] == ["Sceaux", "12", "10.5", "2026-05-04", "2026-05-04T12:03:00+00:00", "3.25"]
    assert rows[2] == ["Fontaine-la-Rivière ; « test »", "0", "", "2026-05-11", "", ""]


def test_the_french_excel_form_has_semicolons_a_bom_decimal_commas_and_french_dates():
    response = download("?variante=excel")
    # then: the UTF-8 byte-order mark Excel needs for the accents, and its own file name
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="volumes-excel.csv"'
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == HEADER
    # decimal comma, dates as Excel in French reads them, times in Paris time
    assert rows[1] == ["Sceaux", "12", "10,5", "04/05/2026", "04/05/2026 14:03", "3,25"]
    # a semicolon inside a cell is quoted, so the row keeps its columns
    assert rows[2] == ["Fontaine-la-Rivière ; « test »", "0", "", "11/05/2026", "", ""]
    assert '"Fontaine-la-Rivière ; « test »"' in text


def test_the_links_offer_both_forms_with_the_query_kept():
    html = render_to_string(
        "core/_csv_links.html", {"csv_url": "?du=2024-03-01&format=csv", "label": "Télécharger"}
    )
    assert 'href="?du=2024-03-01&amp;format=csv&amp;variante=excel"' in html
    assert 'href="?du=2024-03-01&amp;format=csv"' in html
    assert "Télécharger pour Excel" in html and "Télécharger en CSV standard" in html
    bare = render_to_string("core/_csv_links.html", {"csv_url": "/export.csv"})
    assert 'href="/export.csv?variante=excel"' in bare
