"""The platform admin's ground rules, and the admin of accounts and of the journal.

The admin never writes around the actions: every model registered here is either read-only
(`ReadOnlyAdmin`, `ReadOnlyInline`) or saved through its app's action (`ThroughActionAdmin`),
which runs in one transaction and appends one journal event, like the product's own pages.
`tests/test_admin_through_actions.py` holds every registered model to that.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.db import transaction
from dsfr.models import DsfrConfig

from guichet.core import actions
from guichet.core.journal import Actor
from guichet.core.models import Event, User


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never added, changed or deleted from the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown beside their parent, changed through actions only."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ThroughActionAdmin(admin.ModelAdmin):
    """Saves go through one action; deletion is refused unless `delete_through_action` exists.

    Once the form and its inlines are valid, `save_through_action` is called once per admin
    save (add, change or a row of an editable list), inside the admin's transaction, with the
    form's unsaved instance and the inline formsets saved with commit=False (their
    `new_objects`, `changed_objects` and `deleted_objects` say what to write). It returns the
    saved row. The admin form must refuse what the action would refuse (the same checks), so
    a refusal shows as a French form error, never as a server error.
    """

    def save_through_action(self, request, obj, form, formsets, change):
        raise NotImplementedError

    delete_through_action: Any = None  # (self, request, obj) -> None, when deletion is allowed

    def save_model(self, request, obj, form, change):
        pass  # the action writes the row with its inlines, in save_related

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            formset.save(commit=False)  # what changed in each inline; nothing written yet
        saved = self.save_through_action(request, form.instance, form, formsets, change)
        form.instance.pk = saved.pk  # the admin redirects to the row the action wrote

    def has_delete_permission(self, request, obj=None):
        if self.delete_through_action is None:
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        self.delete_through_action(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


def changes_of(form, fields) -> dict[str, Any]:
    """The cleaned values of the fields among `fields` that the form changed."""
    return {name: form.cleaned_data[name] for name in form.changed_data if name in fields}


# Neither is used by the product: access comes from memberships, the look from each authority.
for model in (Group, DsfrConfig):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

_acting: ContextVar[Actor] = ContextVar("acting_admin")


class PasswordForm(AdminPasswordChangeForm):
    def save(self, commit=True):
        self.set_password_and_save(self.user, commit=False)
        return actions.save_password(actor=_acting.get(), user=self.user)


@admin.register(User)
class AccountAdmin(ThroughActionAdmin, UserAdmin):
    """Accounts are deactivated, never deleted: the journal keeps naming who did what."""

    change_password_form = PasswordForm

    def save_through_action(self, request, obj, form, formsets, change):
        return actions.save_account(
            actor=Actor.agent(request.user),
            user=obj,
            changed=form.changed_data,
            **changes_of(form, ("groups", "user_permissions")),
        )

    def user_change_password(self, request, id, form_url=""):
        token = _acting.set(Actor.agent(request.user))
        try:
            with transaction.atomic():
                return super().user_change_password(request, id, form_url)
        finally:
            _acting.reset(token)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """The journal is append-only."""

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
