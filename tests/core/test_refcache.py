"""core.refcache: reference data cached per process, dropped on every change."""

from __future__ import annotations

import pytest
from authorities.factories import ServiceFactory
from django.core.cache import cache
from django.db import transaction

from guichet.catalogue.selectors import service_by_slug
from guichet.core import refcache

pytestmark = pytest.mark.django_db


def test_a_saved_change_is_seen_at_once():
    # given a service read once (and so cached)
    service = ServiceFactory(slug="piscine", name="Piscine")
    assert service_by_slug("piscine").name == "Piscine"
    # when an administrator renames it
    service.name = "Piscine municipale"
    service.save()
    # then the next read sees the new name
    assert service_by_slug("piscine").name == "Piscine municipale"


def test_reads_are_served_from_memory_until_something_changes(django_assert_num_queries):
    # given a service created (the test's transaction never commits: the creating
    # transaction's "changed, do not store" mark is cleared by hand, as a commit would)
    ServiceFactory(slug="piscine")
    refcache.clear()
    with django_assert_num_queries(1):
        service_by_slug("piscine")
    # then a second read costs no query
    with django_assert_num_queries(0):
        assert service_by_slug("piscine").slug == "piscine"
    # and a change makes the next read query again
    service_by_slug("piscine").category.save()
    with django_assert_num_queries(1):
        service_by_slug("piscine")


def test_a_change_made_in_another_process_is_seen_after_the_refresh(monkeypatch):
    # given a service cached here
    ServiceFactory(slug="piscine", name="Piscine")
    service_by_slug("piscine")
    # when another process renames it (its token lands in the shared cache, not in ours)
    from guichet.catalogue.models import Service

    Service.objects.filter(slug="piscine").update(name="Piscine olympique")  # no signal here
    cache.set(refcache.TOKEN_KEY, "token-of-another-process")
    # then after the refresh interval this process reads it again
    monkeypatch.setattr(refcache, "REFRESH_SECONDS", 0)
    assert service_by_slug("piscine").name == "Piscine olympique"


def test_a_rolled_back_change_never_stays_cached():
    # given a service renamed, read, then the rename rolled back
    service = ServiceFactory(slug="piscine", name="Piscine")
    with pytest.raises(RuntimeError), transaction.atomic():
        service.name = "Nom abandonné"
        service.save()
        assert service_by_slug("piscine").name == "Nom abandonné"
        raise RuntimeError("rollback")
    # then the next read sees the committed name, not the abandoned one
    assert service_by_slug("piscine").name == "Piscine"


def test_a_figure_with_a_max_age_is_loaded_again_once_it_is_old(monkeypatch):
    loads = []

    def load():
        loads.append(1)
        return len(loads)

    now = [100.0]
    monkeypatch.setattr(refcache.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(refcache, "REFRESH_SECONDS", 1e9)
    read = []
    for moment in (100.0, 100.5, 200.0):  # loaded, still young, older than 60 s
        now[0] = moment
        read.append(refcache.get("figure", load, max_age=60))
    assert read == [1, 1, 2]
