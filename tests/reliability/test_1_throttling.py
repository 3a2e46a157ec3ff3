"""Throttling: with one AWS call in five answered by the throttling error each service sends, the site converges.

The twin's fault mode (twin/faults.py) throttles 20% of the calls, chosen from a seed (RELIABILITY_SEED), in the
protocol of each service (EC2's RequestLimitExceeded, Throttling, ThrottlingException), so botocore's and
amazon.aws's retries see what AWS sends. The prod-like site is built from an emptied twin at -vvv (the secrets case
reads that output); its end state is kept (suite.THROTTLED_STATE) for the interruption cases, which compare it
with a build without faults.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from tests.conftest import Twin
from tests.reliability import suite

FAULT_RATE = 0.2
SEED = int(os.environ.get("RELIABILITY_SEED", "20261128"))


def test_the_site_converges_while_aws_throttles_one_call_in_five(
    site_twin: Twin, shared: dict[str, Any], record_property: Callable[[str, Any], None]
) -> None:
    try:
        _throttled_build(site_twin, shared, record_property)
    except BaseException:
        # The interruption case compares with this build's end state, in make test on another twin at the same
        # time: the mark tells it to stop waiting.
        suite.LOGS.mkdir(parents=True, exist_ok=True)
        suite.failure_mark(suite.THROTTLED_STATE).write_text("the throttled build failed\n")
        raise


def _throttled_build(site_twin: Twin, shared: dict[str, Any], record_property: Callable[[str, Any], None]) -> None:
    site_twin.reset()
    since = site_twin.requests(0)["last_seq"]
    site_twin.configure(fault_rate=FAULT_RATE, fault_seed=SEED)
    try:
        recap, output = suite.run_site("1-throttled-build", "-vvv")
    finally:
        site_twin.configure(fault_rate=0.0)
    calls = site_twin.requests(since)["entries"]
    throttled = [call for call in calls if call["fault"]]
    shared["outputs"] = {"throttled build at -vvv": output}
    assert recap["rc"] == 0, output[-4000:]
    assert recap["changed"] > 0, "the emptied twin must have been built"
    assert len(throttled) >= 0.1 * len(calls), f"only {len(throttled)} of {len(calls)} calls were throttled"
    suite.save_state(suite.THROTTLED_STATE, suite.end_state(site_twin))
    record_property("figure", f"{len(throttled)} of {len(calls)} calls throttled and survived, seed {SEED}")


def test_a_run_without_faults_finds_nothing_to_change(
    site_twin: Twin, shared: dict[str, Any], record_property: Callable[[str, Any], None]
) -> None:
    recap, output = suite.run_site("1-no-change", "-vvv")
    shared.setdefault("outputs", {})["no-change run at -vvv"] = output
    assert recap["rc"] == 0, output[-4000:]
    assert recap["changed"] == 0, f"{recap['changed']} tasks changed after the throttled build:\n{output[-4000:]}"
    record_property("figure", "changed=0")
