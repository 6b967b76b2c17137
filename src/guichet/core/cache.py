"""Django's Redis cache, with one client object per server and a one-round-trip counter.

Django's `RedisCacheClient` builds a new `redis.Redis` (and its table of response callbacks)
for every operation, and `incr` asks whether the key exists first: on a tracking page that was
a tenth of the CPU. The clients here are built once per server and shared by the threads of the
process (a `redis.Redis` is thread-safe: connections come from its pool).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.cache.backends import redis as django_redis
from django.utils.functional import cached_property

if TYPE_CHECKING:
    from redis import ConnectionPool, Redis
    from redis.commands.core import Script

COUNT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


class RedisCacheClient(django_redis.RedisCacheClient):
    if TYPE_CHECKING:  # Django's private API, which django-stubs does not describe
        _client: type[Redis]

        def _get_connection_pool_index(self, write: bool) -> int: ...
        def _get_connection_pool(self, write: bool) -> ConnectionPool: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Redis] = {}

    def get_client(
        self, key: str | bytes | memoryview | None = None, *, write: bool = False
    ) -> Redis:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients.setdefault(index, self._client(connection_pool=pool))
        return client

    def count(self, key: str, timeout: int) -> int:
        """Add one to the counter `key` (created at 1, expiring `timeout` s after its first
        count) and return it: one command, one round trip."""
        client = self.get_client(key, write=True)
        return int(self._count_script(keys=[key], args=[timeout], client=client))

    @cached_property
    def _count_script(self) -> Script:
        # A script rather than a pipeline of INCR and EXPIRE: the same round trip, a third of
        # redis-py's Python work (rate limits count on every tracking look-up).
        return self.get_client(write=True).register_script(COUNT_SCRIPT)


class RedisCache(django_redis.RedisCache):
    if TYPE_CHECKING:  # Django's private attributes, which django-stubs does not describe
        _servers: list[str]
        _options: dict[str, Any]

    @cached_property
    def _cache(self) -> RedisCacheClient:
        return RedisCacheClient(self._servers, **self._options)

    def count(self, key: str, timeout: int) -> int:
        """See `RedisCacheClient.count`; `key` is a cache key like any other."""
        return self._cache.count(self.make_and_validate_key(key), timeout)
