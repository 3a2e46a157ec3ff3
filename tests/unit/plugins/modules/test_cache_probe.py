"""cache_probe: the Zipf draw, percentiles, the cache-aside read and invalidation, stale-read counting with fakes,
the input checks, and (marked dataplane) one small run against the real MariaDB and Redis of the running twin."""

from __future__ import annotations

import json
import os
import random
import uuid
from collections import Counter
from typing import Any

import pytest

from ansible_collections.xyz.aws_database.plugins.modules import cache_probe as module

# --------------------------------------------------------------------------------------------------------------------
# Zipf and percentiles


def test_zipf_draw_is_skewed_as_the_exponent_says() -> None:
    sampler = module.ZipfSampler(10, 1.0)
    rng = random.Random(1)
    counts = Counter(sampler.draw(rng) for _draw in range(50_000))
    harmonic = sum(1 / rank for rank in range(1, 11))
    assert set(counts) <= set(range(1, 11))
    assert counts[1] / 50_000 == pytest.approx(1 / harmonic, abs=0.01)
    assert counts[2] / 50_000 == pytest.approx(0.5 / harmonic, abs=0.01)
    assert counts[1] > counts[2] > counts[5] > counts[10]


def test_zipf_rejects_a_bad_distribution() -> None:
    with pytest.raises(ValueError, match="Zipf"):
        module.ZipfSampler(0, 1.0)
    with pytest.raises(ValueError, match="Zipf"):
        module.ZipfSampler(5, 0)


def test_request_plan_is_reproducible_and_updates_as_asked() -> None:
    plan = module.request_plan(40, 5000, 1.1, 0.1, seed=3)
    assert plan == module.request_plan(40, 5000, 1.1, 0.1, seed=3)
    assert plan != module.request_plan(40, 5000, 1.1, 0.1, seed=4)
    assert {request.branch for request in plan} <= set(range(1, 41))
    assert sum(request.update for request in plan) / len(plan) == pytest.approx(0.1, abs=0.02)
    most_common_share = Counter(request.branch for request in plan).most_common(1)[0][1] / len(plan)
    assert most_common_share > 0.15  # uniform would be 1/40


@pytest.mark.parametrize(
    ("q", "expected"),
    [(0, 1.0), (50, 50.5), (95, 95.05), (99, 99.01), (100, 100.0)],
)
def test_percentile_interpolates_between_ranks(q: float, expected: float) -> None:
    values = [float(value) for value in range(100, 0, -1)]
    assert module.percentile(values, q) == pytest.approx(expected)


def test_percentile_of_one_value_and_of_none() -> None:
    assert module.percentile([4.2], 99) == 4.2
    with pytest.raises(ValueError, match="no values"):
        module.percentile([], 50)


def test_summarize() -> None:
    summary = module.summarize([1.0, 2.0, 3.0, 4.0])
    assert summary == {"p50_ms": 2.5, "p95_ms": 3.85, "p99_ms": 3.97, "mean_ms": 2.5, "max_ms": 4.0, "count": 4}


# --------------------------------------------------------------------------------------------------------------------
# Cache-aside with fakes


class FakeCache:
    """A dict with TTLs recorded (no clock: the tests never outlive a TTL)."""

    def __init__(self) -> None:
        self.data: dict[str, str] = {}
        self.ttls: dict[str, int] = {}

    def get(self, key: str) -> str | None:
        return self.data.get(key)

    def set(self, key: str, value: str, ex: int) -> bool:
        self.data[key], self.ttls[key] = value, ex
        return True

    def delete(self, *keys: str) -> int:
        return sum(self.data.pop(key, None) is not None for key in keys)


class FakeDatabase:
    """Branches with a version and a total; the reader lags by `lag` versions until wait_for_reader is called."""

    def __init__(self, branches: int) -> None:
        self.writer = {branch: {"version": 0, "total": 100 * branch} for branch in range(1, branches + 1)}
        self.reader = json.loads(json.dumps(self.writer), object_hook=lambda d: {_key(k): v for k, v in d.items()})
        self.reads = 0

    def report(self, side: dict[int, dict[str, int]], branch: int) -> module.Report:
        row = side[branch]
        return [{"branch": branch, "version": row["version"], "kind": "power", "total": str(row["total"])}]

    def read_report(self, branch: int) -> module.Report:
        self.reads += 1
        return self.report(self.reader, branch)

    def update(self, branch: int, rng: random.Random) -> int:
        self.writer[branch]["total"] += rng.randrange(1, 10)
        self.writer[branch]["version"] += 1
        return self.writer[branch]["version"]

    def wait_for_reader(self, branch: int, version: int) -> None:
        assert self.writer[branch]["version"] == version
        self.reader[branch] = dict(self.writer[branch])

    def database(self) -> module.Database:
        return module.Database(
            read_report=self.read_report,
            writer_report=lambda branch: self.report(self.writer, branch),
            writer_version=lambda branch: self.writer[branch]["version"],
            update=self.update,
            wait_for_reader=self.wait_for_reader,
        )


