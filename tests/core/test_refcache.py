"""core.refcache: reference data cached per process, bounded, dropped on every change.

These tests commit (`transaction=True`): in a test's never-committed transaction a write to
reference data keeps every later read uncached (ADR 0010), which would let a test of the
cache pass with no cache at all. Each test first shows that the value *is* cached (a read
without a query) before it shows that a change is seen.
"""

from __future__ import annotations

import datetime as dt

import pytest
from authorities.factories import CategoryFactory, CommuneFactory, ServiceFactory
from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import signals
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guichet.authorities.competence import who_handles
from guichet.catalogue import actions as catalogue
from guichet.catalogue.models import Service
from guichet.catalogue.selectors import service_by_slug
from guichet.core import refcache
from guichet.core.journal import Actor
from guichet.territory.selectors import commune_by_code

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def piscine():
    service = ServiceFactory(slug="piscine", name="Piscine")
    refcache.clear()
    return service


def test_a_second_read_costs_no_query(piscine, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert service_by_slug("piscine").name == "Piscine"
    with django_assert_num_queries(0):
        assert service_by_slug("piscine").name == "Piscine"
    assert refcache.size() == 1


def test_a_change_through_the_action_is_seen_by_the_next_read(piscine, django_assert_num_queries):
    # given the service cached
    service_by_slug("piscine")
    with django_assert_num_queries(0):
        service_by_slug("piscine")
    # when an administrator renames it through the catalogue's action
    catalogue.save_service(
        service=Service.objects.get(pk=piscine.pk), actor=Actor.system(), name="Piscine municipale"
    )
    # then the next read goes to the database and sees the new name
    with django_assert_num_queries(1):
        assert service_by_slug("piscine").name == "Piscine municipale"


def test_a_change_through_the_admin_is_seen_by_the_next_read(piscine, admin_client):
    # given the service cached (the admin's own reads go through the ORM, not the cache)
    assert service_by_slug("piscine").name == "Piscine"
    with CaptureQueriesContext(connection) as reads:
        service_by_slug("piscine")
    assert not reads.captured_queries
    # when a category of the service is renamed in the admin (a related object)
    category = piscine.category
    response = admin_client.post(
        reverse("admin:catalogue_category_change", args=[category.pk]),
        {"slug": category.slug, "name": "Loisirs", "position": 0},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # then the next read sees it
    assert service_by_slug("piscine").category.name == "Loisirs"


def test_another_process_change_is_seen_once_its_token_is_read(piscine, monkeypatch):
    # given the service cached here
    service_by_slug("piscine")
    # when another process renames it: the row changes (no signal here) and its new token
    # lands in the shared cache
    Service.objects.filter(pk=piscine.pk).update(name="Piscine olympique")
    # then until this process reads the token again, it serves its copy
    assert service_by_slug("piscine").name == "Piscine"
    cache.set(refcache.TOKEN_KEY, "token-of-another-process")
    assert service_by_slug("piscine").name == "Piscine"  # within REFRESH_SECONDS
    # and once it reads the token, it drops its copy
    monkeypatch.setattr(refcache, "REFRESH_SECONDS", 0)
    assert service_by_slug("piscine").name == "Piscine olympique"


def test_a_token_missing_from_the_shared_cache_counts_as_a_change(
    piscine, monkeypatch, django_assert_num_queries
):
    # given the token checked at every read, and missing from the shared cache (evicted,
    # Redis restarted, the file cache cleared)
    monkeypatch.setattr(refcache, "REFRESH_SECONDS", 0)
    cache.delete(refcache.TOKEN_KEY)
    # and the service cached even so
    service_by_slug("piscine")
    with django_assert_num_queries(0):
        service_by_slug("piscine")
    # when another process renames it and the token it published is lost in turn
    Service.objects.filter(pk=piscine.pk).update(name="Piscine olympique")
    cache.delete(refcache.TOKEN_KEY)
    # then the next read goes to the database
    with django_assert_num_queries(1):
        assert service_by_slug("piscine").name == "Piscine olympique"
    # and, a token being there again, the one after does not
    assert cache.get(refcache.TOKEN_KEY) is not None
    with django_assert_num_queries(0):
        service_by_slug("piscine")


def test_a_rolled_back_change_never_stays_cached(piscine):
    # given a service renamed, read, then the rename rolled back
    with pytest.raises(RuntimeError), transaction.atomic():
        piscine.name = "Nom abandonné"
        piscine.save()
        assert service_by_slug("piscine").name == "Nom abandonné"
        raise RuntimeError("rollback")
    # then the next read sees the committed name, not the abandoned one
    assert service_by_slug("piscine").name == "Piscine"


def test_unknown_slugs_and_codes_cost_a_query_each_not_memory(piscine):
    # given what is cached once a real service and a real commune were read
    CommuneFactory(code="37003", name="Amboise")
    refcache.clear()
    service_by_slug("piscine")
    commune_by_code("37003")
    assert refcache.size() == 2
    # when a crawler asks for 10,000 slugs and codes that name nothing
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        for number in range(5_000):
            assert service_by_slug(f"inconnu-{number}") is None
            assert commune_by_code(f"{number:05d}A") is None
    # then each miss was a query, and nothing was kept for them
    assert len(queries) == 10_000
    assert refcache.size() == 2


def test_a_miss_then_a_creation_is_seen_at_once():
    # given a slug asked for before its service exists
    category = CategoryFactory()
    assert service_by_slug("mediatheque") is None
    # when another process creates it (no signal here, no new token read yet)
    Service.objects.bulk_create(
        [ServiceFactory.build(slug="mediatheque", name="Médiathèque", category=category)]
    )
    # then the next read finds it
    assert service_by_slug("mediatheque").name == "Médiathèque"


def test_the_cache_keeps_the_most_recently_used_entries_only(monkeypatch):
    # given a cache bounded to three entries and five communes
    monkeypatch.setattr(refcache, "MAX_ENTRIES", 3)
    for number in range(5):
        CommuneFactory(code=f"3700{number}")
    refcache.clear()
    # when they are all read, the first one again before the last two
    for code in ("37000", "37001", "37002", "37000", "37003", "37004"):
        commune_by_code(code)
    # then three are kept: the first one (used again), and the last two
    assert refcache.size() == 3
    with CaptureQueriesContext(connection) as queries:
        for code in ("37000", "37003", "37004"):
            commune_by_code(code)
    assert not queries.captured_queries


def test_who_handles_is_cached_once_per_service_and_commune_whatever_the_date():
    # given a service and a commune
    service, commune = ServiceFactory(), CommuneFactory()
    refcache.clear()
    who_handles(service, commune)
    # when asked for 10,000 different days
    first = dt.date(2026, 1, 1)
    with CaptureQueriesContext(connection) as queries:
        for day in range(10_000):
            who_handles(service, commune, on=first + dt.timedelta(days=day))
    # then no day cost a query or an entry
    assert not queries.captured_queries
    assert refcache.size() == 1


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


@pytest.mark.django_db  # no commit needed (the closest mark wins)
def test_the_cache_is_the_one_listener_to_model_signals():
    # ADR 0010: model signals invalidate this cache and do nothing else in Guichet (libraries
    # listen to their own models: django-axes, django-tasks-db)
    model_signals = [
        signals.pre_save, signals.post_save, signals.pre_delete, signals.post_delete,
        signals.m2m_changed,
    ]  # fmt: skip
    others = {
        (model._meta.label, receiver.__module__, receiver.__qualname__)
        for model in apps.get_models(include_auto_created=True)
        for signal in model_signals
        for receiver in signal._live_receivers(model)[0]
        if receiver is not refcache._on_model_change
        and (model.__module__.startswith("guichet.") or receiver.__module__.startswith("guichet."))
    }
    assert others == set()
