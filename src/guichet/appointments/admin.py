"""The admin edits the configuration (places, desks, hours, types, closures) through the
appointment actions, and only shows appointments, which the booking actions write."""

from django.contrib import admin

from guichet.appointments import actions
from guichet.appointments.models import (
    Appointment,
    AppointmentType,
    Closure,
    Desk,
    OpeningHours,
    Place,
)
from guichet.core.admin import ReadOnlyAdmin, ThroughActionAdmin
from guichet.core.journal import Actor


class DeskInline(admin.TabularInline):
    model = Desk
    extra = 0
    can_delete = False  # deactivated instead: appointments point to it


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class AppointmentTypeInline(admin.TabularInline):
    model = AppointmentType
    extra = 0
    can_delete = False  # deactivated instead: appointments point to it
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Place)
class PlaceAdmin(ThroughActionAdmin):
    """A place closes to booking with "active" unticked; it is never deleted here."""

    list_display = ("name", "authority", "commune", "active")
    list_filter = ("active", "authority")
    search_fields = ("name", "address")
    autocomplete_fields = ("commune",)
    inlines = [DeskInline, OpeningHoursInline, AppointmentTypeInline]

    def save_through_action(self, request, obj, form, formsets, change):
        rows = [
            row
            for formset in formsets
            for row in [*formset.new_objects, *(changed for changed, _ in formset.changed_objects)]
        ]
        return actions.save_place(
            place=obj,
            actor=Actor.agent(request.user),
            changed=form.changed_data,
            rows=rows,
            deleted=[row for formset in formsets for row in formset.deleted_objects],
        )


@admin.register(Closure)
class ClosureAdmin(ThroughActionAdmin):
    list_display = ("place", "desk", "start", "end", "reason")
    list_filter = ("place",)

    def save_through_action(self, request, obj, form, formsets, change):
        return actions.save_closure(closure=obj, actor=Actor.agent(request.user))

    def delete_through_action(self, request, obj):
        actions.delete_closure(closure=obj, actor=Actor.agent(request.user))


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    # Writes go through actions (claims, journal, messages): the admin only reads.
    list_display = ("reference", "type", "desk", "start", "status", "channel")
    list_filter = ("status", "channel", "type__place")
    search_fields = ("reference", "person__last_name")
    date_hierarchy = "start"
