#!/usr/bin/python

# Copyright: XYZ Corporation
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: redshift_resource_policy
version_added: 0.1.0
short_description: Manage the resource policy of an Amazon Redshift namespace (zero-ETL authorisation)
description:
  - Put, replace and delete the resource policy of an Amazon Redshift namespace (C(PutResourcePolicy),
    C(GetResourcePolicy), C(DeleteResourcePolicy)).
  - With O(authorized_sources) and O(authorized_principals) the module writes the policy AWS documents for zero-ETL
    integrations - the Redshift service may C(redshift:AuthorizeInboundIntegration) on the namespace when
    C(aws:SourceArn) is one of the sources, and the principals may C(redshift:CreateInboundIntegration) on it.
    O(policy) sets any other document instead.
  - Policies are compared as documents (order of statements and of values does not matter), so a second run with
    the same policy reports no change.
author:
  - XYZ Corporation database team (@xyz)
options:
  resource_arn:
    description:
      - The namespace ARN - a provisioned cluster's C(ClusterNamespaceArn)
        (C(arn:aws:redshift:<region>:<account>:namespace:<id>)) or a Redshift Serverless namespace ARN.
    type: str
    required: true
  state:
    description:
      - V(present) puts the policy; V(absent) deletes the namespace's policy.
    type: str
    choices: ['present', 'absent']
    default: present
  authorized_sources:
    description:
      - ARNs of the sources allowed to replicate into the namespace (for zero-ETL from Aurora, the DB cluster ARNs).
      - With O(state=present), this or O(policy) is required.
    type: list
    elements: str
  authorized_principals:
    description:
      - Account ids (stored as C(arn:<partition>:iam::<id>:root), as AWS does) or IAM user or role ARNs allowed to
        create integrations into the namespace. Only needed when the integration's creator is in another account
        or lacks an identity policy for it.
    type: list
    elements: str
    default: []
  policy:
    description:
      - A complete policy document (JSON text or a dict), instead of O(authorized_sources) and
        O(authorized_principals).
    type: json
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Authorise the orders cluster as a zero-ETL source of the warehouse
  xyz.aws_database.redshift_resource_policy:
    resource_arn: "{{ warehouse.cluster.cluster_namespace_arn }}"
    region: us-east-2
    authorized_sources:
      - arn:aws:rds:us-east-2:123456789012:cluster:xyz-orders
    authorized_principals:
      - "123456789012"

- name: Remove the policy
  xyz.aws_database.redshift_resource_policy:
    resource_arn: "{{ warehouse.cluster.cluster_namespace_arn }}"
    region: us-east-2
    state: absent
"""

RETURN = r"""
resource_policy:
  description: The namespace's policy (predicted in check mode); empty when it has none.
  returned: always
  type: dict
  contains:
    resource_arn:
      description: The namespace ARN.
      type: str
      sample: arn:aws:redshift:us-east-2:123456789012:namespace:5f0e2b6e-4a0e-4a8e-9d55-0c1f0e0e0e0e
    policy:
      description: The policy document.
      type: dict
      sample: {
        "Version": "2012-10-17",
        "Statement": [
          {"Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"},
           "Action": "redshift:AuthorizeInboundIntegration",
           "Resource": "arn:aws:redshift:us-east-2:123456789012:namespace:5f0e2b6e-4a0e-4a8e-9d55-0c1f0e0e0e0e",
           "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:rds:us-east-2:123456789012:cluster:xyz-orders"}}},
          {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
           "Action": "redshift:CreateInboundIntegration",
           "Resource": "arn:aws:redshift:us-east-2:123456789012:namespace:5f0e2b6e-4a0e-4a8e-9d55-0c1f0e0e0e0e"}
        ]}
