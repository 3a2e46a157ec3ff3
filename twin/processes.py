"""Processes the local environment starts: each one's pid in .local/run/<name>.pid, stopped by pid only."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCAL_DIR = Path(os.environ.get("TWIN_LOCAL_DIR", REPO_ROOT / ".local"))
RUN_DIR = LOCAL_DIR / "run"
LOG_DIR = LOCAL_DIR / "log"


def pid_file(name: str) -> Path:
    return RUN_DIR / f"{name}.pid"


def read_pid(name: str) -> int | None:
    try:
        return int(pid_file(name).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def is_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped) counts as gone.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def running(name: str) -> int | None:
    pid = read_pid(name)
    return pid if is_alive(pid) else None


def start(name: str, argv: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start a detached process with its output in .local/log/<name>.log and its pid recorded."""
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = (LOG_DIR / f"{name}.log").open("ab")
    process = subprocess.Popen(
        argv,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
        close_fds=True,
    )
    pid_file(name).write_text(f"{process.pid}\n")
    return process


def log_tail(name: str, lines: int = 15) -> str:
    try:
        return "\n".join((LOG_DIR / f"{name}.log").read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def stop(name: str, timeout: float = 15.0) -> bool:
    """Stop the recorded process and its process group; True when something was stopped."""
    pid = read_pid(name)
    stopped = False
    if is_alive(pid):
        assert pid is not None
        _signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while is_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if is_alive(pid):
            _signal_group(pid, signal.SIGKILL)
        stopped = True
    pid_file(name).unlink(missing_ok=True)
    return stopped


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def recorded() -> list[str]:
    if not RUN_DIR.is_dir():
        return []
    return sorted(path.stem for path in RUN_DIR.glob("*.pid"))
