"""The site converges on an emptied twin, changes nothing again, and check mode shows no change.

The build runs at -vvv: its whole output must hold none of the local inventory's vaulted secrets (the master
passwords and the AUTH token pass through modules in this run, as they are created).
"""

from __future__ import annotations

import pytest

from tests.conftest import Twin
from tests.integration.site_lifecycle import ansible_playbook, mutating_since, running_twin
from tests.reliability.suite import vault_values


@pytest.fixture(scope="module")
def site_twin() -> Twin:
    return running_twin()


def test_site_converges_on_a_fresh_twin_then_changes_nothing(site_twin: Twin) -> None:
    site_twin.reset()
    first, output = ansible_playbook("playbooks/site.yml", "-i", "inventories/local", "-vvv")
    assert first["rc"] == 0, output[-4000:]
    assert first["changed"] > 0, "a fresh twin must be built"
    assert [name for name, value in vault_values().items() if value in output] == [], "a secret is in the output"
    second, output = ansible_playbook("playbooks/site.yml", "-i", "inventories/local")
    assert second["rc"] == 0, output[-4000:]
    assert second["changed"] == 0, f"the second run changed {second['changed']} tasks:\n{output[-4000:]}"


def test_check_mode_on_the_converged_twin_shows_no_change(site_twin: Twin) -> None:
    since = site_twin.requests(0)["last_seq"]
    recap, output = ansible_playbook("playbooks/site.yml", "-i", "inventories/local", "--check", "--diff")
    assert recap["rc"] == 0, output[-4000:]
    assert recap["changed"] == 0, output[-4000:]
    assert mutating_since(site_twin, since) == []
