from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from guichet.core.models import Event, User

admin.site.register(User, UserAdmin)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "occurred_at",
        "kind",
        "actor_type",
        "resource",
        "channel",
        "case_id",
        "person_id",
    ]
    list_filter = ["kind", "actor_type", "channel"]
    search_fields = ["kind", "resource"]
    date_hierarchy = "occurred_at"

    def has_change_permission(self, request, obj=None):
        return False  # the journal is append-only

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
