"""Per-person copies kept in the cache (the signed-in user, a candidate's latest scores).

A copy is dropped by the signal receivers of the rows it was made from: at once, and again when
the saving transaction commits. A request that read the old rows just before the commit and
stores them just after is then the only way a stale copy survives, for at most its seconds.
Copies are kept only where every process shares the cache (settings: ``*_CACHE_SECONDS`` are 0
in the embedded default, whose per-process memory another process's drop cannot reach).
"""

from django.core.cache import cache
from django.db import transaction


def drop_copy(key):
    def drop_cached_copy():  # the name tells tests that count on_commit callbacks what this one is
        cache.delete(key)

    drop_cached_copy()
    transaction.on_commit(drop_cached_copy)


UNREAD = object()


def read_copies(keys):
    """What the cache holds under ``keys`` (None where nothing), in one round trip: a page that
    needs several copies passes each to cached_copy(..., cached=...)."""
    found = cache.get_many(keys)
    return [found.get(key) for key in keys]


def cached_copy(key, load, *, seconds, version=None, cached=UNREAD):
    """``load()``'s result, from the cache while its ``version`` matches; ``seconds`` 0: no copy.
    ``cached``: what read_copies found under ``key``, when the caller has read it already."""
    if not seconds:
        return load()
    if cached is UNREAD:
        cached = cache.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    value = load()
    cache.set(key, (version, value), seconds)
    return value


def store_copies(values, *, seconds, version=None):
    """Several copies at once, ``{key: value}``, as cached_copy would store them (warming a spike
    that is announced, such as a score publication). Returns how many were stored."""
    if not seconds or not values:
        return 0
    cache.set_many({key: (version, value) for key, value in values.items()}, seconds)
    return len(values)
