"""Shared fixtures: an in-process twin on a free loopback port, and boto3 clients pointed at it."""

from __future__ import annotations

import json
import socket
import threading
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

ACCOUNT_ID = "123456789012"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Twin:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def client(self, service: str, region: str = "us-east-2", **config: Any) -> Any:
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(**{"retries": {"max_attempts": 1, "mode": "standard"}, **config}),
        )

    def requests(self, since: int = 0, caller: str = "") -> dict[str, Any]:
        """The request log after `since`; with `caller`, only the calls signed with that access key id."""
        query = f"since={since}" + (f"&caller={caller}" if caller else "")
        with urllib.request.urlopen(f"{self.endpoint}/_twin/requests?{query}", timeout=10) as response:
            return json.load(response)

    def configure(self, **settings: Any) -> dict[str, Any]:
        """Change the twin's fault and time settings (fault_rate, fault_seed, time_scale)."""
        request = urllib.request.Request(
            f"{self.endpoint}/_twin/config",
            data=json.dumps(settings).encode(),
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.load(response)

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.endpoint}/_twin/reset", method="POST")
        urllib.request.urlopen(request, timeout=10).close()


@pytest.fixture(scope="session")
def twin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Twin]:
    """The patched twin, served from this test process on a free port of 127.0.0.1."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    from twin.server import LISTEN_ADDRESS, build_app, check_moto_version

    check_moto_version()
    port = _free_port()
    app = build_app(tmp_path_factory.mktemp("twin"))
    server = make_server(LISTEN_ADDRESS, port, app, threaded=True, request_handler=MotoRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Twin(f"http://{LISTEN_ADDRESS}:{port}")
    server.shutdown()
    thread.join()


@pytest.fixture
def clean_twin(twin: Twin) -> Twin:
    """The twin with moto's state and the request log emptied before the test."""
    twin.reset()
    return twin


@pytest.fixture
def aws(clean_twin: Twin) -> Callable[..., Any]:
    """aws("rds", region="us-west-2") gives a boto3 client of the clean twin."""
    return clean_twin.client
