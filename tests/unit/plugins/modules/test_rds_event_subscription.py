"""rds_event_subscription against the in-process twin: create, no-op, modify (categories, enabled, topic, source ids,
tags), check mode, diff, removal and refusals before any call."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from ansible_collections.xyz.aws_database.plugins.modules import rds_event_subscription as module
from tests.unit.plugins.modules.conftest import Run, RunModule, mutating_calls

REGION = "us-east-2"
NAME = "unit-cluster-events"


@pytest.fixture
def run(run_module: RunModule) -> Run:
    return partial(run_module, module)


@pytest.fixture
def topic(clean_twin: Any) -> str:
    return clean_twin.client("sns", region=REGION).create_topic(Name="unit-operators")["TopicArn"]


@pytest.fixture
def settings(topic: str) -> dict[str, Any]:
    return {
        "name": NAME,
        "sns_topic_arn": topic,
        "source_type": "db-cluster",
        "event_categories": ["failover", "failure", "maintenance"],
        "tags": {"Environment": "unit"},
    }


def _stored(twin: Any) -> dict[str, Any]:
    return twin.client("rds", region=REGION).describe_event_subscriptions(SubscriptionName=NAME)[
        "EventSubscriptionsList"
    ][0]


@pytest.fixture
def created(run: Run, settings: dict[str, Any]) -> dict[str, Any]:
    result = run(**settings)
    assert result["changed"], result
    return result


def test_create(created: dict[str, Any], clean_twin: Any, topic: str) -> None:
    stored = _stored(clean_twin)
    assert sorted(stored["EventCategoriesList"]) == ["failover", "failure", "maintenance"]
    assert (stored["SourceType"], stored["SnsTopicArn"], stored["Enabled"]) == ("db-cluster", topic, True)
    subscription = created["event_subscription"]
    assert subscription["event_categories_list"] == ["failover", "failure", "maintenance"]
    assert subscription["tags"] == {"Environment": "unit"}
    assert created["diff"]["before"] == {}
    assert mutating_calls(clean_twin)[-1:] == ["CreateEventSubscription"]


def test_second_run_changes_nothing_whatever_the_order(
    created: dict[str, Any], run: Run, settings: dict[str, Any], clean_twin: Any
) -> None:
    since = clean_twin.requests()["last_seq"]
    again = run(**{**settings, "event_categories": ["maintenance", "failure", "failover"]})
    assert not again["changed"]
    assert again["diff"]["before"] == again["diff"]["after"]
    assert mutating_calls(clean_twin, since) == []


def test_check_mode_predicts_without_calling(
    created: dict[str, Any], run: Run, settings: dict[str, Any], clean_twin: Any
) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(check_mode=True, **{**settings, "event_categories": ["failover"], "enabled": False})
    assert result["changed"]
    assert result["event_subscription"]["event_categories_list"] == ["failover"]
    assert result["event_subscription"]["enabled"] is False
    assert mutating_calls(clean_twin, since) == []


def test_check_mode_on_a_new_subscription(run: Run, settings: dict[str, Any], clean_twin: Any) -> None:
    result = run(check_mode=True, **settings)
    assert result["changed"]
    assert result["event_subscription"]["cust_subscription_id"] == NAME
    assert mutating_calls(clean_twin) == ["CreateTopic"]


def test_modify(created: dict[str, Any], run: Run, settings: dict[str, Any], clean_twin: Any) -> None:
    since = clean_twin.requests()["last_seq"]
    result = run(
        **{
            **settings,
            "event_categories": ["failover", "notification"],
            "enabled": False,
            "source_ids": ["unit-aurora"],
            "tags": {"Environment": "unit", "Team": "dba"},
        }
    )
    assert result["changed"]
    assert mutating_calls(clean_twin, since) == [
        "ModifyEventSubscription",
        "AddSourceIdentifierToSubscription",
        "AddTagsToResource",
    ]
    stored = _stored(clean_twin)
    assert sorted(stored["EventCategoriesList"]) == ["failover", "notification"]
    assert (stored["Enabled"], stored["SourceIdsList"]) == (False, ["unit-aurora"])
    assert result["event_subscription"]["tags"] == {"Environment": "unit", "Team": "dba"}
    since = clean_twin.requests()["last_seq"]
    back = run(**settings)
    assert back["changed"]
    assert mutating_calls(clean_twin, since) == [
        "ModifyEventSubscription",
        "RemoveSourceIdentifierFromSubscription",
        "RemoveTagsFromResource",
    ]


def test_absent(created: dict[str, Any], run: Run, clean_twin: Any) -> None:
    assert run(check_mode=True, name=NAME, state="absent")["changed"]
    removed = run(name=NAME, state="absent")
    assert removed["changed"]
    assert removed["event_subscription"] == {}
    assert removed["diff"]["before"]["cust_subscription_id"] == NAME
    assert not run(name=NAME, state="absent")["changed"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"event_categories": ["failover", "explosion"]}, "event_categories: explosion not among the db-cluster"),
        ({"source_type": "db-parameter-group", "event_categories": ["failover"]}, "not among the db-parameter-group"),
        ({"sns_topic_arn": "arn:aws:sns:us-east-2:123456789012:ops.fifo"}, "RDS does not support FIFO topics"),
        ({"sns_topic_arn": None}, "sns_topic_arn is required"),
        ({"source_type": None}, "event_categories needs source_type"),
    ],
)
def test_bad_input_is_refused_before_any_call(
    run: Run, settings: dict[str, Any], clean_twin: Any, args: dict[str, Any], message: str
) -> None:
    since = clean_twin.requests()["last_seq"]
    given = {key: value for key, value in {**settings, **args}.items() if value is not None}
    result = run(**given)
    assert result["failed"], result
    assert message in result["msg"]
    assert clean_twin.requests(since)["entries"] == []
