"""A log of every call the twin answers: service, action, region, time, whether it mutates, HTTP status.

Kept in memory and appended to a JSON-lines file; tests read it through GET /_twin/requests
("no mutating call was made") and benchmarks count calls per action.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from twin.faults import FaultInjector

READ_ONLY_PREFIXES = ("Describe", "List", "Get", "Head", "Lookup", "Search", "Scan", "Query", "BatchGet")
_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")
_CBOR_PATH = re.compile(r"/service/([^/]+)/operation/([^/?]+)")


def is_mutating(action: str) -> bool:
    return not action.startswith(READ_ONLY_PREFIXES)


def action_of(environ: dict[str, Any], body: bytes) -> str:
    """The API action of a request, whatever the protocol (query, JSON, rpc-v2-cbor, REST)."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.rsplit(".", 1)[-1]
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if "Action" in query:
        return query["Action"][0]
    content_type = environ.get("CONTENT_TYPE", "")
    if body and "x-www-form-urlencoded" in content_type:
        form = parse_qs(body.decode("utf-8", "replace"))
        if "Action" in form:
            return form["Action"][0]
    match = _CBOR_PATH.search(environ.get("PATH_INFO", ""))
    if match:
        return match.group(2)
    return f"{environ.get('REQUEST_METHOD', 'GET')} {environ.get('PATH_INFO', '/')}"


_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/")


def caller_of(environ: dict[str, Any]) -> str | None:
    """The access key id that signed the request (SigV4 Authorization header): it tells runs sharing the twin apart."""
    match = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(1) if match else None


def service_and_region(environ: dict[str, Any]) -> tuple[str, str]:
    match = _CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    if match:
        return match.group(2), match.group(1)
    return "unknown", "unknown"


class RequestLog:
    def __init__(self, path: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._entries: list[dict[str, Any]] = []
        self._path = path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            entry["seq"] = len(self._entries) + 1
            self._entries.append(entry)
            if self._path is not None:
                with self._path.open("a") as handle:
                    handle.write(json.dumps(entry) + "\n")

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            if self._path is not None:
                self._path.write_text("")

    def entries(self, since: int = 0) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(entry) for entry in self._entries if entry["seq"] > since]

    def summary(self, since: int = 0, caller: str | None = None) -> dict[str, Any]:
        """The calls after `since`; with `caller`, only the calls signed with that access key id."""
        everything = self.entries(since)
        entries = [entry for entry in everything if caller is None or entry.get("caller") == caller]
        per_action = Counter(f"{entry['service']}:{entry['action']}" for entry in entries)
        return {
            "last_seq": everything[-1]["seq"] if everything else since,
            "total": len(entries),
            "mutating": sum(1 for entry in entries if entry["mutating"]),
            "per_action": dict(sorted(per_action.items())),
            "entries": entries,
        }


class RequestLogMiddleware:
    """WSGI middleware: records each AWS call, throttles some in fault mode, and serves the twin's /_twin/ API."""

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        log: RequestLog,
        control: Callable[..., Any],
        faults: FaultInjector,
    ) -> None:
        self._app = app
        self._log = log
        self._control = control
        self._faults = faults

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_twin/"):
            return self._control(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        service, region = service_and_region(environ)
        action = action_of(environ, body)
        started = time.time()
        status_holder: dict[str, str] = {}

        def recording_start_response(status: str, headers: list[Any], exc_info: Any = None) -> Any:
            status_holder["status"] = status
            return start_response(status, headers, exc_info)

        fault = self._faults.decide(service, environ)
        if fault is not None:
            start_response(fault.status, [*fault.headers, ("Content-Length", str(len(fault.body)))])
            result: Iterable[bytes] = [fault.body]
            status_holder["status"] = fault.status
        else:
            result = self._app(environ, recording_start_response)
        self._log.record(
            {
                "fault": fault.code if fault else None,
                "time": started,
                "duration_ms": round((time.time() - started) * 1000, 2),
                "service": service,
                "region": region,
                "action": action,
                "mutating": is_mutating(action),
                "caller": caller_of(environ),
                "status": int(status_holder.get("status", "0").split(" ", 1)[0] or 0),
            }
        )
        return result
