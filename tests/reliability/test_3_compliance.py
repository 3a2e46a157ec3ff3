"""Security Hub FSBP controls on the prod-like site in the running local twin: one case per control.

Every control of docs/security-controls.md passes on the resources named xyz-prodlike-*, in both regions, except the
documented exceptions, which must still be excepted for their documented reason (tests/reliability/fsbp.py checks
that each non-compliant resource is in the documented situation). The suite's build converges the site before;
when no resource with the prefix exists, this module converges it first.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.reliability import fsbp

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "xyz-prodlike"
ENV_FILE = ROOT / ".local" / "env.sh"
CONVERGE = (
    str(ROOT / ".venv" / "bin" / "ansible-playbook"),
    "playbooks/site.yml",
    "-i",
    "inventories/local",
    "-e",
    "@tests/reliability/prod-like.yml",
)
_EXPORT = re.compile(r"^export\s+(?P<name>[A-Z0-9_]+)=(?P<value>\S*)\s*$")


def _twin_environment() -> dict[str, str]:
    """The process's environment, with .local/env.sh's exports when AWS_ENDPOINT_URL is not set (twin not sourced)."""
    environment = dict(os.environ)
    if not environment.get("AWS_ENDPOINT_URL") and ENV_FILE.exists():
        for line in ENV_FILE.read_text(encoding="utf-8").splitlines():
            if match := _EXPORT.match(line):
                environment[match["name"]] = match["value"]
    if not environment.get("AWS_ENDPOINT_URL", "").startswith("http://127.0.0.1"):
        pytest.fail("the local twin is not running: `make local-up`, then `source .local/env.sh`")
    return environment


class TwinSession:
    """A region's boto3 clients pointed at the twin of `environment`."""

    def __init__(self, environment: Mapping[str, str], region: str) -> None:
        self.environment = environment
        self.region = region

    def client(self, service_name: str) -> Any:
        return boto3.client(
            service_name,
            region_name=self.region,
            endpoint_url=self.environment["AWS_ENDPOINT_URL"],
            aws_access_key_id=self.environment.get("AWS_ACCESS_KEY_ID", "testing"),
            aws_secret_access_key=self.environment.get("AWS_SECRET_ACCESS_KEY", "testing"),
        )


@pytest.fixture(scope="module")
def results() -> dict[str, fsbp.ControlResult]:
    environment = _twin_environment()

    def factory(region: str) -> TwinSession:
        return TwinSession(environment, region)

    if not fsbp.collect(factory, PREFIX, fsbp.DEFAULT_REGIONS).resources:
        run = subprocess.run(
            CONVERGE, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=1800, check=False
        )
        assert run.returncode == 0, f"the prod-like site did not converge:\n{run.stdout[-4000:]}{run.stderr[-2000:]}"
    return {result.control_id: result for result in fsbp.evaluate(factory, PREFIX, fsbp.DEFAULT_REGIONS)}


def _evidence(result: fsbp.ControlResult) -> str:
    return "\n".join(
        f"  {'ok  ' if check.compliant else 'FAIL'} {check.resource} ({check.region}): {dict(check.evidence)}"
        for check in result.resources
    )


@pytest.mark.parametrize("control", fsbp.CONTROLS, ids=[control.control_id for control in fsbp.CONTROLS])
def test_control(
    control: fsbp.Control, results: dict[str, fsbp.ControlResult], record_property: Callable[[str, Any], None]
) -> None:
    exceptions = fsbp.documented_exceptions()
    result = results[control.control_id]
    expected = "excepted" if control.control_id in exceptions else "passed"
    assert result.resources, f"{control.control_id}: no resource in scope ({result.reason})"
    assert result.status == expected, f"{result.line()}\n{_evidence(result)}"
    if expected == "excepted":
        assert result.reason == exceptions[control.control_id]
    record_property(
        "figure",
        f"{result.status}, {len(result.resources)} resources checked" + (f": {result.reason}" if result.reason else ""),
    )


def test_doc_lists_every_control() -> None:
    """docs/security-controls.md describes each control the checker evaluates, and only those."""
    text = fsbp.DOC.read_text(encoding="utf-8").split("## Exceptions")[0]
    documented = re.findall(r"^\| ([A-Za-z0-9]+\.\d+) \|", text, flags=re.MULTILINE)
    assert documented == [control.control_id for control in fsbp.CONTROLS]
