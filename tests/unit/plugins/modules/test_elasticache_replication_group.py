"""elasticache_replication_group against the twin (in process): create, no-op, modify, delete, check mode, diff,
AUTH strategies, encryption in transit steps, and the refusals that come before any AWS call."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from ansible_collections.xyz.aws_database.plugins.modules import elasticache_replication_group as module
from tests.conftest import ACCOUNT_ID, Twin
from tests.unit.plugins.modules.conftest import Run, RunModule, mutating_calls

REGION = "us-east-2"
TOKEN = "First-token-1234567890"
NEXT_TOKEN = "Second-token-0987654321"
GROUP = "xyz-unit-cache"


@pytest.fixture
def ec(aws: Callable[..., Any]) -> Any:
    return aws("elasticache", region=REGION)


@pytest.fixture
def network(aws: Callable[..., Any], ec: Any) -> dict[str, Any]:
    """A VPC with a cache subnet group over two zones and two security groups."""
    ec2 = aws("ec2", region=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{index}.0/24", AvailabilityZone=f"{REGION}{zone}")["Subnet"][
            "SubnetId"
        ]
        for index, zone in enumerate("ab")
    ]
    ec.create_cache_subnet_group(CacheSubnetGroupName="unit-net", CacheSubnetGroupDescription="d", SubnetIds=subnets)
    groups = [ec2.create_security_group(GroupName=name, Description="d", VpcId=vpc)["GroupId"] for name in "ab"]
    return {"subnet_group": "unit-net", "security_groups": groups}


@pytest.fixture
def run(run_module: RunModule) -> Run:
    """run(check_mode=False, **args): the module's result against the clean twin, waiting 1 s between polls."""
    return partial(run_module, module, wait_delay=1)


