#!/usr/bin/python

# Copyright: XYZ Corporation
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: rds_parameters_info
version_added: 0.1.0
short_description: Read the parameters of an RDS parameter group family or of one parameter group
description:
  - Lists the engine default parameters of a DB parameter group family (DescribeEngineDefaultParameters or
    DescribeEngineDefaultClusterParameters), or the parameters of one DB parameter group or DB cluster parameter group
    (DescribeDBParameters or DescribeDBClusterParameters), with their values, ApplyType, DataType, AllowedValues and
    IsModifiable.
  - amazon.aws.rds_cluster_param_group_info lists a cluster group's parameters but no engine defaults;
    amazon.aws.rds_instance_param_group_info lists neither.
  - The parameter_groups role reads the ApplyType of each parameter it sets with it.
author:
  - XYZ Corporation database team (@xyz)
options:
  group_type:
    description:
      - V(cluster) for DB cluster parameters, V(instance) for DB (instance) parameters.
    type: str
    choices: [cluster, instance]
    required: true
  family:
    description:
      - 'A DB parameter group family, such as V(aurora-mysql8.0): list its engine default parameters.'
      - Mutually exclusive with O(name).
    type: str
  name:
    description:
      - 'The name of a parameter group: list its parameters. A group that does not exist gives RV(exists=false).'
      - Mutually exclusive with O(family).
    type: str
  source:
    description:
      - Only the parameters of this source (with O(name)).
    type: str
    choices: [user, system, engine-default]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Read the ApplyType of every Aurora MySQL 8.0 cluster parameter
  xyz.aws_database.rds_parameters_info:
    group_type: cluster
    family: aurora-mysql8.0
    region: us-east-2
  register: defaults

- name: Read the values a DB parameter group sets
  xyz.aws_database.rds_parameters_info:
    group_type: instance
    name: xyz-dev-aurora-instance
    source: user
    region: us-east-2
  register: user_parameters
"""

RETURN = r"""
exists:
  description: Whether the family or the group was found (the engine defaults of a family always exist).
  returned: always
  type: bool
  sample: true
parameters:
  description: The parameters, as AWS lists them, in snake_case.
  returned: always
  type: list
  elements: dict
  contains:
    parameter_name:
      description: The parameter's name.
      type: str
      sample: binlog_format
    parameter_value:
      description: Its value; absent when AWS shows none (the engine's own default applies).
      type: str
      sample: MIXED
    apply_type:
      description: V(static) (applied at the next reboot) or V(dynamic) (can be applied immediately).
      type: str
      sample: static
    apply_method:
      description: How the last change is applied, V(immediate) or V(pending-reboot).
      type: str
      sample: pending-reboot
    data_type:
      description: The parameter's data type.
      type: str
      sample: string
    allowed_values:
      description: The values AWS accepts.
      type: str
      sample: ROW,STATEMENT,MIXED,OFF
    is_modifiable:
      description: Whether the parameter can be changed.
      type: bool
      sample: true
    source:
      description: V(engine-default), V(system) or V(user).
      type: str
      sample: user
"""

from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.xyz.aws_database.plugins.module_utils.modules import AnsibleXyzAWSModule, aws_retry

ENGINE_DEFAULT_OPERATIONS = {
    "cluster": "describe_engine_default_cluster_parameters",
    "instance": "describe_engine_default_parameters",
}


class ParameterGroupErrorHandler(AWSErrorHandler):
    @classmethod
    def _is_missing(cls) -> type[Exception]:
        # Describe(DB|DBCluster)Parameters answer DBParameterGroupNotFound for an unknown group.
        return is_boto3_error_code("DBParameterGroupNotFound")


def _paginate(client: Any, operation: str, result_key: tuple[str, ...], **params: Any) -> list[dict[str, Any]]:
    """Every page of a paginated RDS call, the parameters of each page found under `result_key`."""
    parameters: list[dict[str, Any]] = []
    for page in client.get_paginator(operation).paginate(**params):
        found = page
        for key in result_key:
            found = found.get(key, {})
        parameters.extend(found or [])
    return parameters


@ParameterGroupErrorHandler.common_error_handler("describe the engine default parameters")
def engine_default_parameters(client: Any, group_type: str, family: str) -> list[dict[str, Any]]:
    """The family's engine default parameters (DescribeEngineDefault[Cluster]Parameters)."""
    operation = ENGINE_DEFAULT_OPERATIONS[group_type]
    return _paginate(client, operation, ("EngineDefaults", "Parameters"), DBParameterGroupFamily=family)


@ParameterGroupErrorHandler.list_error_handler("describe the parameter group's parameters")
def group_parameters(client: Any, group_type: str, name: str, source: str | None) -> list[dict[str, Any]] | None:
    """A group's parameters (Describe(DB|DBCluster)Parameters), or None when the group does not exist."""
    if group_type == "cluster":
        operation, params = "describe_db_cluster_parameters", {"DBClusterParameterGroupName": name}
    else:
        operation, params = "describe_db_parameters", {"DBParameterGroupName": name}
    if source:
        params["Source"] = source
    return _paginate(client, operation, ("Parameters",), **params)


def describe(module: AnsibleXyzAWSModule) -> dict[str, Any]:
    """The module's result: whether the family or group exists, and its parameters."""
    client = module.client("rds", retry_decorator=aws_retry())
    group_type = module.params["group_type"]
    if module.params["family"]:
        parameters: list[dict[str, Any]] | None = engine_default_parameters(client, group_type, module.params["family"])
    else:
        parameters = group_parameters(client, group_type, module.params["name"], module.params["source"])
    return {
        "changed": False,
        "exists": parameters is not None,
        "parameters": [camel_dict_to_snake_dict(parameter) for parameter in parameters or []],
    }


def main() -> None:
    module = AnsibleXyzAWSModule(
        argument_spec={
            "group_type": {"type": "str", "choices": ["cluster", "instance"], "required": True},
            "family": {"type": "str"},
            "name": {"type": "str"},
            "source": {"type": "str", "choices": ["user", "system", "engine-default"]},
        },
        mutually_exclusive=[["family", "name"], ["family", "source"]],
        required_one_of=[["family", "name"]],
        supports_check_mode=True,
    )
    try:
        module.exit_json(**describe(module))
    except AnsibleAWSError as error:
        module.fail_json_aws_error(error)


if __name__ == "__main__":
    main()
