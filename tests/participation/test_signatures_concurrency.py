"""Two tabs signing at once: one signature counts, the other gets a clear French message;
many signers at once: the count on the row equals the rows, the threshold is crossed once.
Committed data across threads (`transaction=True`); meant for PostgreSQL (SQLite serialises
writers, so there it checks the same outcome without real parallelism)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from support import race

from guichet.core.journal import Actor
from guichet.participation.actions import petitions as actions
from guichet.participation.models.petitions import Obligation, Petition, PetitionRules
from guichet.participation.refusals import Refused

from .p2world import build, resident


def opened(world, percent):
    PetitionRules.objects.create(authority=world.sceaux, threshold_percent=Decimal(percent))
    petition = actions.submit_petition(
        authority=world.sceaux, person=world.alice, title="Concurrence",
        text="Une pétition très demandée.", days_open=30,
    )  # fmt: skip
    return actions.open_petition(petition=petition, by=Actor.agent(world.manager))


@pytest.mark.django_db(transaction=True)
def test_two_tabs_signing_at_once_count_once():
    world = build()
    petition = opened(world, "1")

    def attempt():
        return actions.sign(petition=Petition.objects.get(pk=petition.pk), person=world.bob)

    outcomes = race(attempt, attempt)
    refused = [o for o in outcomes if isinstance(o, Refused)]
    assert len(refused) == 1, outcomes
    assert "déjà signé" in str(refused[0])
    petition.refresh_from_db()
    assert petition.signature_count == 1 == petition.signatures.count()


@pytest.mark.django_db(transaction=True)
def test_many_signers_at_once_cross_the_threshold_exactly_once():
    world = build()
    petition = opened(world, "0.03")  # 6 signatures
    signers = [resident(world.sceaux_commune) for _ in range(12)]

    def attempt(person):
        return lambda: actions.sign(petition=Petition.objects.get(pk=petition.pk), person=person)

    outcomes = race(*(attempt(p) for p in signers))
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    petition.refresh_from_db()
    assert petition.signature_count == 12 == petition.signatures.count()
    assert Obligation.objects.filter(petition=petition).count() == 1
    assert petition.third_reminded_at and petition.two_thirds_reminded_at
