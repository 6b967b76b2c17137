"""The person record (fiche usager 360°) as an agent may see it."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from guichet.backoffice import selectors
from guichet.backoffice.views._common import agent_required
from guichet.people.models import Person
from guichet.people.selectors import person_360


@agent_required
def person_detail(request, pk: int):
    """Identities, organisations, choices, duplicates, requests and journal of one person.

    People are platform-wide; their requests and events are shown only for the agent's
    authorities (the others are counted).
    """
    person = Person.objects.filter(pk=pk).select_related("commune", "merged_into").first()
    if person is None:
        raise Http404("Usager introuvable.")
    view = person_360(person)
    requests = selectors.person_requests_for(request.user, person)
    events, hidden_events = selectors.person_events_for(request.user, view.events)
    return render(
        request,
        "backoffice/person.html",
        {
            "title": f"Fiche de {person}",
            "person": person,
            "view": view,
            "consents": sorted(view.consents.values(), key=lambda c: c.purpose),
            "requests": requests,
            "events": events,
            "hidden_events": hidden_events,
        },
    )
