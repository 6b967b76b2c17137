"""Message templates saved through `save_template`; the outbox is read-only.

A template renders inside the transaction of the write that sends it (a filing, a status
change): a broken one saved here would make every such write of its authority fail. So the
admin form runs the product's own checker first and refuses it with the reason, in French.
"""

from django import forms
from django.contrib import admin

from guichet.core.admin import ReadOnlyAdmin, ThroughActionAdmin
from guichet.core.journal import Actor
from guichet.notifications.actions import TemplateError, save_template
from guichet.notifications.models import MessageTemplate, Notification
from guichet.notifications.template_check import problems

WORDING_FIELDS = ("subject", "text", "sms")


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["authority", "message_kind", *WORDING_FIELDS]

    def clean_subject(self):
        return self._checked("subject")

    def clean_text(self):
        return self._checked("text")

    def clean_sms(self):
        return self._checked("sms")

    def _checked(self, name):
        value = self.cleaned_data.get(name, "").strip()
        if found := problems(value):
            raise forms.ValidationError(found)
        return value

    def clean(self):
        data = super().clean()
        authority, kind = data.get("authority"), data.get("message_kind")
        if self.instance.pk is None and authority and kind:
            taken = MessageTemplate.objects.filter(
                authority=authority, message_kind=kind, service__isnull=True
            )
            if taken.exists():
                raise forms.ValidationError(
                    "Cette collectivité a déjà un modèle pour ce type de message : modifiez-le."
                )
        return data

    def validate_unique(self):
        pass  # checked in clean() with a French message


@admin.register(MessageTemplate)
class MessageTemplateAdmin(ThroughActionAdmin):
    """Emptied fields fall back to the default wording: that is how a template is reset."""

    form = MessageTemplateForm
    refusals = (*ThroughActionAdmin.refusals, TemplateError)
    list_display = ["authority", "message_kind"]
    list_filter = ["message_kind"]
    list_select_related = ["authority"]

    def get_queryset(self, request):
        # a service's own wording is edited in the service designer (« Messages »)
        return super().get_queryset(request).filter(service__isnull=True)

    def get_readonly_fields(self, request, obj=None):
        # the action saves one template per authority and kind: those name the row
        return ["authority", "message_kind"] if obj is not None else []

    def save_through_action(self, request, obj, form, formsets, change):
        return save_template(
            actor=Actor.agent(request.user),
            authority=obj.authority,
            message_kind=obj.message_kind,
            **{name: getattr(obj, name) for name in WORDING_FIELDS},
        )


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """The outbox: written with the change that causes a message, delivered by the worker."""

    list_display = ["recipient", "channel", "message_kind", "status", "attempts", "created_at"]
    list_filter = ["status", "channel", "message_kind"]
