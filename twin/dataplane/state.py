"""The data plane's own secrets and settings (replication and admin passwords, Redis AUTH), in a 0600 file."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from twin.dataplane.config import root_dir


def _state_file() -> Path:
    return root_dir() / "state.json"


def load() -> dict[str, Any]:
    try:
        return json.loads(_state_file().read_text())
    except (FileNotFoundError, ValueError):
        return {}


def save(state: dict[str, Any]) -> None:
    path = _state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(state, handle, indent=2, sort_keys=True)
    temporary.replace(path)


def secret(key: str) -> str:
    """A random password generated once and kept in the state file."""
    state = load()
    if key not in state:
        state[key] = secrets.token_urlsafe(24)
        save(state)
    return str(state[key])


def get(key: str, default: Any = None) -> Any:
    return load().get(key, default)


def put(key: str, value: Any) -> None:
    state = load()
    state[key] = value
    save(state)
