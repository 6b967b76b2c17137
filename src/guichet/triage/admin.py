"""Admin for the triage models: versions, their threshold, and the overview page (scores,
confusions, what became of the suggestions)."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from guichet.core.admin import ReadOnlyAdmin
from guichet.triage import selectors
from guichet.triage.models import Suggestion, TriageModel


@admin.register(TriageModel)
class TriageModelAdmin(ReadOnlyAdmin[TriageModel]):
    """Versions come from training (`guichet triage train`, the worker); the threshold changes
    through `guichet triage threshold` (an action with its event)."""

    list_display = (
        "authority", "version", "is_active", "created_at", "trained_on", "accuracy", "macro_f1",
        "majority_accuracy", "keyword_accuracy", "threshold",
    )  # fmt: skip
    list_filter = ("is_active", "authority")
    change_list_template = "admin/triage/triagemodel_change_list.html"

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.overview_view)
        return [path("vue-d-ensemble/", view, name="triage_overview"), *super().get_urls()]

    def overview_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Tri automatique : modèles actifs",
            "rows": selectors.overview(),
        }
        return TemplateResponse(request, "admin/triage/overview.html", context)


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin[Suggestion]):
    """Agents decide on the request page (an action with its event)."""

    list_display = ("request", "score", "above_threshold", "outcome", "chosen", "created_at")
    list_filter = ("outcome", "above_threshold")
