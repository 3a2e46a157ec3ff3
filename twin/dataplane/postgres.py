"""The Redshift twin: PostgreSQL 15 on 127.0.0.1 with TLS, run as an unprivileged OS user (it refuses root).

The twin's superuser (twin_admin) is reached over the unix socket by peer authentication mapped from the OS
user running the twin; callers' roles log in over TCP with scram-sha-256.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import time
from contextlib import closing
from pathlib import Path

import psycopg
from psycopg import sql

from twin import processes
from twin.dataplane import launch, state, tls
from twin.dataplane.config import (
    HOST,
    INSTALL_HINT,
    POSTGRES,
    DataPlaneError,
    admin_os_user,
    binary,
    check_socket_path,
    is_root,
    port,
    server_dir,
)

SUPERUSER = "twin_admin"
DEFAULT_DATABASE = "dev"
OS_USER_ENV = "TWIN_POSTGRES_OS_USER"
DEFAULT_OS_USER = "postgres"
REQUIRE_SSL_KEY = "postgres_require_ssl"


def os_user() -> pwd.struct_passwd:
    """The OS account PostgreSQL runs as: ourselves, or (as root) an unprivileged system account."""
    if not is_root():
        return pwd.getpwuid(os.geteuid())
    name = os.environ.get(OS_USER_ENV, DEFAULT_OS_USER)
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise DataPlaneError(
            f"OS user {name!r} for PostgreSQL does not exist (the postgresql package creates 'postgres'): "
            f"run `apt-get install -y postgresql` as root, or {INSTALL_HINT}, or set {OS_USER_ENV}"
        ) from None


def data_dir() -> Path:
    return server_dir(POSTGRES) / "data"


def socket_dir() -> Path:
    return server_dir(POSTGRES) / "run"


def _as_server_user(argv: list[str]) -> list[str]:
    if not is_root():
        return argv
    account = os_user()
    return [
        shutil.which("setpriv") or "/usr/bin/setpriv",
        f"--reuid={account.pw_uid}",
        f"--regid={account.pw_gid}",
        "--init-groups",
        "--",
        *argv,
    ]


def _chown(path: Path, account: pwd.struct_passwd) -> None:
    if is_root():
        os.chown(path, account.pw_uid, account.pw_gid)


def _hba(require_ssl: bool) -> str:
    tcp = "hostssl" if require_ssl else "host"
    return (
        "# Written by the twin: the twin's superuser by peer over the socket, everyone else over TCP with scram.\n"
        "local all all peer map=twin\n"
        f"{tcp} all all 127.0.0.1/32 scram-sha-256\n"
    )


def _ident(account: pwd.struct_passwd) -> str:
    users = sorted({admin_os_user(), account.pw_name})
    return "".join(f"twin {user} {SUPERUSER}\n" for user in users)


def prepare() -> None:
    """initdb once (as the server's OS user), then the TLS files and access rules PostgreSQL reads."""
    account = os_user()
    directory = server_dir(POSTGRES)
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    socket_dir().mkdir(exist_ok=True)
    check_socket_path(socket_dir() / ".s.PGSQL.65535")
    for path in (directory, socket_dir()):
        _chown(path, account)
    _check_reachable(account)
    if not (data_dir() / "PG_VERSION").is_file():
        _initdb()
    _install_tls(account)
    write_access_rules(bool(state.get(REQUIRE_SSL_KEY, False)))


def _check_reachable(account: pwd.struct_passwd) -> None:
    if not is_root():
        return
    probe = subprocess.run(_as_server_user(["test", "-w", str(server_dir(POSTGRES))]), capture_output=True, check=False)
    if probe.returncode != 0:
        raise DataPlaneError(
            f"PostgreSQL runs as OS user {account.pw_name!r}, which cannot reach {server_dir(POSTGRES)}: "
            "every parent directory of the local dir needs o+x; set TWIN_LOCAL_DIR to such a directory"
        )


def _initdb() -> None:
    arguments = [
        binary("initdb"),
        f"--pgdata={data_dir()}",
        f"--username={SUPERUSER}",
        "--encoding=UTF8",
        "--locale=C",
        "--auth-local=peer",
        "--auth-host=scram-sha-256",
        "--no-sync",
    ]
    result = subprocess.run(
        _as_server_user(arguments), capture_output=True, text=True, check=False, env=_server_env(), cwd="/"
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()[-15:]
        raise DataPlaneError("initdb for redshift failed:\n" + "\n".join(output))


def _install_tls(account: pwd.struct_passwd) -> None:
    certificates = tls.paths()
    for source, target in ((certificates.cert, "server.crt"), (certificates.key, "server.key")):
        destination = data_dir() / target
        shutil.copyfile(source, destination)
        destination.chmod(0o600)
        _chown(destination, account)


def write_access_rules(require_ssl: bool) -> None:
    account = os_user()
    for name, text in (("pg_hba.conf", _hba(require_ssl)), ("pg_ident.conf", _ident(account))):
        path = data_dir() / name
        path.write_text(text)
        path.chmod(0o600)
        _chown(path, account)


def _server_env() -> dict[str, str]:
    return {"LC_ALL": "C", "LANG": "C", "PGTZ": "UTC"}


def start(server_port: int) -> None:
    settings = {
        "listen_addresses": HOST,
        "port": str(server_port),
        "unix_socket_directories": str(socket_dir()),
        "ssl": "on",
        "ssl_cert_file": "server.crt",
        "ssl_key_file": "server.key",
        "shared_buffers": "16MB",
        "max_connections": "50",
        "max_wal_senders": "0",
        "wal_level": "minimal",
        "logging_collector": "off",
        "timezone": "UTC",
    }
    options = [item for key, value in settings.items() for item in ("-c", f"{key}={value}")]
    argv = _as_server_user([binary("postgres"), "-D", str(data_dir()), *options])
    launch.start(POSTGRES, argv, env=_server_env())


def wait() -> None:
    launch.wait_ready(POSTGRES, _answers)


def admin(database: str = "postgres") -> psycopg.Connection:
    return psycopg.connect(
        host=str(socket_dir()),
        port=port(POSTGRES),
        user=SUPERUSER,
        dbname=database,
        autocommit=True,
        connect_timeout=5,
    )


def _answers() -> bool:
    try:
        with closing(admin()) as connection:
            connection.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def bootstrap() -> None:
    ensure_database(DEFAULT_DATABASE, SUPERUSER)


def ensure_database(database: str, owner: str) -> None:
    with closing(admin()) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        verb = "ALTER DATABASE {} OWNER TO {}" if exists else "CREATE DATABASE {} OWNER {}"
        statement = sql.SQL(verb)
        connection.execute(statement.format(sql.Identifier(database), sql.Identifier(owner)))


def ensure_user(user: str, password: str, database: str = DEFAULT_DATABASE) -> None:
    """A login role with this password (created or changed) that owns the database (created if missing)."""
    if user == SUPERUSER:
        raise DataPlaneError(f"{SUPERUSER} is the twin's own account")
    with closing(admin()) as connection:
        exists = connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (user,)).fetchone()
        verb = "ALTER" if exists else "CREATE"
        connection.execute(
            sql.SQL(verb + " ROLE {} WITH LOGIN CREATEDB CREATEROLE PASSWORD {}").format(
                sql.Identifier(user), sql.Literal(password)
            )
        )
    ensure_database(database, user)


def password_ok(user: str, password: str, database: str = DEFAULT_DATABASE) -> bool:
    """Whether the role logs in over TCP with TLS verified against the twin's CA."""
    try:
        connection = psycopg.connect(
            host=HOST,
            port=port(POSTGRES),
            user=user,
            password=password,
            dbname=database,
            sslmode="verify-full",
            sslrootcert=str(tls.paths().ca),
            connect_timeout=5,
        )
    except psycopg.OperationalError as error:
        if "password authentication failed" in str(error):
            return False
        raise
    connection.close()
    return True


def set_require_ssl(required: bool) -> None:
    """Redshift's require_ssl parameter: only TLS connections over TCP when on."""
    state.put(REQUIRE_SSL_KEY, required)
    write_access_rules(required)
    with closing(admin()) as connection:
        connection.execute("SELECT pg_reload_conf()")


def running() -> bool:
    return processes.running(POSTGRES) is not None and _answers()


def stop() -> bool:
    """Fast shutdown (SIGINT: clients are disconnected), then twin.processes' stop by pid."""
    pid = processes.running(POSTGRES)
    if pid:
        os.kill(pid, signal.SIGINT)
        deadline = time.monotonic() + 10
        while processes.running(POSTGRES) and time.monotonic() < deadline:
            time.sleep(0.1)
    return processes.stop(POSTGRES) or bool(pid)
