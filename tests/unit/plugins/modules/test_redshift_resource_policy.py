"""redshift_resource_policy against the in-process twin: the zero-ETL policy AWS documents, no-op, change, delete,
check mode, diff and refusals (the module runs whole, main() with its arguments patched in)."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import pytest

from ansible_collections.xyz.aws_database.plugins.modules import redshift_resource_policy as module
from tests.unit.plugins.modules.conftest import Run, RunModule, mutating_calls

REGION = "us-east-2"
ACCOUNT = "123456789012"
SOURCE = f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:unit-orders"
OTHER_SOURCE = f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:unit-other"


@pytest.fixture
def run(run_module: RunModule) -> Run:
    """run(check_mode=False, **args): the module's result against the clean twin."""
    return partial(run_module, module)


@pytest.fixture
def namespace(clean_twin: Any) -> str:
    redshift = clean_twin.client("redshift", region=REGION)
    redshift.create_cluster(
        ClusterIdentifier="unit-warehouse",
        NodeType="ra3.large",
        MasterUsername="xyzadmin",
        MasterUserPassword="Unit-Passw0rd",
    )
    return redshift.describe_clusters(ClusterIdentifier="unit-warehouse")["Clusters"][0]["ClusterNamespaceArn"]


def _stored(twin: Any, namespace: str) -> dict[str, Any]:
    policy = twin.client("redshift", region=REGION).get_resource_policy(ResourceArn=namespace)
    return json.loads(policy["ResourcePolicy"]["Policy"])


@pytest.fixture
def put(run: Run, namespace: str) -> dict[str, Any]:
    result = run(resource_arn=namespace, authorized_sources=[SOURCE], authorized_principals=[ACCOUNT])
    assert result["changed"], result
    return result


def test_the_zero_etl_policy_aws_documents(put: dict[str, Any], namespace: str, clean_twin: Any) -> None:
    """AWS (RDS User Guide, zero-ETL setup): the Redshift service principal may AuthorizeInboundIntegration when
    aws:SourceArn is the source cluster; the account (as its root ARN) may CreateInboundIntegration."""
    expected = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "redshift.amazonaws.com"},
                "Action": "redshift:AuthorizeInboundIntegration",
                "Resource": namespace,
                "Condition": {"StringEquals": {"aws:SourceArn": SOURCE}},
            },
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "redshift:CreateInboundIntegration",
                "Resource": namespace,
            },
        ],
    }
    assert _stored(clean_twin, namespace) == expected
    assert put["resource_policy"] == {"resource_arn": namespace, "policy": expected}
    assert (put["diff"]["before"], put["diff"]["after"]["policy"]) == ({}, expected)
    assert mutating_calls(clean_twin)[-1:] == ["PutResourcePolicy"]


def test_second_run_changes_nothing(put: dict[str, Any], run: Run, namespace: str, clean_twin: Any) -> None:
    since = clean_twin.requests()["last_seq"]
    again = run(resource_arn=namespace, authorized_sources=[SOURCE], authorized_principals=[ACCOUNT])
    assert again["changed"] is False
    assert again["diff"]["before"] == again["diff"]["after"]
    assert mutating_calls(clean_twin, since) == []


def test_the_same_policy_given_as_a_document_is_no_change(
    put: dict[str, Any], run: Run, namespace: str, clean_twin: Any
) -> None:
    document = put["resource_policy"]["policy"]
    reordered = dict(document, Statement=list(reversed(document["Statement"])))
    since = clean_twin.requests()["last_seq"]
    assert run(resource_arn=namespace, policy=json.dumps(reordered))["changed"] is False
    assert mutating_calls(clean_twin, since) == []


def test_check_mode_put_predicts_and_calls_nothing(run: Run, namespace: str, clean_twin: Any) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(check_mode=True, resource_arn=namespace, authorized_sources=[SOURCE])
    assert result["changed"] is True
    statements = result["resource_policy"]["policy"]["Statement"]
    assert [s["Action"] for s in statements] == ["redshift:AuthorizeInboundIntegration"]
    assert mutating_calls(clean_twin, since) == []


def test_another_source_replaces_the_policy(put: dict[str, Any], run: Run, namespace: str, clean_twin: Any) -> None:
    checked = run(check_mode=True, resource_arn=namespace, authorized_sources=[SOURCE, OTHER_SOURCE])
    assert checked["changed"] is True
    condition = checked["diff"]["after"]["policy"]["Statement"][0]["Condition"]["StringEquals"]
    assert condition["aws:SourceArn"] == sorted([SOURCE, OTHER_SOURCE])
    result = run(resource_arn=namespace, authorized_sources=[SOURCE, OTHER_SOURCE])
    assert result["changed"] is True
    stored = _stored(clean_twin, namespace)
    assert stored["Statement"][0]["Condition"]["StringEquals"]["aws:SourceArn"] == sorted([SOURCE, OTHER_SOURCE])
    assert len(stored["Statement"]) == 1
    assert run(resource_arn=namespace, authorized_sources=[OTHER_SOURCE, SOURCE])["changed"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"resource_arn": "arn:aws:redshift:us-east-2:123456789012:cluster:unit-warehouse"}, "must be a Redshift"),
        ({"authorized_sources": None}, "authorized_sources (at least one) or policy is required"),
        ({"authorized_principals": ["someone"]}, "neither a 12-digit account id"),
        ({"policy": "{not json"}, "policy is not valid JSON"),
    ],
)
def test_bad_input_fails_before_any_call(
    run: Run, namespace: str, clean_twin: Any, args: dict[str, Any], message: str
) -> None:
    full = {"resource_arn": namespace, "authorized_sources": [SOURCE], **args}
    if "policy" in args:
        full.pop("authorized_sources")
    since = clean_twin.requests()["last_seq"]
    result = run(**{key: value for key, value in full.items() if value is not None})
    assert result["failed"]
    assert message in result["msg"]
    assert clean_twin.requests(since)["total"] == 0


def test_delete_check_mode_then_delete_then_nothing(
    put: dict[str, Any], run: Run, namespace: str, clean_twin: Any
) -> None:
    since = clean_twin.requests()["last_seq"]
    checked = run(check_mode=True, resource_arn=namespace, state="absent")
    assert (checked["changed"], checked["diff"]["after"]) == (True, {})
    assert mutating_calls(clean_twin, since) == []
    assert run(resource_arn=namespace, state="absent")["changed"] is True
    assert mutating_calls(clean_twin, since) == ["DeleteResourcePolicy"]
    assert run(resource_arn=namespace, state="absent")["changed"] is False


def test_throttled_calls_are_retried(run: Run, namespace: str, clean_twin: Any) -> None:
    """The twin's fault mode answers a share of the calls with AWS's Throttling error; the module retries them."""
    clean_twin.configure(fault_rate=0.4, fault_seed=3)
    try:
        put = run(resource_arn=namespace, authorized_sources=[SOURCE])
        again = run(resource_arn=namespace, authorized_sources=[SOURCE])
    finally:
        clean_twin.configure(fault_rate=0, fault_seed=0)
    assert (put["changed"], again["changed"]) == (True, False), (put, again)
    assert any(entry["fault"] for entry in clean_twin.requests()["entries"])
