"""redshift_parameter_group against the in-process twin: create, no-op, modify, purge, delete, check mode, diff and
refusals (the module runs whole, main() with its arguments patched in)."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import pytest

from ansible_collections.xyz.aws_database.plugins.modules import redshift_parameter_group as module
from tests.unit.plugins.modules.conftest import Run, RunModule, mutating_calls

REGION = "us-east-2"
GROUP = "unit-warehouse"


@pytest.fixture
def run(run_module: RunModule) -> Run:
    """run(check_mode=False, **args): the module's result against the clean twin."""
    return partial(run_module, module)


def _args(**extra: Any) -> dict[str, Any]:
    """The module's arguments for the test group; an override of None leaves that option out."""
    args = {
        "name": GROUP,
        "description": "Unit warehouse",
        "enable_user_activity_logging": True,
        "enable_case_sensitive_identifier": True,
        "tags": {"project": "xyz"},
        **extra,
    }
    return {key: value for key, value in args.items() if value is not None}


def _values(twin: Any, name: str = GROUP) -> dict[str, tuple[str, str]]:
    parameters = twin.client("redshift", region=REGION).describe_cluster_parameters(ParameterGroupName=name)
    return {p["ParameterName"]: (p["ParameterValue"], p["Source"]) for p in parameters["Parameters"]}


@pytest.fixture
def created(run: Run) -> dict[str, Any]:
    result = run(**_args())
    assert result["changed"], result
    return result


def test_create_sets_the_options_and_requires_tls(created: dict[str, Any], clean_twin: Any) -> None:
    group = created["parameter_group"]
    assert (group["parameter_group_name"], group["parameter_group_family"]) == (GROUP, "redshift-2.0")
    assert group["description"] == "Unit warehouse"
    assert group["tags"] == {"project": "xyz"}
    values = _values(clean_twin)
    assert values["enable_case_sensitive_identifier"] == ("true", "user")
    assert values["enable_user_activity_logging"] == ("true", "user")
    # redshift-2.0 requires TLS by default: nothing to set.
    assert values["require_ssl"] == ("true", "engine-default")
    assert created["diff"]["before"] == {}
    assert created["diff"]["after"]["parameters"]["enable_case_sensitive_identifier"] == "true"
    assert mutating_calls(clean_twin) == ["CreateClusterParameterGroup", "ModifyClusterParameterGroup"]


def test_redshift_1_0_gets_require_ssl_set(run: Run, clean_twin: Any) -> None:
    result = run(name="unit-legacy", family="redshift-1.0")
    assert result["changed"] is True
    assert _values(clean_twin, "unit-legacy")["require_ssl"] == ("true", "user")
    assert run(name="unit-legacy", family="redshift-1.0")["changed"] is False


