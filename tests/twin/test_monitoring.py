"""RDS event subscriptions and Application Auto Scaling targets in the twin behave as AWS documents them.

twin/patches/monitoring.py implements the departures from moto 5.2.5 that these tests state.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

REGION = "us-east-2"
DIMENSION = "rds:cluster:ReadReplicaCount"


def _code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


@pytest.fixture
def topic(aws: Any) -> str:
    return aws("sns", region=REGION).create_topic(Name="twin-operators")["TopicArn"]


def _subscribe(aws: Any, topic: str, **extra: Any) -> dict[str, Any]:
    return aws("rds", region=REGION).create_event_subscription(
        SubscriptionName="twin-events", SnsTopicArn=topic, SourceType="db-cluster", **extra
    )["EventSubscription"]


def test_a_subscription_is_enabled_unless_asked_otherwise(aws: Any, topic: str) -> None:
    """AWS (CreateEventSubscription, Enabled): the subscription is active by default (moto created it disabled)."""
    assert _subscribe(aws, topic, EventCategories=["failover"])["Enabled"] is True
    listed = aws("rds", region=REGION).describe_event_subscriptions(SubscriptionName="twin-events")
    assert listed["EventSubscriptionsList"][0]["Enabled"] is True


def test_unknown_categories_are_refused(aws: Any, topic: str) -> None:
    """AWS: SubscriptionCategoryNotFound for a category the source type does not have (moto stored any word)."""
    with pytest.raises(ClientError) as excinfo:
        _subscribe(aws, topic, EventCategories=["failover", "explosion"])
    assert _code(excinfo) == "SubscriptionCategoryNotFound"
    with pytest.raises(ClientError) as excinfo:
        aws("rds", region=REGION).create_event_subscription(
            SubscriptionName="twin-pg", SnsTopicArn=topic, SourceType="db-parameter-group", EventCategories=["failover"]
        )
    assert _code(excinfo) == "SubscriptionCategoryNotFound"


def test_the_topic_must_exist(aws: Any, topic: str) -> None:
    """AWS: SNSTopicArnNotFound for a topic that does not exist, SNSInvalidTopic for what is not a topic ARN."""
    with pytest.raises(ClientError) as excinfo:
        _subscribe(aws, topic + "-gone")
    assert _code(excinfo) == "SNSTopicArnNotFound"
    with pytest.raises(ClientError) as excinfo:
        _subscribe(aws, "not-an-arn")
    assert _code(excinfo) == "SNSInvalidTopic"


def test_modify_changes_what_is_given(aws: Any, topic: str) -> None:
    """AWS: ModifyEventSubscription changes the topic, source type, categories and Enabled given, keeps the rest
    (moto: HTTP 500, not implemented)."""
    _subscribe(aws, topic, EventCategories=["failover"])
    rds = aws("rds", region=REGION)
    answer = rds.modify_event_subscription(
        SubscriptionName="twin-events", EventCategories=["failure", "maintenance"], Enabled=False
    )["EventSubscription"]
    assert sorted(answer["EventCategoriesList"]) == ["failure", "maintenance"]
    assert (answer["Enabled"], answer["SnsTopicArn"], answer["SourceType"]) == (False, topic, "db-cluster")
    with pytest.raises(ClientError) as excinfo:
        rds.modify_event_subscription(SubscriptionName="twin-events", EventCategories=["low storage"])
    assert _code(excinfo) == "SubscriptionCategoryNotFound"
    with pytest.raises(ClientError) as excinfo:
        rds.modify_event_subscription(SubscriptionName="twin-missing", Enabled=True)
    assert _code(excinfo) == "SubscriptionNotFound"


def test_source_identifiers_are_added_and_removed(aws: Any, topic: str) -> None:
    """AWS: AddSourceIdentifierToSubscription / RemoveSourceIdentifierFromSubscription change SourceIdsList
    (moto: HTTP 500); removing a source the subscription does not have is SourceNotFound."""
    _subscribe(aws, topic)
    rds = aws("rds", region=REGION)
    added = rds.add_source_identifier_to_subscription(SubscriptionName="twin-events", SourceIdentifier="twin-aurora")
    assert added["EventSubscription"]["SourceIdsList"] == ["twin-aurora"]
    removed = rds.remove_source_identifier_from_subscription(
        SubscriptionName="twin-events", SourceIdentifier="twin-aurora"
    )
    assert removed["EventSubscription"]["SourceIdsList"] == []
    with pytest.raises(ClientError) as excinfo:
        rds.remove_source_identifier_from_subscription(SubscriptionName="twin-events", SourceIdentifier="twin-aurora")
    assert _code(excinfo) == "SourceNotFound"


def test_event_categories_are_described(aws: Any) -> None:
    """AWS: DescribeEventCategories lists the categories of a source type (moto: HTTP 500)."""
    answer = aws("rds", region=REGION).describe_event_categories(SourceType="db-parameter-group")
    assert answer["EventCategoriesMapList"] == [
        {"SourceType": "db-parameter-group", "EventCategories": ["configuration change"]}
    ]
    every = aws("rds", region=REGION).describe_event_categories()["EventCategoriesMapList"]
    cluster = next(m for m in every if m["SourceType"] == "db-cluster")
    assert {"failover", "failure", "maintenance"} <= set(cluster["EventCategories"])


def test_a_minimum_above_the_maximum_is_refused(aws: Any) -> None:
    """AWS: RegisterScalableTarget refuses a MinCapacity greater than MaxCapacity (ValidationException), also when
    only one of them is given and the target keeps the other (moto registered it)."""
    scaling = aws("application-autoscaling", region=REGION)
    keys = {"ServiceNamespace": "rds", "ResourceId": "cluster:twin-aurora", "ScalableDimension": DIMENSION}
    with pytest.raises(ClientError) as excinfo:
        scaling.register_scalable_target(**keys, MinCapacity=3, MaxCapacity=2)
    assert _code(excinfo) == "ValidationException"
    scaling.register_scalable_target(**keys, MinCapacity=1, MaxCapacity=2)
    with pytest.raises(ClientError) as excinfo:
        scaling.register_scalable_target(**keys, MinCapacity=3)
    assert _code(excinfo) == "ValidationException"
    target = scaling.describe_scalable_targets(ServiceNamespace="rds")["ScalableTargets"][0]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (1, 2)
