#!/usr/bin/python

# Copyright: XYZ Corporation
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: rds_event_subscription
version_added: 0.1.0
short_description: Manage Amazon RDS event notification subscriptions
description:
  - Creates, updates and deletes an RDS event notification subscription (C(CreateEventSubscription),
    C(ModifyEventSubscription), C(AddSourceIdentifierToSubscription), C(RemoveSourceIdentifierFromSubscription),
    C(DeleteEventSubscription)), which sends the events of a source type (DB clusters, DB instances, parameter
    groups, security groups...) to an SNS topic - Security Hub controls RDS.19 to RDS.22. No module of amazon.aws or
    community.aws manages them.
  - Event categories are checked against the categories RDS documents for the source type before any call.
  - A second run with the same options reports no change; the order of O(event_categories) and O(source_ids)
    does not matter.
author:
  - XYZ Corporation database team (@xyz)
options:
  name:
    description:
      - The subscription's name (fewer than 255 characters).
    type: str
    required: true
    aliases: ['subscription_name']
  state:
    description:
      - V(present) creates or updates the subscription; V(absent) deletes it.
    type: str
    choices: ['present', 'absent']
    default: present
  sns_topic_arn:
    description:
      - The SNS topic the events go to, in the subscription's region (RDS does not support FIFO topics).
        Required with O(state=present).
    type: str
  source_type:
    description:
      - The type of source whose events are sent; omitted, events of every source type.
    type: str
    choices: ['db-instance', 'db-cluster', 'db-parameter-group', 'db-security-group', 'db-snapshot',
              'db-cluster-snapshot', 'db-proxy', 'zero-etl', 'custom-engine-version', 'blue-green-deployment']
  event_categories:
    description:
      - The event categories sent (lower case, as RDS names them, e.g. V(failover), V(configuration change));
        empty, every category of the source type. Each must be one of the source type's categories.
    type: list
    elements: str
    default: []
  source_ids:
    description:
      - The sources whose events are sent (identifiers of O(source_type)); empty, every source of that type in the
        region. Needs O(source_type).
    type: list
    elements: str
    default: []
  enabled:
    description:
      - Whether the subscription is active.
    type: bool
    default: true
  tags:
    description:
      - Tags of the subscription.
    type: dict
    aliases: ['resource_tags']
  purge_tags:
    description:
      - Remove tags not in O(tags). Ignored when O(tags) is not given.
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Failovers, failures and maintenance of every DB cluster of the region to the operators' topic
  xyz.aws_database.rds_event_subscription:
    region: us-east-2
    name: xyz-prod-db-cluster-events
    sns_topic_arn: arn:aws:sns:us-east-2:123456789012:xyz-prod-operators
    source_type: db-cluster
    event_categories: [failover, failure, maintenance, notification]
    tags:
      Environment: prod

- name: Parameter group changes
  xyz.aws_database.rds_event_subscription:
    region: us-east-2
    name: xyz-prod-db-parameter-group-events
    sns_topic_arn: arn:aws:sns:us-east-2:123456789012:xyz-prod-operators
    source_type: db-parameter-group
    event_categories: [configuration change]

- name: Remove a subscription
  xyz.aws_database.rds_event_subscription:
    region: us-east-2
    name: xyz-prod-db-cluster-events
    state: absent
"""

RETURN = r"""
event_subscription:
  description: The subscription (predicted in check mode); empty when there is none.
  returned: always
  type: dict
  contains:
    cust_subscription_id:
      description: The subscription's name.
      type: str
      sample: xyz-prod-db-cluster-events
    sns_topic_arn:
      description: The topic.
      type: str
    source_type:
      description: The source type.
      type: str
      sample: db-cluster
    event_categories_list:
      description: The event categories (sorted).
      type: list
      elements: str
      sample: ["failover", "failure", "maintenance"]
    source_ids_list:
      description: The sources (sorted).
      type: list
      elements: str
    enabled:
      description: Whether it is active.
      type: bool
    status:
      description: RDS's status of the subscription (creating, modifying, active, no-permission, topic-not-exist).
      type: str
    event_subscription_arn:
      description: The subscription's ARN (absent in check mode before it exists).
      type: str
    tags:
      description: The tags.
      type: dict
