"""rds_integration against the in-process twin: create, no-op, modify, delete, check mode, diff and refusals (the
module runs whole, main() with its arguments patched in)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any
from unittest import mock

import pytest
from botocore.client import BaseClient

from ansible_collections.xyz.aws_database.plugins.modules import rds_integration as module
from tests.unit.plugins.modules.conftest import Run, RunModule, mutating_calls

REGION = "us-east-2"
NAME = "unit-orders-to-warehouse"


@pytest.fixture
def run(run_module: RunModule) -> Run:
    """run(check_mode=False, **args): the module's result against the clean twin, waiting 1 s between polls."""
    return partial(run_module, module, wait_delay=1)


@pytest.fixture
def ends(clean_twin: Any) -> dict[str, str]:
    """An Aurora MySQL source cluster and a Redshift target: their ARNs (source, target, other_source)."""
    rds = clean_twin.client("rds", region=REGION)
    sources = [
        rds.create_db_cluster(
            DBClusterIdentifier=name,
            Engine="aurora-mysql",
            EngineVersion="8.0.mysql_aurora.3.05.2",
            MasterUsername="admin",
            MasterUserPassword="password123",
        )["DBCluster"]["DBClusterArn"]
        for name in ("unit-orders", "unit-other")
    ]
    redshift = clean_twin.client("redshift", region=REGION)
    redshift.create_cluster(
        ClusterIdentifier="unit-warehouse",
        NodeType="ra3.large",
        MasterUsername="xyzadmin",
        MasterUserPassword="Unit-Passw0rd",
    )
    target = redshift.describe_clusters(ClusterIdentifier="unit-warehouse")["Clusters"][0]["ClusterNamespaceArn"]
    return {"source": sources[0], "other_source": sources[1], "target": target}


def _args(ends: dict[str, str], **extra: Any) -> dict[str, Any]:
    args = {
        "integration_name": NAME,
        "source_arn": ends["source"],
        "target_arn": ends["target"],
        "data_filter": "include: orders.*",
        "description": "Orders in near real time",
        "tags": {"project": "xyz"},
        **extra,
    }
    return {key: value for key, value in args.items() if value is not None}


@pytest.fixture
def created(run: Run, ends: dict[str, str]) -> dict[str, Any]:
    result = run(**_args(ends))
    assert result["changed"], result
    return result


def test_create_waits_for_active(created: dict[str, Any], ends: dict[str, str], clean_twin: Any) -> None:
    integration = created["integration"]
    assert integration["status"] == "active"
    assert (integration["source_arn"], integration["target_arn"]) == (ends["source"], ends["target"])
    assert integration["data_filter"] == "include: orders.*"
    assert integration["tags"] == {"project": "xyz"}
    assert integration["integration_arn"].startswith("arn:aws:rds:us-east-2:123456789012:integration:")
    assert created["diff"]["before"] == {}
    assert created["diff"]["after"]["integration_name"] == NAME
    after_setup = [
        action for action in mutating_calls(clean_twin) if action not in ("CreateDBCluster", "CreateCluster")
    ]
    assert after_setup == ["CreateIntegration"]


def test_second_run_changes_nothing(created: dict[str, Any], run: Run, ends: dict[str, str], clean_twin: Any) -> None:
    since = clean_twin.requests()["last_seq"]
    again = run(**_args(ends))
    assert again["changed"] is False
    assert again["diff"]["before"] == again["diff"]["after"]
    assert mutating_calls(clean_twin, since) == []


def test_check_mode_create_predicts_and_calls_nothing(run: Run, ends: dict[str, str], clean_twin: Any) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(check_mode=True, **_args(ends))
    assert result["changed"] is True
    assert (result["integration"]["status"], result["integration"]["integration_name"]) == ("creating", NAME)
    assert mutating_calls(clean_twin, since) == []
    assert clean_twin.client("rds", region=REGION).describe_integrations()["Integrations"] == []


def test_kms_key_and_encryption_context_kept(run: Run, ends: dict[str, str], clean_twin: Any) -> None:
    key = clean_twin.client("kms", region=REGION).create_key()["KeyMetadata"]
    context = {"purpose": "zero-etl"}
    result = run(**_args(ends, kms_key_id=key["KeyId"], additional_encryption_context=context))
    assert result["integration"]["additional_encryption_context"] == context
    since = clean_twin.requests()["last_seq"]
    assert run(**_args(ends, kms_key_id=key["Arn"], additional_encryption_context=context))["changed"] is False
    assert mutating_calls(clean_twin, since) == []


def test_encryption_context_keys_keep_their_case(run: Run, ends: dict[str, str], clean_twin: Any) -> None:
    key = clean_twin.client("kms", region=REGION).create_key()["KeyMetadata"]
    context = {"Purpose": "zero-etl"}
    result = run(**_args(ends, kms_key_id=key["Arn"], additional_encryption_context=context))
    assert result["integration"]["additional_encryption_context"] == context
    assert run(**_args(ends, kms_key_id=key["Arn"], additional_encryption_context=context))["changed"] is False


def test_check_mode_modify_shows_the_diff_and_calls_nothing(
    created: dict[str, Any], run: Run, ends: dict[str, str], clean_twin: Any
) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(check_mode=True, **_args(ends, data_filter="include: orders.items"))
    assert result["changed"] is True
    assert result["diff"]["before"]["data_filter"] == "include: orders.*"
    assert result["diff"]["after"]["data_filter"] == "include: orders.items"
    assert mutating_calls(clean_twin, since) == []