def test_second_run_changes_nothing(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    since = clean_twin.requests()["last_seq"]
    again = run(**_args())
    assert again["changed"] is False
    assert again["diff"]["before"] == again["diff"]["after"]
    assert mutating_calls(clean_twin, since) == []


def test_check_mode_create_predicts_and_calls_nothing(run: Run, clean_twin: Any) -> None:
    result = run(check_mode=True, **_args(parameters={"statement_timeout": 60000}))
    assert result["changed"] is True
    parameters = result["parameter_group"]["parameters"]
    assert (parameters["statement_timeout"], parameters["enable_case_sensitive_identifier"]) == ("60000", "true")
    assert mutating_calls(clean_twin) == []
    assert clean_twin.client("redshift", region=REGION).describe_cluster_parameter_groups(
        ParameterGroupName="default.redshift-2.0"
    )["ParameterGroups"]


def test_check_mode_modify_shows_the_diff_and_calls_nothing(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(check_mode=True, **_args(enable_case_sensitive_identifier=False))
    assert result["changed"] is True
    assert result["diff"]["before"]["parameters"]["enable_case_sensitive_identifier"] == "true"
    assert result["diff"]["after"]["parameters"]["enable_case_sensitive_identifier"] == "false"
    assert mutating_calls(clean_twin, since) == []
    assert _values(clean_twin)["enable_case_sensitive_identifier"] == ("true", "user")


def test_modify_then_no_op(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    changes = _args(require_ssl=True, parameters={"statement_timeout": 60000, "auto_mv": False})
    result = run(**changes)
    assert result["changed"] is True
    values = _values(clean_twin)
    assert values["statement_timeout"] == ("60000", "user")
    assert values["auto_mv"] == ("false", "user")
    since = clean_twin.requests()["last_seq"]
    assert run(**changes)["changed"] is False
    assert mutating_calls(clean_twin, since) == []


def test_purge_resets_what_is_no_longer_given(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    kept = run(**_args(enable_user_activity_logging=None))
    assert kept["changed"] is False
    result = run(**_args(enable_user_activity_logging=None, purge_parameters=True))
    assert result["changed"] is True
    assert "enable_user_activity_logging" not in result["parameter_group"]["user_parameters"]
    assert _values(clean_twin)["enable_user_activity_logging"] == ("false", "engine-default")
    assert run(**_args(enable_user_activity_logging=None, purge_parameters=True))["changed"] is False


def test_tags_change_alone(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    result = run(**_args(tags={"project": "xyz", "owner": "data"}))
    assert result["changed"] is True
    assert result["parameter_group"]["tags"] == {"project": "xyz", "owner": "data"}
    assert run(**_args(tags={"project": "xyz", "owner": "data"}))["changed"] is False


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "default.redshift-2.0"}, "is a default parameter group"),
        ({"name": "bad--name"}, "name must be 1 to 255 letters"),
        ({"parameters": {"require_ssl": False}}, "set require_ssl with the option of that name"),
        ({"family": "redshift-3.0"}, "value of family must be one of"),
    ],
)
def test_bad_input_fails_before_any_call(run: Run, clean_twin: Any, overrides: dict[str, Any], message: str) -> None:
    result = run(**_args(**overrides))
    assert result["failed"]
    assert message in result["msg"]
    assert clean_twin.requests()["total"] == 0


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"no_such_parameter": 1}, "no_such_parameter is not a parameter of family redshift-2.0"),
        ({"auto_mv": "maybe"}, "auto_mv cannot be 'maybe': allowed values are true,false"),
        ({"max_concurrency_scaling_clusters": 11}, "allowed values are 0-10"),
        ({"statement_timeout": 50}, "allowed values are 0,100-2147483647"),
    ],
)
def test_values_are_checked_before_any_mutating_call(
    run: Run, clean_twin: Any, parameters: dict[str, Any], message: str
) -> None:
    result = run(**_args(parameters=parameters))
    assert result["failed"]
    assert message in result["msg"]
    assert mutating_calls(clean_twin) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"family": "redshift-1.0"}, "family cannot change from redshift-2.0 to redshift-1.0"),
        ({"description": "Other"}, "description cannot change"),
    ],
)
def test_changes_needing_a_new_group_are_refused(
    created: dict[str, Any], run: Run, clean_twin: Any, overrides: dict[str, Any], message: str
) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(**_args(**overrides))
    assert result["failed"]
    assert message in result["msg"]
    assert mutating_calls(clean_twin, since) == []


def test_delete_check_mode_then_delete_then_nothing(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    since = clean_twin.requests()["last_seq"]
    checked = run(check_mode=True, name=GROUP, state="absent")
    assert checked["changed"] is True
    assert checked["diff"]["after"] == {}
    assert mutating_calls(clean_twin, since) == []
    assert run(name=GROUP, state="absent")["changed"] is True
    redshift = clean_twin.client("redshift", region=REGION)
    names = [g["ParameterGroupName"] for g in redshift.describe_cluster_parameter_groups()["ParameterGroups"]]
    assert GROUP not in names
    assert run(name=GROUP, state="absent")["changed"] is False


def test_a_group_in_use_is_not_deleted(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    clean_twin.client("redshift", region=REGION).create_cluster(
        ClusterIdentifier="unit-user",
        NodeType="ra3.large",
        MasterUsername="xyzadmin",
        MasterUserPassword="Unit-Passw0rd",
        ClusterParameterGroupName=GROUP,
    )
    result = run(name=GROUP, state="absent")
    assert result["failed"]
    assert "InvalidClusterParameterGroupState" in json.dumps(result)


def test_throttled_calls_are_retried(run: Run, clean_twin: Any) -> None:
    """The twin's fault mode answers a share of the calls with AWS's Throttling error; the module retries them."""
    clean_twin.configure(fault_rate=0.3, fault_seed=5)
    try:
        created = run(**_args(parameters={"statement_timeout": 60000}))
        again = run(**_args(parameters={"statement_timeout": 60000}))
    finally:
        clean_twin.configure(fault_rate=0, fault_seed=0)
    assert (created["changed"], again["changed"]) == (True, False), (created, again)
    assert any(entry["fault"] for entry in clean_twin.requests()["entries"])