"""

import json
import re
import typing

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies

from ansible_collections.xyz.aws_database.plugins.module_utils.modules import AnsibleXyzAWSModule, aws_retry
from ansible_collections.xyz.aws_database.plugins.module_utils.redshift import (
    AnsibleRedshiftError,
    RedshiftErrorHandler,
)

if typing.TYPE_CHECKING:
    from typing import Any

NAMESPACE_ARN = re.compile(
    r"^arn:(aws[a-z-]*):redshift(-serverless)?:[a-z0-9-]+:[0-9]{12}:(namespace/|namespace:)[a-z0-9-]+$"
)
SOURCE_ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{0,12}:.+$")
ACCOUNT_ID = re.compile(r"^\d{12}$")
PRINCIPAL_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(root|user/.+|role/.+)$")
REDSHIFT_SERVICE = "redshift.amazonaws.com"
POLICY_VERSION = "2012-10-17"


def zero_etl_policy(namespace_arn: str, sources: list[str], principals: list[str]) -> dict[str, Any]:
    """The policy AWS documents for zero-ETL into a namespace: the Redshift service authorises inbound integrations
    from the sources (condition aws:SourceArn), the principals may create them."""
    partition = namespace_arn.split(":")[1]
    statements: list[dict[str, Any]] = [
        {
            "Effect": "Allow",
            "Principal": {"Service": REDSHIFT_SERVICE},
            "Action": "redshift:AuthorizeInboundIntegration",
            "Resource": namespace_arn,
            "Condition": {"StringEquals": {"aws:SourceArn": sources[0] if len(sources) == 1 else sorted(sources)}},
        }
    ]
    if principals:
        arns = sorted({f"arn:{partition}:iam::{p}:root" if ACCOUNT_ID.match(p) else p for p in principals})
        statements.append(
            {
                "Effect": "Allow",
                "Principal": {"AWS": arns[0] if len(arns) == 1 else arns},
                "Action": "redshift:CreateInboundIntegration",
                "Resource": namespace_arn,
            }
        )
    return {"Version": POLICY_VERSION, "Statement": statements}


def static_errors(params: dict[str, Any]) -> list[str]:
    errors = []
    if not NAMESPACE_ARN.match(params["resource_arn"]):
        errors.append(
            "resource_arn must be a Redshift namespace ARN, arn:aws:redshift:<region>:<account>:namespace:<id> (a "
            f"cluster's ClusterNamespaceArn) or a Redshift Serverless namespace ARN (got {params['resource_arn']})"
        )
    if params["state"] == "absent":
        return errors
    sources, principals, policy = params["authorized_sources"], params["authorized_principals"], params["policy"]
    if policy is not None and (sources or principals):
        errors.append("policy excludes authorized_sources and authorized_principals")
    elif policy is None and not sources:
        errors.append("authorized_sources (at least one) or policy is required with state present")
    errors += [f"authorized_sources: {s} is not an ARN" for s in sources or [] if not SOURCE_ARN.match(s)]
    errors += [
        f"authorized_principals: {p} is neither a 12-digit account id nor an IAM root, user or role ARN"
        for p in principals or []
        if not (ACCOUNT_ID.match(p) or PRINCIPAL_ARN.match(p))
    ]
    if policy is not None:
        try:
            document = json.loads(policy)
        except ValueError as error:
            return [*errors, f"policy is not valid JSON: {error}"]
        if not isinstance(document, dict) or not document.get("Statement"):
            errors.append("policy must be a JSON object with a Statement")
    return errors


def desired_policy(params: dict[str, Any]) -> dict[str, Any]:
    if params["policy"] is not None:
        return json.loads(params["policy"])
    return zero_etl_policy(params["resource_arn"], params["authorized_sources"], params["authorized_principals"])


@RedshiftErrorHandler.list_error_handler("get the resource policy")
@aws_retry()
def get_policy(client: Any, arn: str) -> dict[str, Any] | None:
    """The namespace's policy document; None when it has none (or the namespace does not exist)."""
    policy = client.get_resource_policy(ResourceArn=arn)["ResourcePolicy"].get("Policy")
    return json.loads(policy) if policy else None


@RedshiftErrorHandler.common_error_handler("put the resource policy")
@aws_retry()
def _put_policy(client: Any, arn: str, policy: dict[str, Any]) -> dict[str, Any]:
    answer = client.put_resource_policy(ResourceArn=arn, Policy=json.dumps(policy))["ResourcePolicy"]
    return json.loads(answer.get("Policy") or json.dumps(policy))


@RedshiftErrorHandler.deletion_error_handler("delete the resource policy")
@aws_retry()
def _delete_policy(client: Any, arn: str) -> bool:
    client.delete_resource_policy(ResourceArn=arn)
    return True


def view(arn: str, policy: dict[str, Any] | None) -> dict[str, Any]:
    return {"resource_arn": arn, "policy": policy} if policy is not None else {}


def finish(module: AnsibleXyzAWSModule, changed: bool, before: dict[str, Any], after: dict[str, Any]) -> None:
    result: dict[str, Any] = {"changed": changed, "resource_policy": after}
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {"before": before, "after": after}
    module.exit_json(**result)


def do(module: AnsibleXyzAWSModule) -> None:
    params = module.params
    errors = static_errors(params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    arn = params["resource_arn"]
    client = module.client("redshift", retry_decorator=aws_retry())
    current = get_policy(client, arn)
    before = view(arn, current)
    if params["state"] == "absent":
        if current is not None and not module.check_mode:
            _delete_policy(client, arn)
        finish(module, current is not None, before, {})
        return
    desired = desired_policy(params)
    if current is not None and not compare_policies(current, desired, default_version=None):
        finish(module, False, before, before)
        return
    if not module.check_mode:
        desired = _put_policy(client, arn, desired)
    finish(module, True, before, view(arn, desired))


def main() -> None:
    argument_spec = {
        "resource_arn": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "authorized_sources": {"type": "list", "elements": "str"},
        "authorized_principals": {"type": "list", "elements": "str", "default": []},
        "policy": {"type": "json"},
    }
    module = AnsibleXyzAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        do(module)
    except AnsibleRedshiftError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
