# Copyright: XYZ Corporation
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the ElastiCache modules of xyz.aws_database share: engines, families, errors, waiters and tags."""

from __future__ import annotations

import re
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)
from ansible_collections.amazon.aws.plugins.module_utils.waiter import BaseWaiterFactory

# Engines and the cache parameter group family of each supported engine version (cluster mode disabled).
# Redis OSS 7.0 and 7.1 use redis7, Valkey 7.2 valkey7 and Valkey 8.x valkey8 (AWS's CreateCacheParameterGroup).
ENGINES = ("redis", "valkey")
FAMILIES = ("redis7", "valkey7", "valkey8")
ENGINE_VERSION_FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("redis", r"7\.[01](\.\d+)?", "redis7"),
    ("valkey", r"7\.2(\.\d+)?", "valkey7"),
    ("valkey", r"8\.\d+(\.\d+)?", "valkey8"),
)
SUPPORTED_VERSIONS = {"redis": "7.0, 7.1", "valkey": "7.2, 8.0, 8.1"}


class AnsibleElastiCacheError(AnsibleAWSError):
    pass


class ElastiCacheRefusal(Exception):
    """A request the module refuses before any mutating call (its message says why, and what to do)."""


class ElastiCacheErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleElastiCacheError

    @classmethod
    def _is_missing(cls) -> type[Exception]:
        return is_boto3_error_code(
            ["ReplicationGroupNotFoundFault", "CacheParameterGroupNotFound", "CacheClusterNotFound"]
        )


def family_for(engine: str, engine_version: str) -> str | None:
    """The cache parameter group family of an engine version, None when this collection does not support it."""
    for family_engine, pattern, family in ENGINE_VERSION_FAMILIES:
        if family_engine == engine and re.fullmatch(pattern, engine_version):
            return family
    return None


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def version_matches(requested: str, actual: str | None) -> bool:
    """'7.1' matches '7.1' and '7.1.0' (AWS reports the full version of a major.minor request)."""
    if not actual:
        return False
    return actual == requested or actual.startswith(requested + ".")


# --------------------------------------------------------------------------------------------------------------------
# Waiters


def _group_status(state: str, expected: str, matcher: str = "pathAll") -> dict[str, Any]:
    return {"state": state, "matcher": matcher, "expected": expected, "argument": "ReplicationGroups[].Status"}


class ElastiCacheWaiterFactory(BaseWaiterFactory):
    @property
    def _waiter_model_data(self) -> dict[str, Any]:
        return {
            "replication_group_available": {
                "operation": "DescribeReplicationGroups",
                "delay": 15,
                "maxAttempts": 120,
                "acceptors": [
                    _group_status("success", "available"),
                    _group_status("failure", "create-failed", "pathAny"),
                    {"state": "failure", "matcher": "error", "expected": "ReplicationGroupNotFoundFault"},
                ],
            },
            "replication_group_deleted": {
                "operation": "DescribeReplicationGroups",
                "delay": 15,
                "maxAttempts": 120,
                "acceptors": [
                    {"state": "success", "matcher": "error", "expected": "ReplicationGroupNotFoundFault"},
                    _group_status("failure", "available", "pathAny"),
                ],
            },
        }


def waiter_config(timeout: int, delay: int) -> dict[str, int]:
    """Poll every `delay` seconds for at least `timeout` seconds."""
    delay = max(1, delay)
    return {"Delay": delay, "MaxAttempts": max(1, -(-timeout // delay)) + 1}


def wait_for(client: Any, waiter_name: str, timeout: int, delay: int, **params: Any) -> None:
    waiter = ElastiCacheWaiterFactory().get_waiter(client, waiter_name)
    description = waiter_name.replace("_", " ")
    ElastiCacheErrorHandler.common_error_handler(f"wait for {description}")(waiter.wait)(
        WaiterConfig=waiter_config(timeout, delay), **params
    )


# --------------------------------------------------------------------------------------------------------------------
# Tags (replication groups and cache parameter groups are tagged by ARN)


@ElastiCacheErrorHandler.list_error_handler("list tags", {})
def get_tags(client: Any, arn: str) -> dict[str, str]:
    return boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(aws_retry=True, ResourceName=arn)["TagList"])


def tag_changes(
    current: dict[str, str], desired: dict[str, str] | None, purge: bool
) -> tuple[dict[str, str], list[str]]:
    """Tags to set and keys to remove; nothing when `tags` was not given."""
    if desired is None:
        return {}, []
    return compare_aws_tags(current, desired, purge_tags=purge)


def tags_after(current: dict[str, str], to_set: dict[str, str], to_remove: list[str]) -> dict[str, str]:
    tags = {key: value for key, value in current.items() if key not in to_remove}
    tags.update({key: str(value) for key, value in to_set.items()})
    return tags


@ElastiCacheErrorHandler.common_error_handler("update tags")
def apply_tags(client: Any, arn: str, to_set: dict[str, str], to_remove: list[str]) -> None:
    if to_remove:
        client.remove_tags_from_resource(aws_retry=True, ResourceName=arn, TagKeys=to_remove)
    if to_set:
        tags = {key: str(value) for key, value in to_set.items()}
        client.add_tags_to_resource(aws_retry=True, ResourceName=arn, Tags=ansible_dict_to_boto3_tag_list(tags))


def boto3_tags(tags: dict[str, Any] | None) -> list[dict[str, str]]:
    return ansible_dict_to_boto3_tag_list({key: str(value) for key, value in (tags or {}).items()})
