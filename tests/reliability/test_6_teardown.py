"""Destruction only when told: the prod-like teardown refuses protected clusters, then removes all with final snapshots.

Without -e xyz_lift_deletion_protection=true the teardown fails before its first removal, naming the protected
cluster and what removing it would delete, and the twin's request log shows no mutating call. With it, everything the
site built is gone from both regions, and the final snapshots prod asks for are there: Aurora's and the replica's
cluster snapshots, Redshift's and the replication group's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from tests.conftest import Twin
from tests.integration.site_lifecycle import REGIONS, left_behind
from tests.reliability import suite

TEARDOWN = ("playbooks/teardown.yml", "-i", "inventories/local", "-e", "@tests/reliability/prod-like.yml")


def _teardown(name: str, *arguments: str, caller: str = "") -> tuple[dict[str, int], str]:
    env = {"AWS_ACCESS_KEY_ID": caller} if caller else None
    return suite.run_playbook(name, *TEARDOWN, "-e", "confirm_teardown=local", *arguments, env=env, timeout=1200)


def test_the_teardown_refuses_protected_clusters_before_removing_anything(
    site_twin: Twin, record_property: Callable[[str, Any], None]
) -> None:
    before = suite.end_state(site_twin)
    since = site_twin.requests(0)["last_seq"]
    caller = f"AKIDTEARDOWN{uuid.uuid4().hex[:8].upper()}"
    recap, output = _teardown("6-teardown-refused", caller=caller)
    assert recap["rc"] != 0, output[-4000:]
    assert "has deletion protection on" in output, output[-4000:]
    assert "xyz_lift_deletion_protection=true" in output
    assert "Nothing was removed" in output
    calls = site_twin.requests(since, caller)["entries"]
    assert calls, "no call of the teardown was found in the request log"
    assert [f"{call['service']}:{call['action']}" for call in calls if call["mutating"]] == []
    assert suite.end_state(site_twin) == before
    record_property("figure", f"refused with {len(calls)} read calls and 0 mutating ones")


def test_lifting_the_protection_removes_everything_and_keeps_final_snapshots(
    site_twin: Twin, record_property: Callable[[str, Any], None]
) -> None:
    recap, output = _teardown("6-teardown", "-e", "xyz_lift_deletion_protection=true")
    assert recap["rc"] == 0, output[-4000:]
    left = [item for region in REGIONS for item in left_behind(site_twin, region)]
    assert left == []
    rds_east, rds_west = site_twin.client("rds"), site_twin.client("rds", region="us-west-2")
    snapshots = {
        "aurora": [s["DBClusterIdentifier"] for s in rds_east.describe_db_cluster_snapshots()["DBClusterSnapshots"]],
        "replica": [s["DBClusterIdentifier"] for s in rds_west.describe_db_cluster_snapshots()["DBClusterSnapshots"]],
        "redshift": [
            s["ClusterIdentifier"]
            for s in site_twin.client("redshift").describe_cluster_snapshots(SnapshotType="manual")["Snapshots"]
        ],
        "elasticache": [
            s.get("ReplicationGroupId", "")
            for s in site_twin.client("elasticache").describe_snapshots(SnapshotSource="manual")["Snapshots"]
        ],
    }
    expected = {
        "aurora": f"{suite.PREFIX}-aurora",
        "replica": f"{suite.PREFIX}-aurora-replica",
        "redshift": f"{suite.PREFIX}-redshift",
        "elasticache": f"{suite.PREFIX}-cache",
    }
    missing = [kind for kind, owner in expected.items() if owner not in snapshots[kind]]
    assert missing == [], f"no final snapshot of {missing}: {snapshots}"
    record_property("figure", f"nothing left in {', '.join(REGIONS)}; final snapshots of {', '.join(expected)}")
