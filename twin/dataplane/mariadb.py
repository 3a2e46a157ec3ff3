"""The MariaDB servers of the Aurora twin: a binlogging writer, its read-only reader, and a cross-region replica.

Admin work goes over each server's unix socket as the OS user running the twin (MariaDB's unix_socket
authentication of root@localhost); the accounts handed to callers are '%' accounts over TCP and TLS.
"""

from __future__ import annotations

import subprocess
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pymysql
import pymysql.cursors

from twin import processes
from twin.dataplane import launch, state, tls
from twin.dataplane.config import (
    HOST,
    READER,
    REPLICA,
    WRITER,
    DataPlaneError,
    admin_os_user,
    binary,
    check_socket_path,
    is_root,
    mysql_server,
    port,
    server_dir,
)

SERVER_IDS = {WRITER: 1, READER: 2, REPLICA: 3}
READ_ONLY = {READER, REPLICA}
REPLICATION_USER = "twin_repl"
# Aurora's master user has no SUPER; in MariaDB 10.11 these two are what bypass read_only.
MASTER_USER_WITHHELD = "SUPER, READ_ONLY ADMIN"
ER_ACCESS_DENIED = 1045
REPLICA_START_TIMEOUT = 15.0


def socket_path(name: str) -> Path:
    return server_dir(name) / "mysqld.sock"


def data_dir(name: str) -> Path:
    return server_dir(name) / "data"


def config_file(name: str) -> Path:
    return server_dir(name) / "my.cnf"


def _config(name: str, server_port: int) -> str:
    certificates = tls.paths()
    directory = server_dir(name)
    lines = [
        "[mariadbd]",
        f"datadir = {data_dir(name)}",
        f"socket = {socket_path(name)}",
        f"port = {server_port}",
        f"bind-address = {HOST}",
        f"pid-file = {directory / 'mysqld.pid'}",
        f"secure-file-priv = {directory / 'files'}",
        f"tmpdir = {directory / 'tmp'}",
        "skip-name-resolve",
        "performance_schema = OFF",
        "innodb_buffer_pool_size = 32M",
        "innodb_log_file_size = 8M",
        "max_connections = 100",
        "character-set-server = utf8mb4",
        "collation-server = utf8mb4_general_ci",
        f"server-id = {SERVER_IDS[name]}",
        "gtid_strict_mode = ON",
        "relay-log = relay-bin",
        f"ssl-ca = {certificates.ca}",
        f"ssl-cert = {certificates.cert}",
        f"ssl-key = {certificates.key}",
    ]
    if is_root():
        lines.append("user = root")
    if name == WRITER:
        lines += ["log-bin = binlog", "binlog_format = MIXED", "expire_logs_days = 0"]
    if name in READ_ONLY and name not in state.get("mysql_promoted", []):
        lines.append("read_only = ON")
    return "\n".join(lines) + "\n"


