"""redshift_cluster against the in-process twin: create, no-op, modify, delete, check mode, diff and refusals.

The module runs whole (main()) with its arguments patched in, talking to the twin of tests/conftest.py through
boto3; the twin's request log shows which calls it made.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import pytest

from ansible_collections.xyz.aws_database.plugins.modules import redshift_cluster as module
from tests.unit.plugins.modules.conftest import Run, RunModule, mutating_calls

REGION = "us-east-2"
CLUSTER = "unit-warehouse"
PASSWORD = "Unit-Passw0rd"


@pytest.fixture
def run(run_module: RunModule) -> Run:
    """run(check_mode=False, **args): the module's result against the clean twin, waiting 1 s between polls."""
    return partial(run_module, module, wait_delay=1)


def _args(**extra: Any) -> dict[str, Any]:
    """The module's arguments for the test cluster; an override of None leaves that option out."""
    args = {
        "identifier": CLUSTER,
        "node_type": "ra3.xlplus",
        "master_username": "xyzadmin",
        "master_user_password": PASSWORD,
        "automated_snapshot_retention_period": 7,
        "preferred_maintenance_window": "sun:05:00-sun:05:30",
        "tags": {"project": "xyz"},
        **extra,
    }
    return {key: value for key, value in args.items() if value is not None}


def _describe(twin: Any) -> dict[str, Any]:
    return twin.client("redshift", region=REGION).describe_clusters(ClusterIdentifier=CLUSTER)["Clusters"][0]


@pytest.fixture
def created(run: Run, clean_twin: Any) -> dict[str, Any]:
    result = run(**_args())
    assert result["changed"], result
    return result


# --- create and no-op ------------------------------------------------------------------------------------------


def test_create_builds_an_encrypted_private_cluster(created: dict[str, Any], clean_twin: Any) -> None:
    cluster = created["cluster"]
    assert (cluster["cluster_identifier"], cluster["node_type"], cluster["number_of_nodes"]) == (
        CLUSTER,
        "ra3.xlplus",
        1,
    )
    assert cluster["encrypted"] is True
    assert cluster["publicly_accessible"] is False
    assert cluster["enhanced_vpc_routing"] is True
    assert (cluster["db_name"], cluster["master_username"]) == ("dev", "xyzadmin")
    assert cluster["automated_snapshot_retention_period"] == 7
    assert cluster["tags"] == {"project": "xyz"}
    assert cluster["cluster_namespace_arn"].startswith("arn:aws:redshift:us-east-2:")
    assert PASSWORD not in json.dumps(created)
    assert created["diff"]["before"] == {}
    assert created["diff"]["after"]["node_type"] == "ra3.xlplus"
    assert mutating_calls(clean_twin) == ["CreateCluster"]


