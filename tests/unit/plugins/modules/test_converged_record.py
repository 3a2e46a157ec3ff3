"""converged_record against the twin: a record written once, read back in sync, drift in the inputs or a resource.

Each test builds a few real resources on the clean twin (a VPC, a subnet, a security group, a topic, an alarm and an
RDS cluster with its subnet group), records them, and reads the record back through the module, the twin's request
log counting the calls.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ansible_collections.xyz.aws_database.plugins.modules import converged_record
from tests.conftest import Twin
from tests.unit.plugins.modules.conftest import REGION, RunModule, mutating_calls

NAME = "/xyz/aws_database/xyz-unit/converged-run"
DIGEST = "3f" * 32
OTHER_REGION = "us-west-2"
FACTS = {"aurora_writer_endpoint": "xyz-unit.cluster.example", "network_vpcs": {REGION: {"vpc_id": "vpc-1"}}}


def _build(twin: Twin) -> list[dict[str, str]]:
    """Real resources on the twin, as the site's record task lists them."""
    ec2 = twin.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{index}.0/24", AvailabilityZone=f"{REGION}{zone}")["Subnet"][
            "SubnetId"
        ]
        for index, zone in ((1, "a"), (2, "b"))
    ]
    group = ec2.create_security_group(GroupName="xyz-unit", Description="unit", VpcId=vpc)["GroupId"]
    topic = twin.client("sns").create_topic(Name="xyz-unit-operators")["TopicArn"]
    twin.client("cloudwatch").put_metric_alarm(
        AlarmName="xyz-unit-cpu",
        MetricName="CPUUtilization",
        Namespace="AWS/RDS",
        Statistic="Average",
        Period=60,
        EvaluationPeriods=1,
        Threshold=80.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    rds = twin.client("rds")
    rds.create_db_subnet_group(DBSubnetGroupName="xyz-unit", DBSubnetGroupDescription="unit", SubnetIds=subnets)
    rds.create_db_cluster(
        DBClusterIdentifier="xyz-unit-aurora",
        Engine="aurora-mysql",
        MasterUsername="xyzadmin",
        MasterUserPassword="not-a-real-one-1",
        DBSubnetGroupName="xyz-unit",
        StorageEncrypted=True,
    )
    return [
        {"region": REGION, "kind": "vpc", "id": vpc},
        *({"region": REGION, "kind": "subnet", "id": subnet} for subnet in subnets),
        {"region": REGION, "kind": "security_group", "id": group},
        {"region": REGION, "kind": "topic", "id": topic},
        {"region": REGION, "kind": "alarm", "id": "xyz-unit-cpu"},
        {"region": OTHER_REGION, "kind": "alarm", "id": "xyz-unit-cpu"},  # listed in both regions, exists in one
        {"region": REGION, "kind": "db_cluster", "id": "xyz-unit-aurora"},
    ]


@pytest.fixture
def recorded(clean_twin: Twin, run_module: RunModule) -> tuple[list[dict[str, str]], dict[str, Any]]:
    resources = _build(clean_twin)
    result = run_module(
        converged_record, name=NAME, state="present", inputs_digest=DIGEST, resources=resources, facts=FACTS
    )
    assert result["changed"] is True, result
    return resources, result


def _query(run_module: RunModule, digest: str = DIGEST) -> dict[str, Any]:
    return run_module(converged_record, name=NAME, inputs_digest=digest)


def test_without_a_record_nothing_is_in_sync(clean_twin: Twin, run_module: RunModule) -> None:
    result = _query(run_module)
    assert (result["exists"], result["in_sync"], result["drift"]) == (False, False, ["no record of a converged run"])
    assert result["calls"] == 1
    assert clean_twin.requests()["total"] == 1


def test_check_mode_predicts_the_record_and_writes_nothing(clean_twin: Twin, run_module: RunModule) -> None:
    resources = _build(clean_twin)
    since = clean_twin.requests()["last_seq"]
    result = run_module(
        converged_record,
        check_mode=True,
        name=NAME,
        state="present",
        inputs_digest=DIGEST,
        resources=resources,
        facts=FACTS,
    )
    assert result["changed"] is True
    assert result["diff"]["before"] == {}
    assert mutating_calls(clean_twin, since) == []
    assert _query(run_module)["exists"] is False


def test_the_record_keeps_no_digest_as_given_and_no_description(
    clean_twin: Twin, recorded: tuple[list[dict[str, str]], dict[str, Any]]
) -> None:
    value = clean_twin.client("ssm").get_parameter(Name=NAME)["Parameter"]["Value"]
    record = converged_record.decode(value)
    assert record is not None
    assert DIGEST not in value
    assert DIGEST not in json.dumps(record)
    assert record["digest"] == converged_record.stretched(DIGEST, record["salt"])
    assert record["facts"] == FACTS
    assert "us-west-2 alarm xyz-unit-cpu" not in record["resources"]  # it exists in us-east-2 only
    # the cluster brought its subnet group and its (default) cluster parameter group
    kinds = sorted(key.split(" ")[1] for key in record["resources"])
    assert kinds == sorted(
        [
            "vpc",
            "subnet",
            "subnet",
            "security_group",
            "topic",
            "alarm",
            "db_cluster",
            "db_subnet_group",
            "db_cluster_parameter_group",
        ]
    )


def test_the_same_run_is_in_sync_with_at_most_one_call_per_resource(
    clean_twin: Twin, run_module: RunModule, recorded: tuple[list[dict[str, str]], dict[str, Any]]
) -> None:
    resources = recorded[1]["resources"]
    since = clean_twin.requests()["last_seq"]
    result = _query(run_module)
    assert result["in_sync"] is True, result["drift"]
    assert result["drift"] == []
    assert result["facts"] == FACTS
    calls = clean_twin.requests(since)
    assert calls["mutating"] == 0
    assert calls["total"] == result["calls"]
    assert calls["total"] - 1 <= resources  # the record's read, then at most one describe per resource
    assert result["recorded_at"] == recorded[1]["recorded_at"]


def test_recording_the_same_run_again_changes_nothing(
    clean_twin: Twin, run_module: RunModule, recorded: tuple[list[dict[str, str]], dict[str, Any]]
) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run_module(
        converged_record, name=NAME, state="present", inputs_digest=DIGEST, resources=recorded[0], facts=FACTS
    )
    assert result["changed"] is False
    assert mutating_calls(clean_twin, since) == []


def test_other_inputs_are_drift_without_describing_anything(
    clean_twin: Twin, run_module: RunModule, recorded: tuple[list[dict[str, str]], dict[str, Any]]
) -> None:
    since = clean_twin.requests()["last_seq"]
    result = _query(run_module, digest="40" * 32)
    assert result["in_sync"] is False
    assert result["drift"] == ["the inputs differ from the recorded run's (variables or the collection's code)"]
    assert result["facts"] == {}
    assert clean_twin.requests(since)["total"] == 1


def test_a_resource_changed_outside_the_site_is_drift(
    clean_twin: Twin, run_module: RunModule, recorded: tuple[list[dict[str, str]], dict[str, Any]]
) -> None:
    group = next(resource["id"] for resource in recorded[0] if resource["kind"] == "security_group")
    clean_twin.client("ec2").authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    clean_twin.client("rds").modify_db_cluster(
        DBClusterIdentifier="xyz-unit-aurora", BackupRetentionPeriod=7, ApplyImmediately=True
    )
    result = _query(run_module)
    assert result["in_sync"] is False
    assert [line.split(":")[0] for line in result["drift"]] == [
        f"{REGION} db_cluster xyz-unit-aurora",
        f"{REGION} security_group {group}",
    ]
    assert all("described differently since" in line for line in result["drift"])
    assert result["facts"] == {}


def test_a_resource_gone_is_drift(
    clean_twin: Twin, run_module: RunModule, recorded: tuple[list[dict[str, str]], dict[str, Any]]
) -> None:
    clean_twin.client("cloudwatch").delete_alarms(AlarmNames=["xyz-unit-cpu"])
    result = _query(run_module)
    assert result["in_sync"] is False
    assert [line.split(" since ")[0] for line in result["drift"]] == [f"{REGION} alarm xyz-unit-cpu: gone"]


def test_a_missing_resource_is_not_recorded(clean_twin: Twin, run_module: RunModule) -> None:
    resources = [*_build(clean_twin), {"region": REGION, "kind": "db_instance", "id": "xyz-unit-aurora-9"}]
    result = run_module(
        converged_record, name=NAME, state="present", inputs_digest=DIGEST, resources=resources, facts=FACTS
    )
    assert result["changed"] is False
    assert result["drift"] == [f"{REGION} db_instance xyz-unit-aurora-9"]
    assert "do not exist" in json.dumps(result["warnings"])
    assert _query(run_module)["exists"] is False


def test_absent_deletes_the_record_once(
    clean_twin: Twin, run_module: RunModule, recorded: tuple[list[dict[str, str]], dict[str, Any]]
) -> None:
    first = run_module(converged_record, name=NAME, state="absent")
    second = run_module(converged_record, name=NAME, state="absent")
    assert (first["changed"], second["changed"]) == (True, False)
    assert _query(run_module)["drift"] == ["no record of a converged run"]
