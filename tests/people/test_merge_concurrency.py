import threading
import time

import pytest
from django.db import connection, connections, transaction

from guichet.core.journal import Actor
from guichet.people import actions
from guichet.people.models import Person

from .factories import PersonFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need a real database server"
    ),
]


def test_crossed_merges_of_one_pair_end_with_one_survivor():
    # given two records
    first, second = PersonFactory(), PersonFactory()
    outcomes = []

    def merge(survivor, merged):
        try:
            actions.merge_persons(actor=Actor.system(), survivor=survivor, merged=merged)
            outcomes.append("merged")
        except actions.MergeRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    # when two agents merge them at the same time, each in the other direction, both
    # starting while a third transaction holds the rows (so that neither finishes first)
    threads = [
        threading.Thread(target=merge, args=(first, second)),
        threading.Thread(target=merge, args=(second, first)),
    ]
    with transaction.atomic():
        list(Person.objects.select_for_update().filter(pk__in=[first.pk, second.pk]))
        for thread in threads:
            thread.start()
        time.sleep(0.5)
    for thread in threads:
        thread.join(timeout=30)
    # then one merge wins, the other is refused, and exactly one record survives
    assert sorted(outcomes) == ["merged", "refused"]
    assert Person.objects.filter(merged_into__isnull=True).count() == 1