def test_second_run_changes_nothing(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    since = clean_twin.requests()["last_seq"]
    again = run(**_args())
    assert again["changed"] is False
    assert again["diff"]["before"] == again["diff"]["after"]
    assert mutating_calls(clean_twin, since) == []


def test_check_mode_create_predicts_and_calls_nothing(run: Run, clean_twin: Any) -> None:
    result = run(check_mode=True, **_args(number_of_nodes=2))
    assert result["changed"] is True
    assert result["cluster"]["cluster_status"] == "creating"
    assert (result["cluster"]["number_of_nodes"], result["cluster"]["encrypted"]) == (2, True)
    assert mutating_calls(clean_twin) == []
    assert clean_twin.client("redshift", region=REGION).describe_clusters()["Clusters"] == []


def test_managed_password_lives_in_a_secret(run: Run, clean_twin: Any) -> None:
    result = run(**_args(master_user_password=None, manage_master_password=True))
    assert ":secret:redshift!unit-warehouse-xyzadmin" in result["cluster"]["master_password_secret_arn"]
    assert run(**_args(master_user_password=None, manage_master_password=True))["changed"] is False
    refused = run(**_args(master_user_password=None))
    assert refused["failed"]
    assert "give master_user_password" in refused["msg"]


# --- modify ------------------------------------------------------------------------------------------------------


def test_check_mode_modify_predicts_with_a_diff_and_calls_nothing(
    created: dict[str, Any], run: Run, clean_twin: Any
) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(check_mode=True, **_args(automated_snapshot_retention_period=14, enhanced_vpc_routing=False))
    assert result["changed"] is True
    before, after = result["diff"]["before"], result["diff"]["after"]
    assert (before["automated_snapshot_retention_period"], after["automated_snapshot_retention_period"]) == (7, 14)
    assert (before["enhanced_vpc_routing"], after["enhanced_vpc_routing"]) == (True, False)
    assert result["cluster"]["automated_snapshot_retention_period"] == 14
    assert mutating_calls(clean_twin, since) == []
    assert _describe(clean_twin)["AutomatedSnapshotRetentionPeriod"] == 7


def test_modify_in_place_then_no_op(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    ec2 = clean_twin.client("ec2", region=REGION)
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    group = ec2.create_security_group(GroupName="unit-redshift", Description="d", VpcId=vpc)["GroupId"]
    changes = _args(
        automated_snapshot_retention_period=14,
        preferred_maintenance_window="Mon:06:00-Mon:06:30",
        vpc_security_group_ids=[group],
        allow_version_upgrade=False,
        tags={"project": "xyz", "owner": "data"},
    )
    result = run(**changes)
    assert result["changed"] is True
    cluster = _describe(clean_twin)
    assert cluster["AutomatedSnapshotRetentionPeriod"] == 14
    assert cluster["PreferredMaintenanceWindow"].lower() == "mon:06:00-mon:06:30"
    assert [g["VpcSecurityGroupId"] for g in cluster["VpcSecurityGroups"]] == [group]
    assert cluster["AllowVersionUpgrade"] is False
    assert result["cluster"]["tags"] == {"project": "xyz", "owner": "data"}
    since = clean_twin.requests()["last_seq"]
    assert run(**changes)["changed"] is False
    assert mutating_calls(clean_twin, since) == []


def test_resize_to_multi_node(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    result = run(**_args(number_of_nodes=3))
    assert (result["cluster"]["number_of_nodes"], result["diff"]["before"]["number_of_nodes"]) == (3, 1)
    assert _describe(clean_twin)["NumberOfNodes"] == 3
    assert run(**_args(number_of_nodes=3))["changed"] is False


def test_resize_beyond_the_elastic_limit_is_refused(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(**_args(number_of_nodes=33))
    assert result["failed"]
    assert "at most 32 nodes" in result["msg"]
    assert mutating_calls(clean_twin, since) == []


def test_kms_key_change_re_encrypts_and_names_of_one_key_match(
    created: dict[str, Any], run: Run, clean_twin: Any
) -> None:
    key = clean_twin.client("kms", region=REGION).create_key()["KeyMetadata"]
    result = run(**_args(kms_key_id=key["KeyId"]))
    assert result["changed"] is True
    assert _describe(clean_twin)["Encrypted"] is True
    since = clean_twin.requests()["last_seq"]
    assert run(**_args(kms_key_id=key["Arn"]))["changed"] is False
    assert mutating_calls(clean_twin, since) == []


def test_parameter_group_change_with_reboot(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    redshift = clean_twin.client("redshift", region=REGION)
    redshift.create_cluster_parameter_group(
        ParameterGroupName="unit-zero-etl", ParameterGroupFamily="redshift-2.0", Description="d"
    )
    since = clean_twin.requests()["last_seq"]
    result = run(**_args(parameter_group_name="unit-zero-etl", reboot_to_apply_parameters=True))
    assert result["changed"] is True
    assert result["diff"]["after"]["parameter_group_name"] == "unit-zero-etl"
    assert mutating_calls(clean_twin, since) == ["ModifyCluster", "RebootCluster"]
    group = _describe(clean_twin)["ClusterParameterGroups"][0]
    assert (group["ParameterGroupName"], group["ParameterApplyStatus"]) == ("unit-zero-etl", "in-sync")
    assert run(**_args(parameter_group_name="unit-zero-etl", reboot_to_apply_parameters=True))["changed"] is False


def test_pending_parameters_without_reboot_are_left(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    redshift = clean_twin.client("redshift", region=REGION)
    redshift.create_cluster_parameter_group(
        ParameterGroupName="unit-pg", ParameterGroupFamily="redshift-2.0", Description="d"
    )
    assert run(**_args(parameter_group_name="unit-pg"))["changed"] is True
    assert _describe(clean_twin)["ClusterParameterGroups"][0]["ParameterApplyStatus"] == "pending-reboot"
    assert run(**_args(parameter_group_name="unit-pg"))["changed"] is False
    rebooted = run(**_args(parameter_group_name="unit-pg", reboot_to_apply_parameters=True))
    assert rebooted["changed"] is True
    assert rebooted["diff"]["before"]["parameter_apply_status"] == "pending-reboot"
    assert rebooted["diff"]["after"]["parameter_apply_status"] == "in-sync"


def test_audit_logging_on_then_off(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    logging = {"log_destination_type": "cloudwatch"}
    result = run(**_args(logging=logging))
    assert result["changed"] is True
    assert result["cluster"]["logging"] == {
        "enabled": True,
        "log_destination_type": "cloudwatch",
        "log_exports": ["connectionlog", "useractivitylog", "userlog"],
    }
    assert run(**_args(logging=logging))["changed"] is False
    off = run(**_args(logging={"enabled": False}))
    assert off["changed"] is True
    assert off["cluster"]["logging"] == {"enabled": False}
    status = clean_twin.client("redshift", region=REGION).describe_logging_status(ClusterIdentifier=CLUSTER)
    assert status["LoggingEnabled"] is False


def test_password_update_always_changes(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    since = clean_twin.requests()["last_seq"]
    assert run(**_args(update_password="always"))["changed"] is True
    assert mutating_calls(clean_twin, since) == ["ModifyCluster"]


# --- refusals ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"node_type": "dc2.large"}, "value of node_type must be one of"),
        ({"cluster_type": "multi-node", "number_of_nodes": 1}, "multi-node needs number_of_nodes of at least 2"),
        ({"node_type": "ra3.4xlarge", "number_of_nodes": 1}, "has no single-node clusters"),
        ({"master_username": "awsuser"}, "must not be 'awsuser'"),
        ({"encrypted": False}, "encrypted must be true"),
        ({"publicly_accessible": True}, "publicly_accessible must be false"),
        ({"master_user_password": "short"}, "master_user_password must be 8 to 64"),
        ({"preferred_maintenance_window": "sun:05:00-sun:05:10"}, "at least 30 minutes"),
        ({"automated_snapshot_retention_period": 36}, "between 0 and 35"),
        ({"logging": {"log_destination_type": "s3"}}, "logging.bucket_name is required"),
        ({"manage_master_password": True}, "exclude each other"),
    ],
)
def test_bad_input_fails_before_any_call(run: Run, clean_twin: Any, overrides: dict[str, Any], message: str) -> None:
    result = run(**_args(**overrides))
    assert result["failed"]
    assert message in result["msg"]
    assert clean_twin.requests()["total"] == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"number_of_nodes": 17}, "at most 16 nodes"),
        ({"port": 5500}, "within 5431-5455 or 8191-8215"),
        ({"automated_snapshot_retention_period": 0}, "cannot turn automated snapshots off"),
        ({"multi_az": True}, "multi_az needs an RA3 node_type and number_of_nodes of at least 2"),
        ({"node_type": None}, "node_type is required"),
    ],
)
def test_create_rules_fail_before_any_mutating_call(
    run: Run, clean_twin: Any, overrides: dict[str, Any], message: str
) -> None:
    result = run(**_args(**overrides))
    assert result["failed"]
    assert message in result["msg"]
    assert mutating_calls(clean_twin) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"db_name": "sales"}, "db_name cannot change from 'dev' to 'sales'"),
        ({"master_username": "other"}, "master_username cannot change"),
        ({"subnet_group_name": "elsewhere"}, "subnet_group_name cannot change"),
    ],
)
def test_replacing_changes_are_refused_saying_what_is_lost(
    created: dict[str, Any], run: Run, clean_twin: Any, overrides: dict[str, Any], message: str
) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(**_args(**overrides))
    assert result["failed"]
    assert message in result["msg"]
    assert "the data of this one would be lost" in result["msg"]
    assert mutating_calls(clean_twin, since) == []


