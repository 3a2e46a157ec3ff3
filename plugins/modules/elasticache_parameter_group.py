#!/usr/bin/python

# Copyright: XYZ Corporation
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: elasticache_parameter_group
version_added: 0.1.0
short_description: Manage ElastiCache cache parameter groups for Redis OSS 7 and Valkey 7/8
description:
  - Create, modify and delete an Amazon ElastiCache cache parameter group of the C(redis7), C(valkey7) or
    C(valkey8) family (community.aws.elasticache_parameter_group stops at C(redis6.x)).
  - Parameters are checked against the family's parameters (name known, modifiable, value allowed) before any
    change is made.
author:
  - XYZ Corporation database team (@xyz)
options:
  name:
    description:
      - The name of the cache parameter group, letters, digits and hyphens, starting with a letter, without two
        consecutive hyphens or a trailing hyphen. AWS stores it in lowercase; the module lowercases it.
      - The account's default groups (C(default.*)) cannot be managed.
    type: str
    required: true
    aliases: ['cache_parameter_group_name']
  family:
    description:
      - The family, which decides the engine versions that can use the group. Required to create a group.
      - AWS cannot change the family of a group; a different family for an existing group is refused.
    type: str
    choices: ['redis7', 'valkey7', 'valkey8']
    aliases: ['group_family']
  description:
    description:
      - The description of the group. Required to create a group.
      - AWS cannot change a group's description; a different one for an existing group only gives a warning.
    type: str
  parameters:
    description:
      - Parameter names and values to set, for example C(maxmemory-policy=allkeys-lru).
      - Booleans become C(yes)/C(no), numbers their decimal text, as the engine expects.
      - Parameters not listed are left as they are, unless O(purge_parameters=true).
    type: dict
    aliases: ['values']
  purge_parameters:
    description:
      - Whether parameters set in the group but not listed in O(parameters) are reset to the family's defaults.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the group, V(absent) deletes it (AWS refuses while a cluster uses it).
    type: str
    choices: ['present', 'absent']
    default: present
notes:
  - Changes to parameters whose change type is C(requires-reboot) take effect when the nodes reboot; the module
    warns about them.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: A Valkey 8 parameter group for a cache-aside workload
  xyz.aws_database.elasticache_parameter_group:
    name: xyz-prod-valkey8
    family: valkey8
    description: Cache in front of Aurora
    parameters:
      maxmemory-policy: allkeys-lru
      timeout: 300
    tags:
      environment: prod
    region: us-east-2

- name: Only the listed parameters differ from the defaults
  xyz.aws_database.elasticache_parameter_group:
    name: xyz-prod-valkey8
    family: valkey8
    description: Cache in front of Aurora
    parameters:
      maxmemory-policy: allkeys-lru
    purge_parameters: true
    region: us-east-2

- name: Delete the group
  xyz.aws_database.elasticache_parameter_group:
    name: xyz-prod-valkey8
    state: absent
    region: us-east-2
"""

RETURN = r"""
cache_parameter_group:
  description:
    - The cache parameter group, with the parameters set in it and its tags. Empty after O(state=absent).
    - In check mode, the predicted group.
  returned: always
  type: dict
  contains:
    cache_parameter_group_name:
      description: The name.
      type: str
      sample: xyz-prod-valkey8
    cache_parameter_group_family:
      description: The family.
      type: str
      sample: valkey8
    description:
      description: The description.
      type: str
    arn:
      description: The ARN.
      type: str
      sample: arn:aws:elasticache:us-east-2:123456789012:parametergroup:xyz-prod-valkey8
    is_global:
      description: Whether the group belongs to a global datastore.
      type: bool
    parameters:
      description: The parameters set in the group (source C(user)), name and value.
      type: dict
      sample: {"maxmemory-policy": "allkeys-lru"}
    tags:
      description: The tags.
      type: dict
