"""Two merges of one pair at the same moment, each in its own connection and transaction.

On PostgreSQL only: the merge's row lock is what decides, and SQLite has none (its writers
are serialised by a lock on the whole database, which the test could not tell apart).
"""

import threading

import pytest
from django.db import connection
from support import race

from guichet.core.journal import Actor
from guichet.people import actions
from guichet.people.actions import merge as merging
from guichet.people.models import Person

from .factories import PersonFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need PostgreSQL (SQLite serialises whole transactions instead)",
    ),
]


def test_crossed_merges_of_one_pair_end_with_one_survivor(monkeypatch):
    # given two records
    first, second = PersonFactory(), PersonFactory()
    # and each merge held just before it reads and locks the pair until the other got there
    at_the_lock = threading.Barrier(2, timeout=10)
    lock_pair = merging._locked_pair

    def lock_pair_together(survivor_pk, merged_pk):
        at_the_lock.wait()
        return lock_pair(survivor_pk, merged_pk)

    monkeypatch.setattr(merging, "_locked_pair", lock_pair_together)

    def merging_into(survivor, merged):
        def attempt():
            try:
                actions.merge_persons(actor=Actor.system(), survivor=survivor, merged=merged)
            except actions.MergeRefused:
                return "refused"
            return "merged"

        return attempt

    # when two agents merge them at the same time, each in the other direction
    outcomes = race(merging_into(first, second), merging_into(second, first))
    # then one merge wins, the other is refused, and exactly one record survives
    assert sorted(outcomes) == ["merged", "refused"], outcomes
    assert Person.objects.filter(merged_into__isnull=True).count() == 1
