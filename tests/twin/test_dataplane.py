"""The twin's data plane: real MariaDB, Redis and PostgreSQL servers on 127.0.0.1, reached the way applications
reach Aurora, ElastiCache and Redshift: over TLS verified against the twin's CA, as the users the API creates.

The servers start once per session in a temporary local dir on free ports, and stop at the end.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pymysql
import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from twin import dataplane, processes
from twin.dataplane import config

READ_ONLY_ERROR = 1290  # ER_OPTION_PREVENTS_STATEMENT: "... is running with the --read-only option"
REPLICATION_WAIT = 5.0


def _free_ports(count: int) -> list[int]:
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def _use_local_dir(monkeypatch: pytest.MonkeyPatch, local: Path, ports: list[int]) -> None:
    monkeypatch.setattr(processes, "LOCAL_DIR", local)
    monkeypatch.setattr(processes, "RUN_DIR", local / "run")
    monkeypatch.setattr(processes, "LOG_DIR", local / "log")
    monkeypatch.setenv("TWIN_LOCAL_DIR", str(local))
    for name, number in zip(config.SERVERS, ports, strict=True):
        monkeypatch.setenv(config.SERVERS[name].port_env, str(number))


def _new_local_dir() -> Path:
    # Not under pytest's tmp_path: that is 0700 and PostgreSQL runs as an unprivileged OS user.
    local = Path(tempfile.mkdtemp(prefix="twin-dp-", dir="/tmp"))
    local.chmod(0o755)
    return local


@pytest.fixture(scope="session")
def plane() -> Iterator[dict[str, str]]:
    """The data plane, up for the whole session; the variables up() returned."""
    local = _new_local_dir()
    with pytest.MonkeyPatch.context() as monkeypatch:
        _use_local_dir(monkeypatch, local, _free_ports(len(config.SERVERS)))
        try:
            yield dataplane.up()
        finally:
            dataplane.down()
    shutil.rmtree(local, ignore_errors=True)


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A second, empty local dir with its own free ports (for start and stop tests)."""
    local = _new_local_dir()
    _use_local_dir(monkeypatch, local, _free_ports(len(config.SERVERS)))
    try:
        yield local
    finally:
        dataplane.down()
        shutil.rmtree(local, ignore_errors=True)


def _mysql(plane: dict[str, str], server: str, user: str, password: str, **options: Any) -> Any:
    host, port = dataplane.endpoint(server)
    return pymysql.connect(
        host=host,
        port=port,
        user=user,
        password=password,
        ssl_ca=plane["TWIN_CA_FILE"],
        ssl_verify_identity=True,
        autocommit=True,
        connect_timeout=5,
        **options,
    )


def _eventually(probe: Callable[[], Any], timeout: float = REPLICATION_WAIT) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


def _rows(plane: dict[str, str], server: str, user: str, password: str, query: str) -> list[tuple[Any, ...]]:
    with closing(_mysql(plane, server, user, password)) as connection, connection.cursor() as cursor:
        try:
            cursor.execute(query)
        except pymysql.err.ProgrammingError:  # the table has not replicated yet
            return []
        return list(cursor.fetchall())


@pytest.fixture
def master_user(plane: dict[str, str]) -> tuple[str, str]:
    user, password = f"admin_{uuid.uuid4().hex[:8]}", "Master-pass-1"
    dataplane.ensure_mysql_user("aurora-writer", user, password)
    return user, password


def _write_row(plane: dict[str, str], user: str, password: str, table: str, value: str) -> None:
    with closing(_mysql(plane, "aurora-writer", user, password)) as connection, connection.cursor() as cursor:
        cursor.execute("SHOW STATUS LIKE 'Ssl_version'")
        assert cursor.fetchone()[1].startswith("TLSv1.")
        cursor.execute("CREATE DATABASE IF NOT EXISTS app")
        cursor.execute(f"CREATE TABLE IF NOT EXISTS app.{table} (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40))")
        cursor.execute(f"INSERT INTO app.{table} (v) VALUES (%s)", (value,))


@pytest.mark.dataplane
def test_up_returns_the_ports_and_the_ca(plane: dict[str, str]) -> None:
    for name, spec in config.SERVERS.items():
        assert plane[spec.port_env] == str(dataplane.endpoint(name)[1])
    assert Path(plane["TWIN_CA_FILE"]).read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert all(dataplane.status().values())


@pytest.mark.dataplane
def test_row_written_on_writer_by_master_user_is_read_on_reader(
    plane: dict[str, str], master_user: tuple[str, str]
) -> None:
    user, password = master_user
    _write_row(plane, user, password, "orders", "from-writer")
    rows = _eventually(lambda: _rows(plane, "aurora-reader", user, password, "SELECT v FROM app.orders"))
    assert ("from-writer",) in rows