def _key(key: str) -> Any:
    return int(key) if key.isdigit() else key


def test_cache_aside_misses_once_then_hits_with_the_ttl() -> None:
    db, cache = FakeDatabase(3), FakeCache()
    aside = module.CacheAside(cache, db.read_report, ttl=60, prefix="unit")
    first = aside.read(2)
    assert aside.read(2) == first
    assert (aside.hits, aside.misses, db.reads) == (1, 1, 1)
    assert cache.ttls == {"unit:branch-report:2": 60}


def test_invalidation_makes_the_next_read_fetch_again() -> None:
    db, cache = FakeDatabase(3), FakeCache()
    aside = module.CacheAside(cache, db.read_report, ttl=60, prefix="unit")
    aside.read(1)
    aside.invalidate(1)
    assert "unit:branch-report:1" not in cache.data
    aside.read(1)
    assert aside.misses == 2


def test_run_with_invalidation_on_write_has_no_stale_read() -> None:
    db, cache = FakeDatabase(20), FakeCache()
    aside = module.CacheAside(cache, db.read_report, ttl=60, prefix="unit")
    plan = module.request_plan(20, 2000, 1.1, 0.05, seed=5)
    figures = module.run_paths(db.database(), aside, plan, seed=5)
    assert figures.stale_reads == 0
    assert figures.updates == sum(request.update for request in plan) > 0
    assert len(figures.direct_ms) == len(figures.cache_ms) == 2000
    assert aside.hits + aside.misses == 2000
    assert aside.hits / 2000 > 0.8  # 20 branches, Zipf, few updates: nearly all hits


class NoInvalidation(module.CacheAside):
    def invalidate(self, branch: int) -> None:  # the bug the stale count must catch
        return None


def test_stale_reads_are_counted_when_writes_do_not_invalidate() -> None:
    db, cache = FakeDatabase(5), FakeCache()
    aside = NoInvalidation(cache, db.read_report, ttl=60, prefix="unit")
    plan = [module.Request(1, False), module.Request(1, True), module.Request(1, False), module.Request(2, False)]
    figures = module.run_paths(db.database(), aside, plan, seed=1)
    assert figures.stale_reads == 2  # both reads of branch 1 after its update


def test_figures_speedup_hit_ratio_and_failures() -> None:
    figures = module.RunFigures(direct_ms=[20.0, 30.0, 40.0], cache_ms=[1.0, 1.0, 10.0], updates=1)
    aside = module.CacheAside(FakeCache(), lambda branch: [], ttl=1, prefix="unit", hits=2, misses=1)
    result = module.figures_result(figures, aside, required_speedup=2.0)
    assert result["speedup"] == 7.5
    assert result["speedup_p50"] == 30.0
    assert result["hit_ratio"] == pytest.approx(0.6667)
    assert module.failures(result) == []
    assert "hit ratio 66.7%" in module.summary_line(result)
    slow = module.figures_result(figures, aside, required_speedup=10.0)
    assert "less than the required 10.0x" in module.failures(slow)[0]
    figures.stale_reads = 1
    assert "1 stale reads" in module.failures(module.figures_result(figures, aside, 2.0))[0]


def test_seeded_readings_are_deterministic_and_spread_over_the_devices() -> None:
    rows = list(module.reading_rows(1000, 4, 5, seed=9))
    assert rows == list(module.reading_rows(1000, 4, 5, seed=9))
    assert [row[0] for row in rows] == list(range(1, 1001))
    assert {row[1] for row in rows} == set(range(1, 21))
    assert [len(batch) for batch in module._batched(iter(rows), 300)] == [300, 300, 300, 100]


# --------------------------------------------------------------------------------------------------------------------
# Input


