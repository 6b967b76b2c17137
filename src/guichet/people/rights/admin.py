"""The exports and the access log in the platform admin: read-only (written by actions)."""

from __future__ import annotations

from django.contrib import admin

from guichet.core.admin import ReadOnlyAdmin
from guichet.people.rights.models import AccessLog, DataExport


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdmin[DataExport]):
    list_display = ("pk", "person", "status", "done", "total", "requested_by", "created_at",
                    "expires_at")  # fmt: skip
    list_filter = ("status",)
    list_select_related = ("person", "requested_by")
    raw_id_fields = ("person", "requested_by")
    exclude = ("file",)  # the archive is the person's: downloaded from their pages only


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin[AccessLog]):
    list_display = ("at", "agent_label", "role", "authority", "person", "what")
    list_select_related = ("authority", "person")
    raw_id_fields = ("agent", "authority", "person")
    date_hierarchy = "at"
