"""The receipt an agent prints for the person after filing a request at the counter."""

from __future__ import annotations

import segno
from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe

from guichet.backoffice import selectors
from guichet.backoffice.views._common import agent_required
from guichet.backoffice.views.nearby_notice import nearby_notice
from guichet.cases.access import access_request
from guichet.cases.promises import promise_of
from guichet.people.access import recognition


@agent_required
def counter_receipt(http, pk: int):
    """Reference, tracking link (and its QR code), what happens next: one printable page.

    Its own URL carries no secret (ADR 0012); the tracking key is in the page (no-store, as
    every agent page) and in the QR code, which holds the link the person will open.
    """
    try:
        case = access_request(http.user, pk)
        person_shown: object = case.person
    except Http404:
        # Filed here for another authority (the competence map sent it there at once): the
        # agent may only recognise the person (ADR 0017), the receipt names them no further.
        case = selectors.filed_by(http.user, pk)
        if case is None:
            raise
        person_shown = recognition(case.person).name
    tracking_page = settings.GUICHET_BASE_URL + reverse(
        "portal:tracking", kwargs={"reference": case.reference}
    )
    link = f"{tracking_page}?cle={case.tracking_secret}"
    qr = segno.make(link, error="m")
    return render(
        http,
        "backoffice/receipt.html",
        {
            "title": f"Récépissé de la demande {case.reference}",
            "nav": "intake",
            "case": case,
            "person_shown": person_shown,
            "lookup_page": settings.GUICHET_BASE_URL + reverse("portal:track"),
            "tracking_link": link,
            # segno's SVG: paths and attributes only, nothing the CSP would refuse
            "qr_svg": mark_safe(qr.svg_inline(scale=4, border=4, svgclass="receipt-qr__code")),  # noqa: S308
            "promise": promise_of(case.service, case.authority_id),
            "nearby": nearby_notice(http.user, case),
        },
    )