def test_modify_in_place_then_no_op(created: dict[str, Any], run: Run, ends: dict[str, str], clean_twin: Any) -> None:
    changes = _args(ends, data_filter="include: orders.items", description="Items only")
    since = clean_twin.requests()["last_seq"]
    result = run(**changes)
    assert result["changed"] is True
    assert (result["integration"]["data_filter"], result["integration"]["description"]) == (
        "include: orders.items",
        "Items only",
    )
    assert mutating_calls(clean_twin, since) == ["ModifyIntegration"]
    since = clean_twin.requests()["last_seq"]
    assert run(**changes)["changed"] is False
    assert mutating_calls(clean_twin, since) == []


@pytest.fixture
def tagging_accepted() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """The twin refuses AddTagsToResource/RemoveTagsFromResource on integration ARNs, which AWS accepts (reported
    as a twin departure): answer those two here, pass every other call to the twin, and record them."""
    calls: list[tuple[str, dict[str, Any]]] = []
    real = BaseClient._make_api_call

    def call(self: Any, operation: str, api_params: dict[str, Any]) -> Any:
        if operation in ("AddTagsToResource", "RemoveTagsFromResource"):
            calls.append((operation, api_params))
            return {}
        return real(self, operation, api_params)

    with mock.patch.object(BaseClient, "_make_api_call", call):
        yield calls


def test_tags_change_in_place(
    created: dict[str, Any], run: Run, ends: dict[str, str], tagging_accepted: list[tuple[str, dict[str, Any]]]
) -> None:
    predicted = run(check_mode=True, **_args(ends, tags={"owner": "data"}))
    assert predicted["changed"] is True
    assert (predicted["diff"]["before"]["tags"], predicted["diff"]["after"]["tags"]) == (
        {"project": "xyz"},
        {"owner": "data"},
    )
    assert tagging_accepted == []
    assert run(**_args(ends, tags={"owner": "data"}))["changed"] is True
    arn = created["integration"]["integration_arn"]
    assert tagging_accepted == [
        ("RemoveTagsFromResource", {"ResourceName": arn, "TagKeys": ["project"]}),
        ("AddTagsToResource", {"ResourceName": arn, "Tags": [{"Key": "owner", "Value": "data"}]}),
    ]


@pytest.mark.parametrize(
    "case",
    [
        ({"source_arn": "other_source"}, "source_arn cannot change"),
        ({"target_arn": "arn:aws:redshift:us-east-2:123456789012:namespace:0f0e"}, "target_arn cannot change"),
        ({"kms_key_id": "alias/aws/rds"}, "kms_key_id cannot change"),
    ],
)
def test_changes_needing_a_new_integration_are_refused(
    created: dict[str, Any], run: Run, ends: dict[str, str], clean_twin: Any, case: tuple[dict[str, Any], str]
) -> None:
    overrides = {key: ends.get(value, value) for key, value in case[0].items()}
    message = case[1]
    since = clean_twin.requests()["last_seq"]
    result = run(**_args(ends, **overrides))
    assert result["failed"]
    assert message in result["msg"]
    assert "copies every table again" in result["msg"]
    assert mutating_calls(clean_twin, since) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"integration_name": "bad--name"}, "integration_name must be 1 to 63"),
        ({"target_arn": "arn:aws:redshift:us-east-2:123456789012:cluster:unit-warehouse"}, "not its cluster ARN"),
        ({"source_arn": "arn:aws:s3:::bucket"}, "source_arn must be an Aurora DB cluster"),
        ({"additional_encryption_context": {"a": "b"}}, "additional_encryption_context needs kms_key_id"),
        ({"wait_delay": 0}, "wait_delay must be at least 1"),
    ],
)
def test_bad_input_fails_before_any_call(
    run: Run, ends: dict[str, str], clean_twin: Any, overrides: dict[str, Any], message: str
) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(**_args(ends, **overrides))
    assert result["failed"]
    assert message in result["msg"]
    assert clean_twin.requests(since)["total"] == 0


def test_create_needs_source_and_target(run: Run, ends: dict[str, str], clean_twin: Any) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(integration_name=NAME, source_arn=ends["source"])
    assert result["failed"]
    assert "target_arn required to create" in result["msg"]
    assert mutating_calls(clean_twin, since) == []


def test_delete_check_mode_then_delete_then_nothing(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    since = clean_twin.requests()["last_seq"]
    checked = run(check_mode=True, integration_name=NAME, state="absent")
    assert checked["changed"] is True
    assert checked["diff"]["after"] == {}
    assert mutating_calls(clean_twin, since) == []
    deleted = run(integration_name=NAME, state="absent")
    assert (deleted["changed"], deleted["integration"]) == (True, {})
    assert clean_twin.client("rds", region=REGION).describe_integrations()["Integrations"] == []
    assert run(integration_name=NAME, state="absent")["changed"] is False


def test_throttled_calls_are_retried(run: Run, ends: dict[str, str], clean_twin: Any) -> None:
    """The twin's fault mode answers a share of the calls with AWS's Throttling error; the module retries them."""
    clean_twin.configure(fault_rate=0.3, fault_seed=11)
    try:
        created = run(**_args(ends))
        again = run(**_args(ends))
        deleted = run(integration_name=NAME, state="absent")
    finally:
        clean_twin.configure(fault_rate=0, fault_seed=0)
    assert (created["changed"], again["changed"], deleted["changed"]) == (True, False, True), (created, again)
    assert any(entry["fault"] for entry in clean_twin.requests()["entries"])
