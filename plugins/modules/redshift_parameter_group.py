#!/usr/bin/python

# Copyright: XYZ Corporation
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: redshift_parameter_group
version_added: 0.1.0
short_description: Manage an Amazon Redshift cluster parameter group and its parameter values
description:
  - Create, update and delete an Amazon Redshift cluster parameter group (families C(redshift-2.0) and
    C(redshift-1.0)).
  - TLS is required by default (O(require_ssl=true)); O(enable_user_activity_logging) feeds the user activity audit
    log, O(enable_case_sensitive_identifier) is what a zero-ETL integration target needs.
  - Parameter names and values are checked against what AWS describes for the family before any change.
  - All Redshift parameters are static - clusters using the group apply a change at their next reboot (see
    M(xyz.aws_database.redshift_cluster) O(xyz.aws_database.redshift_cluster#module:reboot_to_apply_parameters)).
author:
  - XYZ Corporation database team (@xyz)
options:
  name:
    description:
      - The parameter group name - 1 to 255 letters, digits or hyphens, starting with a letter, not ending with a
        hyphen nor containing two consecutive hyphens. The C(default.*) groups cannot be managed.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the group; V(absent) deletes it (AWS refuses while a cluster uses it).
    type: str
    choices: ['present', 'absent']
    default: present
  family:
    description:
      - The parameter group family. It cannot change afterwards.
    type: str
    choices: ['redshift-1.0', 'redshift-2.0']
    default: redshift-2.0
  description:
    description:
      - The group's description, set when creating it (C(Parameter group <name>) if unset). AWS cannot change it
        afterwards, so a different description is refused.
    type: str
  require_ssl:
    description:
      - Require TLS for every connection (Security Hub Redshift.2).
    type: bool
    default: true
  enable_user_activity_logging:
    description:
      - Log each query before it runs (the C(useractivitylog) of audit logging); not managed when unset.
    type: bool
  enable_case_sensitive_identifier:
    description:
      - Keep the case of identifiers; required by a zero-ETL integration's target. Not managed when unset.
    type: bool
  parameters:
    description:
      - Other parameters, name to value (booleans and numbers are sent as AWS spells them, e.g. C(true), C(10)).
      - The three parameters above are set with their own options, not here.
    type: dict
  purge_parameters:
    description:
      - Reset to the family's default every parameter set in the group but not given here.
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Parameter group for a zero-ETL target, TLS required, user activity logged
  xyz.aws_database.redshift_parameter_group:
    name: xyz-warehouse
    region: us-east-2
    description: XYZ warehouse (zero-ETL target)
    enable_user_activity_logging: true
    enable_case_sensitive_identifier: true
    parameters:
      statement_timeout: 3600000
    tags:
      project: xyz

- name: Delete it
  xyz.aws_database.redshift_parameter_group:
    name: xyz-warehouse
    region: us-east-2
    state: absent
"""

RETURN = r"""
parameter_group:
  description: The parameter group with its parameters' values (predicted in check mode); empty when absent.
  returned: always
  type: dict
  contains:
    parameter_group_name:
      description: The group's name.
      type: str
      sample: xyz-warehouse
    parameter_group_family:
      description: The group's family.
      type: str
      sample: redshift-2.0
    description:
      description: The group's description.
      type: str
      sample: XYZ warehouse (zero-ETL target)
    parameters:
      description: Every parameter of the group, name to value.
      type: dict
      sample: {"require_ssl": "true", "enable_case_sensitive_identifier": "true", "auto_mv": "true"}
    user_parameters:
      description: The names of the parameters set in the group (C(Source=user)), the others having the defaults.
      type: list
      elements: str
      sample: ["enable_case_sensitive_identifier"]
    tags:
      description: The group's tags.
      type: dict
      sample: {"project": "xyz"}
"""

import re
import typing

from ansible_collections.amazon.aws.plugins.module_utils.iam import get_aws_account_info
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.xyz.aws_database.plugins.module_utils.modules import AnsibleXyzAWSModule, aws_retry
from ansible_collections.xyz.aws_database.plugins.module_utils.redshift import (
    AnsibleRedshiftError,
    RedshiftErrorHandler,
    ensure_tags,
    redshift_arn,
    tags_of,
)

if typing.TYPE_CHECKING:
    from typing import Any

NAME = re.compile(r"^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,254}(?<!-)$")
DEDICATED = ("require_ssl", "enable_user_activity_logging", "enable_case_sensitive_identifier")
MAX_PARAMETERS_PER_CALL = 20
INTEGER = re.compile(r"^-?\d+$")
RANGE = re.compile(r"^(-?\d+)-(-?\d+)$")


def aws_value(value: Any) -> str:
    """A parameter value as Redshift spells it (booleans lowercase)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def desired_values(params: dict[str, Any]) -> dict[str, str]:
    values = {name: aws_value(value) for name, value in (params["parameters"] or {}).items()}
    for name in DEDICATED:
        if params[name] is not None:
            values[name] = aws_value(params[name])
    return values


def static_errors(params: dict[str, Any]) -> list[str]:
    name = params["name"]
    errors = []
    if name.lower().startswith("default."):
        errors.append(f"name {name} is a default parameter group, which AWS does not let anyone change")
    elif not NAME.match(name):
        errors.append(
            "name must be 1 to 255 letters, digits or hyphens, start with a letter, and not end with a hyphen or "
            f"contain two consecutive hyphens (got {name})"
        )
    if params["state"] == "absent":
        return errors
    dedicated = sorted(set(params["parameters"] or {}) & set(DEDICATED))
    if dedicated:
        errors.append(f"set {', '.join(dedicated)} with the option of that name, not in parameters")
    for parameter, value in (params["parameters"] or {}).items():
        if value is None or isinstance(value, (dict, list)):
            errors.append(f"parameters.{parameter} must be a string, number or boolean (got {value!r})")
    return errors


def _bounds(piece: str) -> tuple[int, int]:
    """The bounds of one piece of AllowedValues: "0-10", "-15-2" or "100"; (1, 0) when it is not numeric."""
    bounds = RANGE.match(piece)
    if bounds:
        return int(bounds.group(1)), int(bounds.group(2))
    return (int(piece), int(piece)) if INTEGER.match(piece) else (1, 0)


def _allowed(value: str, data_type: str | None, allowed: str | None) -> bool:
    """Whether `value` fits a parameter's DataType and AllowedValues (e.g. "true,false", "0-10", "0,100-2147483647")."""
    if data_type == "boolean":
        return value in ("true", "false")
    if data_type != "integer":
        return True
    if not INTEGER.match(value):
        return False
    ranges = [_bounds(piece.strip()) for piece in (allowed or "").split(",") if piece.strip()]
    return not ranges or any(low <= int(value) <= high for low, high in ranges)


def value_errors(family: str, known: dict[str, dict[str, Any]], wanted: dict[str, str]) -> list[str]:
    errors = []
    for name, value in sorted(wanted.items()):
        parameter = known.get(name)
        if parameter is None:
            errors.append(f"{name} is not a parameter of family {family}; known: {', '.join(sorted(known))}")
        elif not parameter.get("IsModifiable", True):
            errors.append(f"{name} cannot be modified")
        elif not _allowed(value, parameter.get("DataType"), parameter.get("AllowedValues")):
            allowed = parameter.get("AllowedValues") or parameter.get("DataType")
            errors.append(f"{name} cannot be {value!r}: allowed values are {allowed}")
    return errors


# --- AWS calls ----------------------------------------------------------------------------------------------------


@RedshiftErrorHandler.list_error_handler("describe the parameter group")
@aws_retry()
def describe_group(client: Any, name: str) -> dict[str, Any] | None:
    groups = client.describe_cluster_parameter_groups(ParameterGroupName=name)["ParameterGroups"]
    return groups[0] if groups else None


@RedshiftErrorHandler.common_error_handler("describe the parameters of the group")
@aws_retry()
def describe_parameters(client: Any, name: str) -> dict[str, dict[str, Any]]:
    paginator = client.get_paginator("describe_cluster_parameters")
    parameters = paginator.paginate(ParameterGroupName=name).build_full_result()["Parameters"]
    return {parameter["ParameterName"]: parameter for parameter in parameters}


@RedshiftErrorHandler.common_error_handler("describe the family's default parameters")
@aws_retry()
def describe_defaults(client: Any, family: str) -> dict[str, dict[str, Any]]:
    paginator = client.get_paginator("describe_default_cluster_parameters")
    pages = paginator.paginate(ParameterGroupFamily=family).build_full_result()
    parameters = pages["DefaultClusterParameters"]["Parameters"]
    return {parameter["ParameterName"]: dict(parameter, Source="engine-default") for parameter in parameters}


@RedshiftErrorHandler.common_error_handler("create the parameter group")
@aws_retry()
def _create_group(client: Any, **kwargs: Any) -> None:
    client.create_cluster_parameter_group(**kwargs)


@RedshiftErrorHandler.common_error_handler("set parameters of the group")
@aws_retry()
def _modify_group(client: Any, name: str, parameters: list[dict[str, str]]) -> None:
    client.modify_cluster_parameter_group(ParameterGroupName=name, Parameters=parameters)


@RedshiftErrorHandler.common_error_handler("reset parameters of the group")
@aws_retry()
def _reset_group(client: Any, name: str, parameters: list[dict[str, str]]) -> None:
    client.reset_cluster_parameter_group(ParameterGroupName=name, ResetAllParameters=False, Parameters=parameters)


@RedshiftErrorHandler.deletion_error_handler("delete the parameter group")
@aws_retry()
def _delete_group(client: Any, name: str) -> bool:
    client.delete_cluster_parameter_group(ParameterGroupName=name)
    return True


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[start : start + MAX_PARAMETERS_PER_CALL] for start in range(0, len(items), MAX_PARAMETERS_PER_CALL)]


# --- views --------------------------------------------------------------------------------------------------------


def group_view(group: dict[str, Any], parameters: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "parameter_group_name": group["ParameterGroupName"],
        "parameter_group_family": group["ParameterGroupFamily"],
        "description": group.get("Description"),
        "parameters": {name: p.get("ParameterValue") for name, p in sorted(parameters.items())},
        "user_parameters": sorted(name for name, p in parameters.items() if p.get("Source") == "user"),
        "tags": tags_of(group),
    }


def plan(current: dict[str, dict[str, Any]], wanted: dict[str, str], purge: bool) -> tuple[dict[str, str], list[str]]:
    """(values to set, names to reset to the family's default): a reset also changes a value set in the group to
    the default itself, which then reads Source engine-default again."""
    to_set = {name: value for name, value in wanted.items() if current[name].get("ParameterValue") != value}
    to_reset = []
    if purge:
        to_reset = sorted(name for name, p in current.items() if p.get("Source") == "user" and name not in wanted)
    return to_set, to_reset


def predicted_view(
    before: dict[str, Any],
    defaults: dict[str, dict[str, Any]],
    to_set: dict[str, str],
    to_reset: list[str],
    tags: dict[str, str],
) -> dict[str, Any]:
    parameters = dict(before["parameters"])
    user = set(before["user_parameters"])
    for name in to_reset:
        parameters[name] = defaults.get(name, {}).get("ParameterValue")
        user.discard(name)
    parameters.update(to_set)
    user.update(to_set)
    return dict(before, parameters=parameters, user_parameters=sorted(user), tags=tags)


# --- states -------------------------------------------------------------------------------------------------------


def finish(module: AnsibleXyzAWSModule, changed: bool, before: dict[str, Any], after: dict[str, Any]) -> None:
    result: dict[str, Any] = {"changed": changed, "parameter_group": after}
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {"before": before, "after": after}
    module.exit_json(**result)


def ensure_absent(module: AnsibleXyzAWSModule, client: Any, group: dict[str, Any] | None) -> None:
    name = module.params["name"]
    if group is None:
        finish(module, False, {}, {})
        return
    before = group_view(group, describe_parameters(client, name))
    if not module.check_mode:
        _delete_group(client, name)
    finish(module, True, before, {})


def group_arn(module: AnsibleXyzAWSModule, name: str) -> str:
    account, partition = get_aws_account_info(module)
    return redshift_arn(partition, module.region, account, "parametergroup", name)


def apply_parameters(client: Any, name: str, to_set: dict[str, str], to_reset: list[str]) -> None:
    for chunk in _chunks(sorted(to_set)):
        _modify_group(client, name, [{"ParameterName": p, "ParameterValue": to_set[p]} for p in chunk])
    for chunk in _chunks(to_reset):
        _reset_group(client, name, [{"ParameterName": p} for p in chunk])


def ensure_created(module: AnsibleXyzAWSModule, client: Any, wanted: dict[str, str]) -> None:
    params = module.params
    name, family = params["name"], params["family"]
    defaults = describe_defaults(client, family)
    errors = value_errors(family, defaults, wanted)
    if errors:
        module.fail_json(msg="; ".join(errors))
    description = params["description"] or f"Parameter group {name}"
    skeleton = {"ParameterGroupName": name, "ParameterGroupFamily": family, "Description": description}
    before = group_view(skeleton, defaults)
    to_set, _to_reset = plan(defaults, wanted, False)
    after = predicted_view(before, defaults, to_set, [], {k: str(v) for k, v in (params["tags"] or {}).items()})
    if module.check_mode:
        finish(module, True, {}, after)
        return
    request = dict(skeleton)
    if params["tags"]:
        request["Tags"] = ansible_dict_to_boto3_tag_list(params["tags"])
    _create_group(client, **request)
    apply_parameters(client, name, to_set, [])
    group = describe_group(client, name) or skeleton
    finish(module, True, {}, group_view(group, describe_parameters(client, name)))


def ensure_updated(module: AnsibleXyzAWSModule, client: Any, group: dict[str, Any], wanted: dict[str, str]) -> None:
    params = module.params
    name = params["name"]
    current = describe_parameters(client, name)
    errors = []
    if group["ParameterGroupFamily"] != params["family"]:
        errors.append(
            f"family cannot change from {group['ParameterGroupFamily']} to {params['family']}: it would take a new "
            "parameter group (delete this one, once no cluster uses it, and create it again)"
        )
    if params["description"] is not None and params["description"] != group.get("Description"):
        errors.append(
            f"description cannot change from {group.get('Description')!r} to {params['description']!r}: AWS has no "
            "call for it (delete the group, once no cluster uses it, and create it again)"
        )
    errors += value_errors(group["ParameterGroupFamily"], current, wanted)
    if errors:
        module.fail_json(msg="; ".join(errors))
    to_set, to_reset = plan(current, wanted, params["purge_parameters"])
    defaults = describe_defaults(client, group["ParameterGroupFamily"]) if to_reset else {}
    before = group_view(group, current)
    arn = group_arn(module, name) if params["tags"] is not None and params["tags"] != before["tags"] else ""
    tags_changed, tags = ensure_tags(
        client,
        check_mode=module.check_mode,
        arn=arn,
        current=before["tags"],
        desired=params["tags"],
        purge=params["purge_tags"],
    )
    changed = bool(to_set or to_reset or tags_changed)
    if module.check_mode or not changed:
        finish(module, changed, before, predicted_view(before, defaults, to_set, to_reset, tags))
        return
    apply_parameters(client, name, to_set, to_reset)
    group = describe_group(client, name) or group
    finish(module, True, before, group_view(group, describe_parameters(client, name)))


def do(module: AnsibleXyzAWSModule) -> None:
    errors = static_errors(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    client = module.client("redshift", retry_decorator=aws_retry())
    group = describe_group(client, module.params["name"])
    if module.params["state"] == "absent":
        ensure_absent(module, client, group)
    elif group is None:
        ensure_created(module, client, desired_values(module.params))
    else:
        ensure_updated(module, client, group, desired_values(module.params))


def main() -> None:
    argument_spec = {
        "name": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "family": {"type": "str", "choices": ["redshift-1.0", "redshift-2.0"], "default": "redshift-2.0"},
        "description": {"type": "str"},
        "require_ssl": {"type": "bool", "default": True},
        "enable_user_activity_logging": {"type": "bool"},
        "enable_case_sensitive_identifier": {"type": "bool"},
        "parameters": {"type": "dict"},
        "purge_parameters": {"type": "bool", "default": False},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleXyzAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        do(module)
    except AnsibleRedshiftError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