"""

import contextlib
import re
import typing

with contextlib.suppress(ImportError):  # botocore is checked by AnsibleAWSModule
    import botocore

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)

from ansible_collections.xyz.aws_database.plugins.module_utils.modules import AnsibleXyzAWSModule, aws_retry

if typing.TYPE_CHECKING:
    from typing import Any

# The categories RDS documents per source type (DescribeEventCategories; Aurora and RDS User Guides, "Amazon RDS
# event categories and event messages"). Source types not listed here are not checked.
EVENT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "db-cluster": (
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
    ),
    "db-instance": (
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
    ),
    "db-parameter-group": ("configuration change",),
    "db-security-group": ("configuration change", "failure"),
    "db-snapshot": ("creation", "deletion", "notification", "restoration"),
    "db-cluster-snapshot": ("backup", "creation", "deletion", "notification", "restoration"),
}
TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$")


def static_errors(params: dict[str, Any]) -> list[str]:
    """What is wrong with the input, before any call."""
    errors: list[str] = []
    if len(params["name"]) >= 255 or not params["name"]:
        errors.append(f"name must be 1 to 254 characters (got {len(params['name'])})")
    if params["state"] == "absent":
        return errors
    topic, source_type = params["sns_topic_arn"], params["source_type"]
    if not topic:
        errors.append("sns_topic_arn is required with state present")
    elif not TOPIC_ARN.match(topic):
        errors.append(
            f"sns_topic_arn must be a standard SNS topic ARN, arn:aws:sns:<region>:<account>:<name> (got {topic}); "
            "RDS does not support FIFO topics"
        )
    allowed = EVENT_CATEGORIES.get(source_type or "")
    unknown = [c for c in params["event_categories"] if allowed is not None and c.lower() not in allowed]
    if unknown:
        errors.append(
            f"event_categories: {', '.join(unknown)} not among the {source_type} categories ({', '.join(allowed)})"
        )
    if params["event_categories"] and source_type is None:
        errors.append("event_categories needs source_type")
    if params["source_ids"] and source_type is None:
        errors.append("source_ids needs source_type")
    return errors


def get_subscription(client: Any, name: str) -> dict[str, Any] | None:
    try:
        found = client.describe_event_subscriptions(SubscriptionName=name, aws_retry=True)["EventSubscriptionsList"]
    except botocore.exceptions.ClientError as e:
        if e.response["Error"]["Code"] == "SubscriptionNotFound":
            return None
        raise
    subscription = found[0] if found else None
    if subscription and subscription.get("EventSubscriptionArn"):
        tags = client.list_tags_for_resource(ResourceName=subscription["EventSubscriptionArn"], aws_retry=True)
        subscription["Tags"] = boto3_tag_list_to_ansible_dict(tags.get("TagList", []))
    return subscription


def view(subscription: dict[str, Any] | None) -> dict[str, Any]:
    if not subscription:
        return {}
    tags = subscription.get("Tags", {})
    kept = {key: value for key, value in subscription.items() if key not in ("Tags", "SubscriptionCreationTime")}
    kept["EventCategoriesList"] = sorted(kept.get("EventCategoriesList") or [])
    kept["SourceIdsList"] = sorted(kept.get("SourceIdsList") or [])
    result = camel_dict_to_snake_dict(kept)
    result["tags"] = tags
    return result


def desired_settings(params: dict[str, Any]) -> dict[str, Any]:
    return {
        "SnsTopicArn": params["sns_topic_arn"],
        "SourceType": params["source_type"],
        "EventCategoriesList": sorted({c.lower() for c in params["event_categories"]}),
        "Enabled": params["enabled"],
    }


def current_settings(subscription: dict[str, Any]) -> dict[str, Any]:
    return {
        "SnsTopicArn": subscription.get("SnsTopicArn"),
        "SourceType": subscription.get("SourceType") or None,
        "EventCategoriesList": sorted(c.lower() for c in subscription.get("EventCategoriesList") or []),
        "Enabled": bool(subscription.get("Enabled")),
    }


def create(module: AnsibleXyzAWSModule, client: Any) -> dict[str, Any]:
    params, settings = module.params, desired_settings(module.params)
    predicted = {
        "CustSubscriptionId": params["name"],
        **settings,
        "SourceIdsList": sorted(set(params["source_ids"])),
        "Status": "creating",
        "Tags": params["tags"] or {},
    }
    if module.check_mode:
        return predicted
    request: dict[str, Any] = {
        "SubscriptionName": params["name"],
        "SnsTopicArn": settings["SnsTopicArn"],
        "EventCategories": settings["EventCategoriesList"],
        "SourceIds": predicted["SourceIdsList"],
        "Enabled": settings["Enabled"],
        "Tags": ansible_dict_to_boto3_tag_list(params["tags"] or {}),
    }
    if settings["SourceType"]:
        request["SourceType"] = settings["SourceType"]
    client.create_event_subscription(**request, aws_retry=True)
    return get_subscription(client, params["name"]) or predicted


def update(module: AnsibleXyzAWSModule, client: Any, current: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    params, name = module.params, module.params["name"]
    settings, now = desired_settings(params), current_settings(current)
    have_ids, want_ids = set(current.get("SourceIdsList") or []), set(params["source_ids"])
    have_tags = current.get("Tags", {})
    tags_to_set, tags_to_unset = ({}, [])
    if params["tags"] is not None:
        tags_to_set, tags_to_unset = compare_aws_tags(have_tags, params["tags"], params["purge_tags"])
    settings_changed = settings != now
    changed = settings_changed or have_ids != want_ids or bool(tags_to_set or tags_to_unset)
    if not changed:
        return False, current
    predicted = {**current, **settings, "SourceIdsList": sorted(want_ids)}
    predicted["Tags"] = {k: v for k, v in {**have_tags, **tags_to_set}.items() if k not in tags_to_unset}
    if module.check_mode:
        return True, predicted
    if settings_changed:
        request = {key: value for key, value in settings.items() if key != "EventCategoriesList"}
        request["EventCategories"] = settings["EventCategoriesList"]
        if not request["SourceType"]:
            request.pop("SourceType")
        client.modify_event_subscription(SubscriptionName=name, **request, aws_retry=True)
    for source in sorted(want_ids - have_ids):
        client.add_source_identifier_to_subscription(SubscriptionName=name, SourceIdentifier=source, aws_retry=True)
    for source in sorted(have_ids - want_ids):
        client.remove_source_identifier_from_subscription(
            SubscriptionName=name, SourceIdentifier=source, aws_retry=True
        )
    arn = current["EventSubscriptionArn"]
    if tags_to_unset:
        client.remove_tags_from_resource(ResourceName=arn, TagKeys=tags_to_unset, aws_retry=True)
    if tags_to_set:
        client.add_tags_to_resource(ResourceName=arn, Tags=ansible_dict_to_boto3_tag_list(tags_to_set), aws_retry=True)
    return True, get_subscription(client, name) or predicted


def finish(module: AnsibleXyzAWSModule, changed: bool, before: dict[str, Any], after: dict[str, Any]) -> None:
    result: dict[str, Any] = {"changed": changed, "event_subscription": after}
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {"before": before, "after": after}
    module.exit_json(**result)


def do(module: AnsibleXyzAWSModule) -> None:
    errors = static_errors(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    client = module.client("rds", retry_decorator=aws_retry())
    name = module.params["name"]
    try:
        current = get_subscription(client, name)
        before = view(current)
        if module.params["state"] == "absent":
            if current and not module.check_mode:
                client.delete_event_subscription(SubscriptionName=name, aws_retry=True)
            finish(module, current is not None, before, {})
            return
        if current is None:
            finish(module, True, before, view(create(module, client)))
            return
        changed, after = update(module, client, current)
        finish(module, changed, before, view(after))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"RDS event subscription {name} failed")


def main() -> None:
    argument_spec = {
        "name": {"type": "str", "required": True, "aliases": ["subscription_name"]},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "sns_topic_arn": {"type": "str"},
        "source_type": {
            "type": "str",
            "choices": [
                "db-instance",
                "db-cluster",
                "db-parameter-group",
                "db-security-group",
                "db-snapshot",
                "db-cluster-snapshot",
                "db-proxy",
                "zero-etl",
                "custom-engine-version",
                "blue-green-deployment",
            ],
        },
        "event_categories": {"type": "list", "elements": "str", "default": []},
        "source_ids": {"type": "list", "elements": "str", "default": []},
        "enabled": {"type": "bool", "default": True},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleXyzAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    do(module)


if __name__ == "__main__":
    main()
