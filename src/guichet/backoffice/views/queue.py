"""The home page: the queue of the agent's authorities, filtered from the URL."""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from guichet.authorities.access import authority_ids_for
from guichet.authorities.models import Team
from guichet.backoffice.forms import QueueFilterForm
from guichet.backoffice.labels import channel_label
from guichet.backoffice.templatetags.backoffice import deadline_badge
from guichet.backoffice.views._common import agent_required
from guichet.cases.models import Request
from guichet.cases.references import normalise_reference
from guichet.cases.selectors import (
    QueueFilters,
    queue_counts,
    queue_for_agent,
    with_reference_objects,
)
from guichet.cases.workflow import IllegalTransition, InvalidWorkflowDefinition, workflow_for
from guichet.catalogue.models import Service
from guichet.core import clock
from guichet.core.calendar import PARIS

PAGE_SIZE = 50
# The filter form's lists are shared by every agent of the same authorities and may lag this
# long behind. The counters are not: they are counted with the rows, at the same moment and
# by the same definitions (`cases.selectors.queue_counts`), or they would contradict them.
SHARED_SECONDS = 30


@agent_required
def home(request):
    authority_ids = authority_ids_for(request.user)
    shared_key = "backoffice:queue:" + ",".join(map(str, sorted(authority_ids)))
    shared = cache.get(shared_key)
    if shared is None:
        shared = {
            "services": list(
                Service.objects.filter(is_active=True).order_by("name").values_list("pk", "name")
            ),
            "teams": [
                (pk, f"{name} ({authority})")
                for pk, name, authority in Team.objects.filter(authority_id__in=authority_ids)
                .order_by("authority__name", "name")
                .values_list("pk", "name", "authority__name")
            ],
        }
        cache.set(shared_key, shared, SHARED_SECONDS)
    form = QueueFilterForm(request.GET or None, services=shared["services"], teams=shared["teams"])
    filters = _filters(form)
    now = clock.now()
    counts = queue_counts(request.user, authority_ids=authority_ids, now=now)
    queue = queue_for_agent(request.user, filters, authority_ids=authority_ids, now=now)
    paginator = Paginator(queue, PAGE_SIZE)
    if filters == QueueFilters():
        # The unfiltered queue is the open requests the counters just counted: no second COUNT.
        paginator.count = counts["open"]
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/queue.html",
        {
            "title": "File des demandes",
            "nav": "queue",
            "form": form,
            # The form's HTML depends on the lists and the query string only (~7 ms to render).
            "filters_key": f"{shared_key}?{_without_page(request.GET)}",
            "page_obj": page,
            "rows": _rows(page.object_list, now=now),
            "counts": counts,
        },
    )


def _without_page(query) -> str:
    query = query.copy()
    query.pop("page", None)
    return query.urlencode()


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


# One row of the table. Built here rather than by the template: 50 rows of a dozen variables
# each were half of the page's CPU through the template engine; format_html escapes the same.
ROW = (
    '<tr data-reference="{reference}"><td><a href="{url}">{reference}</a></td>'
    "<td>{summary}</td><td>{person}</td><td>{service}</td>"
    "<td>{commune}</td><td>{channel}</td><td>{received}</td><td>{due}{badge}</td>"
    "<td>{state}</td><td>{team}</td><td>{assignee}</td></tr>"
)
BADGE = '<p class="fr-badge fr-badge--sm fr-badge--{}" data-deadline="{}">{}</p>'
PLAIN_BADGE = '<p class="fr-badge fr-badge--sm">{}</p>'


def _rows(requests: list[Request], *, now) -> list[str]:
    """The table's rows as HTML, each state named as its own workflow names it (each workflow
    parsed once)."""
    workflows = {}
    rows = []
    for item in with_reference_objects(requests):
        key = (item.service_id, item.service_version_id)  # a request follows its version's
        if key not in workflows:
            try:
                workflows[key] = workflow_for(item)
            except InvalidWorkflowDefinition:
                workflows[key] = None
        try:
            label = workflows[key].state(item.state).label
        except (AttributeError, IllegalTransition):
            label = item.state
        badge = deadline_badge(item, now)
        rows.append(
            format_html(
                ROW,
                reference=item.reference,
                url=reverse("backoffice:request", args=[item.pk]),
                summary=item.summary,
                person=str(item.person),
                service=item.service.name,
                commune=item.commune.name if item.commune else "—",
                channel=channel_label(item.channel),
                received=_moment(item.received_at),
                due=format_html("{}<br>", _day(item.due_at)) if item.due_at else "",
                badge=format_html(BADGE, badge["level"], badge["state"], badge["label"])
                if badge.get("level")
                else format_html(PLAIN_BADGE, badge["label"]),
                state=label,
                team=item.team.name if item.team else "—",
                assignee=str(item.assignee) if item.assignee else "—",
            )
        )
    return rows


# The French month names of `quand` and `jour` (backoffice tags), without a translation
# override and a date_format per cell.
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")  # fmt: skip


def _day(value: datetime) -> str:
    """ "22 novembre 2026", the Paris calendar day (as the `jour` filter)."""
    local = timezone.localtime(value, PARIS)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


def _moment(value: datetime) -> str:
    """ "22 novembre 2026 à 14 h 05", in Paris time (as the `quand` filter)."""
    local = timezone.localtime(value, PARIS)
    return f"{_day(local)} à {local.hour} h {local.minute:02d}"
