"""An in-process stand-in for Swift's memcache middleware (tests only).

tempauth keeps its tokens in ``env['swift.cache']`` and answers 503 without
one. The test proxy runs as one process (``workers = 0``), so a dict with
memcached's TTL rules (0 = forever, more than 30 days = an absolute time)
behaves like a memcached for it. Put in proxy-server.conf as

    [filter:cache]
    paste.filter_factory = swift_inproc_cache:filter_factory

with this folder on the proxy's PYTHONPATH (tools/services/swift.ts does).
"""
import json
import time

_MONTH = 30 * 24 * 3600


class Cache(object):
    def __init__(self):
        self.data = {}

    def _expiry(self, ttl):
        ttl = int(ttl or 0)
        if ttl <= 0:
            return None
        return float(ttl) if ttl > _MONTH else time.time() + ttl

    def _get(self, key):
        item = self.data.get(key)
        if item is not None and item[0] is not None and item[0] <= time.time():
            del self.data[key]
            item = None
        return item

    def set(self, key, value, serialize=True, time=0, **_kwargs):
        self.data[key] = (self._expiry(time), json.dumps(value) if serialize else value, serialize)

    def get(self, key, **_kwargs):
        item = self._get(key)
        if item is None:
            return None
        return json.loads(item[1]) if item[2] else item[1]

    def incr(self, key, delta=1, time=0, **_kwargs):
        item = self._get(key)
        value = max(int(self.get(key) if item else 0) + int(delta), 0)
        self.data[key] = (item[0] if item else self._expiry(time), str(value).encode('ascii'), False)
        return value

    def decr(self, key, delta=1, time=0, **_kwargs):
        return self.incr(key, -int(delta), time)

    def delete(self, key, **_kwargs):
        self.data.pop(key, None)

    def set_multi(self, mapping, server_key, serialize=True, time=0, **_kwargs):
        for key, value in mapping.items():
            self.set(key, value, serialize=serialize, time=time)

    def get_multi(self, keys, server_key, **_kwargs):
        return [self.get(key) for key in keys]


def filter_factory(global_conf, **local_conf):
    cache = Cache()

    def make(app):
        def middleware(env, start_response):
            env['swift.cache'] = cache
            return app(env, start_response)
        return middleware

    return make
