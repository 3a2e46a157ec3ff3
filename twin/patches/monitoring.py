"""Patches for what the monitoring role and reader auto scaling call: RDS event subscriptions and Application Auto
Scaling targets, as AWS documents them. tests/twin/test_monitoring.py states each AWS behaviour.

moto 5.2.5 answers HTTP 500 to ModifyEventSubscription, AddSourceIdentifierToSubscription,
RemoveSourceIdentifierFromSubscription and DescribeEventCategories; CreateEventSubscription accepts any event
category, any (even missing) SNS topic and creates the subscription disabled when Enabled is omitted (AWS: enabled);
RegisterScalableTarget accepts a minimum capacity above the maximum.
"""

from __future__ import annotations

import inspect
from typing import Any

from moto.applicationautoscaling.exceptions import AWSValidationException
from moto.applicationautoscaling.models import ApplicationAutoscalingBackend
from moto.core.responses import ActionResult
from moto.rds.exceptions import SubscriptionNotFoundError
from moto.rds.models import EventSubscription, RDSBackend
from moto.rds.responses import RDSResponse
from moto.sns.models import sns_backends

from twin.patches._registry import adds, original, replaces
from twin.patches.errors import TwinServiceError

# DescribeEventCategories for the RDS source types (RDS and Aurora User Guides, "Amazon RDS event categories and
# event messages").
EVENT_CATEGORIES: dict[str, list[str]] = {
    "db-instance": [
        "availability",
        "backup",
        "configuration change",
        "creation",
        "deletion",
        "failover",
        "failure",
        "low storage",
        "maintenance",
        "notification",
        "read replica",
        "recovery",
        "restoration",
        "security",
        "security patching",
    ],
    "db-cluster": [
        "configuration change",
        "creation",
        "deletion",
        "failover",
        "failure",
        "global-failover",
        "maintenance",
        "migration",
        "notification",
        "serverless",
    ],
    "db-parameter-group": ["configuration change"],
    "db-security-group": ["configuration change", "failure"],
    "db-snapshot": ["creation", "deletion", "notification", "restoration"],
    "db-cluster-snapshot": ["backup", "creation", "deletion", "notification", "restoration"],
}


def _get(params: dict[str, Any], camel: str, snake: str, default: Any = None) -> Any:
    if camel in params:
        return params[camel]
    return params.get(snake, default)


def _check_topic(topic_arn: str | None) -> None:
    """SNSInvalidTopic for a malformed ARN, SNSTopicArnNotFound for a topic that does not exist."""
    parts = (topic_arn or "").split(":")
    if len(parts) != 6 or parts[2] != "sns":
        raise TwinServiceError("SNSInvalidTopic", f"Invalid SNS topic ARN {topic_arn}.")
    region, account = parts[3], parts[4]
    if topic_arn not in sns_backends[account][region].topics:
        raise TwinServiceError("SNSTopicArnNotFound", f"Topic ARN {topic_arn} not found.")


def _check_categories(source_type: str | None, categories: list[str]) -> None:
    allowed = EVENT_CATEGORIES.get(source_type or "")
    if allowed is None:
        return
    unknown = [category for category in categories if category.lower() not in allowed]
    if unknown:
        raise TwinServiceError(
            "SubscriptionCategoryNotFound", f"Event categories {', '.join(unknown)} not found for {source_type}."
        )


@replaces(RDSBackend, "create_event_subscription")
def create_event_subscription(self: RDSBackend, kwargs: Any) -> EventSubscription:
    """CreateEventSubscription: the topic must exist, the categories be the source type's; Enabled defaults to true."""
    _check_topic(_get(kwargs, "SnsTopicArn", "sns_topic_arn"))
    source_type = _get(kwargs, "SourceType", "source_type")
    _check_categories(source_type, _get(kwargs, "EventCategories", "event_categories", []) or [])
    subscription = original(RDSBackend, "create_event_subscription")(self, kwargs)
    if _get(kwargs, "Enabled", "enabled") is None:
        subscription.enabled = True
    subscription.event_categories = [c.lower() for c in subscription.event_categories or []]
    return subscription