@pytest.mark.dataplane
def test_reader_refuses_master_user_insert(plane: dict[str, str], master_user: tuple[str, str]) -> None:
    user, password = master_user
    _write_row(plane, user, password, "reader_refusal", "x")
    assert _eventually(lambda: _rows(plane, "aurora-reader", user, password, "SELECT v FROM app.reader_refusal"))
    with closing(_mysql(plane, "aurora-reader", user, password)) as connection, connection.cursor() as cursor:
        with pytest.raises(pymysql.err.OperationalError) as refused:
            cursor.execute("INSERT INTO app.reader_refusal (v) VALUES ('on-reader')")
        assert refused.value.args[0] == READ_ONLY_ERROR
        cursor.execute("SHOW GRANTS")
        grants = cursor.fetchone()[0]
    assert "ALL PRIVILEGES" not in grants
    assert "SUPER" not in grants
    assert "READ_ONLY ADMIN" not in grants
    assert "WITH GRANT OPTION" in grants


@pytest.mark.dataplane
def test_replica_follows_the_writer_after_start_replica_and_refuses_writes(
    plane: dict[str, str], master_user: tuple[str, str]
) -> None:
    user, password = master_user
    status = dataplane.start_replica("aurora-writer", "replica")
    assert status["io_running"]
    assert status["sql_running"]
    assert dataplane.start_replica("aurora-writer", "replica")["source_port"] == dataplane.endpoint("aurora-writer")[1]

    _write_row(plane, user, password, "cross_region", "to-replica")
    rows = _eventually(lambda: _rows(plane, "replica", user, password, "SELECT v FROM app.cross_region"))
    assert ("to-replica",) in rows
    assert dataplane.replica_status("replica")["seconds_behind_master"] == 0
    with closing(_mysql(plane, "replica", user, password)) as connection, connection.cursor() as cursor:
        with pytest.raises(pymysql.err.OperationalError) as refused:
            cursor.execute("INSERT INTO app.cross_region (v) VALUES ('on-replica')")
        assert refused.value.args[0] == READ_ONLY_ERROR


@pytest.mark.dataplane
def test_stop_replica_stops_the_replication_threads(plane: dict[str, str]) -> None:
    dataplane.start_replica("aurora-writer", "replica")
    stopped = dataplane.stop_replica("replica")
    assert not stopped["io_running"]
    assert not stopped["sql_running"]
    assert stopped["seconds_behind_master"] is None
    assert dataplane.start_replica("aurora-writer", "replica")["io_running"]


@pytest.mark.dataplane
def test_changed_password_logs_in_and_the_old_one_is_refused(
    plane: dict[str, str], master_user: tuple[str, str]
) -> None:
    user, old = master_user
    new = "Rotated-pass-2"
    dataplane.ensure_mysql_user("aurora-writer", user, new)
    assert dataplane.mysql_user_password_ok("aurora-writer", user, new)
    assert not dataplane.mysql_user_password_ok("aurora-writer", user, old)
    with pytest.raises(pymysql.err.OperationalError) as refused:
        _mysql(plane, "aurora-writer", user, old)
    assert refused.value.args[0] == 1045
    assert _eventually(lambda: dataplane.mysql_user_password_ok("aurora-reader", user, new))


def _redis(plane: dict[str, str], password: str | None = None) -> redis.Redis:
    host, port = dataplane.endpoint("elasticache")
    return redis.Redis(
        host=host,
        port=port,
        password=password,
        ssl=True,
        ssl_ca_certs=plane["TWIN_CA_FILE"],
        socket_timeout=5,
        retry=Retry(NoBackoff(), 0),  # redis-py retries failed AUTH with backoff by default
    )


def _redis_accepts(plane: dict[str, str], password: str | None) -> bool:
    try:
        with _redis(plane, password) as client:
            return bool(client.ping())
    except redis.AuthenticationError:
        return False
    except redis.ResponseError as error:  # NOAUTH without a password
        if "NOAUTH" in str(error):
            return False
        raise


@pytest.mark.dataplane
def test_redis_refuses_a_client_without_the_token_and_serves_one_with_it(plane: dict[str, str]) -> None:
    token = "auth-token-0123456789abcdef"
    dataplane.set_redis_auth([token])
    assert not _redis_accepts(plane, None)
    assert not _redis_accepts(plane, "wrong-token-0123456789")
    with _redis(plane, token) as client:
        assert client.set("greeting", "hello")
        assert client.get("greeting") == b"hello"
    # TLS only: a plain TCP client on the same port gets no Redis answer.
    host, port = dataplane.endpoint("elasticache")
    with (
        redis.Redis(host=host, port=port, password=token, socket_timeout=2, retry=Retry(NoBackoff(), 0)) as plain,
        pytest.raises(redis.RedisError),
    ):
        plain.ping()


