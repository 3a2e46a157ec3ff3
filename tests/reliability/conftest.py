"""The reliability suite's shared fixtures (`make reliability`, scripts/reliability prints the report).

Its cases share one twin and build on each other in file order (test_1_... to test_6_...): the first builds the
prod-like site under throttling, the next ones read, change and interrupt it, the last tears it down.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Twin
from tests.integration.site_lifecycle import running_twin


@pytest.fixture(scope="session")
def site_twin() -> Twin:
    return running_twin()


@pytest.fixture(scope="session")
def shared() -> dict[str, Any]:
    """What one case leaves for a later one (the end state of the throttled build, the output of each run)."""
    return {}