# --- delete ------------------------------------------------------------------------------------------------------


def test_delete_needs_a_final_snapshot_identifier(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(identifier=CLUSTER, state="absent")
    assert result["failed"]
    assert "final_snapshot_identifier is required" in result["msg"]
    assert clean_twin.requests(since)["total"] == 0


def test_check_mode_delete_calls_nothing(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(check_mode=True, identifier=CLUSTER, state="absent", skip_final_snapshot=True)
    assert result["changed"] is True
    assert result["diff"]["after"] == {}
    assert mutating_calls(clean_twin, since) == []


def test_delete_keeps_a_final_snapshot_then_nothing_to_do(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    result = run(identifier=CLUSTER, state="absent", final_snapshot_identifier="unit-warehouse-final")
    assert result["changed"] is True
    assert result["cluster"] == {}
    redshift = clean_twin.client("redshift", region=REGION)
    assert redshift.describe_clusters()["Clusters"] == []
    snapshots = redshift.describe_cluster_snapshots(SnapshotIdentifier="unit-warehouse-final")["Snapshots"]
    assert [s["SnapshotIdentifier"] for s in snapshots] == ["unit-warehouse-final"]
    again = run(identifier=CLUSTER, state="absent", final_snapshot_identifier="unit-warehouse-final")
    assert again["changed"] is False


def test_throttled_calls_are_retried(run: Run, clean_twin: Any) -> None:
    """The twin's fault mode answers a share of the calls with AWS's Throttling error; the module retries them."""
    clean_twin.configure(fault_rate=0.3, fault_seed=7)
    try:
        created = run(**_args(logging={"log_destination_type": "cloudwatch"}))
        again = run(**_args(logging={"log_destination_type": "cloudwatch"}))
    finally:
        clean_twin.configure(fault_rate=0, fault_seed=0)
    assert (created["changed"], again["changed"]) == (True, False), (created, again)
    assert any(entry["fault"] for entry in clean_twin.requests()["entries"])


def test_port_in_the_ra3_range_then_changed(run: Run, clean_twin: Any) -> None:
    assert run(**_args(port=5440))["cluster"]["endpoint"]["port"] == 5440
    assert run(**_args(port=5440))["changed"] is False
    moved = run(**_args(port=8192))
    assert (moved["diff"]["before"]["port"], moved["diff"]["after"]["port"]) == (5440, 8192)
    assert _describe(clean_twin)["Endpoint"]["Port"] == 8192


def test_password_management_handed_to_aws_and_back(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    managed = run(**_args(master_user_password=None, manage_master_password=True))
    assert managed["changed"] is True
    assert (
        managed["diff"]["before"]["manage_master_password"],
        managed["diff"]["after"]["manage_master_password"],
    ) == (
        False,
        True,
    )
    assert _describe(clean_twin)["MasterPasswordSecretArn"]
    back = run(**_args())
    assert back["changed"] is True
    assert "MasterPasswordSecretArn" not in _describe(clean_twin)
    assert run(**_args())["changed"] is False


def test_multi_az_on_a_multi_node_ra3_cluster(run: Run, clean_twin: Any) -> None:
    assert run(**_args(number_of_nodes=2))["changed"] is True
    result = run(**_args(number_of_nodes=2, multi_az=True))
    assert (result["changed"], result["cluster"]["multi_az"]) == (True, "Enabled")
    assert run(**_args(number_of_nodes=2, multi_az=True))["changed"] is False
