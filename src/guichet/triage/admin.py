"""Admin for the triage models: versions, their threshold, and the overview page (scores,
confusions, what became of the suggestions)."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from guichet.triage import selectors
from guichet.triage.models import Suggestion, TriageModel


@admin.register(TriageModel)
class TriageModelAdmin(admin.ModelAdmin):
    list_display = (
        "authority", "version", "is_active", "created_at", "trained_on", "accuracy", "macro_f1",
        "majority_accuracy", "keyword_accuracy", "threshold",
    )  # fmt: skip
    list_filter = ("is_active", "authority")
    # Everything but the threshold is what training measured: never typed in.
    readonly_fields = (
        "authority", "version", "created_at", "trained_on", "accuracy", "macro_f1",
        "majority_accuracy", "keyword_accuracy", "labels", "confusion", "file_path", "is_active",
    )  # fmt: skip
    change_list_template = "admin/triage/triagemodel_change_list.html"

    def has_add_permission(self, request) -> bool:
        return False  # versions come from training (`guichet triage train`, the worker)

    def get_urls(self):
        view = self.admin_site.admin_view(self.overview_view)
        return [path("vue-d-ensemble/", view, name="triage_overview"), *super().get_urls()]

    def overview_view(self, request):
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
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ("request", "score", "above_threshold", "outcome", "chosen", "created_at")
    list_filter = ("outcome", "above_threshold")
    readonly_fields = (
        "request", "model", "suggestions", "score", "above_threshold", "outcome", "chosen",
        "created_at",
    )  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # agents decide on the request page (an action with its event)