"""

import re
from collections.abc import Callable
from copy import deepcopy
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.transformation import camel_dict_to_snake_dict

from ansible_collections.xyz.aws_database.plugins.module_utils.elasticache import (
    FAMILIES,
    ElastiCacheErrorHandler,
    ElastiCacheRefusal,
    apply_tags,
    boto3_tags,
    get_tags,
    tag_changes,
    tags_after,
)
from ansible_collections.xyz.aws_database.plugins.module_utils.modules import AnsibleXyzAWSModule, aws_retry

NAME_PATTERN = re.compile(r"[a-z](?!.*--)[a-z0-9-]{0,254}(?<!-)")
MAX_PARAMETERS_PER_CALL = 20  # ModifyCacheParameterGroup and ResetCacheParameterGroup take up to 20 parameters


# --------------------------------------------------------------------------------------------------------------------
# Input


def parameter_text(value: Any) -> str:
    """A parameter value as the engine expects it: yes/no for booleans, decimal text for numbers."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def validate_params(params: dict[str, Any]) -> list[str]:
    """What is wrong with the input without asking AWS, each naming the option and what is allowed."""
    problems = []
    name = params["name"]
    if name.startswith("default."):
        problems.append(f"name {name!r} is one of the account's default groups, which AWS does not let you change")
    elif not NAME_PATTERN.fullmatch(name):
        problems.append(
            "name must be 1 to 255 letters, digits or hyphens, start with a letter, and not end with a hyphen or "
            f"contain two consecutive hyphens (got {name!r})"
        )
    if params["state"] == "present":
        for key, value in (params["parameters"] or {}).items():
            if value is None or isinstance(value, (dict, list)):
                problems.append(f"parameters.{key} must be a string, a number or a boolean (got {value!r})")
    return problems


# --------------------------------------------------------------------------------------------------------------------
# Reading


@ElastiCacheErrorHandler.list_error_handler("describe cache parameter group")
def describe_group(client: Any, name: str) -> dict[str, Any] | None:
    groups = client.describe_cache_parameter_groups(aws_retry=True, CacheParameterGroupName=name)
    return groups["CacheParameterGroups"][0] if groups["CacheParameterGroups"] else None


@ElastiCacheErrorHandler.common_error_handler("describe cache parameters")
@aws_retry()
def describe_parameters(client: Any, name: str) -> dict[str, dict[str, Any]]:
    paginator = client.get_paginator("describe_cache_parameters")
    result = paginator.paginate(CacheParameterGroupName=name).build_full_result()
    return {item["ParameterName"]: item for item in result.get("Parameters", [])}


@ElastiCacheErrorHandler.common_error_handler("describe engine default parameters")
@aws_retry()
def describe_defaults(client: Any, family: str) -> dict[str, dict[str, Any]]:
    paginator = client.get_paginator("describe_engine_default_parameters")
    result = paginator.paginate(CacheParameterGroupFamily=family).build_full_result()
    return {item["ParameterName"]: item for item in result.get("EngineDefaults", {}).get("Parameters", [])}


def user_parameters(parameters: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {
        name: item.get("ParameterValue", "")
        for name, item in sorted(parameters.items())
        if item.get("Source") == "user"
    }


def read_group(client: Any, name: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]] | None:
    """The group in snake_case with its user-set parameters and tags, and all its parameters; None if missing."""
    group = describe_group(client, name)
    if group is None:
        return None
    parameters = describe_parameters(client, name)
    resource = camel_dict_to_snake_dict(group)
    resource["parameters"] = user_parameters(parameters)
    resource["tags"] = get_tags(client, group["ARN"]) if group.get("ARN") else {}
    return resource, parameters


def diff_view(resource: dict[str, Any] | None) -> dict[str, Any]:
    if not resource:
        return {}
    keys = ("cache_parameter_group_family", "description", "parameters", "tags")
    return {key: deepcopy(resource.get(key)) for key in keys}


# --------------------------------------------------------------------------------------------------------------------
# Checking parameters against the family's metadata


def _allowed_integer(allowed: str, value: str) -> bool | None:
    """Whether an integer is within AllowedValues such as '1-65000', '0-', '0,20-' or '-'; None if unreadable."""
    if not re.fullmatch(r"-?\d+", value):
        return False
    number = int(value)
    for raw in allowed.split(","):
        token = raw.strip()
        if re.fullmatch(r"-?\d+", token):
            if number == int(token):
                return True
            continue
        bounds = re.fullmatch(r"(-?\d*)-(\d*)", token)
        if bounds is None:
            return None
        low, high = bounds.groups()
        if (not low or number >= int(low)) and (not high or number <= int(high)):
            return True
    return False


def value_problem(name: str, value: str, spec: dict[str, Any]) -> str | None:
    allowed = spec.get("AllowedValues")
    if not allowed:
        return None
    if spec.get("DataType") == "integer":
        ok = _allowed_integer(allowed, value)
    elif spec.get("DataType") == "string" and "," in allowed:
        ok = value in [token.strip() for token in allowed.split(",")]
    else:
        ok = None
    if ok is False:
        return f"parameters.{name} must be one of {{{allowed}}} (got {value!r})"
    return None


