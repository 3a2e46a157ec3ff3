#!/usr/bin/python

# Copyright: XYZ Corporation
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: aurora_reader_autoscaling
version_added: 0.1.0
short_description: Aurora reader auto scaling (Application Auto Scaling target and target-tracking policy)
description:
  - Registers an Aurora DB cluster's reader count (C(rds:cluster:ReadReplicaCount)) as a scalable target of
    Application Auto Scaling with a minimum and a maximum number of Aurora Replicas, and attaches a target-tracking
    scaling policy on the readers' average CPU utilisation (C(RDSReaderAverageCPUUtilization)) or average number of
    database connections (C(RDSReaderAverageDatabaseConnections)), as Terraform's aurora module does with its
    C(autoscaling_*) settings. No module of amazon.aws or community.aws can
    (community.aws.application_autoscaling_policy has no C(rds) namespace).
  - The readers Aurora Auto Scaling adds come on top of the cluster's own instances; the cluster needs a writer and
    should be available. O(state=absent) deletes the policy and deregisters the target (Aurora then keeps the
    readers it added until you remove them).
  - Input is checked before any call - O(min_capacity) at most O(max_capacity), both 0 to 15 (Aurora's limit of
    replicas), a CPU target above 0 and at most 100, a connections target above 0, cooldowns 0 to 86400 seconds.
author:
  - XYZ Corporation database team (@xyz)
options:
  db_cluster_identifier:
    description:
      - The Aurora DB cluster (its identifier, not its ARN). The scalable target's resource id is
        C(cluster:<identifier>).
    type: str
    required: true
  state:
    description:
      - V(present) registers the target and puts the policy; V(absent) deletes the policy and deregisters the target.
    type: str
    choices: ['present', 'absent']
    default: present
  min_capacity:
    description:
      - The fewest Aurora Replicas Application Auto Scaling keeps (0 to 15). Required with O(state=present).
    type: int
  max_capacity:
    description:
      - The most Aurora Replicas Application Auto Scaling adds (0 to 15, at least O(min_capacity)).
        Required with O(state=present).
    type: int
  policy_name:
    description:
      - The target-tracking policy's name; C(<db_cluster_identifier>-readers) when omitted.
    type: str
  metric:
    description:
      - The predefined metric the policy tracks.
    type: str
    choices: ['RDSReaderAverageCPUUtilization', 'RDSReaderAverageDatabaseConnections']
    default: RDSReaderAverageCPUUtilization
  target_value:
    description:
      - The value of O(metric) the policy keeps the readers at - a percentage above 0 and at most 100 for CPU,
        a number of connections above 0 for connections. Required with O(state=present).
    type: float
  scale_in_cooldown:
    description:
      - Seconds after a scale-in before another scale-in may start (0 to 86400).
    type: int
    default: 300
  scale_out_cooldown:
    description:
      - Seconds after a scale-out before another scale-out may start (0 to 86400).
    type: int
    default: 300
  disable_scale_in:
    description:
      - Only ever add readers (the policy never removes any).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Keep 2 to 6 readers at 60 % average CPU
  xyz.aws_database.aurora_reader_autoscaling:
    region: us-east-2
    db_cluster_identifier: xyz-prod-aurora
    min_capacity: 2
    max_capacity: 6
    metric: RDSReaderAverageCPUUtilization
    target_value: 60
    scale_in_cooldown: 300
    scale_out_cooldown: 300

- name: Track connections instead
  xyz.aws_database.aurora_reader_autoscaling:
    region: us-east-2
    db_cluster_identifier: xyz-prod-aurora
    min_capacity: 1
    max_capacity: 4
    metric: RDSReaderAverageDatabaseConnections
    target_value: 700

- name: Stop scaling the readers
  xyz.aws_database.aurora_reader_autoscaling:
    region: us-east-2
    db_cluster_identifier: xyz-prod-aurora
    state: absent
"""

RETURN = r"""
scalable_target:
  description: The scalable target (predicted in check mode); empty when there is none.
  returned: always
  type: dict
  contains:
    service_namespace:
      description: Always C(rds).
      type: str
      sample: rds
    resource_id:
      description: C(cluster:<identifier>).
      type: str
      sample: cluster:xyz-prod-aurora
    scalable_dimension:
      description: Always C(rds:cluster:ReadReplicaCount).
      type: str
      sample: rds:cluster:ReadReplicaCount
    min_capacity:
      description: The fewest replicas.
      type: int
      sample: 2
    max_capacity:
      description: The most replicas.
      type: int
      sample: 6
    scalable_target_arn:
      description: The target's ARN (absent in check mode before it exists).
      type: str
      sample: arn:aws:application-autoscaling:us-east-2:123456789012:scalable-target/0123abcd
