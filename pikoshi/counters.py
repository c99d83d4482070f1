"""Counters that expire: how many times something happened within a window, in the cache
(shared by every process when the cache is Redis). The rate limits that are not DRF's
(wrong link passwords, comments) count with this."""

from django.core.cache import cache


def count_in_window(key: str, window: int) -> int:
    """Count one more under `key`; returns the count within the `window` seconds that
    began with the first."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1
