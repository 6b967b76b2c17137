"""The form of a new remit: every field checked in French before the action runs."""

from __future__ import annotations

from django import forms

from guichet.authorities.models import AgentMembership, Role
from guichet.authorities.rules import covered_communes
from guichet.catalogue.models import Category, Service
from guichet.contracts.models import BriefingRemit
from guichet.core.models import User
from guichet.territory.models import Commune

CHOOSE = "Choisissez une valeur dans la liste."
INVALID = "« %(value)s » n'est pas une valeur proposée."
INVALID_PK = "« %(pk)s » n'est pas une valeur proposée."
LARGEST_PK = 2**63 - 1


class Choices(forms.ModelMultipleChoiceField):
    """Several rows by primary key; a key no database column can hold is refused like any
    unknown one (SQLite raises OverflowError past 64 bits)."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else [value]:
            text = str(pk).strip()
            if not text.isdigit() or int(text) > LARGEST_PK:
                raise forms.ValidationError(INVALID_PK, code="invalid_pk_value",
                                            params={"pk": text[:40]})  # fmt: skip
        return super()._check_values(value)


class RemitForm(forms.Form):
    authority = forms.TypedChoiceField(label="Collectivité", coerce=int,
                                       error_messages={"invalid_choice": CHOOSE})  # fmt: skip
    official = forms.TypedChoiceField(
        label="Élu", coerce=int, help_text="Un agent de la collectivité avec le rôle « élu ».",
        error_messages={"invalid_choice": CHOOSE, "required": "Choisissez l'élu."},
    )  # fmt: skip
    title = forms.CharField(
        label="Délégation", max_length=160, help_text="Par exemple : Maire, Adjoint à la voirie.",
        error_messages={"required": "Indiquez la délégation de l'élu."},
    )  # fmt: skip
    scope = forms.ChoiceField(label="Périmètre", choices=BriefingRemit.Scope.choices,
                              error_messages={"invalid_choice": CHOOSE})  # fmt: skip
    commune = forms.CharField(label="Commune suivie", required=False, max_length=5,
                              help_text="Pour un périmètre « une commune ».")  # fmt: skip
    services = Choices(
        Service.objects.order_by("name"), label="Services", required=False,
        error_messages={"invalid_choice": INVALID, "invalid_pk_value": INVALID_PK},
    )  # fmt: skip
    categories = Choices(
        Category.objects.order_by("position", "name"), label="Catégories de services",
        required=False, error_messages={"invalid_choice": INVALID, "invalid_pk_value": INVALID_PK},
    )  # fmt: skip
    frequency = forms.ChoiceField(label="Fréquence", choices=BriefingRemit.Frequency.choices,
                                  error_messages={"invalid_choice": CHOOSE})  # fmt: skip

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.authorities = {a.pk: a for a in authorities}
        self.fields["authority"].choices = [(a.pk, a.name) for a in authorities]
        self.memberships = list(
            AgentMembership.objects.filter(authority__in=authorities, role=Role.ELECTED)
            .select_related("user", "authority")
            .order_by("authority__name", "user__last_name", "user__username")
        )  # fmt: skip
        self.fields["official"].choices = [
            (m.user_id, f"{m.user.get_full_name() or m.user.username} ({m.authority.name})")
            for m in self.memberships
        ]  # fmt: skip
        self.communes = {
            a.pk: list(covered_communes(a).filter(kind=Commune.Kind.CURRENT).order_by("name"))
            for a in authorities
        }

    def clean(self):
        data = super().clean()
        authority = self.authorities.get(data.get("authority"))
        if authority is None:
            return data
        data["authority"] = authority
        if data.get("official") is not None:
            official_id = data["official"]
            if not any(m.user_id == official_id and m.authority_id == authority.pk
                       for m in self.memberships):  # fmt: skip
                self.add_error("official", f"Cet élu n'est pas un élu de {authority.name}.")
            else:
                data["official"] = User.objects.get(pk=official_id)
        scope = data.get("scope")
        if scope == BriefingRemit.Scope.COMMUNE:
            code = (data.get("commune") or "").strip()
            found = [c for c in self.communes[authority.pk] if c.code == code]
            if "commune" in self.errors:
                pass  # already refused (a NUL byte, too long)
            elif not code:
                self.add_error("commune", "Choisissez la commune suivie par l'élu.")
            elif not found:
                self.add_error("commune", f"Cette commune n'est pas sur le territoire de "
                                          f"{authority.name}.")  # fmt: skip
            else:
                data["commune"] = found[0]
        else:
            data["commune"] = None
        if scope == BriefingRemit.Scope.POLICY:
            if not data.get("services") and not data.get("categories"):
                self.add_error("services", "Choisissez au moins un service ou une catégorie "
                                           "de services.")  # fmt: skip
        else:
            data["services"], data["categories"] = [], []
        return data
