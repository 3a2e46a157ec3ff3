#!/usr/bin/python

# Copyright: XYZ Corporation
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cache_probe
version_added: 0.1.0
short_description: Prove a cache-aside cache in front of Aurora MySQL with latency figures
description:
  - Seeds a table of device readings by branch in a MySQL-compatible database (Aurora MySQL), then runs the branch
    report (a join of branches, devices and readings with an aggregate per device kind) for branches drawn from a
    skewed (Zipf) distribution, twice with the same sequence of requests - once straight from the reader, once
    cache-aside through a Redis-compatible cache (ElastiCache Valkey or Redis OSS) with a TTL.
  - While reading it updates readings on the writer (O(update_ratio) of the requests) and invalidates the branch's
    cached report once the reader has the change. Every cache-path read is checked against the writer's version of
    its branch, and the first read after each update against a fresh report from the writer; a read that differs is
    stale.
  - Reports the p50, p95 and p99 latencies of both paths, the hit ratio and the speed-up (the reader path's mean
    latency over the cache path's), and fails when the speed-up is below O(required_speedup) or a read was stale.
  - Its tables are its own (O(database)) and seeded again only when their size or seed changed; its cache keys
    start with O(key_prefix) and are removed before each run.
  - Not an AWS API module, it talks to the database and the cache themselves, from where it runs.
author:
  - XYZ Corporation database team (@xyz)
requirements:
  - PyMySQL
  - redis (redis-py)
options:
  mysql_writer_host:
    description: The writer endpoint (the Aurora cluster endpoint); seeds and updates go there.
    type: str
    required: true
  mysql_writer_port:
    description: The writer's port.
    type: int
    default: 3306
  mysql_reader_host:
    description: The reader endpoint; the direct path and the cache misses read there. The writer when not given.
    type: str
  mysql_reader_port:
    description: The reader's port; O(mysql_writer_port) when not given.
    type: int
  mysql_user:
    description: The MySQL user; it needs to create O(database) and its tables.
    type: str
    required: true
  mysql_password:
    description: That user's password.
    type: str
    required: true
  database:
    description: The probe's own database.
    type: str
    default: xyz_cache_probe
  ca_file:
    description:
      - The CA bundle that verifies the TLS certificates of the database and the cache (for example the Amazon RDS
        bundle); the system's CAs when not given. Connections always use TLS and verify the server.
    type: path
  redis_host:
    description: The cache's primary endpoint.
    type: str
    required: true
  redis_port:
    description: The cache's port.
    type: int
    default: 6379
  auth_token:
    description: The cache's AUTH token (or the password of O(redis_user)); none when not given.
    type: str
  redis_user:
    description: The cache user, with role-based access control (user groups); the default user when not given.
    type: str
  tls:
    description: Whether the cache connection uses TLS (ElastiCache with encryption in transit).
    type: bool
    default: true
  key_prefix:
    description: The prefix of the probe's cache keys (the cache may be shared).
    type: str
    default: cache-probe
  rows:
    description: Readings in the seeded table.
    type: int
    default: 500000
  branches:
    description: Branches the readings are spread over; each is one report, one cache key.
    type: int
    default: 40
  devices_per_branch:
    description: Devices per branch.
    type: int
    default: 25
  requests:
    description: Reports per path.
    type: int
    default: 2000
  zipf_exponent:
    description: The exponent s of the branch popularity, the probability of rank k proportional to 1/k^s (above 0).
    type: float
    default: 1.1
  ttl:
    description: Seconds a cached report lives (above 0).
    type: int
    default: 300
  update_ratio:
    description: The share of requests (0 to 1) that first update a reading of their branch.
    type: float
    default: 0.02
  required_speedup:
    description: The least speed-up (reader mean latency over cache mean latency) that passes.
    type: float
    default: 2.0
  seed:
    description: The random seed of the data and of the request sequence.
    type: int
    default: 7
  replica_wait:
    description: Seconds to wait for the reader to have the writer's changes (seeding, each update).
    type: int
    default: 120
  connect_timeout:
    description: Seconds to wait for a connection.
    type: int
    default: 10
  return_latencies:
    description: Whether to return every request's latency (lists of milliseconds), for plots.
    type: bool
    default: false
notes:
  - In check mode the module only reads whether it would seed its tables, and runs no request.
  - The measurements are made from where the module runs (the control host or a validation host inside the VPC);
    network distance counts in both paths.
"""

EXAMPLES = r"""
- name: Prove the cache in front of Aurora
  xyz.aws_database.cache_probe:
    mysql_writer_host: "{{ aurora_writer_endpoint }}"
    mysql_reader_host: "{{ aurora_reader_endpoint }}"
    mysql_user: xyzadmin
    mysql_password: "{{ aurora_master_password }}"
    ca_file: /etc/ssl/certs/rds-global-bundle.pem
    redis_host: "{{ elasticache_primary_endpoint }}"
    auth_token: "{{ elasticache_auth_token }}"
    ttl: 300
    required_speedup: 2.0
  no_log: true
  register: probe
"""

RETURN = r"""
passed:
  description:
    - The probe's verdict, true when the cache path was faster by O(required_speedup) and no read was stale.
    - The module fails when it is false; a task that keeps the figures with C(failed_when=false) reads the verdict here.
  returned: when run (not in check mode)
  type: bool
seeded:
  description: Whether the tables were (re)seeded by this run (also C(changed)).
  returned: always
  type: bool
direct:
  description: The reader path's latencies in milliseconds, p50_ms, p95_ms, p99_ms, mean_ms, max_ms and count.
  returned: when run
  type: dict
  sample: {"p50_ms": 31.2, "p95_ms": 38.9, "p99_ms": 44.0, "mean_ms": 32.0, "max_ms": 60.1, "count": 2000}
cache:
  description: The cache-aside path's latencies, same keys.
  returned: when run
  type: dict
hit_ratio:
  description: Cache hits over cache-path requests.
  returned: when run
  type: float
  sample: 0.93
hits:
  description: Cache-path requests answered by the cache.
  returned: when run
  type: int
misses:
  description: Cache-path requests that read the reader and filled the cache.
  returned: when run
  type: int
speedup:
  description: The reader path's mean latency over the cache path's.
  returned: when run
  type: float
speedup_p50:
  description: The reader path's median latency over the cache path's.
  returned: when run
  type: float
updates:
  description: Readings updated (and reports invalidated) during the cache-path run.
  returned: when run
  type: int
stale_reads:
  description: Cache-path reads that did not match the writer at read time (must be 0).
  returned: when run
  type: int
writer_report_ms:
  description: The median time of the branch report on the writer (a sense of the query's weight).
  returned: when run
  type: float
summary:
  description: The figures in one line.
  returned: when run
  type: str
latencies:
  description: Every request's latency in milliseconds, lists C(direct) and C(cache), in request order.
  returned: when O(return_latencies=true)
  type: dict
"""

import bisect
import json
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

try:
    import pymysql
except ImportError:  # pragma: no cover - reported by the module
    pymysql = None

try:
    import redis
except ImportError:  # pragma: no cover - reported by the module
    redis = None

DEVICE_KINDS = ("door", "humidity", "network", "power", "temperature")
SEED_BATCH = 5000
SCHEMA_VERSION = "1"

REPORT_QUERY = """
SELECT b.id AS branch, b.version AS version, d.kind AS kind, COUNT(r.id) AS readings, SUM(r.value) AS total,
       MIN(r.value) AS lowest, MAX(r.value) AS highest, MIN(r.taken_at) AS first_at, MAX(r.taken_at) AS last_at
FROM branches b
LEFT JOIN devices d ON d.branch_id = b.id
LEFT JOIN readings r ON r.device_id = d.id
WHERE b.id = %s
GROUP BY b.id, b.version, d.kind
ORDER BY d.kind
"""

SCHEMA = (
    "DROP TABLE IF EXISTS readings",
    "DROP TABLE IF EXISTS devices",
    "DROP TABLE IF EXISTS branches",
    "DROP TABLE IF EXISTS probe_meta",
    "CREATE TABLE branches (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL, version INT NOT NULL DEFAULT 0)",
    "CREATE TABLE devices (id INT PRIMARY KEY, branch_id INT NOT NULL, kind VARCHAR(16) NOT NULL,"
    " KEY devices_branch (branch_id))",
    "CREATE TABLE readings (id INT PRIMARY KEY, device_id INT NOT NULL, taken_at DATETIME NOT NULL,"
    " value DECIMAL(10,2) NOT NULL, KEY readings_device (device_id))",
    "CREATE TABLE probe_meta (name VARCHAR(32) PRIMARY KEY, value VARCHAR(255) NOT NULL)",
)


# --------------------------------------------------------------------------------------------------------------------
# Pure parts: the Zipf draw, percentiles, the cache-aside read, the run


class ZipfSampler:
    """Draws ranks 1..n with P(k) proportional to 1/k^s (rank 1 the most popular)."""

    def __init__(self, n: int, exponent: float) -> None:
        if n < 1 or exponent <= 0:
            raise ValueError("a Zipf distribution needs n >= 1 and an exponent above 0")
        weights = [1.0 / (rank**exponent) for rank in range(1, n + 1)]
        total = sum(weights)
        self.cumulative: list[float] = []
        running = 0.0
        for weight in weights:
            running += weight / total
            self.cumulative.append(running)
        self.cumulative[-1] = 1.0

    def draw(self, rng: random.Random) -> int:
        return bisect.bisect_left(self.cumulative, rng.random()) + 1


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between the closest ranks (numpy's default)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize(latencies_ms: list[float]) -> dict[str, Any]:
    return {
        "p50_ms": round(percentile(latencies_ms, 50), 3),
        "p95_ms": round(percentile(latencies_ms, 95), 3),
        "p99_ms": round(percentile(latencies_ms, 99), 3),
        "mean_ms": round(sum(latencies_ms) / len(latencies_ms), 3),
        "max_ms": round(max(latencies_ms), 3),
        "count": len(latencies_ms),
    }


@dataclass(frozen=True)
class Request:
    branch: int
    update: bool


def request_plan(branches: int, requests: int, exponent: float, update_ratio: float, seed: int) -> list[Request]:
    """The same sequence of requests for both paths: a Zipf-drawn branch, and whether to update it first."""
    rng = random.Random(seed)
    sampler = ZipfSampler(branches, exponent)
    # The most popular branch is not always branch 1: a seeded permutation maps ranks to branches.
    order = list(range(1, branches + 1))
    rng.shuffle(order)
    return [Request(order[sampler.draw(rng) - 1], rng.random() < update_ratio) for _request in range(requests)]


class Cache(Protocol):
    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: str, ex: int) -> Any: ...

    def delete(self, *keys: str) -> Any: ...


Report = list[dict[str, Any]]


def encode_report(report: Report) -> str:
    return json.dumps(report, sort_keys=True, separators=(",", ":"), default=str)


def decode_report(text: str | bytes) -> Report:
    return json.loads(text)


def report_version(report: Report) -> int:
    return int(report[0]["version"]) if report else 0


@dataclass
class CacheAside:
    """Cache-aside: read the cache, on a miss read the database and fill the cache with a TTL; invalidate on write."""

    cache: Cache
    load: Callable[[int], Report]
    ttl: int
    prefix: str
    hits: int = 0
    misses: int = 0

    def key(self, branch: int) -> str:
        return f"{self.prefix}:branch-report:{branch}"

    def read(self, branch: int) -> Report:
        cached = self.cache.get(self.key(branch))
        if cached is not None:
            self.hits += 1
            return decode_report(cached)
        self.misses += 1
        report = self.load(branch)
        self.cache.set(self.key(branch), encode_report(report), ex=self.ttl)
        return report

    def invalidate(self, branch: int) -> None:
        self.cache.delete(self.key(branch))


@dataclass
class Database:
    """What a run needs from the database (the real one, or a fake in the tests)."""

    read_report: Callable[[int], Report]  # from the reader
    writer_report: Callable[[int], Report]  # the source of truth
    writer_version: Callable[[int], int]
    update: Callable[[int, random.Random], int]  # on the writer; returns the branch's new version
    wait_for_reader: Callable[[int, int], None]  # until the reader has this version of the branch


@dataclass
class RunFigures:
    direct_ms: list[float] = field(default_factory=list)
    cache_ms: list[float] = field(default_factory=list)
    updates: int = 0
    stale_reads: int = 0


def _timed(read: Callable[[int], Report], branch: int) -> tuple[Report, float]:
    started = time.perf_counter()
    report = read(branch)
    return report, (time.perf_counter() - started) * 1000.0


def _apply_update(db: Database, branch: int, rng: random.Random, cache: CacheAside | None) -> None:
    version = db.update(branch, rng)
    db.wait_for_reader(branch, version)
    if cache is not None:
        cache.invalidate(branch)


def run_paths(db: Database, cache: CacheAside, plan: list[Request], seed: int) -> RunFigures:
    """The direct path, then the cache-aside path, over the same plan. Only the reads are timed.

    Stale reads: every cache-path read whose branch version is behind the writer's at read time, and every first
    read after an update whose whole report differs from a fresh report from the writer."""
    figures = RunFigures()
    rng = random.Random(seed + 1)
    for request in plan:
        if request.update:
            _apply_update(db, request.branch, rng, None)
        figures.direct_ms.append(_timed(db.read_report, request.branch)[1])
    rng = random.Random(seed + 1)
    for request in plan:
        if request.update:
            _apply_update(db, request.branch, rng, cache)
            figures.updates += 1
        report, elapsed = _timed(cache.read, request.branch)
        figures.cache_ms.append(elapsed)
        stale = report_version(report) != db.writer_version(request.branch)
        if request.update and not stale:
            stale = encode_report(report) != encode_report(db.writer_report(request.branch))
        figures.stale_reads += int(stale)
    return figures


def figures_result(figures: RunFigures, cache: CacheAside, required_speedup: float) -> dict[str, Any]:
    direct, cached = summarize(figures.direct_ms), summarize(figures.cache_ms)
    total = cache.hits + cache.misses
    speedup = direct["mean_ms"] / cached["mean_ms"] if cached["mean_ms"] > 0 else float("inf")
    speedup_p50 = direct["p50_ms"] / cached["p50_ms"] if cached["p50_ms"] > 0 else float("inf")
    return {
        "direct": direct,
        "cache": cached,
        "hits": cache.hits,
        "misses": cache.misses,
        "hit_ratio": round(cache.hits / total, 4) if total else 0.0,
        "speedup": round(speedup, 2),
        "speedup_p50": round(speedup_p50, 2),
        "required_speedup": required_speedup,
        "updates": figures.updates,
        "stale_reads": figures.stale_reads,
    }


def failures(result: dict[str, Any]) -> list[str]:
    problems = []
    if result["speedup"] < result["required_speedup"]:
        problems.append(
            f"the cache path is {result['speedup']}x faster than the reader (mean {result['cache']['mean_ms']} ms "
            f"against {result['direct']['mean_ms']} ms), less than the required {result['required_speedup']}x"
        )
    if result["stale_reads"] > 0:
        problems.append(f"{result['stale_reads']} stale reads through the cache (must be 0)")
    return problems


def summary_line(result: dict[str, Any]) -> str:
    direct, cached = result["direct"], result["cache"]
    return (
        f"reader p50/p95/p99 {direct['p50_ms']}/{direct['p95_ms']}/{direct['p99_ms']} ms; "
        f"cache-aside p50/p95/p99 {cached['p50_ms']}/{cached['p95_ms']}/{cached['p99_ms']} ms; "
        f"hit ratio {result['hit_ratio']:.1%}; speed-up {result['speedup']}x (p50 {result['speedup_p50']}x); "
        f"{result['updates']} updates, {result['stale_reads']} stale reads"
    )


# --------------------------------------------------------------------------------------------------------------------
# Seeding


def seed_signature(rows: int, branches: int, devices_per_branch: int, seed: int) -> str:
    return f"schema={SCHEMA_VERSION} rows={rows} branches={branches} devices={devices_per_branch} seed={seed}"


def reading_rows(rows: int, branches: int, devices_per_branch: int, seed: int) -> Iterator[tuple[Any, ...]]:
    """The readings, deterministic for a seed: (id, device_id, taken_at, value)."""
    rng = random.Random(seed)
    devices = branches * devices_per_branch
    start = 1_767_225_600  # 2026-01-01T00:00:00Z
    for reading_id in range(1, rows + 1):
        taken_at = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(start + rng.randrange(0, 90 * 86400)))
        value = Decimal(rng.randrange(0, 100_000)) / 100
        yield reading_id, rng.randrange(1, devices + 1), taken_at, value


def _batched(rows: Iterator[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# --------------------------------------------------------------------------------------------------------------------
# The real database and cache


class MySQL:
    """The writer and reader connections (TLS, autocommit: every read sees the latest committed data)."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params
        self.writer = self._connect(params["mysql_writer_host"], params["mysql_writer_port"], None)
        self.reader: Any = None

    def _connect(self, host: str, port: int, database: str | None) -> Any:
        ca_file = self.params["ca_file"]
        return pymysql.connect(
            host=host,
            port=port,
            user=self.params["mysql_user"],
            password=self.params["mysql_password"],
            database=database,
            autocommit=True,
            connect_timeout=self.params["connect_timeout"],
            ssl_ca=ca_file,
            ssl_verify_cert=True,
            ssl_verify_identity=True,
            cursorclass=pymysql.cursors.DictCursor,
        )

    def connect_reader(self) -> None:
        host = self.params["mysql_reader_host"] or self.params["mysql_writer_host"]
        port = self.params["mysql_reader_port"] or self.params["mysql_writer_port"]
        self.reader = self._connect(host, port, self.params["database"])
        self.writer.select_db(self.params["database"])

    def close(self) -> None:
        for connection in (self.writer, self.reader):
            if connection is not None:
                connection.close()

    @staticmethod
    def query(connection: Any, sql: str, args: Any = None) -> list[dict[str, Any]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            return list(cursor.fetchall())

    def stored_signature(self, connection: Any) -> str | None:
        database = self.params["database"]
        exists = self.query(
            connection,
            "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = %s AND table_name = 'probe_meta'",
            (database,),
        )
        if not exists[0]["n"]:
            return None
        rows = self.query(connection, f"SELECT value FROM `{database}`.probe_meta WHERE name = 'signature'")
        return rows[0]["value"] if rows else None

    def seed(self, signature: str) -> None:
        params = self.params
        database = params["database"]
        branches, per_branch = params["branches"], params["devices_per_branch"]
        connection = self.writer
        self.query(connection, f"CREATE DATABASE IF NOT EXISTS `{database}`")
        connection.select_db(database)
        for statement in SCHEMA:
            self.query(connection, statement)
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO branches (id, name) VALUES (%s, %s)",
                [(branch, f"branch-{branch:03d}") for branch in range(1, branches + 1)],
            )
            cursor.executemany(
                "INSERT INTO devices (id, branch_id, kind) VALUES (%s, %s, %s)",
                [
                    (device, (device - 1) // per_branch + 1, DEVICE_KINDS[device % len(DEVICE_KINDS)])
                    for device in range(1, branches * per_branch + 1)
                ],
            )
            for batch in _batched(reading_rows(params["rows"], branches, per_branch, params["seed"]), SEED_BATCH):
                cursor.executemany(
                    "INSERT INTO readings (id, device_id, taken_at, value) VALUES (%s, %s, %s, %s)", batch
                )
            cursor.execute("INSERT INTO probe_meta (name, value) VALUES ('signature', %s)", (signature,))

    def wait_for_signature(self, signature: str) -> None:
        """Until the reader has the seeded tables (replication)."""
        host = self.params["mysql_reader_host"] or self.params["mysql_writer_host"]
        port = self.params["mysql_reader_port"] or self.params["mysql_writer_port"]
        connection = self._connect(host, port, None)
        try:
            deadline = time.monotonic() + self.params["replica_wait"]
            while self.stored_signature(connection) != signature:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"the reader did not get the seeded tables within {self.params['replica_wait']} s"
                    )
                time.sleep(0.2)
        finally:
            connection.close()

    def report(self, connection: Any, branch: int) -> Report:
        return [
            {key: (str(value) if isinstance(value, Decimal) else value) for key, value in row.items()}
            for row in self.query(connection, REPORT_QUERY, (branch,))
        ]

    def version(self, connection: Any, branch: int) -> int:
        return int(self.query(connection, "SELECT version FROM branches WHERE id = %s", (branch,))[0]["version"])

    def update(self, branch: int, rng: random.Random) -> int:
        """Add to a reading of one of the branch's devices and bump the branch's version, in one transaction."""
        per_branch = self.params["devices_per_branch"]
        device = (branch - 1) * per_branch + rng.randrange(1, per_branch + 1)
        delta = Decimal(rng.randrange(1, 1000)) / 100
        connection = self.writer
        connection.begin()
        try:
            self.query(
                connection,
                "UPDATE readings SET value = value + %s WHERE device_id = %s ORDER BY id DESC LIMIT 1",
                (delta, device),
            )
            self.query(connection, "UPDATE branches SET version = version + 1 WHERE id = %s", (branch,))
            version = self.version(connection, branch)
            connection.commit()
        except Exception:
            connection.rollback()
            raise
        return version

    def wait_for_reader(self, branch: int, version: int) -> None:
        deadline = time.monotonic() + self.params["replica_wait"]
        while self.version(self.reader, branch) < version:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the reader did not get version {version} of branch {branch}")
            time.sleep(0.001)

    def as_database(self) -> Database:
        return Database(
            read_report=lambda branch: self.report(self.reader, branch),
            writer_report=lambda branch: self.report(self.writer, branch),
            writer_version=lambda branch: self.version(self.writer, branch),
            update=self.update,
            wait_for_reader=self.wait_for_reader,
        )

    def writer_report_ms(self, samples: int = 5) -> float:
        timings = [_timed(lambda branch: self.report(self.writer, branch), 1 + index)[1] for index in range(samples)]
        return round(percentile(timings, 50), 3)


def connect_cache(params: dict[str, Any]) -> Any:
    options: dict[str, Any] = {
        "host": params["redis_host"],
        "port": params["redis_port"],
        "username": params["redis_user"],
        "password": params["auth_token"],
        "socket_timeout": params["connect_timeout"],
        "socket_connect_timeout": params["connect_timeout"],
    }
    if params["tls"]:
        options.update({"ssl": True, "ssl_cert_reqs": "required", "ssl_ca_certs": params["ca_file"]})
    client = redis.Redis(**options)
    client.ping()
    return client


def clear_keys(client: Any, prefix: str) -> int:
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
    if keys:
        client.delete(*keys)
    return len(keys)


@contextmanager
def opened(params: dict[str, Any]) -> Iterator[tuple[MySQL, Any]]:
    mysql = MySQL(params)
    cache = None
    try:
        cache = connect_cache(params)
        yield mysql, cache
    finally:
        mysql.close()
        if cache is not None:
            cache.close()


# --------------------------------------------------------------------------------------------------------------------
# The module


def validate_params(params: dict[str, Any]) -> list[str]:
    problems = []
    if params["ttl"] <= 0:
        problems.append(f"ttl must be above 0 seconds (got {params['ttl']})")
    if params["branches"] < 1:
        problems.append(f"branches must be at least 1 (got {params['branches']})")
    if params["devices_per_branch"] < 1:
        problems.append(f"devices_per_branch must be at least 1 (got {params['devices_per_branch']})")
    if params["rows"] < params["branches"]:
        problems.append(f"rows must be at least branches ({params['branches']}) (got {params['rows']})")
    if params["requests"] < 1:
        problems.append(f"requests must be at least 1 (got {params['requests']})")
    if params["zipf_exponent"] <= 0:
        problems.append(f"zipf_exponent must be above 0 (got {params['zipf_exponent']})")
    if not 0 <= params["update_ratio"] <= 1:
        problems.append(f"update_ratio must be between 0 and 1 (got {params['update_ratio']})")
    if params["required_speedup"] <= 0:
        problems.append(f"required_speedup must be above 0 (got {params['required_speedup']})")
    if params["replica_wait"] < 1 or params["connect_timeout"] < 1:
        problems.append("replica_wait and connect_timeout must be at least 1 second")
    return problems


def probe(params: dict[str, Any], check_mode: bool) -> dict[str, Any]:
    signature = seed_signature(params["rows"], params["branches"], params["devices_per_branch"], params["seed"])
    with opened(params) as (mysql, client):
        seeded = mysql.stored_signature(mysql.writer) != signature
        if check_mode:
            return {"changed": seeded, "seeded": seeded, "msg": "check mode: no request was run"}
        if seeded:
            mysql.seed(signature)
        mysql.wait_for_signature(signature)
        mysql.connect_reader()
        cleared = clear_keys(client, params["key_prefix"])
        cache = CacheAside(
            client, lambda branch: mysql.report(mysql.reader, branch), params["ttl"], params["key_prefix"]
        )
        plan = request_plan(
            params["branches"], params["requests"], params["zipf_exponent"], params["update_ratio"], params["seed"]
        )
        figures = run_paths(mysql.as_database(), cache, plan, params["seed"])
        result = figures_result(figures, cache, params["required_speedup"])
        result.update(
            {
                "changed": seeded,
                "seeded": seeded,
                "rows": params["rows"],
                "branches": params["branches"],
                "requests": params["requests"],
                "ttl": params["ttl"],
                "zipf_exponent": params["zipf_exponent"],
                "cleared_keys": cleared,
                "writer_report_ms": mysql.writer_report_ms(),
            }
        )
        clear_keys(client, params["key_prefix"])
    result["summary"] = summary_line(result)
    if params["return_latencies"]:
        result["latencies"] = {
            "direct": [round(value, 4) for value in figures.direct_ms],
            "cache": [round(value, 4) for value in figures.cache_ms],
        }
    return result


def run(module: AnsibleModule) -> None:
    for name, library in (("PyMySQL", pymysql), ("redis", redis)):
        if library is None:
            module.fail_json(msg=missing_required_lib(name))
    params = dict(module.params)
    problems = validate_params(params)
    if problems:
        module.fail_json(msg="; ".join(problems))
    try:
        result = probe(params, module.check_mode)
    except (pymysql.MySQLError, redis.RedisError, OSError, TimeoutError) as e:
        module.fail_json(msg=f"cache_probe: {type(e).__name__}: {e}")
    if not module.check_mode:
        problems = failures(result)
        result["passed"] = not problems
        if problems:
            module.fail_json(msg="; ".join(problems), **result)
    module.exit_json(**result)


def main() -> None:
    argument_spec = {
        "mysql_writer_host": {"type": "str", "required": True},
        "mysql_writer_port": {"type": "int", "default": 3306},
        "mysql_reader_host": {"type": "str"},
        "mysql_reader_port": {"type": "int"},
        "mysql_user": {"type": "str", "required": True},
        "mysql_password": {"type": "str", "required": True, "no_log": True},
        "database": {"type": "str", "default": "xyz_cache_probe"},
        "ca_file": {"type": "path"},
        "redis_host": {"type": "str", "required": True},
        "redis_port": {"type": "int", "default": 6379},
        "auth_token": {"type": "str", "no_log": True},
        "redis_user": {"type": "str"},
        "tls": {"type": "bool", "default": True},
        "key_prefix": {"type": "str", "default": "cache-probe", "no_log": False},
        "rows": {"type": "int", "default": 500000},
        "branches": {"type": "int", "default": 40},
        "devices_per_branch": {"type": "int", "default": 25},
        "requests": {"type": "int", "default": 2000},
        "zipf_exponent": {"type": "float", "default": 1.1},
        "ttl": {"type": "int", "default": 300},
        "update_ratio": {"type": "float", "default": 0.02},
        "required_speedup": {"type": "float", "default": 2.0},
        "seed": {"type": "int", "default": 7},
        "replica_wait": {"type": "int", "default": 120},
        "connect_timeout": {"type": "int", "default": 10},
        "return_latencies": {"type": "bool", "default": False},
    }
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run(module)


if __name__ == "__main__":
    main()
