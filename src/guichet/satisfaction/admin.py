"""Survey settings saved through `configure_service`; answers are read-only."""

from django.contrib import admin

from guichet.core.admin import ReadOnlyAdmin, ThroughActionAdmin
from guichet.core.journal import Actor
from guichet.satisfaction.actions import configure_service
from guichet.satisfaction.models import Answer, SurveySettings


@admin.register(SurveySettings)
class SurveySettingsAdmin(ThroughActionAdmin):
    """Not deleted here: untick the option to go back to the default behaviour."""

    list_display = ["service", "reopen_when_not_resolved"]
    list_select_related = ["service"]
    fields = ["service", "reopen_when_not_resolved"]

    def get_readonly_fields(self, request, obj=None):
        return ["service"] if obj is not None else []

    def save_through_action(self, request, obj, form, formsets, change):
        return configure_service(
            actor=Actor.agent(request.user),
            service=obj.service,
            reopen_when_not_resolved=obj.reopen_when_not_resolved,
        )


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    """Read only: answers are the person's words, recorded through the survey page."""

    list_display = ["survey", "resolved", "score", "reopened", "authority", "answered_at"]
    list_filter = ["resolved", "score", "reopened"]
