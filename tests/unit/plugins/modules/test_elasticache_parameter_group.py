"""elasticache_parameter_group against the twin (in process): create, no-op, modify, purge, delete, check mode,
diff, and the refusals (unknown family, unknown or unmodifiable parameter, value out of range, family change)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from ansible_collections.xyz.aws_database.plugins.modules import elasticache_parameter_group as module
from tests.conftest import Twin
from tests.unit.plugins.modules.conftest import Run, RunModule, mutating_calls

REGION = "us-east-2"
NAME = "xyz-unit-valkey8"


@pytest.fixture
def ec(aws: Callable[..., Any]) -> Any:
    return aws("elasticache", region=REGION)


@pytest.fixture
def run(run_module: RunModule) -> Run:
    """run(check_mode=False, **args): the module's result against the clean twin."""
    return partial(run_module, module)


def _args(**extra: Any) -> dict[str, Any]:
    args = {
        "name": NAME,
        "family": "valkey8",
        "description": "Cache in front of Aurora",
        "parameters": {"maxmemory-policy": "allkeys-lru", "timeout": 300},
        "tags": {"environment": "unit"},
        **extra,
    }
    return {name: value for name, value in args.items() if value is not None}


def _user_values(ec: Any, name: str = NAME) -> dict[str, str]:
    answer = ec.describe_cache_parameters(CacheParameterGroupName=name, Source="user")
    return {item["ParameterName"]: item["ParameterValue"] for item in answer["Parameters"]}


@pytest.fixture
def created(run: Run) -> dict[str, Any]:
    result = run(**_args())
    assert result["changed"] is True, result
    return result


@pytest.mark.parametrize("family", ["redis7", "valkey7", "valkey8"])
def test_create_each_family(run: Run, ec: Any, family: str) -> None:
    result = run(**_args(name=f"unit-{family}", family=family))
    assert result["changed"] is True
    group = result["cache_parameter_group"]
    assert group["cache_parameter_group_name"] == f"unit-{family}"
    assert group["cache_parameter_group_family"] == family
    assert group["parameters"] == {"maxmemory-policy": "allkeys-lru", "timeout": "300"}
    assert group["tags"] == {"environment": "unit"}
    assert _user_values(ec, f"unit-{family}") == {"maxmemory-policy": "allkeys-lru", "timeout": "300"}
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["parameters"]["maxmemory-policy"] == "allkeys-lru"


def test_second_run_changes_nothing(created: dict[str, Any], run: Run, clean_twin: Twin) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(**_args())
    assert result["changed"] is False
    assert mutating_calls(clean_twin, since) == []
    assert result["diff"]["before"] == result["diff"]["after"]


def test_name_is_lowercased(created: dict[str, Any], run: Run) -> None:
    assert run(**_args(name=NAME.upper()))["changed"] is False


def test_check_mode_create_calls_nothing(run: Run, clean_twin: Twin, ec: Any) -> None:
    result = run(check_mode=True, **_args())
    assert result["changed"] is True
    assert result["cache_parameter_group"]["parameters"] == {"maxmemory-policy": "allkeys-lru", "timeout": "300"}
    assert mutating_calls(clean_twin) == []
    assert NAME not in [
        g["CacheParameterGroupName"] for g in ec.describe_cache_parameter_groups()["CacheParameterGroups"]
    ]


def test_modify_then_no_op(created: dict[str, Any], run: Run, ec: Any) -> None:
    changed = _args(parameters={"maxmemory-policy": "volatile-lfu", "timeout": 300, "activedefrag": True})
    result = run(**changed)
    assert result["changed"] is True
    assert result["diff"]["before"]["parameters"] == {"maxmemory-policy": "allkeys-lru", "timeout": "300"}
    expected = {"activedefrag": "yes", "maxmemory-policy": "volatile-lfu", "timeout": "300"}
    assert result["diff"]["after"]["parameters"] == expected
    assert _user_values(ec) == expected
    assert run(**changed)["changed"] is False


def test_parameters_not_listed_stay_unless_purged(created: dict[str, Any], run: Run, ec: Any) -> None:
    kept = run(**_args(parameters={"maxmemory-policy": "allkeys-lru"}))
    assert kept["changed"] is False
    assert _user_values(ec) == {"maxmemory-policy": "allkeys-lru", "timeout": "300"}

    purged = run(**_args(parameters={"maxmemory-policy": "allkeys-lru"}, purge_parameters=True))
    assert purged["changed"] is True
    assert _user_values(ec) == {"maxmemory-policy": "allkeys-lru"}
    assert run(**_args(parameters={"maxmemory-policy": "allkeys-lru"}, purge_parameters=True))["changed"] is False


