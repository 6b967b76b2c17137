"""The platform admin's ground rules, and the admin of accounts and of the journal.

The admin never writes around the actions: every model registered here is either read-only
(`ReadOnlyAdmin`, `ReadOnlyInline`) or saved through its app's action (`ThroughActionAdmin`),
which runs in one transaction and appends one journal event, like the product's own pages.
`tests/test_admin_through_actions.py` holds every registered model to that.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.contrib.messages import ERROR
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from dsfr.models import DsfrConfig

from guichet.core import actions
from guichet.core.actions import unlock_login
from guichet.core.journal import Actor
from guichet.core.models import Event, User

_M = TypeVar("_M", bound=models.Model)
_P = TypeVar("_P", bound=models.Model)  # an inline's parent


class ReadOnlyAdmin(admin.ModelAdmin[_M]):
    """Viewable, never added, changed or deleted from the admin."""

    def has_add_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline[_M, _P]):
    """Rows shown beside their parent, changed through actions only."""

    extra = 0
    can_delete = False

    # `obj` is the parent row (typed as any row: the stubs' base and inline classes disagree).
    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


# The inline formsets the admin hands to `save_related`.
Formsets = Sequence[forms.BaseModelFormSet[Any, Any]]


class ThroughActionAdmin(admin.ModelAdmin[_M]):
    """Saves go through one action; deletion is refused unless `delete_through_action` exists.

    Once the form and its inlines are valid, `save_through_action` is called once per admin
    save (add, change or a row of an editable list), inside the admin's transaction, with the
    form's unsaved instance and the inline formsets saved with commit=False (their
    `new_objects`, `changed_objects` and `deleted_objects` say what to write). It returns the
    saved row. The admin form must refuse what the action would refuse (the same checks), so
    a refusal shows as a French form error, never as a server error.
    """

    def save_through_action(
        self,
        request: HttpRequest,
        obj: _M,
        form: forms.ModelForm[_M],
        formsets: Formsets,
        change: bool,
    ) -> _M:
        raise NotImplementedError

    delete_through_action: Any = None  # (self, request, obj) -> None, when deletion is allowed
    # What the actions raise to refuse a write: should one get past the form (a concurrent
    # change), the admin's transaction is rolled back and the reason shown, not a server error.
    refusals: tuple[type[Exception], ...] = (ValidationError,)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """The admin fills an add form from the query string (`?place=3`); a value its field
        cannot read (`?place=abc`, `?start=demain`, an id past 64 bits) is left out, where
        rendering it would be a server error."""
        initial = super().get_changeform_initial_data(request)
        fields = self.get_form(request).base_fields
        readable = {}
        for name, value in initial.items():
            field = fields.get(name)
            try:
                if field is not None:
                    field.clean(value)
            except Exception:  # noqa: BLE001, S112 - unreadable, whatever the reason: left out
                continue
            readable[name] = value
        return readable

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except self.refusals as refusal:
            return self._refused(request, refusal)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except self.refusals as refusal:
            return self._refused(request, refusal)

    def _refused(self, request: HttpRequest, refusal: Exception) -> HttpResponse:
        reasons = getattr(refusal, "messages", None) or [str(refusal)]
        self.message_user(request, "Rien n'a été enregistré : " + " ".join(reasons), ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def save_model(
        self, request: HttpRequest, obj: _M, form: forms.ModelForm[_M], change: bool
    ) -> None:
        pass  # the action writes the row with its inlines, in save_related

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm[_M], formsets: Formsets, change: bool
    ) -> None:
        for formset in formsets:
            formset.save(commit=False)  # what changed in each inline; nothing written yet
        saved = self.save_through_action(request, form.instance, form, formsets, change)
        form.instance.pk = saved.pk  # the admin redirects to the row the action wrote

    def has_delete_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        if self.delete_through_action is None:
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request: HttpRequest, obj: _M) -> None:
        self.delete_through_action(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[_M]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


def changes_of(form: forms.BaseForm, fields: Collection[str]) -> dict[str, Any]:
    """The cleaned values of the fields among `fields` that the form changed."""
    return {name: form.cleaned_data[name] for name in form.changed_data if name in fields}


# Neither is used by the product: access comes from memberships, the look from each authority.
for model in (Group, DsfrConfig):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


def _unlocking(shipped: type[admin.ModelAdmin[Any]]) -> type[admin.ModelAdmin[Any]]:
    """django-axes' attempts admin, where deleting a row unlocks a login (journaled)."""

    # A base class known at run time only (axes' own admin), which mypy cannot check.
    class UnlockingAttemptAdmin(ThroughActionAdmin[Any], shipped):  # type: ignore[misc,valid-type]
        actions = ()  # not axes' raw clean-up: "delete selected" unlocks, row by row

        def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return False

        def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return False

        def delete_through_action(self, request: HttpRequest, obj: Any) -> None:
            unlock_login(actor=Actor.agent(request.user), attempt=obj)

    return UnlockingAttemptAdmin


if apps.is_installed("axes"):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    # django-axes registers its tables when it keeps them (no Redis): its logs become
    # read-only; deleting an attempt row unlocks a login, through `unlock_login`.
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        if admin.site.is_registered(model):
            shipped = type(admin.site.get_model_admin(model))
            admin.site.unregister(model)
            read_only = type(shipped.__name__, (ReadOnlyAdmin, shipped), {"__module__": __name__})
            admin.site.register(model, _unlocking(shipped) if model is AccessAttempt else read_only)

_acting: ContextVar[Actor] = ContextVar("acting_admin")


if TYPE_CHECKING:  # generic in django-stubs only
    _PasswordChangeForm = AdminPasswordChangeForm[User]
else:
    _PasswordChangeForm = AdminPasswordChangeForm


class PasswordForm(_PasswordChangeForm):
    def save(self, commit: bool = True) -> User:
        # django-stubs 5.2.9 leaves out the form's SetPasswordMixin base, which defines this.
        self.set_password_and_save(self.user, commit=False)  # type: ignore[attr-defined]
        return actions.save_password(actor=_acting.get(), user=self.user)


@admin.register(User)
class AccountAdmin(ThroughActionAdmin[User], UserAdmin[User]):
    """Accounts are deactivated, never deleted: the journal keeps naming who did what."""

    change_password_form = PasswordForm

    def save_through_action(
        self,
        request: HttpRequest,
        obj: User,
        form: forms.ModelForm[User],
        formsets: Formsets,
        change: bool,
    ) -> User:
        return actions.save_account(
            actor=Actor.agent(request.user),
            user=obj,
            changed=form.changed_data,
            **changes_of(form, ("groups", "user_permissions")),
        )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        token = _acting.set(Actor.agent(request.user))
        try:
            with transaction.atomic():
                return super().user_change_password(request, id, form_url)
        finally:
            _acting.reset(token)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin[Event]):
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
