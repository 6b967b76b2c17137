"""The contract form's reading of a POST: what the delegating authority's manager typed, as
the arguments of `contracts.actions.create_contract` / `change_contract`, and every refusal
(the form's own parsing and the actions' rules) as a French message by field.

The form never writes: it only reads choices and parses; the actions check and write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms

from guichet.authorities.models import Authority
from guichet.authorities.rules import covered_communes
from guichet.catalogue.models import Service
from guichet.contracts.actions import IndicatorSpec
from guichet.contracts.indicators.definitions import DEFINITIONS
from guichet.contracts.models import Contract, IndicatorKind

MAX_NUMBER = 30
DATE_INVALID = "Saisissez une date valide, par exemple 01/01/2027."


class ContractFields(forms.Form):
    """The contract's text and date fields (rendered by `portal/_input.html`)."""

    title = forms.CharField(label="Intitulé du contrat", max_length=200, required=False)
    reference = forms.CharField(
        label="Référence", max_length=120, required=False,
        help_text="Délibération ou numéro du contrat (facultatif).",
    )  # fmt: skip
    starts_on = forms.DateField(
        label="Date de début", required=False, error_messages={"invalid": DATE_INVALID}
    )
    ends_on = forms.DateField(
        label="Date de fin (incluse)", required=False, error_messages={"invalid": DATE_INVALID}
    )


@dataclass
class Row:
    """One indicator line of the form: a kind, for every service (None) or one service."""

    kind: str
    service: Service | None
    target: str = ""
    tolerance: str = ""
    penalty: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.kind if self.service is None else f"{self.kind}-{self.service.pk}"

    @property
    def definition(self):
        return DEFINITIONS[self.kind]

    @property
    def parts(self) -> list[tuple[str, str, str]]:
        return [
            ("target", "Objectif", self.target),
            ("tolerance", "Tolérance", self.tolerance),
            ("penalty", "Pénalité par mois hors tolérance (€)", self.penalty),
        ]

    @property
    def label(self) -> str:
        label = self.definition.label
        return f"{label} — {self.service.name}" if self.service is not None else label


def rows_for(contract: Contract | None) -> list[Row]:
    """One line per indicator kind for all the contract's services, plus the contract's
    indicators set for one service, filled with the contract's figures."""
    rows = {kind: Row(kind, None) for kind in IndicatorKind.values}
    if contract is not None:
        for indicator in contract.indicators.select_related("service"):
            row = Row(indicator.kind, indicator.service)
            rows.setdefault(row.key, row)
            row = rows[row.key]
            row.target = _plain(indicator.target)
            row.tolerance = _plain(indicator.tolerance)
            row.penalty = "" if indicator.penalty is None else _plain(indicator.penalty)
    return sorted(rows.values(), key=lambda r: (IndicatorKind.values.index(r.kind), r.label))


def _plain(number) -> str:
    return format(number.normalize(), "f").replace(".", ",")


def _overflows(value: str) -> bool:
    """Whether Python's decimals cannot even hold it (1e999999999): the action's own
    check would fail on it instead of answering."""
    try:
        abs(Decimal(value.replace(",", ".")))  # the context applies: Overflow
    except InvalidOperation:
        return False  # not a number: the action says so
    except ArithmeticError:
        return True
    return False


def _id(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None


def offered_services(contract: Contract | None):
    query = Service.objects.filter(is_active=True)
    if contract is not None:
        query = query | Service.objects.filter(pk__in=contract.services.values("pk"))
    return query.distinct().order_by("name")


def offered_communes(authority: Authority | None, contract: Contract | None):
    if authority is None:
        return []
    communes = list(covered_communes(authority).order_by("name"))
    if contract is not None:
        have = {c.pk for c in communes}
        communes += [c for c in contract.communes.order_by("name") if c.pk not in have]
    return communes


def operators():
    return Authority.objects.filter(kind=Authority.Kind.OPERATOR).order_by("name")


@dataclass
class Reading:
    """A POST read: the action's arguments and the refusals found before any action."""

    fields: ContractFields
    operator: Authority | None = None
    operator_raw: str = ""
    services: list = field(default_factory=list)
    communes: list = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    specs: list[IndicatorSpec] = field(default_factory=list)
    spec_rows: list[Row] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    def refuse(self, errors: dict[str, str]) -> None:
        """The action's refusals, each next to its field."""
        for name, message in errors.items():
            if name in self.fields.fields:
                self.fields.add_error(name, message)
            elif name.startswith("indicators-"):
                _, index, part = name.split("-", 2)
                row = self.spec_rows[int(index)]
                row.errors[part if part in ("target", "tolerance", "penalty") else "target"] = (
                    message
                )
            else:
                self.errors[name] = message

    @property
    def valid(self) -> bool:
        return self.fields.is_valid() and not self.errors and not any(r.errors for r in self.rows)


def read(post, *, authority: Authority | None, contract: Contract | None) -> Reading:
    reading = Reading(fields=ContractFields(post))
    reading.fields.is_valid()
    reading.operator_raw = post.get("operator", "")
    operator_id = _id(reading.operator_raw)
    reading.operator = Authority.objects.filter(pk=operator_id).first() if operator_id else None

    service_choices = {s.pk: s for s in offered_services(contract)}
    picked = [_id(raw) for raw in post.getlist("services")]
    if any(pk not in service_choices for pk in picked):
        reading.errors["services"] = "Choisissez les services dans la liste."
    reading.services = [
        service_choices[pk] for pk in dict.fromkeys(picked) if pk in service_choices
    ]

    commune_choices = {c.pk: c for c in offered_communes(authority, contract)}
    picked = [_id(raw) for raw in post.getlist("communes")]
    if any(pk not in commune_choices for pk in picked):
        reading.errors["communes"] = "Choisissez les communes dans la liste."
    reading.communes = [
        commune_choices[pk] for pk in dict.fromkeys(picked) if pk in commune_choices
    ]

    reading.rows = rows_for(contract)
    for row in reading.rows:
        for part in ("target", "tolerance", "penalty"):
            value = post.get(f"ind-{row.key}-{part}", "").strip()
            if len(value) > MAX_NUMBER:
                row.errors[part] = f"Saisissez un nombre d'au plus {MAX_NUMBER} caractères."
                value = value[:MAX_NUMBER]
            elif value and _overflows(value):
                row.errors[part] = "Ce nombre est trop grand."
            setattr(row, part, value)
        if not row.target:
            if row.tolerance or row.penalty:
                row.errors["target"] = (
                    "Fixez un objectif, ou videz la tolérance et la pénalité pour retirer "
                    "cet indicateur."
                )
            continue
        reading.specs.append(
            IndicatorSpec(
                row.kind, row.target, row.tolerance or 0, row.penalty or None, row.service
            )
        )
        reading.spec_rows.append(row)
    return reading
