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
import subprocess
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent / "destructive_cases.yml"
PREFIX = "xyz-prodlike"
PROD_LIKE = ("playbooks/site.yml", "-i", "inventories/local", "-e", "@tests/reliability/prod-like.yml")
PLAYBOOK = str(ROOT / ".venv" / "bin" / "ansible-playbook")
LOGS = ROOT / ".local" / "reliability"
# Fields that change by themselves between two reads of an unchanged resource.
VOLATILE = ("Time", "Date", "ResponseMetadata")


def _cases() -> list[Any]:
    """Every case, or with RELIABILITY_SUBSET=ci the ones marked `ci: true` (make test, sized for CI)."""
    subset = os.environ.get("RELIABILITY_SUBSET", "")
    cases = yaml.safe_load(CASES.read_text())
    return [pytest.param(case, id=case["name"]) for case in cases if subset != "ci" or case.get("ci")]


def _endpoint() -> str:
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
    if not endpoint.startswith("http://127.0.0.1"):
        pytest.fail("the local twin is not in the environment: start it and source its env.sh")
    return endpoint


def _requests(since: int, caller: str = "") -> dict[str, Any]:
    query = f"since={since}" + (f"&caller={caller}" if caller else "")
    with urllib.request.urlopen(f"{_endpoint()}/_twin/requests?{query}", timeout=10) as response:
        return json.load(response)


def _client(service: str, region: str = "us-east-2") -> Any:
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=_endpoint(),
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _stable(value: Any) -> Any:
    """The description without the fields that change by themselves (times, dates, request metadata)."""
    if isinstance(value, dict):
        return {key: _stable(item) for key, item in value.items() if not any(part in key for part in VOLATILE)}
    if isinstance(value, list):
        return [_stable(item) for item in value]
    if isinstance(value, datetime.datetime):
        return "<time>"
    return value


def _aurora() -> Any:
    return _client("rds").describe_db_clusters(DBClusterIdentifier=f"{PREFIX}-aurora")["DBClusters"]


def _replica() -> Any:
    rds = _client("rds", "us-west-2")
    return rds.describe_db_clusters(DBClusterIdentifier=f"{PREFIX}-aurora-replica")["DBClusters"]


def _cache() -> Any:
    return _client("elasticache").describe_replication_groups(ReplicationGroupId=f"{PREFIX}-cache")["ReplicationGroups"]


def _redshift() -> Any:
    return _client("redshift").describe_clusters(ClusterIdentifier=f"{PREFIX}-redshift")["Clusters"]


READERS: dict[str, Callable[[], Any]] = {"aurora": _aurora, "replica": _replica, "cache": _cache, "redshift": _redshift}


def _run(
    arguments: list[str], name: str, caller: str = "testing", timeout: int = 600
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [PLAYBOOK, *PROD_LIKE, *arguments],
        cwd=ROOT,
        env={**os.environ, "AWS_ACCESS_KEY_ID": caller},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    LOGS.mkdir(parents=True, exist_ok=True)
    (LOGS / f"destructive-{name}.log").write_text(result.stdout + result.stderr)
    return result


@pytest.fixture(scope="module")
def prod_like_site() -> None:
    """The converged prod-like site: built once when its Aurora cluster is missing."""
    clusters = _client("rds").describe_db_clusters()["DBClusters"]
    if not any(cluster["DBClusterIdentifier"] == f"{PREFIX}-aurora" for cluster in clusters):
        result = _run([], "converge", timeout=3600)
        assert result.returncode == 0, f"the prod-like site did not converge:\n{result.stdout[-3000:]}"


@pytest.mark.usefixtures("prod_like_site")
@pytest.mark.parametrize("case", _cases())
def test_destructive_change_is_refused_before_any_change(case: dict[str, Any], tmp_path: Path) -> None:
    read = READERS[case["resource"]]
    before = _stable(read())
    since = _requests(0)["last_seq"]
    # The run signs its calls with an access key of its own, so calls of other runs on the same twin do not count.
    caller = f"AKIDDESTRUCT{uuid.uuid4().hex[:8].upper()}"
    extra_vars = tmp_path / "vars.json"
    extra_vars.write_text(json.dumps(case["vars"]))
    slug = case["name"].replace(" ", "-")
    result = _run(["--tags", case["tags"], "-e", f"@{extra_vars}"], slug, caller)
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the run did not fail:\n{output[-3000:]}"
    missing = [text for text in case["expect"] if text not in output]
    assert missing == [], f"{missing!r} not in the output:\n{output[-3000:]}"
    calls = _requests(since, caller)
    assert calls["total"] > 0, "no call of this run was found in the request log"
    mutating = [f"{entry['service']}:{entry['action']}" for entry in calls["entries"] if entry["mutating"]]
    assert mutating == [], f"mutating calls were made before the change was refused: {mutating}"
    assert _stable(read()) == before, f"{case['resource']} changed although the run was refused"