def _args(network: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The module's arguments for the test group; an extra argument of None leaves that option out."""
    args = {
        "replication_group_id": GROUP,
        "description": "Cache in front of Aurora",
        "engine": "valkey",
        "engine_version": "8.0",
        "cache_node_type": "cache.t4g.micro",
        "cache_subnet_group_name": network["subnet_group"],
        "security_group_ids": network["security_groups"][:1],
        "auth_token": TOKEN,
        "snapshot_retention_limit": 1,
        "tags": {"environment": "unit"},
        **extra,
    }
    return {name: value for name, value in args.items() if value is not None}


def _changes(twin: Twin, action: str) -> int:
    """How many times the twin answered the (mutating) ElastiCache `action` since it was cleaned."""
    return twin.requests()["per_action"].get(f"elasticache:{action}", 0)


def _backend_group(group_id: str = GROUP) -> Any:
    from moto.elasticache.models import elasticache_backends

    return elasticache_backends[ACCOUNT_ID][REGION].replication_groups[group_id]


@pytest.fixture
def created(run: Run, network: dict[str, Any]) -> dict[str, Any]:
    result = run(**_args(network))
    assert result["changed"] is True, result
    return result


# --------------------------------------------------------------------------------------------------------------------
# Create, no-op, delete


def test_create_builds_an_encrypted_multi_az_group_with_auth(created: dict[str, Any], ec: Any) -> None:
    group = created["replication_group"]
    assert group["replication_group_id"] == GROUP
    assert group["status"] == "available"
    assert group["engine"] == "valkey"
    assert group["engine_version"].startswith("8.0")
    assert group["num_cache_clusters"] == 2
    assert group["automatic_failover"] == "enabled"
    assert group["multi_az"] == "enabled"
    assert group["transit_encryption_enabled"] is True
    assert group["transit_encryption_mode"] == "required"
    assert group["at_rest_encryption_enabled"] is True
    assert group["auth_token_enabled"] is True
    assert group["cache_parameter_group_name"] == "default.valkey8"
    assert group["cache_subnet_group_name"] == "unit-net"
    assert group["snapshot_retention_limit"] == 1
    assert group["port"] == 6379
    assert group["primary_endpoint"]["port"] == 6379
    assert group["tags"] == {"environment": "unit"}
    assert TOKEN not in json.dumps(created)
    assert created["diff"]["before"] == {}
    assert created["diff"]["after"]["engine"] == "valkey"
    assert _backend_group().auth_tokens == [TOKEN]


ENGINE_CASES = [("redis", "7.1", "redis7"), ("valkey", "7.2", "valkey7"), ("valkey", "8.0", "valkey8")]


@pytest.mark.parametrize("case", ENGINE_CASES)
def test_create_each_engine_with_its_family_and_a_kms_key(
    run: Run, network: dict[str, Any], aws: Callable[..., Any], case: tuple[str, str, str]
) -> None:
    """Redis OSS 7 and Valkey 7.2/8 groups, each with a parameter group of its family and a customer managed key for
    encryption at rest; a second run changes nothing."""
    engine, version, family = case
    ec = aws("elasticache", region=REGION)
    ec.create_cache_parameter_group(
        CacheParameterGroupName=f"unit-{family}", CacheParameterGroupFamily=family, Description="unit"
    )
    key_arn = aws("kms", region=REGION).create_key(Description="unit cache")["KeyMetadata"]["Arn"]
    args = _args(
        network, engine=engine, engine_version=version, cache_parameter_group_name=f"unit-{family}", kms_key_id=key_arn
    )
    group = run(**args)["replication_group"]
    assert group["engine"] == engine
    assert group["engine_version"].startswith(version)
    assert group["cache_parameter_group_name"] == f"unit-{family}"
    assert group["at_rest_encryption_enabled"] is True
    assert group["kms_key_id"] == key_arn
    assert run(**args)["changed"] is False


def test_second_run_changes_nothing(
    created: dict[str, Any], run: Run, network: dict[str, Any], clean_twin: Twin
) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(**_args(network))
    assert result["changed"] is False, result
    assert mutating_calls(clean_twin, since) == []
    assert result["diff"]["before"] == result["diff"]["after"]
    assert _backend_group().auth_tokens == [TOKEN], "a token without a strategy is never sent"


def test_check_mode_create_predicts_and_calls_nothing(
    run: Run, network: dict[str, Any], clean_twin: Twin, ec: Any
) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(check_mode=True, **_args(network))
    assert result["changed"] is True
    assert mutating_calls(clean_twin, since) == []
    assert result["replication_group"]["status"] == "creating"
    assert result["replication_group"]["auth_token_enabled"] is True
    assert result["diff"]["after"]["multi_az"] == "enabled"
    assert ec.describe_replication_groups()["ReplicationGroups"] == []


def test_delete_with_final_snapshot_then_again(created: dict[str, Any], run: Run, clean_twin: Twin, ec: Any) -> None:
    checked = run(check_mode=True, replication_group_id=GROUP, state="absent")
    assert checked["changed"] is True
    assert _changes(clean_twin, "DeleteReplicationGroup") == 0

    result = run(replication_group_id=GROUP, state="absent", final_snapshot_identifier="unit-final")
    assert result["changed"] is True
    assert result["replication_group"] == {}
    assert result["diff"]["before"]["engine"] == "valkey"
    assert result["diff"]["after"] == {}
    assert ec.describe_replication_groups()["ReplicationGroups"] == []
    assert [snap["SnapshotName"] for snap in ec.describe_snapshots()["Snapshots"]] == ["unit-final"]

    again = run(replication_group_id=GROUP, state="absent")
    assert again["changed"] is False
    assert _changes(clean_twin, "DeleteReplicationGroup") == 1


# --------------------------------------------------------------------------------------------------------------------
# Modify in place


def test_modify_in_place_then_no_op(
    created: dict[str, Any], run: Run, network: dict[str, Any], clean_twin: Twin, ec: Any
) -> None:
    ec.create_cache_parameter_group(
        CacheParameterGroupName="unit-valkey8", CacheParameterGroupFamily="valkey8", Description="d"
    )
    changed = _args(
        network,
        description="Cache, modified",
        security_group_ids=network["security_groups"],
        cache_parameter_group_name="unit-valkey8",
        snapshot_retention_limit=7,
        snapshot_window="02:00-03:00",
        preferred_maintenance_window="Mon:04:00-Mon:05:00",
        auto_minor_version_upgrade=False,
        tags={"environment": "unit", "team": "db"},
    )
    result = run(**changed)
    assert result["changed"] is True
    group = result["replication_group"]
    assert group["description"] == "Cache, modified"
    assert group["security_group_ids"] == sorted(network["security_groups"])
    assert group["cache_parameter_group_name"] == "unit-valkey8"
    assert group["snapshot_retention_limit"] == 7
    assert group["snapshot_window"] == "02:00-03:00"
    assert group["preferred_maintenance_window"] == "mon:04:00-mon:05:00"
    assert group["auto_minor_version_upgrade"] is False
    assert group["tags"] == {"environment": "unit", "team": "db"}
    assert result["diff"]["before"]["snapshot_retention_limit"] == 1
    assert result["diff"]["after"]["snapshot_retention_limit"] == 7
    assert _changes(clean_twin, "ModifyReplicationGroup") == 1
    assert _changes(clean_twin, "CreateReplicationGroup") == 1, "modified in place, never replaced"

    assert run(**changed)["changed"] is False
    assert _changes(clean_twin, "ModifyReplicationGroup") == 1


def test_check_mode_modify_predicts_and_calls_nothing(
    created: dict[str, Any], run: Run, network: dict[str, Any], clean_twin: Twin
) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(check_mode=True, **_args(network, snapshot_retention_limit=5, multi_az=False, tags={}))
    assert result["changed"] is True
    assert mutating_calls(clean_twin, since) == []
    assert result["replication_group"]["snapshot_retention_limit"] == 5
    assert result["replication_group"]["multi_az"] == "disabled"
    assert result["diff"]["before"]["tags"] == {"environment": "unit"}
    assert result["diff"]["after"]["tags"] == {}
    assert run(**_args(network))["changed"] is False, "nothing was changed by check mode"


def test_failover_and_multi_az_off_in_one_request(created: dict[str, Any], run: Run, network: dict[str, Any]) -> None:
    result = run(**_args(network, automatic_failover=False, multi_az=False))
    assert result["changed"] is True
    assert result["replication_group"]["automatic_failover"] == "disabled"
    assert result["replication_group"]["multi_az"] == "disabled"


def test_node_type_change_waits_for_the_window_and_is_not_repeated(
    created: dict[str, Any], run: Run, network: dict[str, Any], clean_twin: Twin
) -> None:
    result = run(**_args(network, cache_node_type="cache.r7g.large"))
    assert result["changed"] is True
    group = result["replication_group"]
    assert group["cache_node_type"] == "cache.t4g.micro"
    assert group["pending_modified_values"]["cache_node_type"] == "cache.r7g.large"
    assert run(**_args(network, cache_node_type="cache.r7g.large"))["changed"] is False
    assert _changes(clean_twin, "ModifyReplicationGroup") == 1


def test_engine_upgrade_applied_immediately(run: Run, network: dict[str, Any], clean_twin: Twin) -> None:
    assert run(**_args(network, engine="redis", engine_version="7.0"))["changed"] is True
    result = run(**_args(network, engine="redis", engine_version="7.1", apply_immediately=True))
    assert result["changed"] is True
    assert result["replication_group"]["engine_version"].startswith("7.1")
    assert result["diff"]["before"]["engine_version"].startswith("7.0")
    assert run(**_args(network, engine="redis", engine_version="7.1"))["changed"] is False


def test_redis_to_valkey_request_is_an_in_place_cross_engine_upgrade() -> None:
    """AWS (ElastiCache guide, 'How to upgrade from Redis OSS to Valkey'): ModifyReplicationGroup with Engine valkey
    and the new EngineVersion, and a Valkey parameter group when the group uses a custom one."""
    params = {
        **dict.fromkeys(("description", "cache_node_type", "security_group_ids", "snapshot_window")),
        **dict.fromkeys(("preferred_maintenance_window", "snapshot_retention_limit")),
        **{"auto_minor_version_upgrade": None, "auth_token": None, "auth_token_update_strategy": None},
        "engine": "valkey",
        "engine_version": "8.0",
        "cache_parameter_group_name": "app-valkey8",
        "automatic_failover": True,
        "multi_az": True,
        "transit_encryption": True,
        "transit_encryption_mode": None,
    }
    current = {
        "engine": "redis",
        "engine_version": "7.1.0",
        "cache_parameter_group_name": "app-redis7",
        "automatic_failover": "enabled",
        "multi_az": "enabled",
        "transit_encryption_enabled": True,
        "transit_encryption_mode": "required",
    }
    steps = module.modify_steps(params, current)
    assert steps == [{"Engine": "valkey", "EngineVersion": "8.0", "CacheParameterGroupName": "app-valkey8"}]
    after = module.predict(current, steps, apply_immediately=False)
    assert (after["engine"], after["engine_version"]) == ("valkey", "8.0"), "a cross-engine upgrade is immediate"


def test_redis_to_valkey_check_mode(run: Run, network: dict[str, Any], clean_twin: Twin) -> None:
    assert run(**_args(network, engine="redis", engine_version="7.1"))["changed"] is True
    since = clean_twin.requests()["last_seq"]
    result = run(check_mode=True, **_args(network, engine="valkey", engine_version="8.0"))
    assert result["changed"] is True
    assert result["diff"]["before"]["engine"] == "redis"
    assert result["diff"]["after"]["engine"] == "valkey"
    assert mutating_calls(clean_twin, since) == []


def test_redis_to_valkey_in_place(run: Run, network: dict[str, Any]) -> None:
    assert run(**_args(network, engine="redis", engine_version="7.1"))["changed"] is True
    result = run(**_args(network, engine="valkey", engine_version="8.0"))
    assert result.get("failed") is not True, result
    assert result["replication_group"]["engine"] == "valkey"


# --------------------------------------------------------------------------------------------------------------------
# AUTH: a token is sent only on create or with a strategy


def test_rotate_then_set_then_steady_state(
    created: dict[str, Any], run: Run, network: dict[str, Any], clean_twin: Twin
) -> None:
    rotated = run(**_args(network, auth_token=NEXT_TOKEN, auth_token_update_strategy="ROTATE"))
    assert rotated["changed"] is True
    assert _backend_group().auth_tokens == [TOKEN, NEXT_TOKEN], "ROTATE keeps the previous token valid"
    assert NEXT_TOKEN not in json.dumps(rotated)

    done = run(**_args(network, auth_token=NEXT_TOKEN, auth_token_update_strategy="SET"))
    assert done["changed"] is True
    assert _backend_group().auth_tokens == [NEXT_TOKEN]

    steady = run(**_args(network, auth_token=NEXT_TOKEN))
    assert steady["changed"] is False
    assert _changes(clean_twin, "ModifyReplicationGroup") == 2


def test_delete_auth_with_transit_preferred_is_idempotent(run: Run, network: dict[str, Any], clean_twin: Twin) -> None:
    assert run(**_args(network))["changed"] is True
    args = _args(network, auth_token=None, auth_token_update_strategy="DELETE", transit_encryption_mode="preferred")
    result = run(**args)
    assert result["changed"] is True, result
    assert result["replication_group"]["auth_token_enabled"] is False
    assert result["replication_group"]["transit_encryption_mode"] == "preferred"
    assert _backend_group().auth_tokens == []
    assert run(**args)["changed"] is False


def test_token_for_a_group_without_auth_is_not_sent_but_warned(
    run: Run, network: dict[str, Any], clean_twin: Twin
) -> None:
    assert run(**_args(network, auth_token=None))["changed"] is True
    result = run(**_args(network))
    assert result["changed"] is False
    assert "auth_token_update_strategy=ROTATE" in json.dumps(result["warnings"])
    assert _backend_group().auth_tokens == []


# --------------------------------------------------------------------------------------------------------------------
# Encryption in transit: AWS's steps


def test_transit_encryption_switched_on_in_two_steps(run: Run, network: dict[str, Any], clean_twin: Twin) -> None:
    plain = _args(network, auth_token=None, transit_encryption=False)
    assert run(**plain)["changed"] is True
    result = run(**_args(network, auth_token=None))
    assert result["changed"] is True, result
    assert result["diff"]["before"]["transit_encryption_enabled"] is False
    assert result["replication_group"]["transit_encryption_enabled"] is True
    assert result["replication_group"]["transit_encryption_mode"] == "required"
    assert _changes(clean_twin, "ModifyReplicationGroup") == 2, "preferred first, then required"


def test_transit_encryption_switched_off_through_preferred(run: Run, network: dict[str, Any], clean_twin: Twin) -> None:
    assert run(**_args(network, auth_token=None))["changed"] is True
    result = run(**_args(network, auth_token=None, transit_encryption=False))
    assert result["changed"] is True, result
    assert result["replication_group"]["transit_encryption_enabled"] is False
    assert _changes(clean_twin, "ModifyReplicationGroup") == 2


# --------------------------------------------------------------------------------------------------------------------
# Refusals


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"num_cache_clusters": 1}, "automatic_failover=true needs num_cache_clusters >= 2"),
        ({"automatic_failover": False}, "multi_az=true needs automatic_failover=true"),
        ({"transit_encryption": False}, "auth_token needs transit_encryption=true"),
        ({"engine": "memcached"}, "value of engine must be one of: redis, valkey"),
        ({"engine": "redis", "engine_version": "8.0"}, "engine_version '8.0' is not a version of engine redis"),
        ({"engine_version": "6.2"}, "engine_version '6.2' is not a version of engine valkey"),
        ({"auth_token": "short"}, "auth_token must be 16 to 128 characters"),
        ({"auth_token": "x" * 16 + "@"}, "auth_token must be 16 to 128 characters"),
        ({"auth_token_update_strategy": "SET", "auth_token": None}, "auth_token_update_strategy=SET needs auth_token"),
        ({"auth_token_update_strategy": "DELETE", "auth_token": None}, "needs transit_encryption_mode=preferred"),
        ({"kms_key_id": "alias/x", "at_rest_encryption": False}, "kms_key_id needs at_rest_encryption=true"),
        ({"replication_group_id": "9-bad--id"}, "replication_group_id must be 1 to 40"),
        ({"snapshot_retention_limit": 36}, "snapshot_retention_limit must be between 0 and 35"),
        ({"snapshot_window": "5-6"}, "snapshot_window must be hh24:mi-hh24:mi"),
        ({"preferred_maintenance_window": "sunday"}, "preferred_maintenance_window must be ddd:hh24:mi"),
        ({"cache_node_type": "t4g.micro"}, "cache_node_type must look like cache.<family>.<size>"),
        ({"wait_delay": 0}, "wait_delay must be at least 1"),
    ],
)
def test_bad_input_fails_before_any_call(
    run: Run, network: dict[str, Any], clean_twin: Twin, extra: dict[str, Any], message: str
) -> None:
    before = clean_twin.requests()["total"]
    result = run(**_args(network, **extra))
    assert result["failed"] is True
    assert message in result["msg"], result["msg"]
    assert clean_twin.requests()["total"] == before, "no call to AWS at all"
    assert TOKEN not in result["msg"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"at_rest_encryption": False, "kms_key_id": None}, "at_rest_encryption cannot change from True to False"),
        ({"kms_key_id": "arn:aws:kms:us-east-2:123456789012:key/other"}, "kms_key_id cannot change"),
        ({"port": 6380}, "port cannot change from 6379 to 6380"),
        ({"cache_subnet_group_name": "other-net"}, "cache_subnet_group_name cannot change from unit-net to other-net"),
        ({"engine": "redis", "engine_version": "7.1"}, "engine cannot change from valkey to redis"),
        ({"engine_version": "7.2"}, "engine_version cannot go down from 8.0"),
        ({"num_cache_clusters": 3}, "num_cache_clusters cannot change from 2 to 3"),
        ({"transit_encryption": False, "auth_token": None}, "transit_encryption cannot be switched off"),
    ],
)
@pytest.mark.usefixtures("created")
def test_replacing_changes_are_refused_before_any_mutating_call(
    run: Run,
    network: dict[str, Any],
    clean_twin: Twin,
    extra: dict[str, Any],
    message: str,
) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(**_args(network, **extra))
    assert result["failed"] is True
    assert message in result["msg"], result["msg"]
    assert mutating_calls(clean_twin, since) == []


