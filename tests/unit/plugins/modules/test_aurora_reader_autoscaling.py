"""aurora_reader_autoscaling against the in-process twin: create, no-op, modify, check mode, diff, removal and
refusals before any call (the module runs whole, main() with its arguments patched in)."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from ansible_collections.xyz.aws_database.plugins.modules import aurora_reader_autoscaling as module
from tests.unit.plugins.modules.conftest import Run, RunModule, mutating_calls

REGION = "us-east-2"
CLUSTER = "unit-aurora"
DIMENSION = "rds:cluster:ReadReplicaCount"
SETTINGS = {"db_cluster_identifier": CLUSTER, "min_capacity": 1, "max_capacity": 3, "target_value": 60}


@pytest.fixture
def run(run_module: RunModule) -> Run:
    return partial(run_module, module)


@pytest.fixture
def cluster(clean_twin: Any) -> str:
    clean_twin.client("rds", region=REGION).create_db_cluster(
        DBClusterIdentifier=CLUSTER,
        Engine="aurora-mysql",
        MasterUsername="unitadmin",
        MasterUserPassword="Unit-Passw0rd",
    )
    return CLUSTER


def _scaling(twin: Any) -> Any:
    return twin.client("application-autoscaling", region=REGION)


def _target(twin: Any) -> dict[str, Any] | None:
    targets = _scaling(twin).describe_scalable_targets(ServiceNamespace="rds")["ScalableTargets"]
    return next((t for t in targets if t["ResourceId"] == f"cluster:{CLUSTER}"), None)


def _policies(twin: Any) -> list[dict[str, Any]]:
    return _scaling(twin).describe_scaling_policies(ServiceNamespace="rds")["ScalingPolicies"]


@pytest.fixture
def created(run: Run, cluster: str) -> dict[str, Any]:
    result = run(**SETTINGS)
    assert result["changed"], result
    return result


def test_create_registers_the_target_and_the_policy(created: dict[str, Any], clean_twin: Any) -> None:
    target = _target(clean_twin)
    assert target is not None
    assert (target["ScalableDimension"], target["MinCapacity"], target["MaxCapacity"]) == (DIMENSION, 1, 3)
    [policy] = _policies(clean_twin)
    configuration = policy["TargetTrackingScalingPolicyConfiguration"]
    assert (policy["PolicyName"], policy["PolicyType"]) == (f"{CLUSTER}-readers", "TargetTrackingScaling")
    assert configuration["TargetValue"] == 60.0
    assert configuration["PredefinedMetricSpecification"]["PredefinedMetricType"] == "RDSReaderAverageCPUUtilization"
    assert (configuration["ScaleInCooldown"], configuration["ScaleOutCooldown"]) == (300, 300)
    assert created["scalable_target"]["min_capacity"] == 1
    assert created["scaling_policy"]["policy_name"] == f"{CLUSTER}-readers"
    assert created["diff"]["before"] == {"scalable_target": {}, "scaling_policy": {}}
    assert mutating_calls(clean_twin)[-2:] == ["RegisterScalableTarget", "PutScalingPolicy"]


def test_second_run_changes_nothing(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    since = clean_twin.requests()["last_seq"]
    again = run(**SETTINGS)
    assert not again["changed"]
    assert again["diff"]["before"] == again["diff"]["after"]
    assert mutating_calls(clean_twin, since) == []


def test_check_mode_predicts_a_change_without_making_it(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(check_mode=True, **{**SETTINGS, "max_capacity": 5, "metric": "RDSReaderAverageDatabaseConnections"})
    assert result["changed"]
    assert result["scalable_target"]["max_capacity"] == 5
    metric = result["scaling_policy"]["target_tracking_scaling_policy_configuration"]["predefined_metric_specification"]
    assert metric["predefined_metric_type"] == "RDSReaderAverageDatabaseConnections"
    assert mutating_calls(clean_twin, since) == []
    assert _target(clean_twin)["MaxCapacity"] == 3


def test_modify_changes_only_what_differs(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(**{**SETTINGS, "target_value": 45, "scale_in_cooldown": 600})
    assert result["changed"]
    assert mutating_calls(clean_twin, since) == ["PutScalingPolicy"]
    configuration = _policies(clean_twin)[0]["TargetTrackingScalingPolicyConfiguration"]
    assert (configuration["TargetValue"], configuration["ScaleInCooldown"]) == (45.0, 600)
    since = clean_twin.requests()["last_seq"]
    assert run(**{**SETTINGS, "target_value": 45, "scale_in_cooldown": 600, "max_capacity": 4})["changed"]
    assert mutating_calls(clean_twin, since) == ["RegisterScalableTarget"]


def test_absent_removes_the_policy_and_the_target(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    check = run(check_mode=True, db_cluster_identifier=CLUSTER, state="absent")
    assert check["changed"]
    assert _target(clean_twin) is not None
    removed = run(db_cluster_identifier=CLUSTER, state="absent")
    assert removed["changed"]
    assert removed["diff"]["after"] == {"scalable_target": {}, "scaling_policy": {}}
    assert _target(clean_twin) is None
    assert _policies(clean_twin) == []
    assert not run(db_cluster_identifier=CLUSTER, state="absent")["changed"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"min_capacity": 3, "max_capacity": 2}, "min_capacity (3) must not be greater than max_capacity (2)"),
        ({"max_capacity": 16}, "max_capacity must be between 0 and 15"),
        ({"target_value": 0}, "target_value must be above 0 and at most 100"),
        ({"target_value": 120}, "target_value must be above 0 and at most 100"),
        ({"metric": "RDSReaderAverageDatabaseConnections", "target_value": -1}, "target_value must be above 0"),
        ({"scale_out_cooldown": -1}, "scale_out_cooldown must be between 0 and 86400"),
        ({"target_value": None}, "target_value required"),
    ],
)
def test_bad_input_is_refused_before_any_call(run: Run, clean_twin: Any, args: dict[str, Any], message: str) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(**{key: value for key, value in {**SETTINGS, **args}.items() if value is not None})
    assert result["failed"], result
    assert message in result["msg"]
    assert clean_twin.requests(since)["entries"] == []


def test_a_missing_cluster_is_refused(run: Run, clean_twin: Any) -> None:
    result = run(**SETTINGS)
    assert result["failed"]
    assert f"no DB cluster {CLUSTER}" in result["msg"]
    assert mutating_calls(clean_twin) == []
