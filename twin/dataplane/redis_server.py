"""The ElastiCache twin: Redis 7 over TLS only, with AUTH tokens as passwords of the default ACL user.

The twin's own admin account (an ACL user callers never see) talks to Redis over a unix socket.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from twin import processes
from twin.dataplane import launch, state, tls
from twin.dataplane.config import HOST, REDIS, binary, check_socket_path, server_dir

ADMIN_USER = "twin-admin"
TOKENS_KEY = "redis_auth_token_hashes"


def socket_path() -> Path:
    return server_dir(REDIS) / "redis.sock"


def config_file() -> Path:
    return server_dir(REDIS) / "redis.conf"


def _default_user_rule(token_hashes: list[str]) -> str:
    passwords = " ".join(f"#{digest}" for digest in token_hashes) if token_hashes else "nopass"
    return f"user default on {passwords} ~* &* +@all"


def _config(server_port: int) -> str:
    certificates = tls.paths()
    directory = server_dir(REDIS)
    admin_hash = _hash(state.secret("redis_admin_password"))
    lines = [
        f"bind {HOST}",
        "port 0",
        f"tls-port {server_port}",
        f"tls-cert-file {certificates.cert}",
        f"tls-key-file {certificates.key}",
        f"tls-ca-cert-file {certificates.ca}",
        "tls-auth-clients no",
        f"unixsocket {socket_path()}",
        "unixsocketperm 700",
        f"dir {directory / 'data'}",
        'save ""',
        "appendonly no",
        "daemonize no",
        'logfile ""',
        "maxmemory 128mb",
        _default_user_rule(list(state.get(TOKENS_KEY, []))),
        f"user {ADMIN_USER} on #{admin_hash} ~* &* +@all",
    ]
    return "\n".join(lines) + "\n"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def prepare(server_port: int) -> None:
    (server_dir(REDIS) / "data").mkdir(parents=True, exist_ok=True)
    check_socket_path(socket_path())
    config_file().write_text(_config(server_port))
    config_file().chmod(0o600)


def start() -> None:
    launch.start(REDIS, [binary("redis-server"), str(config_file())])


def wait() -> None:
    launch.wait_ready(REDIS, _answers)


def admin() -> redis.Redis:
    return redis.Redis(
        unix_socket_path=str(socket_path()),
        username=ADMIN_USER,
        password=state.secret("redis_admin_password"),
        socket_timeout=5,
        retry=Retry(NoBackoff(), 0),
    )


def _answers() -> bool:
    try:
        with admin() as client:
            return bool(client.ping())
    except (redis.RedisError, OSError):
        return False


def set_auth(tokens: list[str]) -> None:
    """The default user accepts each token as its password (two during ROTATE); no token means no AUTH."""
    rules = ["on", "resetpass"]
    rules += [f">{token}" for token in tokens] if tokens else ["nopass"]
    with admin() as client:
        client.execute_command("ACL", "SETUSER", "default", *rules, "~*", "&*", "+@all")
    state.put(TOKENS_KEY, [_hash(token) for token in tokens])


def running() -> bool:
    return processes.running(REDIS) is not None and _answers()
