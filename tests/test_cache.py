"""The degrading Redis cache (pcl/cache.py): with Redis unreachable, reads miss and writes are dropped."""

import logging
import time

import pytest

from pcl.cache import DegradingRedisCache, outages

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def unreachable():
    cache = DegradingRedisCache(CLOSED_PORT, {"KEY_PREFIX": "test"})
    outages.clear(cache._location)
    yield cache
    outages.clear(cache._location)


def test_a_read_misses_at_once_when_redis_is_unreachable(unreachable):
    started = time.monotonic()
    assert unreachable.get("progress", default={"phase": "waiting"}) == {"phase": "waiting"}
    assert unreachable.get("progress") is None
    assert unreachable.get_many(["a", "b"]) == {}
    assert unreachable.has_key("a") is False
    assert unreachable.get_or_set("computed", lambda: 42) == 42
    assert time.monotonic() - started < 1


def test_writes_are_dropped_without_raising(unreachable):
    unreachable.set("a", 1, timeout=60)
    unreachable.delete_many(["a", "b"])
    assert unreachable.add("a", 1) is False
    assert unreachable.touch("a") is False
    assert unreachable.delete("a") is False
    assert unreachable.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert unreachable.clear() is False
    assert unreachable.get("a") is None


def test_a_counter_reads_as_missing_so_callers_start_it_again(unreachable):
    with pytest.raises(ValueError):
        unreachable.incr("login-failures")
    with pytest.raises(ValueError):
        unreachable.decr("login-failures")


def count_connections(cache, monkeypatch) -> list:
    calls = []
    get_client = cache._cache.get_client

    def counted(*args, **kwargs):
        calls.append(args)
        return get_client(*args, **kwargs)

    monkeypatch.setattr(cache._cache, "get_client", counted)
    return calls


def test_the_outage_is_logged_once_and_redis_is_not_asked_again_for_a_while(unreachable, caplog, monkeypatch):
    connections = count_connections(unreachable, monkeypatch)
    with caplog.at_level(logging.ERROR, logger="pcl.cache"):
        for _ in range(5):
            unreachable.get("a")
    assert len(connections) == 1
    assert len(caplog.records) == 1
    assert "Cache unreachable (ConnectionError on get" in caplog.records[0].getMessage()


def test_redis_is_asked_again_once_the_retry_delay_has_passed(monkeypatch):
    cache = DegradingRedisCache(CLOSED_PORT, {"OPTIONS": {"RETRY_AFTER": 0}})
    connections = count_connections(cache, monkeypatch)
    cache.get("a")
    cache.get("a")
    assert len(connections) == 2
    outages.clear(cache._location)


def test_short_socket_timeouts_are_the_default_and_can_be_overridden():
    cache = DegradingRedisCache(CLOSED_PORT, {"OPTIONS": {"socket_timeout": 3}})
    assert cache._cache._pool_options["socket_connect_timeout"] == 1
    assert cache._cache._pool_options["socket_timeout"] == 3
    assert "RETRY_AFTER" not in cache._cache._pool_options