scaling_policy:
  description: The target-tracking policy (predicted in check mode); empty when there is none.
  returned: always
  type: dict
  contains:
    policy_name:
      description: The policy's name.
      type: str
      sample: xyz-prod-aurora-readers
    policy_arn:
      description: The policy's ARN (absent in check mode before it exists).
      type: str
    policy_type:
      description: Always C(TargetTrackingScaling).
      type: str
      sample: TargetTrackingScaling
    target_tracking_scaling_policy_configuration:
      description: The metric, target value and cooldowns.
      type: dict
      sample: {
        "target_value": 60.0,
        "predefined_metric_specification": {"predefined_metric_type": "RDSReaderAverageCPUUtilization"},
        "scale_in_cooldown": 300, "scale_out_cooldown": 300, "disable_scale_in": false}
"""

import contextlib
import typing

with contextlib.suppress(ImportError):  # botocore is checked by AnsibleAWSModule
    import botocore

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.xyz.aws_database.plugins.module_utils.modules import AnsibleXyzAWSModule, aws_retry

if typing.TYPE_CHECKING:
    from typing import Any

NAMESPACE = "rds"
DIMENSION = "rds:cluster:ReadReplicaCount"
POLICY_TYPE = "TargetTrackingScaling"
CPU_METRIC = "RDSReaderAverageCPUUtilization"
CONNECTIONS_METRIC = "RDSReaderAverageDatabaseConnections"
MAX_REPLICAS = 15
MAX_COOLDOWN = 86400


def static_errors(params: dict[str, Any]) -> list[str]:
    """What is wrong with the input, before any call."""
    errors: list[str] = []
    if params["state"] == "absent":
        return errors
    low, high, target = params["min_capacity"], params["max_capacity"], params["target_value"]
    missing = [name for name in ("min_capacity", "max_capacity", "target_value") if params[name] is None]
    if missing:
        return [f"{', '.join(missing)} required with state present"]
    for name, value in (("min_capacity", low), ("max_capacity", high)):
        if not 0 <= value <= MAX_REPLICAS:
            errors.append(f"{name} must be between 0 and {MAX_REPLICAS} Aurora Replicas (got {value})")
    if low > high:
        errors.append(f"min_capacity ({low}) must not be greater than max_capacity ({high})")
    if params["metric"] == CPU_METRIC and not 0 < target <= 100:
        errors.append(f"target_value must be above 0 and at most 100 (percent CPU) for {CPU_METRIC} (got {target})")
    if params["metric"] == CONNECTIONS_METRIC and not target > 0:
        errors.append(f"target_value must be above 0 connections for {CONNECTIONS_METRIC} (got {target})")
    for name in ("scale_in_cooldown", "scale_out_cooldown"):
        if not 0 <= params[name] <= MAX_COOLDOWN:
            errors.append(f"{name} must be between 0 and {MAX_COOLDOWN} seconds (got {params[name]})")
    return errors


def resource_id(params: dict[str, Any]) -> str:
    return f"cluster:{params['db_cluster_identifier']}"


def policy_name(params: dict[str, Any]) -> str:
    return params["policy_name"] or f"{params['db_cluster_identifier']}-readers"


def desired_configuration(params: dict[str, Any]) -> dict[str, Any]:
    return {
        "TargetValue": float(params["target_value"]),
        "PredefinedMetricSpecification": {"PredefinedMetricType": params["metric"]},
        "ScaleInCooldown": params["scale_in_cooldown"],
        "ScaleOutCooldown": params["scale_out_cooldown"],
        "DisableScaleIn": params["disable_scale_in"],
    }


def comparable(configuration: dict[str, Any]) -> dict[str, Any]:
    """The fields the module manages, with AWS's defaults filled in."""
    return {
        "TargetValue": float(configuration.get("TargetValue", 0)),
        "PredefinedMetricType": configuration.get("PredefinedMetricSpecification", {}).get("PredefinedMetricType"),
        "ScaleInCooldown": configuration.get("ScaleInCooldown", 300),
        "ScaleOutCooldown": configuration.get("ScaleOutCooldown", 300),
        "DisableScaleIn": bool(configuration.get("DisableScaleIn", False)),
    }


def get_target(client: Any, rid: str) -> dict[str, Any] | None:
    targets = client.describe_scalable_targets(
        ServiceNamespace=NAMESPACE, ResourceIds=[rid], ScalableDimension=DIMENSION, aws_retry=True
    )["ScalableTargets"]
    return next((t for t in targets if t["ResourceId"] == rid and t["ScalableDimension"] == DIMENSION), None)


def get_policy(client: Any, rid: str, name: str) -> dict[str, Any] | None:
    policies = client.describe_scaling_policies(
        ServiceNamespace=NAMESPACE, ResourceId=rid, ScalableDimension=DIMENSION, PolicyNames=[name], aws_retry=True
    )["ScalingPolicies"]
    return next((p for p in policies if p["PolicyName"] == name and p["ResourceId"] == rid), None)


