"""Names, ports, paths and binaries of the data plane's servers; the checks made before anything starts."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from twin import processes

HOST = "127.0.0.1"
INSTALL_HINT = "scripts/install-dataplane-packages as root (or `make local-up` as root)"
SOCKET_PATH_MAX = 107


class DataPlaneError(RuntimeError):
    """A data plane server cannot be started or reached; the message says what to do."""


@dataclass(frozen=True)
class Server:
    name: str
    kind: str  # "mysql", "redis" or "postgres"
    port_env: str
    default_port: int


WRITER = "aurora-writer"
READER = "aurora-reader"
REPLICA = "replica"
REDIS = "elasticache"
POSTGRES = "redshift"

SERVERS: dict[str, Server] = {
    WRITER: Server(WRITER, "mysql", "TWIN_MYSQL_WRITER_PORT", 43306),
    READER: Server(READER, "mysql", "TWIN_MYSQL_READER_PORT", 43307),
    REPLICA: Server(REPLICA, "mysql", "TWIN_MYSQL_REPLICA_PORT", 43308),
    REDIS: Server(REDIS, "redis", "TWIN_REDIS_PORT", 46379),
    POSTGRES: Server(POSTGRES, "postgres", "TWIN_POSTGRES_PORT", 45439),
}
MYSQL_SERVERS = (WRITER, READER, REPLICA)


@dataclass(frozen=True)
class Binary:
    name: str
    candidates: tuple[str, ...]
    package: str


BINARIES: dict[str, Binary] = {
    "mariadbd": Binary("mariadbd", ("/usr/sbin/mariadbd",), "mariadb-server"),
    "mariadb-install-db": Binary("mariadb-install-db", ("/usr/bin/mariadb-install-db",), "mariadb-server"),
    "redis-server": Binary("redis-server", ("/usr/bin/redis-server",), "redis-server"),
    "postgres": Binary("postgres", ("/usr/lib/postgresql/15/bin/postgres",), "postgresql"),
    "initdb": Binary("initdb", ("/usr/lib/postgresql/15/bin/initdb",), "postgresql"),
    "openssl": Binary("openssl", ("/usr/bin/openssl",), "openssl"),
}
SERVER_BINARIES = {
    "mysql": ("mariadbd", "mariadb-install-db"),
    "redis": ("redis-server",),
    "postgres": ("postgres", "initdb"),
}


def server(name: str) -> Server:
    try:
        return SERVERS[name]
    except KeyError:
        raise DataPlaneError(f"unknown data plane server {name!r}; known: {', '.join(SERVERS)}") from None


def mysql_server(name: str) -> Server:
    found = server(name)
    if found.kind != "mysql":
        raise DataPlaneError(f"{name} is not a MariaDB server; MariaDB servers: {', '.join(MYSQL_SERVERS)}")
    return found


def binary(name: str) -> str:
    """The path of a server binary, or a DataPlaneError naming the package to install."""
    spec = BINARIES[name]
    for candidate in spec.candidates:
        if os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(name)
    if found:
        return found
    raise DataPlaneError(
        f"{name} is not installed (looked in {', '.join(spec.candidates)} and PATH): "
        f"run `apt-get install -y {spec.package}` as root, or {INSTALL_HINT}"
    )


def root_dir() -> Path:
    """The data plane's state: under the local dir of twin.processes (TWIN_LOCAL_DIR, default <repo>/.local)."""
    return Path(processes.LOCAL_DIR) / "dataplane"


def server_dir(name: str) -> Path:
    return root_dir() / name


def tls_dir() -> Path:
    return root_dir() / "tls"


def ca_file() -> Path:
    return tls_dir() / "ca.pem"


def _ports_file() -> Path:
    return root_dir() / "ports.json"


def recorded_ports() -> dict[str, int]:
    try:
        return {name: int(port) for name, port in json.loads(_ports_file().read_text()).items()}
    except (FileNotFoundError, ValueError):
        return {}


def record_ports(ports: dict[str, int]) -> None:
    root_dir().mkdir(parents=True, exist_ok=True)
    _ports_file().write_text(json.dumps(ports, indent=2, sort_keys=True) + "\n")


def configured_port(name: str) -> int:
    """The port asked for by the environment (or the default), for a server about to start."""
    spec = server(name)
    value = os.environ.get(spec.port_env, "")
    if not value:
        return spec.default_port
    try:
        port = int(value)
    except ValueError:
        raise DataPlaneError(f"{spec.port_env}={value!r} is not a port number") from None
    if not 1024 <= port <= 65535:
        raise DataPlaneError(f"{spec.port_env}={port} is out of range (1024-65535)")
    return port


def port(name: str) -> int:
    """The port of a server: the one it was started on, else the configured one."""
    return recorded_ports().get(name) or configured_port(name)


def port_is_free(number: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, number))
        except OSError:
            return False
    return True


# The default ports lie in Linux's ephemeral range (32768-60999): a client connection of another program may hold
# one for a moment. A port is taken only when it stays bound this long.
PORT_RECHECKS = 6
PORT_RECHECK_SECONDS = 0.5


def check_ports_free(ports: dict[str, int]) -> None:
    """Fail, naming every taken port and the variable that moves it, before anything starts."""
    taken = [name for name, number in ports.items() if not port_is_free(number)]
    for _ in range(PORT_RECHECKS):
        if not taken:
            break
        time.sleep(PORT_RECHECK_SECONDS)
        taken = [name for name in taken if not port_is_free(ports[name])]
    if taken:
        details = "; ".join(
            f"port {ports[name]} for {name} is taken on {HOST} by another process: "
            f"stop that process or set {server(name).port_env} to a free port"
            for name in taken
        )
        raise DataPlaneError(details)


def check_socket_path(path: Path) -> None:
    if len(str(path)) > SOCKET_PATH_MAX:
        raise DataPlaneError(
            f"unix socket path {path} is longer than {SOCKET_PATH_MAX} characters: "
            "set TWIN_LOCAL_DIR to a shorter directory"
        )


def admin_os_user() -> str:
    """The OS user the admin connections come from: they authenticate by peer credentials on unix sockets."""
    return pwd.getpwuid(os.geteuid()).pw_name


def is_root() -> bool:
    return os.geteuid() == 0
