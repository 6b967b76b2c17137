from django.contrib import admin

from guichet.satisfaction.models import Answer, SurveySettings


@admin.register(SurveySettings)
class SurveySettingsAdmin(admin.ModelAdmin):
    list_display = ["service", "reopen_when_not_resolved"]
    list_select_related = ["service"]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    """Read only: answers are the person's words, recorded through the survey page."""

    list_display = ["survey", "resolved", "score", "reopened", "authority", "answered_at"]
    list_filter = ["resolved", "score", "reopened"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
