"""Start a server through twin.processes and wait until it answers, or fail with the end of its log."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from twin import processes
from twin.dataplane.config import DataPlaneError

START_TIMEOUT = 60.0


def start(name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
    processes.start(name, argv, env={**os.environ, **(env or {})})


def wait_ready(name: str, ready: Callable[[], bool], timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not processes.running(name):
            raise DataPlaneError(f"{name} exited at start; end of its log:\n{processes.log_tail(name)}")
        if ready():
            return
        time.sleep(0.1)
    tail = processes.log_tail(name)
    processes.stop(name)
    raise DataPlaneError(f"{name} did not answer within {timeout:.0f} s; end of its log:\n{tail}")
