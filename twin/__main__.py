"""Command line of the local twin: serve, up, down, status, requests.

python -m twin up        start the twin in the background (idempotent), write .local/env.sh
python -m twin down      stop every process the local environment started, remove its state
python -m twin serve     run the control plane in the foreground
python -m twin status    what is running
python -m twin requests  the request log's counts per action
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from twin import DEFAULT_PORT, DEFAULT_REGION, processes
from twin.server import TwinStartError, check_moto_version, check_port_free, serve

TWIN = "twin"


def _port() -> int:
    return int(os.environ.get("TWIN_PORT", DEFAULT_PORT))


def endpoint(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def health(port: int, timeout: float = 1.0) -> dict | None:
    try:
        with urllib.request.urlopen(f"{endpoint(port)}/_twin/health", timeout=timeout) as response:
            return json.load(response)
    except (urllib.error.URLError, OSError, ValueError):
        return None


def env_file() -> Path:
    return processes.LOCAL_DIR / "env.sh"


def write_env(port: int, extra: dict[str, str] | None = None) -> Path:
    lines = [
        "# Written by `make local-up`: points AWS SDKs, Ansible and the tests at the local twin.",
        f"export TWIN_PORT={port}",
        f"export AWS_ENDPOINT_URL={endpoint(port)}",
        "export AWS_ACCESS_KEY_ID=testing",
        "export AWS_SECRET_ACCESS_KEY=testing",
        "unset AWS_SESSION_TOKEN AWS_PROFILE",
        f"export AWS_DEFAULT_REGION={DEFAULT_REGION}",
        f"export AWS_REGION={DEFAULT_REGION}",
        "export AWS_EC2_METADATA_DISABLED=true",
        *(f"export {name}={value}" for name, value in sorted((extra or {}).items())),
    ]
    path = env_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def up(port: int, with_dataplane: bool = True) -> int:
    """Start the data plane, then the control plane wired to it; write .local/env.sh with both."""
    extra: dict[str, str] = {}
    if with_dataplane:
        from twin import dataplane

        try:
            extra = dataplane.up()
        except dataplane.DataPlaneError as error:
            print(f"twin: the data plane cannot start: {error}", file=sys.stderr)
            return 1
        print("twin: data plane running: " + ", ".join(f"{name}={value}" for name, value in sorted(extra.items())))
    status = up_control_plane(port, wired=with_dataplane)
    if status != 0:
        return status
    path = write_env(port, extra)
    print(f"twin: environment in {path} (source it to use the twin)")
    return 0


def up_control_plane(port: int, wired: bool) -> int:
    pid = processes.running(TWIN)
    if pid and health(port):
        print(f"twin: control plane already running (pid {pid}) at {endpoint(port)}")
        return 0
    if pid:
        processes.stop(TWIN)
    try:
        check_moto_version()
        check_port_free(port)
    except TwinStartError as error:
        print(f"twin: cannot start: {error}", file=sys.stderr)
        return 1
    state_dir = processes.LOCAL_DIR / "twin"
    state_dir.mkdir(parents=True, exist_ok=True)
    process = processes.start(
        TWIN,
        [sys.executable, "-m", "twin", "--port", str(port), "serve", "--state-dir", str(state_dir)],
        env={**os.environ, "PYTHONPATH": str(processes.REPO_ROOT), "TWIN_WIRE_DATAPLANE": "1" if wired else "0"},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            print(f"twin: the server exited at start:\n{processes.log_tail(TWIN)}", file=sys.stderr)
            processes.stop(TWIN)
            return 1
        if health(port):
            print(f"twin: control plane running (pid {process.pid}) at {endpoint(port)}")
            return 0
        time.sleep(0.2)
    print(f"twin: no answer on {endpoint(port)} after 60 s:\n{processes.log_tail(TWIN)}", file=sys.stderr)
    processes.stop(TWIN)
    return 1


def _down_nested() -> None:
    """Stop the twins whose state lies under this one's (make test's lanes, .local/lanes/N): removing this state
    would remove their pid files, and leave them running with nothing to stop them by."""
    lanes = processes.LOCAL_DIR / "lanes"
    for nested in sorted(path for path in lanes.glob("*") if (path / "run").is_dir()):
        subprocess.run(
            [sys.executable, "-m", TWIN, "down"],
            cwd=processes.REPO_ROOT,
            env={**os.environ, "PYTHONPATH": str(processes.REPO_ROOT), "TWIN_LOCAL_DIR": str(nested)},
            check=False,
        )


def down() -> int:
    from twin import dataplane

    _down_nested()
    for name in dataplane.down():
        print(f"stopped {name}")
    names = processes.recorded()
    for name in names:
        if processes.stop(name):
            print(f"stopped {name}")
    if processes.LOCAL_DIR.is_dir():
        shutil.rmtree(processes.LOCAL_DIR)
    print("local environment is down; its state is removed")
    return 0


def status(port: int) -> int:
    names = processes.recorded()
    if not names:
        print("nothing of the local environment is running")
        return 1
    for name in names:
        pid = processes.running(name)
        print(f"{name}: {'running, pid ' + str(pid) if pid else 'not running'}")
    return 0 if processes.running(TWIN) and health(port) else 1


def requests(port: int, since: int) -> int:
    with urllib.request.urlopen(f"{endpoint(port)}/_twin/requests?since={since}", timeout=5) as response:
        summary = json.load(response)
    for action, count in summary["per_action"].items():
        print(f"{count:6d}  {action}")
    print(f"{summary['total']} calls, {summary['mutating']} mutating")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m twin", description="The local twin of AWS.")
    parser.add_argument("--port", type=int, default=_port())
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the control plane in the foreground")
    serve_parser.add_argument("--state-dir", type=Path, default=None)
    up_parser = commands.add_parser("up", help="start the local environment (idempotent)")
    up_parser.add_argument("--no-dataplane", action="store_true", help="the control plane only")
    commands.add_parser("down", help="stop every process of the local environment and remove its state")
    commands.add_parser("status", help="what is running")
    requests_parser = commands.add_parser("requests", help="calls per action from the request log")
    requests_parser.add_argument("--since", type=int, default=0)
    args = parser.parse_args(argv)

    if args.command == "serve":
        try:
            serve(args.port, args.state_dir)
        except TwinStartError as error:
            print(f"twin: cannot start: {error}", file=sys.stderr)
            return 1
        return 0
    if args.command == "up":
        return up(args.port, with_dataplane=not args.no_dataplane)
    if args.command == "down":
        return down()
    if args.command == "status":
        return status(args.port)
    return requests(args.port, args.since)


if __name__ == "__main__":
    sys.exit(main())
