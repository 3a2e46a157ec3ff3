"""Security Hub FSBP controls on the prod-like site in the running local twin: one case per control.

Every control of docs/security-controls.md passes on the resources named xyz-prodlike-*, in both regions, except the
documented exceptions, which must still be excepted for their documented reason (tests/reliability/fsbp.py checks
that each non-compliant resource is in the documented situation). The suite's build converges the site before;
when no resource with the prefix exists, this module converges it first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Twin
from tests.reliability import fsbp, suite


@pytest.fixture(scope="module")
def results(site_twin: Twin) -> dict[str, fsbp.ControlResult]:
    """Every control evaluated on the twin (its endpoint comes from the environment: AWS_ENDPOINT_URL)."""
    factory, regions = fsbp.default_session_factory, fsbp.DEFAULT_REGIONS
    if not fsbp.collect(factory, suite.PREFIX, regions).resources:
        recap, output = suite.run_site("3-converge", timeout=1800)
        assert recap["rc"] == 0, f"the prod-like site did not converge:\n{output[-4000:]}"
    return {result.control_id: result for result in fsbp.evaluate(factory, suite.PREFIX, regions)}


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
