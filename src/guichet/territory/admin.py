"""Read-only admin of the administrative map: it comes from `guichet import-territory`.

Edits would be overwritten by the next import and would bypass the journal, so the admin
only searches and shows.
"""

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html

from guichet.core.admin import ReadOnlyAdmin, ReadOnlyInline
from guichet.territory.models import (
    Commune,
    Departement,
    Intercommunality,
    Membership,
    Postcode,
    Region,
)


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Departement)
class DepartementAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "region", "chef_lieu"]
    list_filter = ["region"]
    search_fields = ["code", "name"]
    list_select_related = ["region"]


class MembershipInline(ReadOnlyInline):
    model = Membership
    raw_id_fields = ["commune", "intercommunality"]


@admin.register(Intercommunality)
class IntercommunalityAdmin(ReadOnlyAdmin):
    list_display = ["name", "siren", "kind", "financing", "population", "member_count"]
    list_filter = ["kind", "financing"]
    search_fields = ["name", "siren"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description="communes rattachées", ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "departement", "population", "has_boundary"]
    list_filter = ["kind", "departement__region", "departement"]
    search_fields = ["code", "name", "search_name", "siren", "postcodes"]
    list_select_related = ["departement"]
    exclude = ["boundary"]
    readonly_fields = ["boundary_summary"]
    raw_id_fields = ["parent", "departement"]
    inlines = [MembershipInline]

    @admin.display(description="contour", boolean=True)
    def has_boundary(self, obj):
        return obj.bbox is not None

    @admin.display(description="contour (GeoJSON)")
    def boundary_summary(self, obj):
        if not obj.boundary:
            return "—"
        points = _count_points(obj.boundary.get("coordinates", []))
        return format_html(
            "{} de {} points, emprise {}", obj.boundary.get("type", "?"), points, obj.bbox
        )


@admin.register(Postcode)
class PostcodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "commune_code", "commune_name", "delivery_label"]
    search_fields = ["code", "commune_code", "commune_name"]


def _count_points(coordinates) -> int:
    if coordinates and isinstance(coordinates[0], int | float):
        return 1
    return sum(_count_points(item) for item in coordinates)
