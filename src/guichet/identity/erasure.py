"""« Effacer mes données » : the signed-in resident asks for the erasure of their data.

When nothing keeps the data, the page lists what goes (and the open items it ends), the
resident confirms, `people.rights.erasure.erase_person` erases and the session ends. When the
law keeps the data (a dossier in instruction), the page says why in French and the request is
recorded on the person's record for the agents (`record_erasure_request`), once per visit.
"""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from guichet.core.journal import Actor
from guichet.people.rights import erasure
from guichet.portal.session import current_person


@require_http_methods(["GET", "POST"])
def erasure_page(http_request):
    person = current_person(http_request)
    if person is None:
        return redirect("portal:sign_in")
    plan = erasure.plan(person)
    context = {"title": "Effacer mes données", "signed_in_person": person, "plan": plan}
    if http_request.method == "GET":
        return render(http_request, "identity/erasure.html", context)
    if plan.blockers:
        erasure.record_erasure_request(
            person=person, blockers=plan.blockers, authority_id=_authority_of(person)
        )
        return render(http_request, "identity/erasure.html", {**context, "recorded": True})
    try:
        erasure.erase_person(
            person=person, by=Actor.person(person), reason="request",
            confirmed=http_request.POST.get("confirm") == "1",
        )  # fmt: skip
    except erasure.ConfirmationRequired:
        context["error"] = "Cochez la case pour confirmer la clôture de ce qui est en cours."
        return render(http_request, "identity/erasure.html", context, status=400)
    except erasure.PeopleError as refused:
        context["error"] = str(refused)
        return render(http_request, "identity/erasure.html", context, status=400)
    http_request.session.flush()
    return render(http_request, "identity/erasure_done.html", {"title": "Données effacées"})


def _authority_of(person) -> int | None:
    """The authority holding the person's latest open dossier (whose agents are told)."""
    from guichet.cases.models import Request

    return (
        Request.objects.filter(person=person, in_queue=True, service__kind="transactional")
        .order_by("-received_at")
        .values_list("authority_id", flat=True)
        .first()
    )
