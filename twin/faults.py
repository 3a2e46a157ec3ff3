"""Fault mode: a set fraction of AWS calls, chosen from a seed, answered with the throttling error each service sends.

Off by default. TWIN_FAULT_RATE (0 to 1) and TWIN_FAULT_SEED at start, or PUT /_twin/config at run time.
Each protocol gets the error the way AWS sends it, so botocore's retry modes recognise it as throttling:
query services answer `Throttling` (HTTP 400, ErrorResponse XML), EC2 `RequestLimitExceeded` (HTTP 503, its own XML),
JSON services `ThrottlingException` (HTTP 400), rpc-v2-cbor services (CloudWatch) `Throttling` in CBOR.
"""

from __future__ import annotations

import json
import random
import threading
import uuid
from dataclasses import dataclass
from typing import Any

JSON_SERVICES = frozenset({"kms", "secretsmanager", "logs", "application-autoscaling", "events", "dynamodb"})
# Services whose throttling code is `Throttling` whatever the protocol the SDK picked.
THROTTLING_CODE = {"monitoring": "Throttling", "sts": "Throttling"}


@dataclass(frozen=True)
class Fault:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    code: str


def _cbor_text(value: str) -> bytes:
    raw = value.encode()
    if len(raw) < 24:
        return bytes([0x60 + len(raw)]) + raw
    if len(raw) < 256:
        return bytes([0x78, len(raw)]) + raw
    return bytes([0x79]) + len(raw).to_bytes(2, "big") + raw


def _cbor_map(items: dict[str, str]) -> bytes:
    encoded = bytes([0xA0 + len(items)])
    for key, value in items.items():
        encoded += _cbor_text(key) + _cbor_text(value)
    return encoded


def throttling_fault(service: str, environ: dict[str, Any]) -> Fault:
    """The throttling error `service` answers, in the protocol of the request."""
    request_id = str(uuid.uuid4())
    if "/operation/" in environ.get("PATH_INFO", "") and "cbor" in environ.get("HTTP_SMITHY_PROTOCOL", "cbor"):
        body = _cbor_map({"__type": "Throttling", "message": "Rate exceeded"})
        return Fault(
            "400 Bad Request",
            [
                ("Content-Type", "application/cbor"),
                ("smithy-protocol", "rpc-v2-cbor"),
                ("x-amzn-RequestId", request_id),
            ],
            body,
            "Throttling",
        )
    if service == "ec2":
        body = (
            "<?xml version='1.0' encoding='UTF-8'?><Response><Errors><Error><Code>RequestLimitExceeded</Code>"
            f"<Message>Request limit exceeded.</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
        ).encode()
        return Fault("503 Service Unavailable", [("Content-Type", "text/xml")], body, "RequestLimitExceeded")
    if service in JSON_SERVICES or environ.get("HTTP_X_AMZ_TARGET"):
        code = THROTTLING_CODE.get(service, "ThrottlingException")
        body = json.dumps({"__type": code, "message": "Rate exceeded"}).encode()
        return Fault(
            "400 Bad Request",
            [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", request_id)],
            body,
            code,
        )
    body = (
        "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()
    return Fault("400 Bad Request", [("Content-Type", "text/xml")], body, "Throttling")


class FaultInjector:
    """Decides, call by call and reproducibly for a seed, which calls are throttled."""

    def __init__(self, rate: float = 0.0, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self.configure(rate, seed)

    def configure(self, rate: float, seed: int) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault_rate must be between 0 and 1, got {rate}")
        with self._lock:
            self.rate = rate
            self.seed = seed
            self._random = random.Random(seed)
            self.injected = 0

    def decide(self, service: str, environ: dict[str, Any]) -> Fault | None:
        with self._lock:
            if self.rate <= 0.0 or self._random.random() >= self.rate:
                return None
            self.injected += 1
        return throttling_fault(service, environ)

    def settings(self) -> dict[str, Any]:
        return {"fault_rate": self.rate, "fault_seed": self.seed, "faults_injected": self.injected}
