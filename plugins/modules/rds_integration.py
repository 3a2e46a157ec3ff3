#!/usr/bin/python

# Copyright: XYZ Corporation
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: rds_integration
version_added: 0.1.0
short_description: Manage a zero-ETL integration from Aurora (or RDS) to Amazon Redshift
description:
  - Create, modify and delete an Amazon RDS zero-ETL integration (C(CreateIntegration), C(DescribeIntegrations),
    C(ModifyIntegration), C(DeleteIntegration)) that replicates an Aurora DB cluster (or an RDS DB instance) into
    an Amazon Redshift namespace in near real time.
  - The integration is found by its name. O(data_filter) and O(description) change in place; a different source,
    target, KMS key or encryption context would take a new integration, and is refused.
  - AWS requires, before creating it, the source's binary log settings (for Aurora MySQL C(binlog_format=ROW),
    C(binlog_row_image=full), C(binlog_row_metadata=full), C(aurora_enhanced_binlog=1), C(binlog_backup=0),
    C(binlog_replication_globaldb=0)), a target with C(enable_case_sensitive_identifier=true), and a Redshift
    resource policy authorising the source (M(xyz.aws_database.redshift_resource_policy)).
author:
  - XYZ Corporation database team (@xyz)
options:
  integration_name:
    description:
      - The integration's name, 1 to 63 letters, digits or hyphens, starting with a letter, not ending with a hyphen
        nor containing two consecutive hyphens.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the integration; V(absent) deletes it (the data already replicated stays in
        Redshift but no longer follows the source).
    type: str
    choices: ['present', 'absent']
    default: present
  source_arn:
    description:
      - The ARN of the source Aurora DB cluster (or RDS DB instance). Required to create; it cannot change.
    type: str
  target_arn:
    description:
      - The ARN of the target Redshift namespace (a provisioned cluster's C(ClusterNamespaceArn), or a Redshift
        Serverless namespace). Required to create; it cannot change.
    type: str
  kms_key_id:
    description:
      - The KMS key encrypting the integration (an AWS owned key when unset). It cannot change.
    type: str
  additional_encryption_context:
    description:
      - Extra KMS encryption context, only with O(kms_key_id). It cannot change.
    type: dict
  data_filter:
    description:
      - "Which tables are replicated, e.g. C(include: orders.*, exclude: orders.audit_log); AWS replicates every
        table when unset at creation. Changes in place."
    type: str
  description:
    description:
      - The integration's description. Changes in place.
    type: str
  wait:
    description:
      - Wait for the integration to be C(active) (or gone, with O(state=absent)).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait, for each wait (AWS typically takes 15 to 30 minutes to create an integration).
    type: int
    default: 1800
  wait_delay:
    description:
      - Seconds between two polls while waiting (at least 1).
    type: int
    default: 15
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Replicate the orders cluster into the warehouse
  xyz.aws_database.rds_integration:
    integration_name: xyz-orders-to-warehouse
    region: us-east-2
    source_arn: arn:aws:rds:us-east-2:123456789012:cluster:xyz-orders
    target_arn: "{{ warehouse.cluster.cluster_namespace_arn }}"
    data_filter: "include: orders.*"
    description: Orders in near real time
    tags:
      project: xyz

- name: Remove it
  xyz.aws_database.rds_integration:
    integration_name: xyz-orders-to-warehouse
    region: us-east-2
    state: absent
"""

RETURN = r"""
integration:
  description: The integration as C(DescribeIntegrations) returns it, in snake_case with its tags as a dict
    (predicted in check mode); empty when it does not exist.
  returned: always
  type: dict
  contains:
    integration_name:
      description: The integration's name.
      type: str
      sample: xyz-orders-to-warehouse
    integration_arn:
      description: The integration's ARN; its last part is the id Redshift's C(CREATE DATABASE ... FROM
        INTEGRATION) takes.
      type: str
      sample: arn:aws:rds:us-east-2:123456789012:integration:5b9f3d79-7392-4a3e-896c-58eaa1b53231
    source_arn:
      description: The source's ARN.
      type: str
      sample: arn:aws:rds:us-east-2:123456789012:cluster:xyz-orders
    target_arn:
      description: The target namespace's ARN.
      type: str
      sample: arn:aws:redshift:us-east-2:123456789012:namespace:5f0e2b6e-4a0e-4a8e-9d55-0c1f0e0e0e0e
    status:
      description: C(creating), C(active), C(modifying), C(failed), C(deleting), C(syncing) or C(needs_attention).
      type: str
      sample: active
    kms_key_id:
      description: The KMS key encrypting the integration, when not an AWS owned key.
      type: str
    additional_encryption_context:
      description: The extra encryption context.
      type: dict
    data_filter:
      description: The tables replicated.
      type: str
      sample: "include: orders.*"
    description:
      description: The description.
      type: str
    errors:
      description: What AWS reports as wrong with the integration.
      type: list
      elements: dict
    tags:
      description: The integration's tags.
      type: dict
      sample: {"project": "xyz"}
