"""The home page: the queue of the agent's authorities, filtered from the URL."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from guichet.authorities.access import authority_ids_for
from guichet.authorities.models import Team
from guichet.backoffice.forms import QueueFilterForm
from guichet.backoffice.views._common import agent_required
from guichet.cases.models import Request
from guichet.cases.references import normalise_reference
from guichet.cases.selectors import QueueFilters, queue_counts, queue_for_agent
from guichet.cases.workflow import IllegalTransition, InvalidWorkflowDefinition, workflow_for
from guichet.catalogue.models import Service

PAGE_SIZE = 50


@agent_required
def home(request):
    authority_ids = authority_ids_for(request.user)
    services = Service.objects.filter(is_active=True).order_by("name").values_list("pk", "name")
    teams = (
        Team.objects.filter(authority_id__in=authority_ids)
        .order_by("authority__name", "name")
        .values_list("pk", "name", "authority__name")
    )
    form = QueueFilterForm(
        request.GET or None,
        services=list(services),
        teams=[(pk, f"{name} ({authority})") for pk, name, authority in teams],
    )
    filters = _filters(form)
    queue = queue_for_agent(request.user, filters).select_related(
        "person", "commune__departement", "service__workflow"
    )
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/queue.html",
        {
            "title": "File des demandes",
            "nav": "queue",
            "form": form,
            "page_obj": page,
            "rows": _rows(page.object_list),
            "counts": queue_counts(request.user),
            "now": timezone.now(),
        },
    )


def _filters(form: QueueFilterForm) -> QueueFilters:
    if not form.is_bound or not form.is_valid():
        return QueueFilters()
    data = form.cleaned_data
    search = data["q"].strip()
    return QueueFilters(
        state=data["state"],
        public_status=data["public_status"],
        service=data["service"],
        team=data["team"],
        channel=data["channel"],
        overdue=data["overdue"],
        assigned_to_me=data["mine"],
        open_only=not data["closed"],
        search=normalise_reference(search) or search,
    )


def _rows(requests: list[Request]) -> list[tuple[Request, str]]:
    """Each request with the label of its state in its own workflow (parsed once per service)."""
    workflows = {}
    rows = []
    for item in requests:
        if item.service_id not in workflows:
            try:
                workflows[item.service_id] = workflow_for(item.service)
            except InvalidWorkflowDefinition:
                workflows[item.service_id] = None
        try:
            label = workflows[item.service_id].state(item.state).label
        except (AttributeError, IllegalTransition):
            label = item.state
        rows.append((item, label))
    return rows
