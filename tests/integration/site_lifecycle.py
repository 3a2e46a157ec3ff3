"""Shared by the site's life-cycle tests (test_site_1_build, test_site_2_tags, test_site_3_teardown).

The site's life cycle on the running local twin, as a user runs it.

On an emptied twin (control plane reset): the site converges, a second run changes nothing, check mode with diff on
the converged twin changes nothing, each role's tag works alone, the teardown refuses without its confirmation before
any call, removes everything with it (every resource type is listed afterwards, in both regions), and check mode on
the fresh twin then runs without error and without a single mutating call.

The three files run in that order (`make integration`) and build on each other: one site, then each tag alone (two
at a time), then one teardown, like `make demo` then a teardown.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import Twin

ROOT = Path(__file__).resolve().parents[2]
REGIONS = ("us-east-2", "us-west-2")
RECAP = re.compile(
    r"localhost\s*:\s*ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=\d+\s+failed=(?P<failed>\d+)"
)


def site_tags() -> list[str]:
    """Every role tag of playbooks/site.yml, in the site's order."""
    tags: list[str] = []
    for play in yaml.safe_load((ROOT / "playbooks" / "site.yml").read_text()):
        for task in play.get("tasks", []):
            if "never" in task.get("tags", []):  # run only when named (the replica's promotion)
                continue
            for tag in task.get("tags", []):
                if tag != "always" and tag not in tags:
                    tags.append(tag)
    return tags


def ansible_playbook(
    *arguments: str, env: dict[str, str] | None = None, timeout: int = 1200
) -> tuple[dict[str, int], str]:
    """Run ansible-playbook from the checkout: its recap (ok, changed, failed, rc) and its whole output."""
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "ansible-playbook"), *arguments],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = result.stdout + result.stderr
    match = RECAP.search(output)
    recap = {key: int(value) for key, value in match.groupdict().items()} if match else {}
    recap["rc"] = result.returncode
    return recap, output


def mutating_since(twin: Twin, since: int) -> list[str]:
    entries = twin.requests(since)["entries"]
    return [f"{entry['service']}:{entry['action']}" for entry in entries if entry["mutating"]]


def running_twin() -> Twin:
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
    if not endpoint.startswith("http://127.0.0.1"):
        pytest.fail("the local twin is not in the environment: run `make local-up` and `source .local/env.sh`")
    return Twin(endpoint)


def _not_default(field: str) -> Callable[[dict[str, Any]], bool]:
    return lambda item: not str(item[field]).startswith("default")


# (kind, service, call, result key, name field, which to count, call parameters): every type the site creates.
LISTINGS: list[tuple[str, str, str, str, str, Callable[[dict[str, Any]], bool], dict[str, Any]]] = [
    ("vpc", "ec2", "describe_vpcs", "Vpcs", "VpcId", lambda vpc: not vpc.get("IsDefault"), {}),
    ("security group", "ec2", "describe_security_groups", "SecurityGroups", "GroupName", _not_default("GroupName"), {}),
    ("subnet", "ec2", "describe_subnets", "Subnets", "SubnetId", lambda subnet: not subnet.get("DefaultForAz"), {}),
    ("key pair", "ec2", "describe_key_pairs", "KeyPairs", "KeyName", lambda _pair: True, {}),
    ("db cluster", "rds", "describe_db_clusters", "DBClusters", "DBClusterIdentifier", lambda _c: True, {}),
    ("db instance", "rds", "describe_db_instances", "DBInstances", "DBInstanceIdentifier", lambda _i: True, {}),
    (
        "db subnet group",
        "rds",
        "describe_db_subnet_groups",
        "DBSubnetGroups",
        "DBSubnetGroupName",
        _not_default("DBSubnetGroupName"),
        {},
    ),
    (
        "db cluster parameter group",
        "rds",
        "describe_db_cluster_parameter_groups",
        "DBClusterParameterGroups",
        "DBClusterParameterGroupName",
        _not_default("DBClusterParameterGroupName"),
        {},
    ),
    (
        "db parameter group",
        "rds",
        "describe_db_parameter_groups",
        "DBParameterGroups",
        "DBParameterGroupName",
        _not_default("DBParameterGroupName"),
        {},
    ),
    (
        "global cluster",
        "rds",
        "describe_global_clusters",
        "GlobalClusters",
        "GlobalClusterIdentifier",
        lambda _c: True,
        {},
    ),
    (
        "event subscription",
        "rds",
        "describe_event_subscriptions",
        "EventSubscriptionsList",
        "CustSubscriptionId",
        lambda _s: True,
        {},
    ),
    ("redshift cluster", "redshift", "describe_clusters", "Clusters", "ClusterIdentifier", lambda _c: True, {}),
    (
        "redshift subnet group",
        "redshift",
        "describe_cluster_subnet_groups",
        "ClusterSubnetGroups",
        "ClusterSubnetGroupName",
        _not_default("ClusterSubnetGroupName"),
        {},
    ),
    (
        "redshift parameter group",
        "redshift",
        "describe_cluster_parameter_groups",
        "ParameterGroups",
        "ParameterGroupName",
        _not_default("ParameterGroupName"),
        {},
    ),
    (
        "replication group",
        "elasticache",
        "describe_replication_groups",
        "ReplicationGroups",
        "ReplicationGroupId",
        lambda _g: True,
        {},
    ),
    (
        "cache subnet group",
        "elasticache",
        "describe_cache_subnet_groups",
        "CacheSubnetGroups",
        "CacheSubnetGroupName",
        _not_default("CacheSubnetGroupName"),
        {},
    ),
    (
        "cache parameter group",
        "elasticache",
        "describe_cache_parameter_groups",
        "CacheParameterGroups",
        "CacheParameterGroupName",
        _not_default("CacheParameterGroupName"),
        {},
    ),
    ("secret", "secretsmanager", "list_secrets", "SecretList", "Name", lambda secret: "DeletedDate" not in secret, {}),
    ("sns topic", "sns", "list_topics", "Topics", "TopicArn", lambda _t: True, {}),
    ("alarm", "cloudwatch", "describe_alarms", "MetricAlarms", "AlarmName", lambda _a: True, {}),
    (
        "scalable target",
        "application-autoscaling",
        "describe_scalable_targets",
        "ScalableTargets",
        "ResourceId",
        lambda _t: True,
        {"ServiceNamespace": "rds"},
    ),
    # The record of the last converged run (the drift check's), in the primary region.
    (
        "ssm parameter",
        "ssm",
        "describe_parameters",
        "Parameters",
        "Name",
        lambda parameter: parameter["Name"].startswith("/xyz/aws_database/"),
        {},
    ),
]


def left_behind(twin: Twin, region: str) -> list[str]:
    """Every resource of every type the site creates, in one region, but AWS's own defaults."""
    found = []
    for kind, service, call, key, name, counted, params in LISTINGS:
        items = getattr(twin.client(service, region=region), call)(**params)[key]
        found += [f"{region} {kind} {item[name]}" for item in items if counted(item)]
    ec2 = twin.client("ec2", region=region)
    for reservation in ec2.describe_instances()["Reservations"]:
        found += [
            f"{region} ec2 instance {instance['InstanceId']}"
            for instance in reservation["Instances"]
            if instance["State"]["Name"] != "terminated"
        ]
    kms = twin.client("kms", region=region)
    for key in kms.list_keys()["Keys"]:
        metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        if metadata["KeyManager"] == "CUSTOMER" and metadata["KeyState"] != "PendingDeletion":
            found.append(f"{region} kms key {key['KeyId']}")
    return found
