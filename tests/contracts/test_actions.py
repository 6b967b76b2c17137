"""Writing contracts and remarks: one event each, French field messages, nothing half-written;
and the quality report built by its task (PDF, ODS, CSV), or explained when empty."""

from __future__ import annotations

from datetime import date

import pytest

from guichet.contracts import actions, events
from guichet.contracts.actions import ContractInvalid, IndicatorSpec
from guichet.contracts.models import Contract, IndicatorKind, Remark, Report
from guichet.core.journal import Actor
from guichet.core.models import Event

from .pdf_text import pdf_text

pytestmark = pytest.mark.django_db


def _new(world, **changes):
    fields = dict(
        authority=world.ept, operator=world.other, title="DSP eau", starts_on=date(2027, 1, 1),
        ends_on=date(2027, 12, 31), services=[world.bins], communes=[world.sceaux],
        indicators=[IndicatorSpec(IndicatorKind.WITHIN_PROMISE, 90, 5, 100)],
        actor=Actor.agent(world.admin),
    )  # fmt: skip
    return actions.create_contract(**(fields | changes))


def _refused(world, **changes) -> dict[str, str]:
    contracts, journal = Contract.objects.count(), Event.objects.count()
    with pytest.raises(ContractInvalid) as refused:
        _new(world, **changes)
    assert (Contract.objects.count(), Event.objects.count()) == (contracts, journal)
    return refused.value.errors


def test_creating_a_contract_writes_it_with_its_indicators_and_one_event(world):
    before = Event.objects.count()
    contract = _new(world)
    assert contract.indicators.get().target == 90
    assert Event.objects.count() == before + 1
    event = Event.objects.latest("id")
    assert event.kind == events.CONTRACT_CREATED
    assert event.payload["indicators"][0]["kind"] == "within_promise"


def test_an_overlapping_contract_for_the_same_service_and_commune_is_refused(world):
    errors = _refused(world, starts_on=date(2026, 6, 1), ends_on=date(2027, 5, 31))
    assert "DSP collecte 2026" in errors["starts_on"]
    assert "couvre déjà" in errors["starts_on"]


def test_the_same_service_elsewhere_or_later_is_accepted(world):
    assert _new(world, communes=[world.bourg], starts_on=date(2027, 1, 1)).pk
    other = territory_commune("92002")
    assert _new(world, communes=[other], starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))


def territory_commune(code):
    from guichet.territory import selectors

    return selectors.commune_by_code(code)


@pytest.mark.parametrize("target", [-1, "101", "150,5"])
def test_a_share_target_outside_0_to_100_is_refused_in_french(world, target):
    errors = _refused(world, indicators=[IndicatorSpec(IndicatorKind.FIRST_CONTACT, target)])
    assert errors["indicators-0-target"] == (
        "Un objectif exprimé en part doit être compris entre 0 et 100 %."
    )


@pytest.mark.parametrize("target", ["abc", "\x00", "1e999", "NaN"])
def test_a_target_that_is_not_a_number_is_refused(world, target):
    errors = _refused(world, indicators=[IndicatorSpec(IndicatorKind.ANSWER_DELAY, target)])
    assert errors["indicators-0-target"] in (
        "Saisissez un nombre (par exemple 95 ou 12,5).", "Ce nombre est trop grand."
    )  # fmt: skip


def test_reversed_dates_and_a_missing_scope_are_refused_field_by_field(world):
    errors = _refused(
        world, starts_on=date(2027, 6, 1), ends_on=date(2027, 1, 1), services=[], communes=[]
    )
    assert errors["ends_on"] == "La date de fin doit suivre la date de début."
    assert errors["services"] == "Choisissez au moins un service délégué."
    assert errors["communes"] == "Choisissez au moins une commune."


def test_a_non_operator_cannot_be_the_delegate(world):
    errors = _refused(world, operator=world.ept)
    assert errors["operator"] == "Le délégataire doit être un opérateur délégataire."


def test_changing_a_contract_replaces_its_indicators_with_one_event(world):
    contract = _new(world)
    before = Event.objects.count()
    actions.change_contract(
        contract=contract, title="DSP eau (avenant 1)", starts_on=contract.starts_on,
        ends_on=date(2028, 6, 30), services=[world.bins], communes=[world.sceaux],
        indicators=[IndicatorSpec(IndicatorKind.SATISFACTION, "4,2", "0,3")],
        actor=Actor.agent(world.admin),
    )  # fmt: skip
    contract.refresh_from_db()
    assert contract.ends_on == date(2028, 6, 30)
    assert [(i.kind, str(i.target)) for i in contract.indicators.all()] == [
        ("satisfaction", "4.20")
    ]
    assert Event.objects.count() == before + 1
    assert Event.objects.latest("id").kind == events.CONTRACT_CHANGED


