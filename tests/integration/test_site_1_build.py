"""The site converges on an emptied twin, changes nothing again, and check mode shows no change.

The second run is in sync with the record the build wrote (the drift check): no role runs, and it reads each
recorded resource at most once. A change made outside the site is drift: the next run runs the roles, which repair
it, and the one after is in sync again.

The build runs at -vvv: its whole output must hold none of the local inventory's vaulted secrets (the master
passwords and the AUTH token pass through modules in this run, as they are created).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import Twin
from tests.integration.site_lifecycle import ansible_playbook, mutating_since, running_twin
from tests.reliability.suite import vault_values

CLUSTER = "xyz-local-aurora"
RECORDED = re.compile(r"recorded\s+with\s+(\d+)\s+resources")
IN_SYNC = re.compile(r"in\s+sync\s+with\s+the\s+run\s+recorded\s+at")
READS = ("Describe", "List", "Get")


@pytest.fixture(scope="module")
def site_twin() -> Twin:
    return running_twin()


def test_site_converges_on_a_fresh_twin_then_changes_nothing(site_twin: Twin) -> None:
    site_twin.reset()
    first, output = ansible_playbook("playbooks/site.yml", "-i", "inventories/local", "-vvv")
    assert first["rc"] == 0, output[-4000:]
    assert first["changed"] > 0, "a fresh twin must be built"
    assert [name for name, value in vault_values().items() if value in output] == [], "a secret is in the output"
    recorded = RECORDED.search(output)
    assert recorded, f"the converged build did not record itself:\n{output[-4000:]}"
    since = site_twin.requests(0)["last_seq"]
    second, output = ansible_playbook("playbooks/site.yml", "-i", "inventories/local")
    assert second["rc"] == 0, output[-4000:]
    assert second["changed"] == 0, f"the second run changed {second['changed']} tasks:\n{output[-4000:]}"
    # The drift check found it in sync: no role ran, each recorded resource was described at most once.
    assert IN_SYNC.search(output), output[-4000:]
    calls = site_twin.requests(since)
    assert calls["mutating"] == 0
    assert _reads(calls) <= int(recorded.group(1)), calls["per_action"]


def _reads(calls: dict[str, Any]) -> int:
    """The describe, list and get calls of a request log answer (the preflight's identity and regions among them)."""
    return sum(count for action, count in calls["per_action"].items() if action.split(":", 1)[1].startswith(READS))


def test_a_change_made_outside_the_site_is_drift_the_next_run_repairs(site_twin: Twin) -> None:
    rds = site_twin.client("rds")
    rds.modify_db_cluster(DBClusterIdentifier=CLUSTER, BackupRetentionPeriod=9, ApplyImmediately=True)
    recap, output = ansible_playbook("playbooks/site.yml", "-i", "inventories/local")
    assert recap["rc"] == 0, output[-4000:]
    assert re.search(rf"us-east-2\s+db_cluster\s+{CLUSTER}:\s+described\s+differently", output), output[-4000:]
    assert recap["changed"] > 0
    assert rds.describe_db_clusters(DBClusterIdentifier=CLUSTER)["DBClusters"][0]["BackupRetentionPeriod"] == 2
    recap, output = ansible_playbook("playbooks/site.yml", "-i", "inventories/local")
    assert (recap["rc"], recap["changed"]) == (0, 0), output[-4000:]
    assert IN_SYNC.search(output), output[-4000:]


def test_check_mode_on_the_converged_twin_shows_no_change(site_twin: Twin) -> None:
    since = site_twin.requests(0)["last_seq"]
    recap, output = ansible_playbook("playbooks/site.yml", "-i", "inventories/local", "--check", "--diff")
    assert recap["rc"] == 0, output[-4000:]
    assert recap["changed"] == 0, output[-4000:]
    assert mutating_since(site_twin, since) == []
