from django.contrib import admin

from guichet.appointments.models import (
    Appointment,
    AppointmentType,
    Closure,
    Desk,
    OpeningHours,
    Place,
)


class DeskInline(admin.TabularInline):
    model = Desk
    extra = 0


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class AppointmentTypeInline(admin.TabularInline):
    model = AppointmentType
    extra = 0
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("name", "authority", "commune", "active")
    list_filter = ("active", "authority")
    search_fields = ("name", "address")
    autocomplete_fields = ("commune",)
    inlines = [DeskInline, OpeningHoursInline, AppointmentTypeInline]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ("place", "desk", "start", "end", "reason")
    list_filter = ("place",)


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    # Writes go through actions (claims, journal, messages): the admin only reads.
    list_display = ("reference", "type", "desk", "start", "status", "channel")
    list_filter = ("status", "channel", "type__place")
    search_fields = ("reference", "person__last_name")
    date_hierarchy = "start"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