def test_a_comment_and_a_disagreement_are_one_event_each(world):
    contract = world.contract
    indicator = contract.indicators.get(kind=IndicatorKind.WITHIN_PROMISE)
    actions.add_remark(
        contract=contract, kind=Remark.Kind.COMMENT, body="Mars est en dessous de l'objectif.",
        on_behalf_of=world.ept.pk, indicator=indicator, month=date(2026, 3, 12),
        actor=Actor.agent(world.manager),
    )  # fmt: skip
    actions.add_remark(
        contract=contract, kind=Remark.Kind.DISAGREEMENT, body="Deux demandes hors contrat.",
        on_behalf_of=world.operator.pk, actor=Actor.agent(world.operator_manager),
    )  # fmt: skip
    kinds = list(Event.objects.order_by("-id").values_list("kind", flat=True)[:2])
    assert kinds == [events.DISAGREEMENT_RECORDED, events.COMMENT_ADDED]
    assert contract.remarks.get(kind="comment").month == date(2026, 3, 1)


def test_an_empty_remark_or_a_stranger_is_refused(world):
    with pytest.raises(ContractInvalid) as refused:
        actions.add_remark(
            contract=world.contract, kind="comment", body="   ", on_behalf_of=world.ept.pk,
            actor=Actor.agent(world.manager),
        )  # fmt: skip
    assert refused.value.errors["body"] == "Écrivez votre remarque."
    with pytest.raises(ContractInvalid):
        actions.add_remark(
            contract=world.contract, kind="comment", body="Bonjour", on_behalf_of=world.other.pk,
            actor=Actor.agent(world.outsider),
        )  # fmt: skip


def _report(world, period, starts_on):
    from guichet.backoffice.contracts.tasks import run_report

    report = actions.request_report(
        contract=world.contract, period=period, starts_on=starts_on,
        actor=Actor.agent(world.manager),
    )  # fmt: skip
    assert run_report(report.pk) in ("prêt", "vide")
    report.refresh_from_db()
    return report


def test_the_annual_report_is_built_with_its_annexes_and_anonymised_verbatim(
    world, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    report = _report(world, Report.Period.YEAR, date(2026, 5, 1))
    assert report.status == Report.Status.READY
    assert (report.starts_on, report.ends_on, report.percent) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
        100,
    )
    pdf = report.pdf.read()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    text = pdf_text(pdf)
    assert "Rapport annuel du délégataire" in text and "2026" in text
    assert "en dégradation" in text or "en amélioration" in text  # each indicator's trend
    assert "Très rapide, merci" in text and "Alice" not in text
    assert report.ods.read()[:2] == b"PK"
    annex = report.csv.read().decode("utf-8-sig")
    assert "Indicateurs par mois" in annex and "2026-03" in annex
    assert Event.objects.latest("id").kind == events.REPORT_FINISHED


def test_the_verbatim_strips_names_phones_and_emails(world):
    from guichet.backoffice.contracts.report.verbatim import quotes
    from guichet.contracts.indicators import facts_for

    quoted = quotes(facts_for(world.contract, date(2026, 1, 1), date(2026, 12, 31)))
    text = " ".join(q[2] for q in quoted)
    assert "Très rapide" in text
    for secret in ("Alice", "Martin", "06 12 34 56 78", "alice@exemple.fr"):
        assert secret not in text


def test_a_month_without_data_is_explained_not_printed(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    report = _report(world, Report.Period.MONTH, date(2026, 7, 1))
    assert report.status == Report.Status.EMPTY
    assert report.message.startswith("Période sans données")
    assert not report.pdf


def test_a_report_outside_the_contract_is_refused(world):
    with pytest.raises(ContractInvalid) as refused:
        actions.request_report(
            contract=world.contract, period="year", starts_on=date(2030, 1, 1),
            actor=Actor.agent(world.manager),
        )  # fmt: skip
    assert "en dehors des dates du contrat" in refused.value.errors["starts_on"]
