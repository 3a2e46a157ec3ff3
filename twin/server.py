"""The twin's control plane server: moto in server mode on 127.0.0.1, patched, with a request log."""

from __future__ import annotations

import errno
import json
import os
import socket
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from twin import DEFAULT_PORT, MOTO_VERSION
from twin.faults import FaultInjector
from twin.requestlog import RequestLog, RequestLogMiddleware
from twin.timeline import TIMELINE

LISTEN_ADDRESS = "127.0.0.1"


class TwinStartError(RuntimeError):
    """The twin cannot start; the message says which check failed and what to do."""


def check_moto_version() -> str:
    import moto

    found = getattr(moto, "__version__", "unknown")
    if found != MOTO_VERSION:
        raise TwinStartError(
            f"the twin's patch layer is written for moto {MOTO_VERSION}, but moto {found} is installed. "
            f"Run: .venv/bin/pip install 'moto[server]=={MOTO_VERSION}' (or `make venv`)."
        )
    return found


def check_port_free(port: int) -> None:
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # As the server itself binds (werkzeug sets SO_REUSEADDR): connections of an earlier twin in TIME_WAIT do not
    # make the port taken, only a process listening on it does.
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind((LISTEN_ADDRESS, port))
    except OSError as error:
        if error.errno in (errno.EADDRINUSE, errno.EACCES):
            raise TwinStartError(
                f"port {port} on {LISTEN_ADDRESS} is taken by another process. "
                f"Stop it (`make local-down` if it is an earlier twin, or `ss -ltnp 'sport = :{port}'` to find it), "
                f"or choose another port: TWIN_PORT=<free port> make local-up."
            ) from error
        raise
    finally:
        probe.close()


def _json_response(start_response: Callable[..., Any], payload: Any, status: str = "200 OK") -> Iterable[bytes]:
    body = json.dumps(payload, indent=1).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _settings(faults: FaultInjector) -> dict[str, Any]:
    return {**faults.settings(), **TIMELINE.settings()}


def _configure(faults: FaultInjector, environ: dict[str, Any]) -> dict[str, Any]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    wanted = json.loads(environ["wsgi.input"].read(length) or b"{}")
    unknown = set(wanted) - {"fault_rate", "fault_seed", "time_scale"}
    if unknown:
        raise ValueError(f"unknown settings {sorted(unknown)}; known: fault_rate, fault_seed, time_scale")
    if "fault_rate" in wanted or "fault_seed" in wanted:
        faults.configure(float(wanted.get("fault_rate", faults.rate)), int(wanted.get("fault_seed", faults.seed)))
    if "time_scale" in wanted:
        TIMELINE.configure(float(wanted["time_scale"]))
    return _settings(faults)


def _reset(log: RequestLog, faults: FaultInjector) -> dict[str, Any]:
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()
    log.clear()
    faults.configure(0.0, faults.seed)
    TIMELINE.configure(0.0)
    return {"reset": True}


def make_control(log: RequestLog, faults: FaultInjector) -> Callable[..., Iterable[bytes]]:
    """The /_twin/ endpoints: health, the request log, fault and time settings, and a full reset."""

    def since(environ: dict[str, Any]) -> int:
        return int(parse_qs(environ.get("QUERY_STRING", "")).get("since", ["0"])[0])

    def caller(environ: dict[str, Any]) -> str | None:
        return parse_qs(environ.get("QUERY_STRING", "")).get("caller", [None])[0]

    routes: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
        ("GET", "/_twin/health"): lambda _: {"status": "ok", "moto": MOTO_VERSION, "pid": os.getpid()},
        ("GET", "/_twin/requests"): lambda environ: log.summary(since(environ), caller(environ)),
        ("DELETE", "/_twin/requests"): lambda _: log.clear() or {"cleared": True},
        ("GET", "/_twin/config"): lambda _: _settings(faults),
        ("PUT", "/_twin/config"): lambda environ: _configure(faults, environ),
        ("POST", "/_twin/reset"): lambda _: _reset(log, faults),
        ("GET", "/_twin/timeline"): lambda _: TIMELINE.history(),
    }

    def control(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        route = routes.get((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        if route is None:
            message = f"no such twin endpoint: {environ['REQUEST_METHOD']} {environ['PATH_INFO']}"
            return _json_response(start_response, {"error": message}, "404 Not Found")
        try:
            return _json_response(start_response, route(environ))
        except (ValueError, TypeError) as error:
            return _json_response(start_response, {"error": str(error)}, "400 Bad Request")

    return control


def build_app(state_dir: Path | None) -> Callable[..., Iterable[bytes]]:
    """moto's dispatcher with the patch layer installed, wrapped in the request log."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from twin.patches import apply_all

    apply_all()
    log = RequestLog(state_dir / "requests.jsonl" if state_dir else None)
    faults = FaultInjector(float(os.environ.get("TWIN_FAULT_RATE", "0")), int(os.environ.get("TWIN_FAULT_SEED", "0")))
    TIMELINE.configure(float(os.environ.get("TWIN_TIME_SCALE", "0")))
    app = DomainDispatcherApplication(create_backend_app)
    return RequestLogMiddleware(app, log, make_control(log, faults), faults)


def serve(port: int = DEFAULT_PORT, state_dir: Path | None = None) -> None:
    """Run the twin in the foreground until interrupted."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    check_moto_version()
    check_port_free(port)
    os.environ.setdefault("MOTO_PORT", str(port))
    app = build_app(state_dir)
    server = make_server(LISTEN_ADDRESS, port, app, threaded=True, request_handler=MotoRequestHandler)
    print(f"twin: moto {MOTO_VERSION} with the patch layer, listening on http://{LISTEN_ADDRESS}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
