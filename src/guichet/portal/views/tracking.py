"""Following a request: look-up by reference and second factor, the tracking page, replies."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from guichet.cases import events
from guichet.cases.access import access_request_by_tracking
from guichet.cases.actions import reply_as_person
from guichet.cases.models import PublicStatus
from guichet.cases.promises import promise_of
from guichet.cases.selectors import person_conversation
from guichet.cases.workflow import IllegalTransition
from guichet.core.journal import Actor
from guichet.portal import follow_up, selectors
from guichet.portal.forms import ReplyForm, TrackingForm
from guichet.portal.merged import merged_into
from guichet.portal.session import remember_tracked, tracked_request
from guichet.portal.views._common import leave_secret_url, limited, page, too_many_tries

# Look-ups per IP address: enough for typing mistakes, far too few to guess references.
LOOKUP_LIMIT = 10
LOOKUP_WINDOW = 60
HANDED_OFF_LABEL = events.PUBLIC_LABELS[events.HANDED_OFF]
NOT_FOUND = "Demande introuvable. Vérifiez la référence et l'adresse électronique ou le téléphone."
BAD_LINK = (
    "Ce lien de suivi n'est pas valide : la clé qu'il contient ne correspond à aucune demande. "
    "Vérifiez qu'il est complet, ou retrouvez votre demande avec sa référence et l'adresse "
    "électronique ou le téléphone donnés."
)
# The secret of a receipt's link, kept by the browser for that request's pages only.
LINK_COOKIE = "guichet_suivi"
LINK_COOKIE_SALT = "guichet.portal.tracking-link"
LINK_COOKIE_AGE = 24 * 3600


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
    """The request as the person sees it.

    The receipt's link carries the secret (`?cle=`): that first visit only moves it into a
    signed cookie scoped to this request's pages and redirects to the same URL without it, so
    the secret never stays in the address bar, the history, a Referer or a log. The cookie
    starts no session (ADR 0011: mail scanners and shared links open the link too).
    """
    secret = request.GET.get("cle")
    if secret is not None:
        return _land(request, reference, secret)
    try:
        found = _tracked(request, reference)
    except _Refused as refused:
        return refused.response
    return _tracking_page(request, found)


@require_POST
def reply(request, reference):
    try:
        found = _tracked(request, reference, posted=request.POST.get("cle"))
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
            return _tracking_page(request, found, reply_form=form, file_errors=file_errors)
        else:
            messages.success(request, "Votre réponse a bien été transmise.")
            return redirect("portal:tracking", reference=found.reference)
    return _tracking_page(request, found, reply_form=form, status=400)


class _Refused(Exception):
    def __init__(self, response) -> None:
        self.response = response


def _land(request, reference, secret):
    """The secret link: check it (rate-limited), keep it in the cookie, 303 to the bare URL."""
    verdict = limited(request, "tracking", limit=LOOKUP_LIMIT, window=LOOKUP_WINDOW)
    if not verdict.allowed:
        return _no_referrer(too_many_tries(request, verdict))
    try:
        found = access_request_by_tracking(reference, secret)
    except Http404:
        return _no_referrer(_lookup_page(request, TrackingForm(), not_found=True, message=BAD_LINK))
    url = reverse("portal:tracking", kwargs={"reference": found.reference})
    response = leave_secret_url(url)
    response.set_signed_cookie(
        LINK_COOKIE, found.tracking_secret, salt=LINK_COOKIE_SALT, max_age=LINK_COOKIE_AGE,
        path=url, secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
    )  # fmt: skip
    return response


def _no_referrer(response):
    # The URL holds the secret: no page shown there may send it on as a Referer.
    response["Referrer-Policy"] = "no-referrer"
    return response


def _tracked(request, reference, *, posted: str | None = None):
    """The request from this browser's link cookie, or its session (a look-up by e-mail or
    phone, a filing, the signed-in person), or a secret posted by a form. Raises _Refused."""
    if posted is not None:
        verdict = limited(request, "tracking", limit=LOOKUP_LIMIT, window=LOOKUP_WINDOW)
        if not verdict.allowed:
            raise _Refused(too_many_tries(request, verdict))
        try:
            return access_request_by_tracking(reference, posted)
        except Http404:
            raise _Refused(_lookup_page(request, TrackingForm(), not_found=True)) from None
    # Signed by _land after a rate-limited check: no rate limit to read it back.
    remembered = request.get_signed_cookie(
        LINK_COOKIE, default=None, salt=LINK_COOKIE_SALT, max_age=LINK_COOKIE_AGE
    )
    if remembered:
        try:
            return access_request_by_tracking(reference, remembered)
        except Http404:
            pass  # the secret changed since: the session may still know the request
    try:
        return tracked_request(request, reference)
    except Http404:
        raise _Refused(_lookup_page(request, TrackingForm(), not_found=True)) from None


def _lookup_page(
    request, form, *, not_found: bool = False, status: int | None = None, message: str = NOT_FOUND
):
    context = {"title": "Suivre une demande", "form": form, "not_found": not_found}
    return page(
        request, "portal/track.html", context | {"not_found_message": message},
        status=status or (404 if not_found else 200),
    )  # fmt: skip


def _tracking_page(request, found, *, reply_form=None, file_errors=(), status: int = 200):
    waiting = found.public_status == PublicStatus.ACTION_NEEDED
    entries = selectors.public_timeline(found)
    conversation = follow_up.mark_questions(found, person_conversation(found), entries)
    merged = merged_into(found)  # merged into another request: its progress is this one's
    return page(
        request,
        "portal/tracking.html",
        {
            "title": f"Demande {found.reference}",
            "found": found,
            "service_name": selectors.public_service_name(found),
            "answers": selectors.public_answers(found),
            "phase": merged.phase if merged else follow_up.phase_of(found),
            "merged": merged,
            "entries": entries,
            # Read from the timeline already fetched, not with a second query.
            "handed_off": any(entry.label == HANDED_OFF_LABEL for entry in entries),
            "conversation": conversation,
            "open_question": next((m for m in conversation if m.is_open_question), None),
            "outcome": follow_up.outcome_of(found, entries),
            "promise": promise_of(found.service, found.authority_id),
            "waiting": waiting,
            "reply_form": reply_form or (ReplyForm() if waiting else None),
            "file_errors": list(file_errors),
        },
        status=400 if file_errors else status,
    )
