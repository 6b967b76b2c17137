"""Inbound e-mail in the platform admin: read-only, so quarantined mail can be reviewed.

What happened to each e-mail is journalled by the intake; nothing is edited here. The raw
message downloads as an .eml file (through the admin, never from a public media URL) and
opens in any mail client.
"""

from django.contrib import admin
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.html import format_html

from guichet.channels.models import InboundMail
from guichet.core.admin import ReadOnlyAdmin


@admin.register(InboundMail)
class InboundMailAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "status", "sender", "subject", "reason", "request", "authority")
    list_filter = ("status", "outcome", "authority")
    list_select_related = ("request", "authority")
    search_fields = ("sender", "envelope_from", "subject", "message_id", "request__reference")
    date_hierarchy = "received_at"
    readonly_fields = ("raw_link",)
    exclude = ("raw",)

    @admin.display(description="message brut")
    def raw_link(self, obj: InboundMail):
        if not obj.raw:
            return "—"
        url = reverse("admin:channels_inboundmail_eml", args=[obj.pk])
        return format_html('<a href="{}">télécharger le message (.eml)</a>', url)

    def get_urls(self):
        download = self.admin_site.admin_view(self.download_eml)
        return [
            path("<int:pk>/eml/", download, name="channels_inboundmail_eml"),
            *super().get_urls(),
        ]

    def download_eml(self, request, pk: int):
        mail = InboundMail.objects.filter(pk=pk).first()
        if mail is None or not mail.raw or not self.has_view_permission(request, mail):
            raise Http404("Courriel introuvable.")
        return FileResponse(
            mail.raw.open("rb"),
            as_attachment=True,
            filename=f"courriel-{mail.pk}.eml",
            content_type="message/rfc822",
        )