def parameter_problems(
    desired: dict[str, str], known: dict[str, dict[str, Any]], family: str, check_modifiable: bool
) -> list[str]:
    problems = []
    for name, value in sorted(desired.items()):
        spec = known.get(name)
        if spec is None:
            problems.append(f"parameters.{name} is not a parameter of family {family}")
            continue
        if check_modifiable and not spec.get("IsModifiable", True):
            problems.append(f"parameters.{name} cannot be modified (AWS lists it as not modifiable)")
            continue
        problem = value_problem(name, value, spec)
        if problem:
            problems.append(problem)
    return problems


def parameter_changes(
    desired: dict[str, str], current: dict[str, dict[str, Any]], purge: bool
) -> tuple[dict[str, str], list[str]]:
    """Parameters to set (name -> value) and to reset to the family's defaults."""
    to_set = {
        name: value for name, value in sorted(desired.items()) if current.get(name, {}).get("ParameterValue") != value
    }
    to_reset = []
    if purge:
        to_reset = [
            name for name, item in sorted(current.items()) if item.get("Source") == "user" and name not in desired
        ]
    return to_set, to_reset


def reboot_warnings(to_set: dict[str, str], known: dict[str, dict[str, Any]]) -> list[str]:
    names = [name for name in to_set if known.get(name, {}).get("ChangeType") == "requires-reboot"]
    if not names:
        return []
    return [f"{', '.join(names)} take effect when the nodes of the clusters using the group reboot"]


# --------------------------------------------------------------------------------------------------------------------
# Changes


def _batches(items: list[Any]) -> list[list[Any]]:
    return [items[start : start + MAX_PARAMETERS_PER_CALL] for start in range(0, len(items), MAX_PARAMETERS_PER_CALL)]


@ElastiCacheErrorHandler.common_error_handler("create cache parameter group")
def create_group(client: Any, name: str, family: str, description: str, tags: dict[str, Any] | None) -> None:
    request: dict[str, Any] = {
        "CacheParameterGroupName": name,
        "CacheParameterGroupFamily": family,
        "Description": description,
    }
    if tags:
        request["Tags"] = boto3_tags(tags)
    client.create_cache_parameter_group(aws_retry=True, **request)


@ElastiCacheErrorHandler.common_error_handler("modify cache parameter group")
def set_parameters(client: Any, name: str, to_set: dict[str, str]) -> None:
    for batch in _batches(sorted(to_set.items())):
        client.modify_cache_parameter_group(
            aws_retry=True,
            CacheParameterGroupName=name,
            ParameterNameValues=[{"ParameterName": key, "ParameterValue": value} for key, value in batch],
        )


@ElastiCacheErrorHandler.common_error_handler("reset cache parameters")
def reset_parameters(client: Any, name: str, to_reset: list[str]) -> None:
    for batch in _batches(to_reset):
        client.reset_cache_parameter_group(
            aws_retry=True,
            CacheParameterGroupName=name,
            ParameterNameValues=[{"ParameterName": key} for key in batch],
        )


@ElastiCacheErrorHandler.deletion_error_handler("delete cache parameter group")
def delete_group(client: Any, name: str) -> bool:
    client.delete_cache_parameter_group(aws_retry=True, CacheParameterGroupName=name)
    return True


def predicted(
    resource: dict[str, Any], to_set: dict[str, str], to_reset: list[str], tags: dict[str, str]
) -> dict[str, Any]:
    after = deepcopy(resource)
    parameters = {key: value for key, value in after.get("parameters", {}).items() if key not in to_reset}
    parameters.update(to_set)
    after["parameters"] = dict(sorted(parameters.items()))
    after["tags"] = tags
    return after


def _result(changed: bool, before: dict[str, Any] | None, after: dict[str, Any] | None, diff: bool) -> dict[str, Any]:
    result: dict[str, Any] = {"changed": changed, "cache_parameter_group": after or {}}
    if diff:
        result["diff"] = {"before": diff_view(before), "after": diff_view(after)}
    return result


# --------------------------------------------------------------------------------------------------------------------
# Ensure present / absent


def _desired(params: dict[str, Any]) -> dict[str, str]:
    return {key: parameter_text(value) for key, value in (params["parameters"] or {}).items()}


