"""The retention rules in Django's admin: /admin/people/person/retention/ (ADR 0025).

Read-only: the platform's default and each service's own duration, and what the next run
of the retention task would anonymise (persons, and requests per rule). A service's duration
is edited on the service (catalogue admin); the default by GUICHET_RETENTION_DAYS.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.response import TemplateResponse

from guichet.core.models import Event
from guichet.people.rights import retention


def retention_view(model_admin: Any, request: HttpRequest) -> TemplateResponse:
    expected, rules = retention.forecast()
    last = Event.objects.filter(kind=retention.RUN_KIND).order_by("-occurred_at", "-pk").first()
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Conservation des données personnelles",
        "rules": rules,
        "expected": expected,
        "default_days": settings.GUICHET_RETENTION_DAYS,
        "last_run": last,
        "last_counts": (last.payload.get("counts", {}) if last else {}),
    }
    return TemplateResponse(request, "admin/people/retention.html", context)