def cluster_exists(module: AnsibleXyzAWSModule, identifier: str) -> bool:
    client = module.client("rds", retry_decorator=aws_retry())
    try:
        client.describe_db_clusters(DBClusterIdentifier=identifier, aws_retry=True)
    except botocore.exceptions.ClientError as e:
        if e.response["Error"]["Code"] == "DBClusterNotFoundFault":
            return False
        raise
    return True


def view_target(target: dict[str, Any] | None) -> dict[str, Any]:
    if not target:
        return {}
    kept = ("ServiceNamespace", "ResourceId", "ScalableDimension", "MinCapacity", "MaxCapacity", "ScalableTargetARN")
    return camel_dict_to_snake_dict({key: target[key] for key in kept if key in target})


def view_policy(policy: dict[str, Any] | None) -> dict[str, Any]:
    if not policy:
        return {}
    kept = ("PolicyName", "PolicyARN", "PolicyType", "TargetTrackingScalingPolicyConfiguration")
    return camel_dict_to_snake_dict({key: policy[key] for key in kept if key in policy})


def finish(module: AnsibleXyzAWSModule, changed: bool, before: dict[str, Any], after: dict[str, Any]) -> None:
    result: dict[str, Any] = {"changed": changed, **after}
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {"before": before, "after": after}
    module.exit_json(**result)


def ensure_absent(module: AnsibleXyzAWSModule, client: Any) -> None:
    params = module.params
    rid, name = resource_id(params), policy_name(params)
    target, policy = get_target(client, rid), get_policy(client, rid, name)
    before = {"scalable_target": view_target(target), "scaling_policy": view_policy(policy)}
    if not module.check_mode:
        if policy:
            client.delete_scaling_policy(
                PolicyName=name, ServiceNamespace=NAMESPACE, ResourceId=rid, ScalableDimension=DIMENSION, aws_retry=True
            )
        if target:
            client.deregister_scalable_target(
                ServiceNamespace=NAMESPACE, ResourceId=rid, ScalableDimension=DIMENSION, aws_retry=True
            )
    finish(module, bool(target or policy), before, {"scalable_target": {}, "scaling_policy": {}})


def ensure_present(module: AnsibleXyzAWSModule, client: Any) -> None:
    params = module.params
    rid, name = resource_id(params), policy_name(params)
    target, policy = get_target(client, rid), get_policy(client, rid, name)
    if target is None and not cluster_exists(module, params["db_cluster_identifier"]) and not module.check_mode:
        module.fail_json(msg=f"db_cluster_identifier: no DB cluster {params['db_cluster_identifier']} in this region")
    before = {"scalable_target": view_target(target), "scaling_policy": view_policy(policy)}
    capacity = {"MinCapacity": params["min_capacity"], "MaxCapacity": params["max_capacity"]}
    configuration = desired_configuration(params)
    target_changed = target is None or any(target.get(key) != value for key, value in capacity.items())
    policy_changed = policy is None or comparable(policy.get("TargetTrackingScalingPolicyConfiguration", {})) != (
        comparable(configuration)
    )
    keys = {"ServiceNamespace": NAMESPACE, "ResourceId": rid, "ScalableDimension": DIMENSION}
    new_target = {**(target or keys), **capacity}
    new_policy = {
        **(policy or {"PolicyName": name}),
        "PolicyType": POLICY_TYPE,
        "TargetTrackingScalingPolicyConfiguration": configuration,
    }
    if not module.check_mode:
        if target_changed:
            client.register_scalable_target(**keys, **capacity, aws_retry=True)
            new_target = get_target(client, rid) or new_target
        if policy_changed:
            client.put_scaling_policy(
                PolicyName=name,
                PolicyType=POLICY_TYPE,
                TargetTrackingScalingPolicyConfiguration=configuration,
                **keys,
                aws_retry=True,
            )
            new_policy = get_policy(client, rid, name) or new_policy
    after = {
        "scalable_target": view_target(new_target if target_changed else target),
        "scaling_policy": view_policy(new_policy if policy_changed else policy),
    }
    finish(module, target_changed or policy_changed, before, after)


def do(module: AnsibleXyzAWSModule) -> None:
    errors = static_errors(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    client = module.client("application-autoscaling", retry_decorator=aws_retry())
    try:
        if module.params["state"] == "absent":
            ensure_absent(module, client)
        else:
            ensure_present(module, client)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Aurora reader auto scaling failed")


def main() -> None:
    argument_spec = {
        "db_cluster_identifier": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "min_capacity": {"type": "int"},
        "max_capacity": {"type": "int"},
        "policy_name": {"type": "str"},
        "metric": {"type": "str", "choices": [CPU_METRIC, CONNECTIONS_METRIC], "default": CPU_METRIC},
        "target_value": {"type": "float"},
        "scale_in_cooldown": {"type": "int", "default": 300},
        "scale_out_cooldown": {"type": "int", "default": 300},
        "disable_scale_in": {"type": "bool", "default": False},
    }
    module = AnsibleXyzAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    do(module)


if __name__ == "__main__":
    main()
