"""The twin's data plane: real MariaDB, Redis and PostgreSQL servers behind the Aurora, ElastiCache and Redshift twins.

Every server listens on 127.0.0.1 only, keeps its data under the local dir (twin.processes.LOCAL_DIR) and is
started and stopped by pid through twin.processes; no system service is used. Servers:

    aurora-writer  MariaDB, binlog (MIXED, GTID), server-id 1        TWIN_MYSQL_WRITER_PORT   43306
    aurora-reader  MariaDB, replica of the writer, read_only          TWIN_MYSQL_READER_PORT   43307
    replica        MariaDB, read_only, replicates on start_replica()  TWIN_MYSQL_REPLICA_PORT  43308
    elasticache    Redis 7, TLS only, AUTH via the default ACL user   TWIN_REDIS_PORT          46379
    redshift       PostgreSQL 15, TLS, database dev                   TWIN_POSTGRES_PORT       45439

All of them present a certificate for 127.0.0.1/localhost signed by the twin's CA (TWIN_CA_FILE).
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from twin import processes
from twin.dataplane import mariadb, postgres, redis_server, tls
from twin.dataplane.config import (
    HOST,
    MYSQL_SERVERS,
    POSTGRES,
    REPLICA,
    SERVER_BINARIES,
    SERVERS,
    WRITER,
    DataPlaneError,
    binary,
    ca_file,
    check_ports_free,
    configured_port,
    port,
    record_ports,
    recorded_ports,
    server,
)

__all__ = [
    "MYSQL_SERVERS",
    "SERVERS",
    "DataPlaneError",
    "down",
    "endpoint",
    "ensure_mysql_user",
    "ensure_postgres_user",
    "env",
    "mysql_user_password_ok",
    "postgres_password_ok",
    "promote_replica",
    "replica_status",
    "set_mysql_require_tls",
    "set_postgres_require_ssl",
    "set_redis_auth",
    "start_replica",
    "status",
    "stop_replica",
    "up",
]


def up() -> dict[str, str]:
    """Start every server that is not running (idempotent); the variables to add to .local/env.sh."""
    to_start = [name for name in SERVERS if not processes.running(name)]
    _check_binaries(to_start)
    ports = _ports_for(to_start)
    tls.ensure()
    record_ports(ports)
    try:
        for name in to_start:
            _prepare(name, ports[name])
        for name in to_start:
            _start(name, ports[name])
        for name in SERVERS:
            _wait(name)
        mariadb.bootstrap_writer()
        mariadb.bootstrap_reader()
        postgres.bootstrap()
    except BaseException:
        for name in to_start:
            _stop(name)
        raise
    return env()


def down() -> list[str]:
    """Stop every server of the data plane by its recorded pid; the names of those that were running."""
    return [name for name in reversed(list(SERVERS)) if _stop(name)]


def env() -> dict[str, str]:
    return {
        "TWIN_DATAPLANE_HOST": HOST,
        **{SERVERS[name].port_env: str(port(name)) for name in SERVERS},
        "TWIN_CA_FILE": str(ca_file()),
    }


def status() -> dict[str, int | None]:
    """The pid of each server, None when it is not running."""
    return {name: processes.running(name) for name in SERVERS}


def endpoint(name: str) -> tuple[str, int]:
    server(name)
    return HOST, port(name)


def ensure_mysql_user(name: str, user: str, password: str) -> None:
    """Create the user or change its password, with Aurora's master-user grants (no SUPER, no READ_ONLY ADMIN).

    Done on the writer, the account reaches the reader (and a replica) by replication.
    """
    mariadb.ensure_user(name, user, password)


def mysql_user_password_ok(name: str, user: str, password: str) -> bool:
    return mariadb.password_ok(name, user, password)


def start_replica(source: str = WRITER, target: str = REPLICA) -> dict[str, Any]:
    """Binlog/GTID replication of target from source over TLS, from the source's first transaction; idempotent."""
    return mariadb.start_replica(source, target)


def stop_replica(target: str = REPLICA) -> dict[str, Any]:
    return mariadb.stop_replica(target)


def promote_replica(target: str = REPLICA) -> dict[str, Any]:
    """Stop replication for good and make target writable (PromoteReadReplicaDBCluster)."""
    return mariadb.promote(target)


def replica_status(target: str = REPLICA) -> dict[str, Any]:
    """configured, io_running, sql_running, seconds_behind_master, source_port, errors, read_only."""
    return mariadb.replica_status(target)


def set_mysql_require_tls(name: str, required: bool) -> None:
    """require_secure_transport on one server (Aurora's cluster parameter of that name)."""
    mariadb.set_require_tls(name, required)


def set_redis_auth(tokens: list[str]) -> None:
    """Each token is a valid password of the default user (two during ROTATE); an empty list means no AUTH."""
    redis_server.set_auth(tokens)


def ensure_postgres_user(user: str, password: str, database: str = postgres.DEFAULT_DATABASE) -> None:
    """A login role with this password that owns the database (created when missing)."""
    postgres.ensure_user(user, password, database)


def postgres_password_ok(user: str, password: str, database: str = postgres.DEFAULT_DATABASE) -> bool:
    return postgres.password_ok(user, password, database)


def set_postgres_require_ssl(required: bool) -> None:
    """Redshift's require_ssl parameter: when on, TCP connections without TLS are refused."""
    postgres.set_require_ssl(required)


def _check_binaries(names: list[str]) -> None:
    needed = {"openssl"} | {item for name in names for item in SERVER_BINARIES[SERVERS[name].kind]}
    for item in sorted(needed):
        binary(item)


def _ports_for(to_start: list[str]) -> dict[str, int]:
    ports = {name: number for name, number in recorded_ports().items() if name in SERVERS}
    for name in to_start:
        ports[name] = configured_port(name)
    for name in SERVERS:
        ports.setdefault(name, configured_port(name))
    clashes = {number for number in ports.values() if list(ports.values()).count(number) > 1}
    if clashes:
        names = ", ".join(f"{name}={number}" for name, number in ports.items() if number in clashes)
        raise DataPlaneError(f"two data plane servers are given the same port ({names}): set distinct ports")
    check_ports_free({name: ports[name] for name in to_start})
    return ports


def _prepare(name: str, server_port: int) -> None:
    kind = SERVERS[name].kind
    if kind == "mysql":
        mariadb.prepare(name, server_port)
    elif kind == "redis":
        redis_server.prepare(server_port)
    else:
        postgres.prepare()


def _start(name: str, server_port: int) -> None:
    kind = SERVERS[name].kind
    if kind == "mysql":
        mariadb.start(name)
    elif kind == "redis":
        redis_server.start()
    else:
        postgres.start(server_port)


def _wait(name: str) -> None:
    kind = SERVERS[name].kind
    if kind == "mysql":
        mariadb.wait(name)
    elif kind == "redis":
        redis_server.wait()
    else:
        postgres.wait()


def _stop(name: str) -> bool:
    if name == POSTGRES:
        return postgres.stop()
    with suppress(OSError):
        return processes.stop(name)
    return False