def prepare(name: str, server_port: int) -> None:
    """Write the server's config and initialise its data dir once (mariadb-install-db)."""
    directory = server_dir(name)
    for sub in ("files", "tmp"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    check_socket_path(socket_path(name))
    config_file(name).write_text(_config(name, server_port))
    if (data_dir(name) / "mysql").is_dir():
        return
    arguments = [
        binary("mariadb-install-db"),
        "--no-defaults",
        f"--datadir={data_dir(name)}",
        "--auth-root-authentication-method=socket",
        "--skip-test-db",
        "--innodb-log-file-size=8M",
        "--innodb-buffer-pool-size=32M",
    ]
    arguments.append("--user=root" if is_root() else f"--auth-root-socket-user={admin_os_user()}")
    _run_install(name, arguments)


def _run_install(name: str, arguments: list[str]) -> None:
    result = subprocess.run(arguments, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()[-15:]
        raise DataPlaneError(f"mariadb-install-db for {name} failed:\n" + "\n".join(output))


def start(name: str) -> None:
    launch.start(name, [binary("mariadbd"), f"--defaults-file={config_file(name)}"])


def wait(name: str) -> None:
    launch.wait_ready(name, lambda: _answers(name))


def _answers(name: str) -> bool:
    try:
        with closing(admin(name)) as connection:
            connection.ping()
        return True
    except pymysql.MySQLError:
        return False


def admin(name: str) -> pymysql.connections.Connection:
    """A connection of the twin itself, over the server's unix socket."""
    return pymysql.connect(
        unix_socket=str(socket_path(name)),
        user=admin_os_user(),
        autocommit=True,
        connect_timeout=5,
        cursorclass=pymysql.cursors.DictCursor,
    )


def _execute(name: str, statements: list[tuple[str, tuple[Any, ...]]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with closing(admin(name)) as connection, connection.cursor() as cursor:
        for statement, arguments in statements:
            cursor.execute(statement, arguments or None)
            rows = list(cursor.fetchall())
    return rows


def bootstrap_writer() -> None:
    """The replication account, kept out of the binlog so replicas never hold it."""
    password = state.secret("mysql_replication_password")
    _execute(
        WRITER,
        [
            ("SET SESSION sql_log_bin = 0", ()),
            ("CREATE USER IF NOT EXISTS %s@'127.0.0.1' IDENTIFIED BY %s", (REPLICATION_USER, password)),
            ("ALTER USER %s@'127.0.0.1' IDENTIFIED BY %s REQUIRE SSL", (REPLICATION_USER, password)),
            ("GRANT REPLICATION SLAVE ON *.* TO %s@'127.0.0.1'", (REPLICATION_USER,)),
        ],
    )


def bootstrap_reader() -> None:
    """The Aurora reader replicates from the writer from the start."""
    start_replica(WRITER, READER)


def ensure_user(name: str, user: str, password: str) -> None:
    """Create the account or change its password: all privileges with grant option, except those past read_only."""
    mysql_server(name)
    _execute(
        name,
        [
            ("CREATE USER IF NOT EXISTS %s@'%%' IDENTIFIED BY %s", (user, password)),
            ("ALTER USER %s@'%%' IDENTIFIED BY %s", (user, password)),
            ("GRANT ALL PRIVILEGES ON *.* TO %s@'%%' WITH GRANT OPTION", (user,)),
            (f"REVOKE {MASTER_USER_WITHHELD} ON *.* FROM %s@'%%'", (user,)),
        ],
    )


def password_ok(name: str, user: str, password: str) -> bool:
    """Whether the account logs in over TCP and TLS with this password."""
    mysql_server(name)
    try:
        connection = pymysql.connect(
            host=HOST,
            port=port(name),
            user=user,
            password=password,
            ssl_ca=str(tls.paths().ca),
            ssl_verify_identity=True,
            connect_timeout=5,
        )
    except pymysql.err.OperationalError as error:
        if error.args and error.args[0] == ER_ACCESS_DENIED:
            return False
        raise
    connection.close()
    return True


def _binlog_enabled(name: str) -> bool:
    rows = _execute(name, [("SELECT @@GLOBAL.log_bin AS log_bin", ())])
    return bool(rows and rows[0]["log_bin"])


def start_replica(source: str, target: str) -> dict[str, Any]:
    """Binlog replication over TLS with GTIDs from the start of the source's binlog; idempotent."""
    mysql_server(source)
    mysql_server(target)
    if source == target:
        raise DataPlaneError(f"{target} cannot replicate from itself")
    if not _binlog_enabled(source):
        raise DataPlaneError(f"{source} has no binary log, so it cannot be a replication source")
    current = replica_status(target)
    source_port = port(source)
    if current["configured"] and current["source_port"] == source_port and current["io_running"]:
        return current
    password = state.secret("mysql_replication_password")
    _execute(
        target,
        [
            ("STOP SLAVE", ()),
            (
                "CHANGE MASTER TO MASTER_HOST = %s, MASTER_PORT = %s, MASTER_USER = %s, MASTER_PASSWORD = %s, "
                "MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1, MASTER_SSL = 1, MASTER_SSL_CA = %s, "
                "MASTER_SSL_VERIFY_SERVER_CERT = 1",
                (HOST, source_port, REPLICATION_USER, password, str(tls.paths().ca)),
            ),
            ("START SLAVE", ()),
        ],
    )
    return _wait_replicating(target)


def _wait_replicating(target: str) -> dict[str, Any]:
    deadline = time.monotonic() + REPLICA_START_TIMEOUT
    status = replica_status(target)
    while time.monotonic() < deadline:
        if status["io_running"] and status["sql_running"]:
            return status
        if status["last_io_error"] or status["last_sql_error"]:
            break
        time.sleep(0.1)
        status = replica_status(target)
    raise DataPlaneError(
        f"replication into {target} did not start: IO {status['io_state']!r} {status['last_io_error']!r}, "
        f"SQL {status['last_sql_error']!r}"
    )


def stop_replica(target: str) -> dict[str, Any]:
    mysql_server(target)
    _execute(target, [("STOP SLAVE", ())])
    return replica_status(target)


def promote(target: str) -> dict[str, Any]:
    """Stop replication for good and accept writes (PromoteReadReplicaDBCluster)."""
    mysql_server(target)
    _execute(target, [("STOP SLAVE", ()), ("RESET SLAVE ALL", ()), ("SET GLOBAL read_only = OFF", ())])
    promoted = set(state.get("mysql_promoted", [])) | {target}
    state.put("mysql_promoted", sorted(promoted))
    config_file(target).write_text(_config(target, port(target)))
    return replica_status(target)


def replica_status(target: str) -> dict[str, Any]:
    mysql_server(target)
    rows = _execute(target, [("SHOW SLAVE STATUS", ())])
    read_only = _execute(target, [("SELECT @@GLOBAL.read_only AS read_only", ())])[0]["read_only"]
    if not rows:
        return {
            "configured": False,
            "io_running": False,
            "sql_running": False,
            "io_state": "",
            "seconds_behind_master": None,
            "source_port": None,
            "gtid_io_pos": "",
            "last_io_error": "",
            "last_sql_error": "",
            "read_only": bool(read_only),
        }
    row = rows[0]
    return {
        "configured": True,
        "io_running": row["Slave_IO_Running"] == "Yes",
        "sql_running": row["Slave_SQL_Running"] == "Yes",
        "io_state": row["Slave_IO_State"],
        "seconds_behind_master": row["Seconds_Behind_Master"],
        "source_port": int(row["Master_Port"]),
        "gtid_io_pos": row.get("Gtid_IO_Pos", ""),
        "last_io_error": row["Last_IO_Error"],
        "last_sql_error": row["Last_SQL_Error"],
        "read_only": bool(read_only),
    }


def set_require_tls(name: str, required: bool) -> None:
    """Aurora's require_secure_transport parameter."""
    mysql_server(name)
    _execute(name, [(f"SET GLOBAL require_secure_transport = {'ON' if required else 'OFF'}", ())])


def running(name: str) -> bool:
    return processes.running(name) is not None and _answers(name)
