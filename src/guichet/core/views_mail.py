"""« Courriels envoyés »: the e-mails kept by the development backend, for staff, in DEBUG only.

The page that `guichet mails` is on the command line (`guichet.core.mailbox`). It answers
"not found" in production, with another e-mail backend, and to anyone but staff.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from guichet.core import mailbox

BACKEND = "guichet.core.mailbox.EmailBackend"
SHOWN = 200


@login_required
def sent_mails(request: HttpRequest) -> HttpResponse:
    if not (settings.DEBUG and settings.EMAIL_BACKEND == BACKEND and request.user.is_staff):
        raise Http404("Page introuvable.")
    sent = list(enumerate(mailbox.sent_messages(), start=1))
    chosen = None
    if (number := request.GET.get("n", "")).isdecimal() and 1 <= int(number) <= len(sent):
        chosen = sent[int(number) - 1]
    context = {
        "title": "Courriels envoyés",
        "sent": sent[::-1][:SHOWN],
        "total": len(sent),
        "chosen": chosen,
        "folder": mailbox.folder(),
    }
    response = render(request, "core/sent_mails.html", context)
    response["Cache-Control"] = "no-store"
    return response