"""

import copy
import re
import typing

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)
from ansible_collections.amazon.aws.plugins.module_utils.waiter import BaseWaiterFactory

from ansible_collections.xyz.aws_database.plugins.module_utils.modules import AnsibleXyzAWSModule, aws_retry
from ansible_collections.xyz.aws_database.plugins.module_utils.redshift import same_kms_key, waiter_config

if typing.TYPE_CHECKING:
    from typing import Any

NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9]*(-[a-zA-Z0-9]+)*$")
NAME_MAX = 63
SOURCE_ARN = re.compile(r"^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:(cluster|db):[a-z][a-z0-9]*(-[a-z0-9]+)*$")
# CreateIntegration's TargetArn pattern (RDS API reference).
TARGET_ARN = re.compile(
    r"^arn:aws[a-z-]*:redshift(-serverless)?:[a-z0-9-]+:[0-9]{12}:(namespace/|namespace:)[a-z0-9-]+$"
)
DESCRIPTION_MAX = 1000
DATA_FILTER_MAX = 25600
# Once created, these would take a new integration.
FIXED = {
    "source_arn": "SourceArn",
    "target_arn": "TargetArn",
    "kms_key_id": "KMSKeyId",
    "additional_encryption_context": "AdditionalEncryptionContext",
}
# These change in place (ModifyIntegration).
MODIFIABLE = {"data_filter": "DataFilter", "description": "Description"}
REPLACEMENT_COST = (
    "it would take deleting this integration and creating a new one: the target database stops following the "
    "source, and the new integration copies every table again from the start. This module does not replace "
    "integrations (delete it with state absent first, if that is what you want)"
)


class AnsibleIntegrationError(AnsibleAWSError):
    pass


class IntegrationErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleIntegrationError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("IntegrationNotFoundFault")


class IntegrationWaiterFactory(BaseWaiterFactory):
    @property
    def _waiter_model_data(self) -> dict[str, Any]:
        return {
            "integration_active": {
                "operation": "DescribeIntegrations",
                "delay": 15,
                "maxAttempts": 120,
                "acceptors": [
                    {
                        "state": "success",
                        "matcher": "pathAll",
                        "expected": "active",
                        "argument": "Integrations[].Status",
                    },
                    {
                        "state": "failure",
                        "matcher": "pathAny",
                        "expected": "failed",
                        "argument": "Integrations[].Status",
                    },
                    {"state": "failure", "matcher": "error", "expected": "IntegrationNotFoundFault"},
                ],
            },
            "integration_deleted": {
                "operation": "DescribeIntegrations",
                "delay": 15,
                "maxAttempts": 120,
                "acceptors": [
                    {"state": "success", "matcher": "error", "expected": "IntegrationNotFoundFault"},
                    {
                        "state": "success",
                        "matcher": "path",
                        "expected": True,
                        "argument": "length(Integrations) == `0`",
                    },
                ],
            },
        }


def wait_for(client: Any, waiter_name: str, arn: str, timeout: int, delay: int) -> None:
    waiter = IntegrationWaiterFactory().get_waiter(client, waiter_name)
    state = waiter_name.split("_", 1)[1]
    IntegrationErrorHandler.common_error_handler(f"wait for the integration to be {state}")(waiter.wait)(
        IntegrationIdentifier=arn, WaiterConfig=waiter_config(timeout, delay)
    )


# --- validation ---------------------------------------------------------------------------------------------------


def static_errors(params: dict[str, Any]) -> list[str]:
    errors = [] if params["wait_delay"] >= 1 else [f"wait_delay must be at least 1 (got {params['wait_delay']})"]
    name = params["integration_name"]
    if not NAME.match(name) or len(name) > NAME_MAX:
        errors.append(
            "integration_name must be 1 to 63 letters, digits or hyphens, start with a letter, and not end with a "
            f"hyphen or contain two consecutive hyphens (got {name})"
        )
    if params["state"] == "absent":
        return errors
    if params["source_arn"] and not SOURCE_ARN.match(params["source_arn"]):
        errors.append(f"source_arn must be an Aurora DB cluster or RDS DB instance ARN (got {params['source_arn']})")
    if params["target_arn"] and not TARGET_ARN.match(params["target_arn"]):
        errors.append(
            "target_arn must be a Redshift namespace ARN, arn:aws:redshift:<region>:<account>:namespace:<id> (a "
            "cluster's ClusterNamespaceArn, not its cluster ARN) or a Redshift Serverless namespace ARN "
            f"(got {params['target_arn']})"
        )
    if params["additional_encryption_context"] and not params["kms_key_id"]:
        errors.append("additional_encryption_context needs kms_key_id")
    if params["description"] is not None and len(params["description"]) > DESCRIPTION_MAX:
        errors.append(f"description must be at most {DESCRIPTION_MAX} characters")
    if params["data_filter"] is not None and not 1 <= len(params["data_filter"]) <= DATA_FILTER_MAX:
        errors.append(f"data_filter must be 1 to {DATA_FILTER_MAX} characters")
    return errors


def fixed_errors(params: dict[str, Any], current: dict[str, Any], kms: Any) -> list[str]:
    """Options that differ from what the integration was created with."""
    errors = []
    for option, field in FIXED.items():
        wanted, actual = params[option], current.get(field)
        if wanted is None or wanted == actual:
            continue
        if option == "kms_key_id" and same_kms_key(kms, actual, wanted):
            continue
        errors.append(f"{option} cannot change from {actual!r} to {wanted!r}: {REPLACEMENT_COST}")
    return errors


# --- AWS calls ----------------------------------------------------------------------------------------------------


@IntegrationErrorHandler.list_error_handler("describe integrations", default_value=[])
@aws_retry()
def _describe_integrations(client: Any) -> list[dict[str, Any]]:
    return client.get_paginator("describe_integrations").paginate().build_full_result()["Integrations"]


def find_integration(client: Any, name: str) -> dict[str, Any] | None:
    found = [i for i in _describe_integrations(client) if i.get("IntegrationName") == name]
    return found[0] if found else None


@IntegrationErrorHandler.list_error_handler("describe the integration")
@aws_retry()
def describe_integration(client: Any, arn: str) -> dict[str, Any] | None:
    found = client.describe_integrations(IntegrationIdentifier=arn)["Integrations"]
    return found[0] if found else None


@IntegrationErrorHandler.common_error_handler("create the integration")
@aws_retry()
def _create_integration(client: Any, **kwargs: Any) -> dict[str, Any]:
    return client.create_integration(**kwargs)


@IntegrationErrorHandler.common_error_handler("modify the integration")
@aws_retry()
def _modify_integration(client: Any, **kwargs: Any) -> dict[str, Any]:
    return client.modify_integration(**kwargs)


@IntegrationErrorHandler.deletion_error_handler("delete the integration")
@aws_retry()
def _delete_integration(client: Any, arn: str) -> bool:
    client.delete_integration(IntegrationIdentifier=arn)
    return True


@IntegrationErrorHandler.common_error_handler("tag the integration")
@aws_retry()
def _add_tags(client: Any, arn: str, tags: dict[str, str]) -> None:
    client.add_tags_to_resource(ResourceName=arn, Tags=ansible_dict_to_boto3_tag_list(tags))


@IntegrationErrorHandler.common_error_handler("untag the integration")
@aws_retry()
def _remove_tags(client: Any, arn: str, keys: list[str]) -> None:
    client.remove_tags_from_resource(ResourceName=arn, TagKeys=keys)


# --- views --------------------------------------------------------------------------------------------------------


def integration_result(integration: dict[str, Any]) -> dict[str, Any]:
    """snake_case, keeping the keys of AdditionalEncryptionContext; tags as a dict."""
    result = camel_dict_to_snake_dict(
        {key: value for key, value in integration.items() if key != "Tags"},
        ignore_list=["AdditionalEncryptionContext"],
    )
    result["tags"] = boto3_tag_list_to_ansible_dict(integration.get("Tags") or [])
    return result


def integration_view(result: dict[str, Any]) -> dict[str, Any]:
    """What the module manages, for the diff."""
    if not result:
        return {}
    keys = ("integration_name", *FIXED, "data_filter", "description", "tags")
    return {key: result.get(key) for key in keys}


def tags_after(current: dict[str, str], wanted: dict[str, Any] | None, purge: bool) -> tuple[dict[str, str], list[str]]:
    """(tags to set, keys to remove)."""
    if wanted is None:
        return {}, []
    to_set, to_unset = compare_aws_tags(current, wanted, purge)
    return {key: str(value) for key, value in to_set.items()}, to_unset


# --- states -------------------------------------------------------------------------------------------------------


def finish(module: AnsibleXyzAWSModule, changed: bool, before: dict[str, Any], after: dict[str, Any]) -> None:
    result: dict[str, Any] = {"changed": changed, "integration": after}
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {"before": integration_view(before), "after": integration_view(after)}
    module.exit_json(**result)


def ensure_absent(module: AnsibleXyzAWSModule, client: Any, integration: dict[str, Any] | None) -> None:
    params = module.params
    if integration is None:
        finish(module, False, {}, {})
        return
    before = integration_result(integration)
    arn = integration["IntegrationArn"]
    deleting = integration.get("Status") == "deleting"
    if not module.check_mode:
        if not deleting:
            _delete_integration(client, arn)
        if params["wait"]:
            wait_for(client, "integration_deleted", arn, params["wait_timeout"], params["wait_delay"])
    finish(module, not deleting, before, {})


def create_request(params: dict[str, Any]) -> dict[str, Any]:
    request = {
        "IntegrationName": params["integration_name"],
        "SourceArn": params["source_arn"],
        "TargetArn": params["target_arn"],
    }
    optional = {
        "KMSKeyId": params["kms_key_id"],
        "AdditionalEncryptionContext": params["additional_encryption_context"],
        "DataFilter": params["data_filter"],
        "Description": params["description"],
    }
    request.update({key: value for key, value in optional.items() if value is not None})
    if params["tags"]:
        request["Tags"] = ansible_dict_to_boto3_tag_list(params["tags"])
    return request


def ensure_created(module: AnsibleXyzAWSModule, client: Any) -> None:
    params = module.params
    missing = [name for name in ("source_arn", "target_arn") if not params[name]]
    if missing:
        module.fail_json(msg=f"{' and '.join(missing)} required to create integration {params['integration_name']}")
    request = create_request(params)
    if module.check_mode:
        predicted = integration_result(dict(request, Status="creating"))
        finish(module, True, {}, predicted)
        return
    created = _create_integration(client, **request)
    arn = created["IntegrationArn"]
    if params["wait"]:
        wait_for(client, "integration_active", arn, params["wait_timeout"], params["wait_delay"])
    finish(module, True, {}, integration_result(describe_integration(client, arn) or created))


def ensure_updated(module: AnsibleXyzAWSModule, client: Any, kms: Any, integration: dict[str, Any]) -> None:
    params = module.params
    arn = integration["IntegrationArn"]
    if integration.get("Status") == "failed":
        module.fail_json(
            msg=f"Integration {params['integration_name']} has failed ({integration.get('Errors')}): delete it "
            "(state absent) and create it again",
            integration=integration_result(integration),
        )
    errors = fixed_errors(params, integration, kms)
    if errors:
        module.fail_json(msg="; ".join(errors))
    before = integration_result(integration)
    modifiable = {option: field for option, field in MODIFIABLE.items() if params[option] is not None}
    changes = {field: params[option] for option, field in modifiable.items() if params[option] != before.get(option)}
    to_set, to_unset = tags_after(before["tags"], params["tags"], params["purge_tags"])
    after = copy.deepcopy(before)
    after.update({option: params[option] for option in modifiable})
    after["tags"] = {**{k: v for k, v in before["tags"].items() if k not in to_unset}, **to_set}
    changed = bool(changes or to_set or to_unset)
    if module.check_mode or not changed:
        finish(module, changed, before, after)
        return
    if changes:
        if integration.get("Status") != "active":
            wait_for(client, "integration_active", arn, params["wait_timeout"], params["wait_delay"])
        _modify_integration(client, IntegrationIdentifier=arn, **changes)
    if to_unset:
        _remove_tags(client, arn, to_unset)
    if to_set:
        _add_tags(client, arn, to_set)
    if params["wait"]:
        wait_for(client, "integration_active", arn, params["wait_timeout"], params["wait_delay"])
    finish(module, True, before, integration_result(describe_integration(client, arn) or integration))


def do(module: AnsibleXyzAWSModule) -> None:
    params = module.params
    errors = static_errors(params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    client = module.client("rds", retry_decorator=aws_retry())
    integration = find_integration(client, params["integration_name"])
    if params["state"] == "absent":
        ensure_absent(module, client, integration)
        return
    if integration is not None and integration.get("Status") == "deleting":
        if module.check_mode:
            finish(
                module,
                True,
                integration_result(integration),
                integration_result(dict(create_request(params), Status="creating")),
            )
            return
        wait_for(
            client, "integration_deleted", integration["IntegrationArn"], params["wait_timeout"], params["wait_delay"]
        )
        integration = None
    if integration is None:
        ensure_created(module, client)
    else:
        kms = module.client("kms", retry_decorator=aws_retry())
        ensure_updated(module, client, kms, integration)


def main() -> None:
    argument_spec = {
        "integration_name": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "source_arn": {"type": "str"},
        "target_arn": {"type": "str"},
        "kms_key_id": {"type": "str", "no_log": False},
        "additional_encryption_context": {"type": "dict"},
        "data_filter": {"type": "str"},
        "description": {"type": "str"},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
        "wait": {"type": "bool", "default": True},
        "wait_timeout": {"type": "int", "default": 1800},
        "wait_delay": {"type": "int", "default": 15},
    }
    module = AnsibleXyzAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        do(module)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
