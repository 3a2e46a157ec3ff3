"""Secrets: the site at -vvv prints none of the master passwords, the AUTH token or the Redshift password.

Every value is searched for in the whole output of each -vvv run of this suite: the vaulted ones of the local
inventory (decrypted with its vault password file) and the passwords AWS generated for the RDS- and Redshift-managed
master users (read from their secrets).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Twin
from tests.reliability import suite


def test_no_secret_appears_in_any_output_at_vvv(
    site_twin: Twin, shared: dict[str, Any], record_property: Callable[[str, Any], None]
) -> None:
    outputs: dict[str, str] = shared.get("outputs", {})
    if not outputs:
        pytest.skip("no -vvv output to search: run test_1_throttling.py first")
    secrets = {**suite.vault_values(), **suite.managed_secrets(site_twin)}
    assert all(len(value) >= 12 for value in secrets.values()), "a secret too short to search for reliably"
    found = [
        f"{name} in the {run}" for run, text in outputs.items() for name, value in secrets.items() if value in text
    ]
    assert found == []
    megabytes = sum(len(text) for text in outputs.values()) / 1e6
    record_property(
        "figure", f"{len(secrets)} secrets, {len(outputs)} runs, {megabytes:.1f} MB of -vvv output, 0 found"
    )
