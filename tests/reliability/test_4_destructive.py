"""Destructive changes are refused before any change, unless a role's <role>_allow_replacement variable allows them.

Each case of destructive_cases.yml runs the prod-like site (`playbooks/site.yml -i inventories/local
-e @tests/reliability/prod-like.yml --tags <role>`) with its extra vars against the running twin, on the converged
prod-like site (a module fixture converges it first when its Aurora cluster is missing). The run must fail, its
output must contain every expected text (the variable, the resource, what would be lost, the allowing variable), the
twin's request log must show no mutating call signed by the run's own access key, and the resource read back through
boto3 must be unchanged.
"""

from __future__ import annotations

import datetime
import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import Twin
from tests.reliability import suite

CASES = Path(__file__).resolve().parent / "destructive_cases.yml"
# Fields that change by themselves between two reads of an unchanged resource.
VOLATILE = ("Time", "Date", "ResponseMetadata")


def _cases() -> list[Any]:
    """Every case, or with RELIABILITY_SUBSET=ci the ones marked `ci: true` (make test, sized for CI)."""
    subset = os.environ.get("RELIABILITY_SUBSET", "")
    cases = yaml.safe_load(CASES.read_text())
    return [pytest.param(case, id=case["name"]) for case in cases if subset != "ci" or case.get("ci")]


def _stable(value: Any) -> Any:
    """The description without the fields that change by themselves (times, dates, request metadata)."""
    if isinstance(value, dict):
        return {key: _stable(item) for key, item in value.items() if not any(part in key for part in VOLATILE)}
    if isinstance(value, list):
        return [_stable(item) for item in value]
    if isinstance(value, datetime.datetime):
        return "<time>"
    return value


# How each case's resource is read back, before and after the refused run.
READERS: dict[str, Callable[[Twin], Any]] = {
    "aurora": lambda twin: twin.client("rds").describe_db_clusters(DBClusterIdentifier=f"{suite.PREFIX}-aurora")[
        "DBClusters"
    ],
    "replica": lambda twin: twin.client("rds", region="us-west-2").describe_db_clusters(
        DBClusterIdentifier=f"{suite.PREFIX}-aurora-replica"
    )["DBClusters"],
    "cache": lambda twin: twin.client("elasticache").describe_replication_groups(
        ReplicationGroupId=f"{suite.PREFIX}-cache"
    )["ReplicationGroups"],
    "redshift": lambda twin: twin.client("redshift").describe_clusters(ClusterIdentifier=f"{suite.PREFIX}-redshift")[
        "Clusters"
    ],
}


@pytest.fixture(scope="module")
def prod_like_site(site_twin: Twin) -> None:
    """The converged prod-like site: built once when its Aurora cluster is missing."""
    clusters = site_twin.client("rds").describe_db_clusters()["DBClusters"]
    if not any(cluster["DBClusterIdentifier"] == f"{suite.PREFIX}-aurora" for cluster in clusters):
        recap, output = suite.run_site("destructive-converge", timeout=3600)
        assert recap["rc"] == 0, f"the prod-like site did not converge:\n{output[-3000:]}"


@pytest.mark.usefixtures("prod_like_site")
@pytest.mark.parametrize("case", _cases())
def test_destructive_change_is_refused_before_any_change(case: dict[str, Any], tmp_path: Path, site_twin: Twin) -> None:
    read = READERS[case["resource"]]
    before = _stable(read(site_twin))
    since = site_twin.requests(0)["last_seq"]
    # The run signs its calls with an access key of its own, so calls of other runs on the same twin do not count.
    caller = f"AKIDDESTRUCT{uuid.uuid4().hex[:8].upper()}"
    extra_vars = tmp_path / "vars.json"
    extra_vars.write_text(json.dumps(case["vars"]))
    slug = case["name"].replace(" ", "-")
    recap, output = suite.run_site(
        f"destructive-{slug}",
        *("--tags", case["tags"], "-e", f"@{extra_vars}"),
        env={"AWS_ACCESS_KEY_ID": caller},
        timeout=600,
    )
    assert recap["rc"] != 0, f"the run did not fail:\n{output[-3000:]}"
    missing = [text for text in case["expect"] if text not in output]
    assert missing == [], f"{missing!r} not in the output:\n{output[-3000:]}"
    calls = site_twin.requests(since, caller)
    assert calls["total"] > 0, "no call of this run was found in the request log"
    mutating = [f"{entry['service']}:{entry['action']}" for entry in calls["entries"] if entry["mutating"]]
    assert mutating == [], f"mutating calls were made before the change was refused: {mutating}"
    assert _stable(read(site_twin)) == before, f"{case['resource']} changed although the run was refused"
