"""Following a request: look-up by reference and second factor, the tracking page, replies."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from guichet.cases import events
from guichet.cases.access import access_request_by_tracking
from guichet.cases.actions import reply_as_person
from guichet.cases.models import PublicStatus
from guichet.cases.selectors import person_conversation
from guichet.cases.workflow import IllegalTransition
from guichet.core.journal import Actor
from guichet.portal import selectors
from guichet.portal.forms import ReplyForm, TrackingForm
from guichet.portal.session import remember_tracked, tracked_request
from guichet.portal.views._common import limited, page, too_many_tries

# Look-ups per IP address: enough for typing mistakes, far too few to guess references.
LOOKUP_LIMIT = 10
LOOKUP_WINDOW = 60
HANDED_OFF_LABEL = events.PUBLIC_LABELS[events.HANDED_OFF]
NOT_FOUND = "Demande introuvable. Vérifiez la référence et l'adresse électronique ou le téléphone."


@require_http_methods(["GET", "POST"])
def track(request):
    """The look-up form: reference + the e-mail or phone given when filing."""
    if request.method == "GET":
        return _lookup_page(request, TrackingForm())
    verdict = limited(request, "tracking", limit=LOOKUP_LIMIT, window=LOOKUP_WINDOW)
    if not verdict.allowed:
        return too_many_tries(request, verdict)
    form = TrackingForm(request.POST)
    if not form.is_valid():
        return _lookup_page(request, form, status=400)
    try:
        found = access_request_by_tracking(
            form.cleaned_data["reference"], form.cleaned_data["factor"]
        )
    except Http404:
        return _lookup_page(request, form, not_found=True)
    remember_tracked(request, found)
    return redirect("portal:tracking", reference=found.reference)


@require_http_methods(["GET"])
def tracking(request, reference):
    """The request as the person sees it; `?cle=` is the secret sent in the receipt.

    Opening the secret link starts no session (mail scanners and shared links open it
    too): the page's reply form carries the secret itself.
    """
    try:
        found, secret = _tracked(request, reference, request.GET.get("cle"))
    except _Refused as refused:
        return refused.response
    return _tracking_page(request, found, secret=secret)


@require_POST
def reply(request, reference):
    try:
        found, secret = _tracked(request, reference, request.POST.get("cle"))
    except _Refused as refused:
        return refused.response
    form = ReplyForm(request.POST)
    files = request.FILES.getlist("pieces_jointes")
    if form.is_valid():
        try:
            reply_as_person(
                request=found, actor=Actor.person(found.person),
                body=form.cleaned_data["body"], files=files, channel="web",
            )  # fmt: skip
        except IllegalTransition as refused:
            form.add_error(None, str(refused))
        except ValueError as refused:  # cases' AttachmentError: files refused, nothing written
            file_errors = getattr(refused, "messages", None) or [str(refused)]
            return _tracking_page(
                request, found, secret=secret, reply_form=form, file_errors=file_errors
            )
        else:
            messages.success(request, "Votre réponse a bien été transmise.")
            return redirect(_tracking_url(found, secret))
    return _tracking_page(request, found, secret=secret, reply_form=form, status=400)


class _Refused(Exception):
    def __init__(self, response) -> None:
        self.response = response


def _tracked(request, reference, secret):
    """(the request, the secret to carry on) from the secret given, or from this browser's
    session (a look-up by e-mail or phone, a filing, the signed-in person). Raises _Refused."""
    if secret is None:
        try:
            return tracked_request(request, reference), None
        except Http404:
            raise _Refused(_lookup_page(request, TrackingForm(), not_found=True)) from None
    verdict = limited(request, "tracking", limit=LOOKUP_LIMIT, window=LOOKUP_WINDOW)
    if not verdict.allowed:
        raise _Refused(too_many_tries(request, verdict))
    try:
        return access_request_by_tracking(reference, secret), secret
    except Http404:
        raise _Refused(_lookup_page(request, TrackingForm(), not_found=True)) from None


def _tracking_url(found, secret) -> str:
    url = reverse("portal:tracking", kwargs={"reference": found.reference})
    return f"{url}?{urlencode({'cle': secret})}" if secret else url


def _lookup_page(request, form, *, not_found: bool = False, status: int | None = None):
    context = {"title": "Suivre une demande", "form": form, "not_found": not_found}
    return page(
        request, "portal/track.html", context | {"not_found_message": NOT_FOUND},
        status=status or (404 if not_found else 200),
    )  # fmt: skip


def _tracking_page(
    request, found, *, secret=None, reply_form=None, file_errors=(), status: int = 200
):
    waiting = found.public_status == PublicStatus.ACTION_NEEDED
    entries = selectors.public_timeline(found)
    return page(
        request,
        "portal/tracking.html",
        {
            "title": f"Demande {found.reference}",
            "found": found,
            "entries": entries,
            # Read from the timeline already fetched, not with a second query.
            "handed_off": any(entry.label == HANDED_OFF_LABEL for entry in entries),
            "conversation": person_conversation(found),
            "delay": selectors.estimated_delay(found.service_id, found.authority_id),
            "waiting": waiting,
            "reply_form": reply_form or (ReplyForm() if waiting else None),
            "file_errors": list(file_errors),
            "secret": secret,
        },
        status=400 if file_errors else status,
    )
