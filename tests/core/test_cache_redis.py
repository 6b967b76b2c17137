"""The Redis cache backend against the local Redis: shared clients, one-round-trip counters,
the rate limits counted on it, sessions created in one round trip (skipped when no Redis
answers on 127.0.0.1:6379)."""

from __future__ import annotations

import uuid

import pytest
import redis
from django.core.cache import cache

from guichet.core import ratelimit, sessions

REDIS_URL = "redis://127.0.0.1:6379/12"


def redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "guichet.core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    settings.GUICHET_RATE_LIMIT_SCALE = 1
    return cache


def test_the_client_is_built_once_and_reused(redis_cache):
    redis_cache.set("a", 1)
    redis_cache.get("a")
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client() is client


def test_a_counter_counts_in_one_round_trip_and_expires(redis_cache):
    # when a counter is counted three times
    counts = [redis_cache.count("compteur", 30) for _ in range(3)]
    # then it reads 1, 2, 3, is readable as a cache value and expires within its timeout
    assert counts == [1, 2, 3]
    assert redis_cache.get("compteur") == 3
    raw = redis.Redis.from_url(REDIS_URL)
    assert 0 < raw.ttl(redis_cache.make_and_validate_key("compteur")) <= 30


def test_rate_limits_refuse_past_the_limit_on_redis(redis_cache):
    who = uuid.uuid4().hex
    verdicts = [ratelimit.hit("test", who, limit=3, window=60) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert 0 < verdicts[-1].retry_after <= 60
    # another address is counted apart
    assert ratelimit.hit("test", uuid.uuid4().hex, limit=3, window=60).allowed


@pytest.fixture
def redis_sessions(redis_cache, settings):
    settings.SESSION_ENGINE = "guichet.core.sessions"
    return sessions.SessionStore


def test_a_new_session_is_written_in_one_round_trip(redis_sessions, monkeypatch):
    client = cache._cache.get_client(write=True)
    sent = []
    real = client.execute_command
    monkeypatch.setattr(
        client, "execute_command", lambda *a, **k: sent.append(a[0]) or real(*a, **k)
    )
    # when an anonymous visitor's first session is saved
    session = redis_sessions()
    session["portal_tracked"] = {"2K7M-QX4P": "secret"}
    session.save()
    # then one SET NX wrote it, and it reads back
    assert sent == ["SET"]
    assert redis_sessions(session.session_key)["portal_tracked"] == {"2K7M-QX4P": "secret"}


def test_a_new_session_never_takes_a_key_already_in_use(redis_sessions, monkeypatch):
    # given a session that exists
    first = redis_sessions()
    first["person_id"] = 1
    first.save()
    # when the next key drawn happens to be the same, then a fresh one
    draws = iter([first.session_key, "k" * 32])
    monkeypatch.setattr(sessions, "get_random_string", lambda *a: next(draws))
    second = redis_sessions()
    second["person_id"] = 2
    second.save()
    # then the second session got the fresh key and the first one is untouched
    assert second.session_key == "k" * 32
    assert redis_sessions(first.session_key)["person_id"] == 1


def test_a_sign_in_s_new_key_is_written_once_without_asking_first(redis_sessions, monkeypatch):
    # given a visitor's session holding a sign-in's state
    session = redis_sessions()
    session["identity_state"] = "abc"
    session.save()
    old = session.session_key
    client = cache._cache.get_client(write=True)
    sent = []
    real = client.execute_command
    monkeypatch.setattr(
        client, "execute_command", lambda *a, **k: sent.append(a[0]) or real(*a, **k)
    )
    # when the sign-in cycles the key, then the response saves the session
    session.cycle_key()
    session["person_id"] = 7
    session.save()
    # then the old key was deleted and the new one added once (no GET, no second SET)
    assert sent == ["DEL", "SET"]
    assert session.session_key != old
    assert redis_sessions(session.session_key)["person_id"] == 7
    assert redis_sessions(session.session_key)["identity_state"] == "abc"
    assert not redis_sessions().exists(old)
    # and a later save is an ordinary update
    sent.clear()
    session["person_id"] = 8
    session.save()
    assert sent == ["GET", "SET"]


def test_a_cycled_key_already_taken_is_drawn_again(redis_sessions, monkeypatch):
    taken = redis_sessions()
    taken["person_id"] = 1
    taken.save()
    session = redis_sessions()
    session["person_id"] = 2
    session.save()
    draws = iter([taken.session_key, "c" * 32])
    monkeypatch.setattr(sessions, "get_random_string", lambda *a: next(draws))
    session.cycle_key()
    session.save()
    assert session.session_key == "c" * 32
    assert redis_sessions(taken.session_key)["person_id"] == 1
    assert redis_sessions("c" * 32)["person_id"] == 2
