# Copyright: XYZ Corporation
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the Redshift modules of xyz.aws_database share: error handling, waiters, ARNs and tags."""

from __future__ import annotations

import typing

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)
from ansible_collections.amazon.aws.plugins.module_utils.waiter import BaseWaiterFactory

if typing.TYPE_CHECKING:
    from typing import Any

# Error codes Redshift answers for a resource that does not exist.
MISSING_CODES = ["ClusterNotFound", "ClusterParameterGroupNotFound", "ResourceNotFoundFault"]


class AnsibleRedshiftError(AnsibleAWSError):
    pass


class RedshiftErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleRedshiftError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(MISSING_CODES)


class RedshiftWaiterFactory(BaseWaiterFactory):
    """Waiters that also retry on throttling (boto3's Redshift waiters fail on the first throttled call)."""

    @property
    def _waiter_model_data(self) -> dict[str, Any]:
        return {
            "cluster_available": {
                "operation": "DescribeClusters",
                "delay": 15,
                "maxAttempts": 120,
                "acceptors": [
                    # Available, and no modification still waiting to be applied.
                    {
                        "state": "success",
                        "matcher": "path",
                        "expected": True,
                        "argument": "Clusters[0].ClusterStatus == 'available' && !(Clusters[0].PendingModifiedValues)",
                    },
                    {
                        "state": "failure",
                        "matcher": "pathAny",
                        "expected": "deleting",
                        "argument": "Clusters[].ClusterStatus",
                    },
                    {"state": "retry", "matcher": "error", "expected": "ClusterNotFound"},
                ],
            },
            "cluster_deleted": {
                "operation": "DescribeClusters",
                "delay": 15,
                "maxAttempts": 120,
                "acceptors": [
                    {"state": "success", "matcher": "error", "expected": "ClusterNotFound"},
                    {
                        "state": "retry",
                        "matcher": "pathAny",
                        "expected": "deleting",
                        "argument": "Clusters[].ClusterStatus",
                    },
                ],
            },
        }


def waiter_config(timeout: int, delay: int) -> dict[str, int]:
    """Poll every `delay` seconds for at least `timeout` seconds."""
    delay = max(1, delay)
    return {"Delay": delay, "MaxAttempts": max(1, -(-timeout // delay)) + 1}


def wait_for_cluster(client: Any, waiter_name: str, identifier: str, timeout: int, delay: int) -> None:
    waiter = RedshiftWaiterFactory().get_waiter(client, waiter_name)
    description = waiter_name.replace("_", " ").replace("cluster", f"cluster {identifier} to be", 1)
    RedshiftErrorHandler.common_error_handler(f"wait for {description}")(waiter.wait)(
        ClusterIdentifier=identifier, WaiterConfig=waiter_config(timeout, delay)
    )


def redshift_arn(partition: str, region: str, account: str, resource_type: str, name: str) -> str:
    """arn:<partition>:redshift:<region>:<account>:<resource type>:<name>, e.g. a cluster's or a parameter group's."""
    return f"arn:{partition}:redshift:{region}:{account}:{resource_type}:{name}"


def arn_parts(arn: str) -> tuple[str, str, str]:
    """(partition, region, account) of an ARN."""
    fields = arn.split(":")
    return fields[1], fields[3], fields[4]


@RedshiftErrorHandler.list_error_handler("describe the KMS key")
@AWSRetry.jittered_backoff()
def _kms_key_arn(kms: Any, key: str) -> str | None:
    return kms.describe_key(KeyId=key)["KeyMetadata"]["Arn"]


def same_kms_key(kms: Any, current: str | None, wanted: str) -> bool:
    """Whether two references to KMS keys (id, ARN, alias) name the same key; AWS answers with ARNs."""
    if current is None:
        return False
    if current == wanted:
        return True
    return (_kms_key_arn(kms, current) or current) == (_kms_key_arn(kms, wanted) or wanted)


def tags_of(resource: dict[str, Any]) -> dict[str, str]:
    return boto3_tag_list_to_ansible_dict(resource.get("Tags") or [])


@RedshiftErrorHandler.common_error_handler("tag the resource")
@AWSRetry.jittered_backoff()
def _create_tags(client: Any, arn: str, tags: dict[str, str]) -> None:
    client.create_tags(ResourceName=arn, Tags=ansible_dict_to_boto3_tag_list(tags))


@RedshiftErrorHandler.common_error_handler("untag the resource")
@AWSRetry.jittered_backoff()
def _delete_tags(client: Any, arn: str, keys: list[str]) -> None:
    client.delete_tags(ResourceName=arn, TagKeys=keys)


def ensure_tags(
    client: Any,
    *,
    check_mode: bool,
    arn: str,
    current: dict[str, str],
    desired: dict[str, str] | None,
    purge: bool,
) -> tuple[bool, dict[str, str]]:
    """Bring a resource's tags to `desired` (None leaves them); returns (changed, the tags afterwards)."""
    if desired is None:
        return False, dict(current)
    to_set, to_unset = compare_aws_tags(current, desired, purge)
    if not to_set and not to_unset:
        return False, dict(current)
    after = {key: value for key, value in current.items() if key not in to_unset}
    after.update({key: str(value) for key, value in to_set.items()})
    if not check_mode:
        if to_unset:
            _delete_tags(client, arn, to_unset)
        if to_set:
            _create_tags(client, arn, to_set)
    return True, after
