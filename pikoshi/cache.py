"""The Redis cache backend, made to fail open while Redis is down.

settings.py runs django-redis with IGNORE_EXCEPTIONS so a Redis outage degrades (no cache,
no rate limit) instead of failing pages. django-redis then answers None for everything,
including `add`. allauth's rate limiter takes a short lock with `cache.add` and waits a
second for it before refusing with 429: with a dead Redis every sign-in, sign-up and
password reset was refused. Reporting `add` as done keeps the promise of the setting.
"""

from django_redis.cache import RedisCache as _RedisCache
from django_redis.cache import omit_exception


class RedisCache(_RedisCache):
    @omit_exception(return_value=True)
    def add(self, *args, **kwargs):
        return self.client.add(*args, **kwargs)