def _subscription(backend: RDSBackend, name: str) -> EventSubscription:
    if name not in backend.event_subscriptions:
        raise SubscriptionNotFoundError(name)
    return backend.event_subscriptions[name]


@adds(RDSResponse, "modify_event_subscription")
def modify_event_subscription(self: RDSResponse) -> ActionResult:
    """ModifyEventSubscription: topic, source type, categories and Enabled, each only when given."""
    params = self.params
    subscription = _subscription(self.backend, _get(params, "SubscriptionName", "subscription_name"))
    topic = _get(params, "SnsTopicArn", "sns_topic_arn")
    if topic is not None:
        _check_topic(topic)
    source_type = _get(params, "SourceType", "source_type") or subscription.source_type
    categories = _get(params, "EventCategories", "event_categories")
    _check_categories(source_type, categories if categories is not None else subscription.event_categories)
    if topic is not None:
        subscription.sns_topic_arn = topic
    subscription.source_type = source_type
    if categories is not None:
        subscription.event_categories = [c.lower() for c in categories]
    enabled = _get(params, "Enabled", "enabled")
    if enabled is not None:
        subscription.enabled = enabled
    return ActionResult({"EventSubscription": subscription})


@adds(RDSResponse, "add_source_identifier_to_subscription")
def add_source_identifier_to_subscription(self: RDSResponse) -> ActionResult:
    """AddSourceIdentifierToSubscription: the source joins the subscription's SourceIdsList (once)."""
    subscription = _subscription(self.backend, _get(self.params, "SubscriptionName", "subscription_name"))
    source = _get(self.params, "SourceIdentifier", "source_identifier")
    if source not in subscription.source_ids:
        subscription.source_ids = [*subscription.source_ids, source]
    return ActionResult({"EventSubscription": subscription})


@adds(RDSResponse, "remove_source_identifier_from_subscription")
def remove_source_identifier_from_subscription(self: RDSResponse) -> ActionResult:
    """RemoveSourceIdentifierFromSubscription: the source leaves the subscription's SourceIdsList."""
    subscription = _subscription(self.backend, _get(self.params, "SubscriptionName", "subscription_name"))
    source = _get(self.params, "SourceIdentifier", "source_identifier")
    if source not in subscription.source_ids:
        raise TwinServiceError("SourceNotFound", f"Source {source} not found in subscription.")
    subscription.source_ids = [s for s in subscription.source_ids if s != source]
    return ActionResult({"EventSubscription": subscription})


@adds(RDSResponse, "describe_event_categories")
def describe_event_categories(self: RDSResponse) -> ActionResult:
    """DescribeEventCategories: the categories of one source type, or of every one."""
    source_type = _get(self.params, "SourceType", "source_type")
    types = [t for t in ([source_type] if source_type else sorted(EVENT_CATEGORIES)) if t in EVENT_CATEGORIES]
    return ActionResult(
        {"EventCategoriesMapList": [{"SourceType": t, "EventCategories": EVENT_CATEGORIES[t]} for t in types]}
    )


@replaces(ApplicationAutoscalingBackend, "register_scalable_target")
def register_scalable_target(self: ApplicationAutoscalingBackend, *args: Any, **kwargs: Any) -> Any:
    """RegisterScalableTarget: a minimum above the maximum (as given, or as kept from the target) is refused."""
    moto_register = original(ApplicationAutoscalingBackend, "register_scalable_target")
    given = inspect.signature(moto_register).bind(self, *args, **kwargs).arguments
    kept = self.targets.get(given["dimension"], {}).get(given["r_id"])
    low = given.get("min_capacity")
    high = given.get("max_capacity")
    low = low if low is not None else getattr(kept, "min_capacity", None)
    high = high if high is not None else getattr(kept, "max_capacity", None)
    if low is not None and high is not None and int(low) > int(high):
        raise AWSValidationException("Minimum capacity cannot be greater than maximum capacity")
    return moto_register(self, *args, **kwargs)