def test_check_mode_modify_predicts_and_calls_nothing(
    created: dict[str, Any], run: Run, clean_twin: Twin, ec: Any
) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(check_mode=True, **_args(parameters={"timeout": 0}, purge_parameters=True, tags={"team": "db"}))
    assert result["changed"] is True
    assert result["cache_parameter_group"]["parameters"] == {"timeout": "0"}
    assert result["diff"]["after"]["tags"] == {"team": "db"}
    assert mutating_calls(clean_twin, since) == []
    assert _user_values(ec) == {"maxmemory-policy": "allkeys-lru", "timeout": "300"}


def test_tags_change_alone(created: dict[str, Any], run: Run) -> None:
    result = run(**_args(tags={"environment": "unit", "team": "db"}))
    assert result["changed"] is True
    assert result["cache_parameter_group"]["tags"] == {"environment": "unit", "team": "db"}


def test_description_cannot_change_and_only_warns(created: dict[str, Any], run: Run) -> None:
    result = run(**_args(description="Another description"))
    assert result["changed"] is False
    assert "cannot change a cache parameter group's description" in json.dumps(result["warnings"])


def test_requires_reboot_change_warns(created: dict[str, Any], run: Run) -> None:
    result = run(**_args(parameters={"maxmemory-policy": "allkeys-lru", "timeout": 300, "databases": 32}))
    assert result["changed"] is True, result
    assert "databases take effect when the nodes" in json.dumps(result["warnings"])


def test_delete_then_again(created: dict[str, Any], run: Run, clean_twin: Twin) -> None:
    checked = run(check_mode=True, name=NAME, state="absent")
    assert checked["changed"] is True
    assert clean_twin.requests()["per_action"].get("elasticache:DeleteCacheParameterGroup", 0) == 0
    result = run(name=NAME, state="absent")
    assert result["changed"] is True
    assert result["diff"]["before"]["parameters"]["maxmemory-policy"] == "allkeys-lru"
    assert result["diff"]["after"] == {}
    assert run(name=NAME, state="absent")["changed"] is False
    assert clean_twin.requests()["per_action"]["elasticache:DeleteCacheParameterGroup"] == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"family": "redis6.x"}, "value of family must be one of: redis7, valkey7, valkey8"),
        ({"family": "valkey9"}, "value of family must be one of"),
        ({"name": "default.valkey8"}, "one of the account's default groups"),
        ({"name": "9bad--name-"}, "name must be 1 to 255 letters"),
        ({"parameters": {"timeout": None}}, "parameters.timeout must be a string, a number or a boolean"),
    ],
)
def test_bad_input_fails_before_any_call(run: Run, clean_twin: Twin, extra: dict[str, Any], message: str) -> None:
    result = run(**_args(**extra))
    assert result["failed"] is True
    assert message in result["msg"], result["msg"]
    assert clean_twin.requests()["total"] == 0


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"no-such-parameter": "1"}, "parameters.no-such-parameter is not a parameter of family valkey8"),
        ({"maxmemory-policy": "sometimes"}, "parameters.maxmemory-policy must be one of {volatile-lru,"),
        ({"timeout": 5}, "parameters.timeout must be one of {0,20-} (got '5')"),
        ({"activedefrag": "maybe"}, "parameters.activedefrag must be one of {yes,no}"),
    ],
)
def test_invalid_parameters_refused_before_any_mutating_call(
    run: Run, clean_twin: Twin, parameters: dict[str, Any], message: str
) -> None:
    result = run(**_args(parameters=parameters))
    assert result["failed"] is True
    assert message in result["msg"], result["msg"]
    assert mutating_calls(clean_twin) == [], "not even the group is created"


def test_unmodifiable_parameter_refused_on_an_existing_group(
    created: dict[str, Any], run: Run, clean_twin: Twin
) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(**_args(parameters={"appendonly": "yes"}))
    assert result["failed"] is True
    assert "parameters.appendonly cannot be modified" in result["msg"]
    assert mutating_calls(clean_twin, since) == []


def test_family_change_refused(created: dict[str, Any], run: Run, clean_twin: Twin) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(**_args(family="redis7"))
    assert result["failed"] is True
    assert "is of family valkey8, not redis7: AWS cannot change a group's family" in result["msg"]
    assert mutating_calls(clean_twin, since) == []


def test_creating_needs_family_and_description(run: Run, clean_twin: Twin) -> None:
    result = run(name=NAME)
    assert result["failed"] is True
    assert "creating it needs family and description" in result["msg"]
    assert mutating_calls(clean_twin) == []


def test_more_than_twenty_parameters_are_sent_in_batches() -> None:
    items = [f"p{index}" for index in range(45)]
    assert [len(batch) for batch in module._batches(items)] == [20, 20, 5]


def test_allowed_values_of_integers() -> None:
    assert module._allowed_integer("1-65000", "65000") is True
    assert module._allowed_integer("1-65000", "0") is False
    assert module._allowed_integer("0,20-", "0") is True
    assert module._allowed_integer("0,20-", "19") is False
    assert module._allowed_integer("-", "-1") is True
    assert module._allowed_integer("0-", "abc") is False
