"""The harness of the module tests that run a module whole against the in-process twin (tests/conftest.py).

- `run_module` (fixture): run_module(module, check_mode=False, **args) calls module.main() with its arguments
  patched in and gives back the module's JSON result, failed results too.
- `mutating_calls(twin, since=0)` (plain helper, import it from here): the mutating actions in the twin's request
  log after sequence number `since`, in order.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any, Protocol

import pytest
from ansible.module_utils.testing import patch_module_args

from tests.conftest import Twin

REGION = "us-east-2"
"""The region the modules run in unless a test says otherwise (also the default of Twin.client)."""

Run = Callable[..., dict[str, Any]]
"""A module bound to run_module: run(check_mode=False, **args) -> the module's result."""


class RunModule(Protocol):
    def __call__(self, module: ModuleType, check_mode: bool = False, **args: Any) -> dict[str, Any]: ...


@pytest.fixture
def run_module(clean_twin: Twin, capsys: pytest.CaptureFixture[str]) -> RunModule:
    """run_module(module, check_mode=False, **args): module.main() against the clean twin, its result (failed too).

    The module gets the region, the twin's endpoint, test credentials, check mode as asked and diff mode on; `args`
    add the module's options and override any of those.
    """

    def run(module: ModuleType, check_mode: bool = False, **args: Any) -> dict[str, Any]:
        module_args = {
            "region": REGION,
            "endpoint_url": clean_twin.endpoint,
            "access_key": "testing",
            "secret_key": "testing",
            "_ansible_check_mode": check_mode,
            "_ansible_diff": True,
            **args,
        }
        with patch_module_args(module_args), pytest.raises(SystemExit):
            module.main()
        return json.loads(capsys.readouterr().out)

    return run


def mutating_calls(twin: Twin, since: int = 0) -> list[str]:
    """The actions of the mutating calls the twin answered after request `since` (its "last_seq"), in order."""
    return [entry["action"] for entry in twin.requests(since)["entries"] if entry["mutating"]]
