from django.contrib import admin

from guichet.notifications.models import MessageTemplate, Notification


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["authority", "message_kind"]
    list_filter = ["message_kind"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "channel", "message_kind", "status", "attempts", "created_at"]
    list_filter = ["status", "channel", "message_kind"]
    readonly_fields = [f.name for f in Notification._meta.fields]
