"""The person record (fiche usager 360°) as an agent may see it."""

from __future__ import annotations

from django.shortcuts import render

from guichet.authorities.access import authority_ids_for
from guichet.backoffice import selectors
from guichet.backoffice.access_log import log_view
from guichet.backoffice.views._common import agent_required
from guichet.people import access
from guichet.people.rights.models import DataExport
from guichet.people.selectors import person_360


@agent_required
def person_detail(request, pk: int):
    """Identities, organisations, choices, duplicates, requests and journal of one person.

    Only a person with a relationship with the agent's authorities (a request, an appointment:
    `people.access`) is shown; any other is "not found", as one that does not exist. Their
    requests and events are shown only for the agent's authorities (the others are counted).
    """
    authority_ids = authority_ids_for(request.user)
    person = access.access_person(authority_ids, pk)
    view = person_360(person)
    requests = selectors.person_requests_for(request.user, person)
    events, hidden_events = selectors.person_events_for(request.user, view.events)
    others = {s.person_id for s in view.suspicions} | {s.candidate_id for s in view.suspicions}
    log_view(request.user, person=person, what="fiche usager")
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
            # a suspected duplicate is named only if the agent may see it too
            "visible_others": access.visible_ids_among(authority_ids, others - {person.pk}),
            "export": DataExport.latest_of(person),
        },
    )