def _params(**extra: Any) -> dict[str, Any]:
    params = {
        "ttl": 300,
        "branches": 40,
        "devices_per_branch": 25,
        "rows": 1000,
        "requests": 10,
        "zipf_exponent": 1.1,
        "update_ratio": 0.02,
        "required_speedup": 2.0,
        "replica_wait": 10,
        "connect_timeout": 5,
    }
    params.update(extra)
    return params


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"ttl": 0}, "ttl must be above 0"),
        ({"branches": 0}, "branches must be at least 1"),
        ({"rows": 10}, "rows must be at least branches"),
        ({"zipf_exponent": 0.0}, "zipf_exponent must be above 0"),
        ({"update_ratio": 1.5}, "update_ratio must be between 0 and 1"),
        ({"required_speedup": 0.0}, "required_speedup must be above 0"),
    ],
)
def test_bad_input_is_named(extra: dict[str, Any], message: str) -> None:
    assert any(message in problem for problem in module.validate_params(_params(**extra)))
    assert module.validate_params(_params()) == []


# --------------------------------------------------------------------------------------------------------------------
# The real servers of the twin's data plane


def _dataplane_params() -> dict[str, Any]:
    needed = ("TWIN_MYSQL_WRITER_PORT", "TWIN_MYSQL_READER_PORT", "TWIN_REDIS_PORT", "TWIN_CA_FILE")
    if not all(os.environ.get(name) for name in needed):
        pytest.skip("the twin's data plane is not in the environment (make local-up; source .local/env.sh)")
    from twin import dataplane
    from twin.dataplane.config import READER, REDIS, WRITER

    if not all(dataplane.status().get(name) for name in (WRITER, READER, REDIS)):
        pytest.skip("the twin's data plane is not running")
    return {
        "mysql_writer_host": "127.0.0.1",
        "mysql_writer_port": int(os.environ["TWIN_MYSQL_WRITER_PORT"]),
        "mysql_reader_host": "127.0.0.1",
        "mysql_reader_port": int(os.environ["TWIN_MYSQL_READER_PORT"]),
        "mysql_user": "xyzunitprobe",
        "mysql_password": "Unit-Probe-" + uuid.uuid4().hex[:12],
        "database": "xyz_unit_cache_probe",
        "ca_file": os.environ["TWIN_CA_FILE"],
        "redis_host": "127.0.0.1",
        "redis_port": int(os.environ["TWIN_REDIS_PORT"]),
        "redis_user": "xyz-unit-cache-probe",
        "auth_token": "Unit-Token-" + uuid.uuid4().hex,
        "tls": True,
        "key_prefix": "xyz-unit:cache-probe",
        "rows": 20_000,
        "branches": 10,
        "devices_per_branch": 5,
        "requests": 200,
        "zipf_exponent": 1.1,
        "ttl": 60,
        "update_ratio": 0.05,
        "required_speedup": 1.0,
        "seed": 11,
        "replica_wait": 60,
        "connect_timeout": 10,
        "return_latencies": True,
    }


@pytest.mark.dataplane
def test_small_run_against_the_twins_data_plane() -> None:
    """A MySQL user and a Redis ACL user of the test's own (the data plane is shared: the default user's AUTH token,
    which replication groups set, is left alone), keys and tables of its own."""
    params = _dataplane_params()
    from twin import dataplane
    from twin.dataplane import redis_server
    from twin.dataplane.config import WRITER

    dataplane.ensure_mysql_user(WRITER, params["mysql_user"], params["mysql_password"])
    with redis_server.admin() as admin:
        admin.execute_command(
            "ACL",
            "SETUSER",
            params["redis_user"],
            "on",
            "resetpass",
            f">{params['auth_token']}",
            f"~{params['key_prefix']}:*",
            "+@all",
        )
    try:
        result = module.probe(params, check_mode=False)
        again = module.probe(params, check_mode=True)
    finally:
        with redis_server.admin() as admin:
            admin.execute_command("ACL", "DELUSER", params["redis_user"])
    assert result["stale_reads"] == 0
    assert result["updates"] > 0
    assert result["hits"] + result["misses"] == 200
    assert len(result["latencies"]["direct"]) == len(result["latencies"]["cache"]) == 200
    assert result["cache"]["p50_ms"] < result["direct"]["p50_ms"]
    assert again["changed"] is False
