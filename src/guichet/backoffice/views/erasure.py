"""An agent erases a person's identifying data (RGPD art. 17) after a confirmation page.

Only a manager (or an administrator) of an authority that may see the person (`people.access`:
404 otherwise); the page lists what will happen (records, identities, requests, open items
closed, or why the law keeps the data) and the write is `people.rights.erasure.erase_person`.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from guichet.authorities.access import authority_ids_for
from guichet.authorities.models import Role
from guichet.backoffice.views._common import agent_required
from guichet.core.journal import Actor
from guichet.people import access
from guichet.people.rights import erasure

ERASING_ROLES = (Role.MANAGER, Role.ADMINISTRATOR)


def erasing_authorities(user) -> set[int]:
    """The authorities for which `user` may erase a person's data."""
    return authority_ids_for(user, roles=ERASING_ROLES)


@agent_required
@require_http_methods(["GET", "POST"])
def erase(request, pk: int):
    person = access.access_person(erasing_authorities(request.user), pk)
    if person.is_erased or person.is_merged:
        messages.info(request, "Les données de cet usager ne peuvent plus être effacées ici.")
        return redirect("backoffice:person", pk=person.pk)
    error = ""
    if request.method == "POST":
        try:
            erasure.erase_person(
                person=person, by=Actor.agent(request.user), reason="request",
                confirmed=request.POST.get("confirm") == "1",
            )  # fmt: skip
        except erasure.ConfirmationRequired:
            error = "Cochez la case pour confirmer la clôture des éléments en cours."
        except erasure.PeopleError as refused:
            error = str(refused)
        else:
            messages.success(request, "Les données personnelles de cet usager ont été effacées.")
            return redirect("backoffice:person", pk=person.pk)
    return render(
        request,
        "backoffice/person_erase.html",
        {
            "title": f"Effacer les données de {person}",
            "person": person,
            "plan": erasure.plan(person),
            "error": error,
        },
        status=400 if error else 200,
    )
