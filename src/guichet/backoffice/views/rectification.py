"""An agent rectifies a person's name, address, e-mail or phone (RGPD art. 16), with a reason.

Only a person the agent may see (`people.access`: 404 otherwise); the write is
`people.actions.rectify_person`, one event `person.rectified` naming the fields and the reason.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from guichet.authorities.access import authority_ids_for
from guichet.backoffice.views._common import agent_required
from guichet.core.journal import Actor
from guichet.people import access
from guichet.people.actions import IdentifierError, PeopleError, rectify_person
from guichet.people.actions.rectification import AGENT_FIELDS, name_from_the_state
from guichet.people.models import Identity


@agent_required
@require_http_methods(["GET", "POST"])
def rectify(request, pk: int):
    person = access.access_person(authority_ids_for(request.user), pk)
    current = {f: getattr(person, f) for f in ("first_name", "last_name", "address")}
    for kind in (Identity.Kind.EMAIL, Identity.Kind.PHONE):
        identity = person.identities.filter(kind=kind, provider="").order_by("pk").first()
        current[kind] = identity.value if identity else ""
    values, reason, error = dict(current), "", ""
    if request.method == "POST":
        values = {f: request.POST.get(f, "") for f in AGENT_FIELDS}
        reason = request.POST.get("reason", "")
        changes = {f: v for f, v in values.items() if v != current[f]}
        try:
            done = rectify_person(
                actor=Actor.agent(request.user), person=person, changes=changes, reason=reason
            )
        except (PeopleError, IdentifierError) as refused:
            error = str(refused)
        else:
            if done.changed:
                messages.success(request, "La fiche a été rectifiée.")
            else:
                messages.info(request, "Aucune donnée n'a changé.")
            return redirect("backoffice:person", pk=person.pk)
    return render(
        request,
        "backoffice/person_rectify.html",
        {
            "title": f"Rectifier la fiche de {person}",
            "person": person,
            "values": values,
            "reason": reason,
            "error": error,
            "name_from_the_state": name_from_the_state(person),
        },
        status=400 if error else 200,
    )