def test_refusal_says_what_would_be_lost(created: dict[str, Any], run: Run, network: dict[str, Any]) -> None:
    result = run(**_args(network, at_rest_encryption=False))
    assert "losing its data" in result["msg"]


def test_creating_needs_engine_and_node_type(run: Run, network: dict[str, Any], clean_twin: Twin) -> None:
    result = run(**_args(network, engine=None, cache_node_type=None))
    assert result["failed"] is True
    assert "creating it needs engine and cache_node_type" in result["msg"]
    assert _changes(clean_twin, "CreateReplicationGroup") == 0


# --------------------------------------------------------------------------------------------------------------------
# Waiting (the twin's time mode) and throttling (its fault mode)


def test_waits_through_creating_and_deleting(run: Run, network: dict[str, Any], clean_twin: Twin, ec: Any) -> None:
    clean_twin.configure(time_scale=0.004)  # AWS's 10 minutes of creating last 2.4 s
    try:
        created = run(**_args(network))
        assert created["replication_group"]["status"] == "available"
        gone = run(replication_group_id=GROUP, state="absent")
        assert gone["changed"] is True
        assert ec.describe_replication_groups()["ReplicationGroups"] == []
    finally:
        clean_twin.configure(time_scale=0)


def test_wait_timeout_fails_with_a_timeout(run: Run, network: dict[str, Any], clean_twin: Twin) -> None:
    clean_twin.configure(time_scale=1)
    try:
        result = run(**_args(network, wait_timeout=2))
        assert result["failed"] is True
        assert "Timeout trying to wait for replication group available" in result["msg"]
    finally:
        clean_twin.configure(time_scale=0)


def test_throttling_is_retried(run: Run, network: dict[str, Any], clean_twin: Twin) -> None:
    clean_twin.configure(fault_rate=0.3, fault_seed=7)
    try:
        assert run(**_args(network))["changed"] is True
        assert run(**_args(network))["changed"] is False
    finally:
        clean_twin.configure(fault_rate=0)