@pytest.mark.dataplane
def test_redis_rotate_keeps_both_tokens_then_set_keeps_only_the_new(plane: dict[str, str]) -> None:
    old, new = "old-token-0123456789abcdef", "new-token-0123456789abcdef"
    dataplane.set_redis_auth([old])
    dataplane.set_redis_auth([old, new])  # ROTATE
    assert _redis_accepts(plane, old)
    assert _redis_accepts(plane, new)
    dataplane.set_redis_auth([new])  # SET
    assert not _redis_accepts(plane, old)
    assert _redis_accepts(plane, new)
    dataplane.set_redis_auth([])
    assert _redis_accepts(plane, None)


def _postgres(plane: dict[str, str], user: str, password: str, sslmode: str = "verify-full") -> psycopg.Connection:
    host, port = dataplane.endpoint("redshift")
    return psycopg.connect(
        host=host,
        port=port,
        user=user,
        password=password,
        dbname="dev",
        sslmode=sslmode,
        sslrootcert=plane["TWIN_CA_FILE"],
        connect_timeout=5,
    )


@pytest.mark.dataplane
def test_postgres_accepts_the_user_into_dev_over_verified_tls(plane: dict[str, str]) -> None:
    dataplane.ensure_postgres_user("awsuser", "Redshift-pass-1")
    with closing(_postgres(plane, "awsuser", "Redshift-pass-1", sslmode="verify-ca")) as connection:
        assert connection.info.pgconn.ssl_in_use
        row = connection.execute(
            "SELECT current_user, current_database(), pg_get_userbyid(datdba) FROM pg_database "
            "WHERE datname = current_database()"
        ).fetchone()
        assert row == ("awsuser", "dev", "awsuser")
        connection.execute("CREATE TABLE IF NOT EXISTS sales (id int)")
    dataplane.ensure_postgres_user("awsuser", "Redshift-pass-2")
    assert dataplane.postgres_password_ok("awsuser", "Redshift-pass-2")
    assert not dataplane.postgres_password_ok("awsuser", "Redshift-pass-1")


@pytest.mark.dataplane
def test_postgres_require_ssl_refuses_plain_connections(plane: dict[str, str]) -> None:
    dataplane.ensure_postgres_user("tlsuser", "Redshift-pass-3")
    dataplane.set_postgres_require_ssl(True)
    try:
        with pytest.raises(psycopg.OperationalError, match="no encryption"):
            _postgres(plane, "tlsuser", "Redshift-pass-3", sslmode="disable")
        with closing(_postgres(plane, "tlsuser", "Redshift-pass-3")) as connection:
            assert connection.info.pgconn.ssl_in_use
    finally:
        dataplane.set_postgres_require_ssl(False)
    with closing(_postgres(plane, "tlsuser", "Redshift-pass-3", sslmode="disable")) as connection:
        assert not connection.info.pgconn.ssl_in_use


@pytest.mark.dataplane
def test_a_taken_port_fails_with_a_message_naming_it_and_nothing_starts(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        monkeypatch.setenv("TWIN_MYSQL_WRITER_PORT", str(taken))
        with pytest.raises(dataplane.DataPlaneError) as failure:
            dataplane.up()
    message = str(failure.value)
    assert f"port {taken} for aurora-writer is taken" in message
    assert "TWIN_MYSQL_WRITER_PORT" in message
    assert not any(dataplane.status().values())


def test_a_port_held_for_a_moment_by_another_program_counts_as_free(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default ports lie in Linux's ephemeral range: a port bound for a moment (a client connection of another
    program) is not taken; one still bound after the rechecks is."""
    import threading

    monkeypatch.setattr(config, "PORT_RECHECK_SECONDS", 0.1)
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", 0))
    squatter.listen()
    held = squatter.getsockname()[1]
    threading.Timer(0.25, squatter.close).start()
    config.check_ports_free({"aurora-writer": held})  # released during the rechecks: no error
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        with pytest.raises(dataplane.DataPlaneError, match=rf"port {taken} for aurora-writer is taken"):
            config.check_ports_free({"aurora-writer": taken})


def test_a_missing_binary_names_the_package_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    missing = config.Binary("mariadbd", ("/nonexistent/mariadbd",), "mariadb-server")
    monkeypatch.setitem(config.BINARIES, "mariadbd", missing)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(dataplane.DataPlaneError, match=r"apt-get install -y mariadb-server"):
        config.binary("mariadbd")


@pytest.mark.dataplane
def test_up_is_idempotent_and_down_leaves_no_process_running(isolated: Path) -> None:
    started = time.monotonic()
    first = dataplane.up()
    elapsed = time.monotonic() - started
    pids = dataplane.status()
    assert all(pids.values()), pids
    assert elapsed < 60
    assert dataplane.up() == first
    assert dataplane.status() == pids

    assert sorted(dataplane.down()) == sorted(config.SERVERS)
    for name, pid in pids.items():
        assert pid is not None
        assert not processes.is_alive(pid), f"{name} (pid {pid}) still runs"
    assert not any(dataplane.status().values())
    assert not processes.recorded()