def _ensure_created(
    client: Any, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None]
) -> dict[str, Any]:
    name, family, description = params["name"], params["family"], params["description"]
    missing = [option for option in ("family", "description") if not params[option]]
    if missing:
        raise ElastiCacheRefusal(
            f"Cache parameter group {name} does not exist; creating it needs {' and '.join(missing)}"
        )
    desired = _desired(params)
    defaults = describe_defaults(client, family)
    problems = parameter_problems(desired, defaults, family, check_modifiable=False)
    if problems:
        raise ElastiCacheRefusal(f"Cache parameter group {name}: " + "; ".join(problems))
    to_set, _unset = parameter_changes(desired, defaults, purge=False)
    new = {
        "cache_parameter_group_name": name,
        "cache_parameter_group_family": family,
        "description": description,
        "is_global": False,
        "parameters": dict(sorted(to_set.items())),
        "tags": {key: str(value) for key, value in (params["tags"] or {}).items()},
    }
    if check_mode:
        return _result(True, None, new, diff)
    create_group(client, name, family, description, params["tags"])
    if to_set:
        current = describe_parameters(client, name)
        problems = parameter_problems(desired, current, family, check_modifiable=True)
        if problems:
            raise ElastiCacheRefusal(f"Cache parameter group {name} was created, but: " + "; ".join(problems))
        for warning in reboot_warnings(to_set, current):
            warn(warning)
        set_parameters(client, name, to_set)
    found = read_group(client, name)
    return _result(True, None, found[0] if found else new, diff)


def ensure_present(
    client: Any, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None]
) -> dict[str, Any]:
    name = params["name"]
    found = read_group(client, name)
    if found is None:
        return _ensure_created(client, params, check_mode, diff, warn)
    current, parameters = found
    family = current.get("cache_parameter_group_family")
    if params["family"] and params["family"] != family:
        raise ElastiCacheRefusal(
            f"Cache parameter group {name} is of family {family}, not {params['family']}: AWS cannot change a "
            "group's family; delete the group (no cluster may use it) and create it anew"
        )
    if params["description"] is not None and params["description"] != current.get("description"):
        warn(
            f"The description of cache parameter group {name} is left as {current.get('description')!r}: "
            "AWS cannot change a cache parameter group's description"
        )
    desired = _desired(params)
    problems = parameter_problems(desired, parameters, family, check_modifiable=True)
    if problems:
        raise ElastiCacheRefusal(f"Cache parameter group {name}: " + "; ".join(problems))
    to_set, to_reset = parameter_changes(desired, parameters, params["purge_parameters"])
    tags_set, tags_remove = tag_changes(current.get("tags") or {}, params["tags"], params["purge_tags"])
    if not (to_set or to_reset or tags_set or tags_remove):
        return _result(False, current, current, diff)
    for warning in reboot_warnings(to_set, parameters):
        warn(warning)
    after = predicted(current, to_set, to_reset, tags_after(current.get("tags") or {}, tags_set, tags_remove))
    if check_mode:
        return _result(True, current, after, diff)
    reset_parameters(client, name, to_reset)
    set_parameters(client, name, to_set)
    if tags_set or tags_remove:
        apply_tags(client, current["arn"], tags_set, tags_remove)
    found = read_group(client, name)
    return _result(True, current, found[0] if found else after, diff)


def ensure_absent(client: Any, params: dict[str, Any], check_mode: bool, diff: bool) -> dict[str, Any]:
    found = read_group(client, params["name"])
    if found is None:
        return _result(False, None, None, diff)
    if not check_mode:
        delete_group(client, params["name"])
    return _result(True, found[0], None, diff)


def run(module: AnsibleXyzAWSModule) -> None:
    params = dict(module.params)
    params["name"] = params["name"].lower()
    problems = validate_params(params)
    if problems:
        module.fail_json(msg="; ".join(problems))
    client = module.client("elasticache", retry_decorator=aws_retry())
    try:
        if params["state"] == "absent":
            result = ensure_absent(client, params, module.check_mode, module._diff)
        else:
            result = ensure_present(client, params, module.check_mode, module._diff, module.warn)
    except ElastiCacheRefusal as e:
        module.fail_json(msg=str(e))
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(**result)


def main() -> None:
    argument_spec = {
        "name": {"type": "str", "required": True, "aliases": ["cache_parameter_group_name"]},
        "family": {"type": "str", "choices": list(FAMILIES), "aliases": ["group_family"]},
        "description": {"type": "str"},
        "parameters": {"type": "dict", "aliases": ["values"]},
        "purge_parameters": {"type": "bool", "default": False},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleXyzAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    run(module)


if __name__ == "__main__":
    main()
