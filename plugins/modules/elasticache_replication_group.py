#!/usr/bin/python

# Copyright: XYZ Corporation
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: elasticache_replication_group
version_added: 0.1.0
short_description: Manage ElastiCache Valkey and Redis OSS replication groups (cluster mode disabled)
description:
  - Create, modify and delete an Amazon ElastiCache replication group running Redis OSS 7 or Valkey 7.2/8 with
    cluster mode disabled, that is one primary node and up to five read replicas.
  - Secure by default, encryption in transit and at rest are on, and a group of two or more nodes gets automatic
    failover and Multi-AZ.
  - Changes that AWS applies in place (ModifyReplicationGroup) are applied in place. Changes that would replace the
    group, and so lose its data, are refused with a message saying what would be lost; the module never deletes a
    group unless O(state=absent).
  - Invalid combinations (automatic failover with one node, Multi-AZ without automatic failover, AUTH without
    encryption in transit, an engine version the engine does not have) fail before any call to AWS.
author:
  - XYZ Corporation database team (@xyz)
options:
  replication_group_id:
    description:
      - The identifier of the replication group, 1 to 40 letters, digits or hyphens, starting with a letter,
        without two consecutive hyphens or a trailing hyphen.
      - AWS stores it in lowercase; the module lowercases it.
    type: str
    required: true
    aliases: ['name']
  state:
    description:
      - V(present) creates or updates the group, V(absent) deletes it.
    type: str
    choices: ['present', 'absent']
    default: present
  description:
    description:
      - The description of the replication group. Required with O(state=present).
    type: str
  engine:
    description:
      - The cache engine. Required to create a group.
      - Changing V(redis) to V(valkey) is an in-place cross-engine upgrade (AWS supports it from Redis OSS 5.0.6);
        it needs O(engine_version) and is applied immediately. Valkey cannot be changed back to Redis OSS.
      - When not given for an existing group, the engine is left as it is.
    type: str
    choices: ['redis', 'valkey']
  engine_version:
    description:
      - The engine version, V(7.0) or V(7.1) for Redis OSS, V(7.2), V(8.0) or V(8.1) for Valkey. A major.minor
        version matches the full version AWS reports (V(7.1) matches V(7.1.0)).
      - Upgrades are applied in place; AWS cannot downgrade an engine, so a lower version is refused.
      - When not given, AWS picks its default version on create, and an existing group keeps its version.
    type: str
  cache_node_type:
    description:
      - The node type, for example V(cache.t4g.micro) or V(cache.r7g.large). Required to create a group.
      - A different node type scales the group in place.
    type: str
  num_cache_clusters:
    description:
      - The number of nodes, the primary and its read replicas (1 to 6).
      - Automatic failover needs at least 2.
      - This module does not change the number of nodes of an existing group (AWS does that with
        IncreaseReplicaCount and DecreaseReplicaCount, not ModifyReplicationGroup); a different number is refused.
    type: int
    default: 2
  automatic_failover:
    description:
      - Whether a read replica is promoted automatically when the primary fails.
      - Needs at least 2 nodes (O(num_cache_clusters)).
    type: bool
    default: true
  multi_az:
    description:
      - Whether the nodes are spread over availability zones with automatic failover between them.
        Needs O(automatic_failover=true).
    type: bool
    default: true
  transit_encryption:
    description:
      - Whether connections are encrypted with TLS. AUTH (O(auth_token)) needs it.
      - On an existing group AWS switches encryption in transit on in two steps (mode V(preferred), then
        V(required)) and off only from mode V(preferred) and without AUTH; the module makes those steps, waiting
        for the group to be available between them (whatever O(wait) says).
      - Switching it off on a group that uses AUTH is refused, the group would accept unauthenticated clients;
        remove AUTH first (O(auth_token_update_strategy=DELETE)).
    type: bool
    default: true
  transit_encryption_mode:
    description:
      - V(required) accepts encrypted connections only; V(preferred) accepts both, for migrating clients.
      - Defaults to V(required) when O(transit_encryption=true). Not allowed with O(transit_encryption=false).
    type: str
    choices: ['preferred', 'required']
  at_rest_encryption:
    description:
      - Whether the data on disk (snapshots, swap) is encrypted.
      - AWS sets it only when the group is created; a different value on an existing group is refused (it would
        replace the group and lose its data).
    type: bool
    default: true
  kms_key_id:
    description:
      - The KMS key (id, ARN or alias) for encryption at rest; the AWS managed key when not given.
        Needs O(at_rest_encryption=true).
      - Set only when the group is created; a different key on an existing group is refused.
    type: str
  auth_token:
    description:
      - The AUTH token (password) clients must present, 16 to 128 printable characters; the only special
        characters allowed are C(!&#$^<>-). Needs O(transit_encryption=true).
      - AWS never returns a token, so the module cannot compare one. It sends the token only when it creates the
        group, or when O(auth_token_update_strategy) is given. Without O(auth_token_update_strategy), a token given
        for an existing group is not sent and nothing about it is compared.
    type: str
  auth_token_update_strategy:
    description:
      - How to change the AUTH token of an existing group; ignored when the group is created.
      - V(ROTATE) adds O(auth_token) and keeps the previous token valid (on a group without AUTH, it adds AUTH
        while still accepting clients without a token). V(SET) makes O(auth_token) the only token (after a
        V(ROTATE)). V(DELETE) removes AUTH; AWS allows it only with O(transit_encryption_mode=preferred), and it
        takes no O(auth_token).
      - V(ROTATE) and V(SET) send the token on every run and so always report a change. Give this option only for
        the run that rotates the token, not in a playbook's steady state. V(DELETE) is idempotent.
    type: str
    choices: ['ROTATE', 'SET', 'DELETE']
  cache_parameter_group_name:
    description:
      - The cache parameter group; its family must match the engine version. The engine's default group
        when not given on create; unchanged when not given for an existing group.
    type: str
  cache_subnet_group_name:
    description:
      - The cache subnet group (the VPC subnets of the nodes). Set only when the group is created; a different
        subnet group on an existing group is refused.
    type: str
  security_group_ids:
    description:
      - The VPC security groups of the nodes. Compared as a set; unchanged when not given.
    type: list
    elements: str
  snapshot_retention_limit:
    description:
      - Days automatic snapshots are kept (0 to 35); V(0) turns automatic backups off.
    type: int
  snapshot_window:
    description:
      - The daily UTC time range of automatic snapshots, C(hh24:mi-hh24:mi), for example V(05:00-06:00).
    type: str
  preferred_maintenance_window:
    description:
      - The weekly UTC maintenance window, C(ddd:hh24:mi-ddd:hh24:mi), for example V(sun:07:00-sun:08:00).
    type: str
  auto_minor_version_upgrade:
    description:
      - Whether AWS applies minor engine upgrades in the maintenance window. AWS's default (true) on create;
        unchanged when not given for an existing group.
    type: bool
  port:
    description:
      - The port the nodes listen on; V(6379) by AWS's default. Set only when the group is created; a different
        port on an existing group is refused. Not compared when not given.
    type: int
  apply_immediately:
    description:
      - Whether node changes (O(cache_node_type), O(engine_version)) are applied now rather than in the next
        maintenance window. Pending changes count as done, so a second run does not repeat them.
    type: bool
    default: false
  final_snapshot_identifier:
    description:
      - With O(state=absent), the name of a snapshot AWS takes before deleting the group.
    type: str
  wait:
    description:
      - Whether to wait for the group to be available (or, with O(state=absent), gone).
    type: bool
    default: true
  wait_timeout:
    description:
      - How long to wait, in seconds.
    type: int
    default: 1800
  wait_delay:
    description:
      - Seconds between two status checks while waiting (at least 1).
    type: int
    default: 15
notes:
  - Cluster mode enabled groups are not managed by this module; such a group is refused.
  - With O(state=present) the module waits for a group that is being created or modified to be available before
    it modifies it, and for a group that is being deleted to be gone before it creates it anew.
  - In check mode the module predicts the group from its current state and makes no change; a new group's fields
    that AWS decides (endpoints, members) are not predicted.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Create a Valkey replication group with Multi-AZ, encryption and AUTH
  xyz.aws_database.elasticache_replication_group:
    replication_group_id: xyz-prod-cache
    description: Cache in front of Aurora
    engine: valkey
    engine_version: "8.0"
    cache_node_type: cache.r7g.large
    num_cache_clusters: 2
    cache_parameter_group_name: xyz-prod-valkey8
    cache_subnet_group_name: xyz-prod-cache
    security_group_ids: [sg-0123456789abcdef0]
    auth_token: "{{ cache_auth_token }}"
    snapshot_retention_limit: 7
    snapshot_window: "03:00-04:00"
    preferred_maintenance_window: "sun:05:00-sun:06:00"
    tags:
      environment: prod
    region: us-east-2
  no_log: true

- name: Rotate the AUTH token (the previous one stays valid until SET)
  xyz.aws_database.elasticache_replication_group:
    replication_group_id: xyz-prod-cache
    description: Cache in front of Aurora
    auth_token: "{{ new_cache_auth_token }}"
    auth_token_update_strategy: ROTATE
    region: us-east-2
  no_log: true

- name: Upgrade a Redis OSS 7 group to Valkey 8 in place
  xyz.aws_database.elasticache_replication_group:
    replication_group_id: xyz-dev-cache
    description: Cache in front of Aurora
    engine: valkey
    engine_version: "8.0"
    cache_parameter_group_name: xyz-dev-valkey8
    region: us-east-2

- name: Delete the group, keeping a final snapshot
  xyz.aws_database.elasticache_replication_group:
    replication_group_id: xyz-dev-cache
    state: absent
    final_snapshot_identifier: xyz-dev-cache-final
    region: us-east-2
"""

RETURN = r"""
replication_group:
  description:
    - The replication group as DescribeReplicationGroups returns it, in snake_case, with the settings AWS keeps
      on its nodes (engine version, parameter group, subnet group, security groups, maintenance window, port),
      its endpoints and its tags. Empty after O(state=absent).
    - In check mode, the predicted group.
  returned: always
  type: dict
  contains:
    replication_group_id:
      description: The identifier.
      type: str
      sample: xyz-prod-cache
    arn:
      description: The ARN.
      type: str
      sample: arn:aws:elasticache:us-east-2:123456789012:replicationgroup:xyz-prod-cache
    description:
      description: The description.
      type: str
    status:
      description: creating, available, modifying, deleting, create-failed or snapshotting.
      type: str
      sample: available
    engine:
      description: redis or valkey.
      type: str
    engine_version:
      description: The engine version of the nodes.
      type: str
      sample: 8.0.1
    cache_node_type:
      description: The node type.
      type: str
    num_cache_clusters:
      description: The number of nodes.
      type: int
      sample: 2
    member_clusters:
      description: The cache cluster of each node.
      type: list
      elements: str
    automatic_failover:
      description: enabled, disabled, enabling or disabling.
      type: str
    multi_az:
      description: enabled or disabled.
      type: str
    transit_encryption_enabled:
      description: Whether encryption in transit is on.
      type: bool
    transit_encryption_mode:
      description: preferred or required.
      type: str
    at_rest_encryption_enabled:
      description: Whether encryption at rest is on.
      type: bool
    kms_key_id:
      description: The KMS key of encryption at rest, when not AWS's.
      type: str
    auth_token_enabled:
      description: Whether AUTH is on (the token itself is never returned).
      type: bool
    cache_parameter_group_name:
      description: The cache parameter group.
      type: str
    cache_subnet_group_name:
      description: The cache subnet group.
      type: str
    security_group_ids:
      description: The VPC security groups.
      type: list
      elements: str
    snapshot_retention_limit:
      description: Days automatic snapshots are kept.
      type: int
    snapshot_window:
      description: The daily snapshot window.
      type: str
    preferred_maintenance_window:
      description: The weekly maintenance window.
      type: str
    auto_minor_version_upgrade:
      description: Whether minor upgrades are automatic.
      type: bool
    port:
      description: The port of the nodes.
      type: int
    primary_endpoint:
      description: The primary endpoint (address and port), for writes.
      type: dict
      sample: {"address": "master.xyz-prod-cache.abc123.use2.cache.amazonaws.com", "port": 6379}
    reader_endpoint:
      description: The reader endpoint (address and port), spread over the replicas.
      type: dict
    pending_modified_values:
      description: Changes waiting for the maintenance window (for example engine_version, cache_node_type).
      type: dict
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
    SUPPORTED_VERSIONS,
    ElastiCacheErrorHandler,
    ElastiCacheRefusal,
    apply_tags,
    boto3_tags,
    family_for,
    get_tags,
    tag_changes,
    tags_after,
    version_matches,
    version_tuple,
    wait_for,
)
from ansible_collections.xyz.aws_database.plugins.module_utils.modules import AnsibleXyzAWSModule, aws_retry

GROUP_ID_PATTERN = re.compile(r"[a-z](?!.*--)[a-z0-9-]{0,39}(?<!-)")
AUTH_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9!&#$^<>-]{16,128}")
NODE_TYPE_PATTERN = re.compile(r"cache\.[a-z0-9-]+\.[a-z0-9]+")
SNAPSHOT_WINDOW_PATTERN = re.compile(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d")
DAY = r"(mon|tue|wed|thu|fri|sat|sun)"
MAINTENANCE_WINDOW_PATTERN = re.compile(rf"{DAY}:([01]\d|2[0-3]):[0-5]\d-{DAY}:([01]\d|2[0-3]):[0-5]\d", re.I)
MAX_CACHE_CLUSTERS = 6
MAX_SNAPSHOT_RETENTION = 35

# The settings the module manages: shown in the diff, and predicted in check mode.
DIFF_KEYS = (
    "description",
    "engine",
    "engine_version",
    "cache_node_type",
    "num_cache_clusters",
    "automatic_failover",
    "multi_az",
    "transit_encryption_enabled",
    "transit_encryption_mode",
    "at_rest_encryption_enabled",
    "kms_key_id",
    "auth_token_enabled",
    "cache_parameter_group_name",
    "cache_subnet_group_name",
    "security_group_ids",
    "snapshot_retention_limit",
    "snapshot_window",
    "preferred_maintenance_window",
    "auto_minor_version_upgrade",
    "port",
    "pending_modified_values",
    "tags",
)

# ModifyReplicationGroup fields applied to the group as they are (request key -> returned key).
SIMPLE_MODIFY_FIELDS = {
    "ReplicationGroupDescription": "description",
    "CacheParameterGroupName": "cache_parameter_group_name",
    "SnapshotRetentionLimit": "snapshot_retention_limit",
    "SnapshotWindow": "snapshot_window",
    "PreferredMaintenanceWindow": "preferred_maintenance_window",
    "AutoMinorVersionUpgrade": "auto_minor_version_upgrade",
    "TransitEncryptionEnabled": "transit_encryption_enabled",
    "TransitEncryptionMode": "transit_encryption_mode",
}


# --------------------------------------------------------------------------------------------------------------------
# Validation of the input (no AWS call)


def _validate_identity(params: dict[str, Any]) -> list[str]:
    problems = []
    group_id = params["replication_group_id"]
    if not GROUP_ID_PATTERN.fullmatch(group_id):
        problems.append(
            f"replication_group_id must be 1 to 40 letters, digits or hyphens, start with a letter, and not end "
            f"with a hyphen or contain two consecutive hyphens (got {group_id!r})"
        )
    return problems


def _validate_engine(params: dict[str, Any]) -> list[str]:
    problems = []
    engine, version = params["engine"], params["engine_version"]
    if engine and version and family_for(engine, version) is None:
        problems.append(
            f"engine_version {version!r} is not a version of engine {engine} (allowed: {SUPPORTED_VERSIONS[engine]})"
        )
    if not engine and version and not any(family_for(name, version) for name in SUPPORTED_VERSIONS):
        allowed = "; ".join(f"{name}: {versions}" for name, versions in SUPPORTED_VERSIONS.items())
        problems.append(f"engine_version {version!r} is not supported (allowed: {allowed})")
    node_type = params["cache_node_type"]
    if node_type and not NODE_TYPE_PATTERN.fullmatch(node_type):
        problems.append(
            f"cache_node_type must look like cache.<family>.<size>, for example cache.t4g.micro (got {node_type!r})"
        )
    return problems


def _validate_availability(params: dict[str, Any]) -> list[str]:
    problems = []
    count = params["num_cache_clusters"]
    if not 1 <= count <= MAX_CACHE_CLUSTERS:
        problems.append(f"num_cache_clusters must be between 1 and {MAX_CACHE_CLUSTERS} (got {count})")
    if params["automatic_failover"] and count < 2:
        problems.append(
            f"automatic_failover=true needs num_cache_clusters >= 2, a primary and at least one replica (got {count})"
        )
    if params["multi_az"] and not params["automatic_failover"]:
        problems.append("multi_az=true needs automatic_failover=true")
    return problems


def _validate_encryption(params: dict[str, Any]) -> list[str]:
    problems = []
    transit, token, strategy = params["transit_encryption"], params["auth_token"], params["auth_token_update_strategy"]
    if not transit and params["transit_encryption_mode"]:
        problems.append("transit_encryption_mode needs transit_encryption=true")
    if token is not None and not transit:
        problems.append("auth_token needs transit_encryption=true: AWS accepts AUTH only with encryption in transit")
    if token is not None and not AUTH_TOKEN_PATTERN.fullmatch(token):
        problems.append(
            "auth_token must be 16 to 128 characters: letters, digits and only these special characters: !&#$^<>-"
        )
    if strategy in ("ROTATE", "SET") and token is None:
        problems.append(f"auth_token_update_strategy={strategy} needs auth_token")
    if strategy == "DELETE" and token is not None:
        problems.append("auth_token_update_strategy=DELETE removes AUTH and takes no auth_token")
    if strategy == "DELETE" and params["transit_encryption_mode"] != "preferred":
        problems.append(
            "auth_token_update_strategy=DELETE needs transit_encryption_mode=preferred (AWS removes AUTH only while "
            "unencrypted clients are allowed, or when moving to RBAC user groups)"
        )
    if params["kms_key_id"] and not params["at_rest_encryption"]:
        problems.append("kms_key_id needs at_rest_encryption=true")
    return problems


def _validate_settings(params: dict[str, Any]) -> list[str]:
    problems = []
    retention = params["snapshot_retention_limit"]
    if retention is not None and not 0 <= retention <= MAX_SNAPSHOT_RETENTION:
        problems.append(f"snapshot_retention_limit must be between 0 and {MAX_SNAPSHOT_RETENTION} (got {retention})")
    window = params["snapshot_window"]
    if window is not None and not SNAPSHOT_WINDOW_PATTERN.fullmatch(window):
        problems.append(f"snapshot_window must be hh24:mi-hh24:mi in UTC, for example 05:00-06:00 (got {window!r})")
    window = params["preferred_maintenance_window"]
    if window is not None and not MAINTENANCE_WINDOW_PATTERN.fullmatch(window):
        problems.append(
            "preferred_maintenance_window must be ddd:hh24:mi-ddd:hh24:mi in UTC, for example sun:07:00-sun:08:00 "
            f"(got {window!r})"
        )
    port = params["port"]
    if port is not None and not 1 <= port <= 65535:
        problems.append(f"port must be between 1 and 65535 (got {port})")
    if params["wait_timeout"] < 0:
        problems.append("wait_timeout must be 0 or more")
    if params["wait_delay"] < 1:
        problems.append(f"wait_delay must be at least 1 (got {params['wait_delay']})")
    return problems


def validate_params(params: dict[str, Any]) -> list[str]:
    """Everything wrong with the input that needs no AWS call to know, each naming the option and what is allowed."""
    problems = _validate_identity(params) + _validate_settings(params)
    if params["state"] == "present":
        problems += _validate_engine(params) + _validate_availability(params) + _validate_encryption(params)
    return problems


# --------------------------------------------------------------------------------------------------------------------
# Reading the group


@ElastiCacheErrorHandler.list_error_handler("describe replication group")
def describe_group(client: Any, group_id: str) -> dict[str, Any] | None:
    groups = client.describe_replication_groups(aws_retry=True, ReplicationGroupId=group_id)["ReplicationGroups"]
    return groups[0] if groups else None


@ElastiCacheErrorHandler.list_error_handler("describe cache cluster", {})
def describe_member(client: Any, cluster_id: str) -> dict[str, Any]:
    clusters = client.describe_cache_clusters(aws_retry=True, CacheClusterId=cluster_id, ShowCacheNodeInfo=True)
    return clusters["CacheClusters"][0] if clusters["CacheClusters"] else {}


def _primary_member_id(group: dict[str, Any]) -> str | None:
    for node_group in group.get("NodeGroups") or []:
        for member in node_group.get("NodeGroupMembers") or []:
            if member.get("CurrentRole") == "primary":
                return member.get("CacheClusterId")
    members = group.get("MemberClusters") or []
    return members[0] if members else None


def _endpoint(group: dict[str, Any], key: str) -> dict[str, Any] | None:
    for node_group in group.get("NodeGroups") or []:
        if node_group.get(key):
            return camel_dict_to_snake_dict(node_group[key])
    return None


def _port(group: dict[str, Any], member: dict[str, Any]) -> int | None:
    endpoint = _endpoint(group, "PrimaryEndpoint")
    if endpoint and endpoint.get("port"):
        return endpoint["port"]
    for node in member.get("CacheNodes") or []:
        if (node.get("Endpoint") or {}).get("Port"):
            return node["Endpoint"]["Port"]
    return None


def _member_settings(member: dict[str, Any]) -> dict[str, Any]:
    """The settings AWS reports on the nodes, not on the replication group."""
    pending = member.get("PendingModifiedValues") or {}
    return {
        "engine_version": member.get("EngineVersion"),
        "cache_parameter_group_name": (member.get("CacheParameterGroup") or {}).get("CacheParameterGroupName"),
        "cache_subnet_group_name": member.get("CacheSubnetGroupName"),
        "security_group_ids": sorted(sg["SecurityGroupId"] for sg in member.get("SecurityGroups") or []),
        "preferred_maintenance_window": member.get("PreferredMaintenanceWindow"),
        "node_pending_modified_values": {
            key: value
            for key, value in {
                "engine_version": pending.get("EngineVersion"),
                "cache_node_type": pending.get("CacheNodeType"),
            }.items()
            if value
        },
    }


def read_group(client: Any, group_id: str) -> dict[str, Any] | None:
    """The replication group in snake_case with its nodes' settings, endpoints and tags; None when it is gone."""
    group = describe_group(client, group_id)
    if group is None:
        return None
    member_id = _primary_member_id(group)
    member = describe_member(client, member_id) if member_id else {}
    resource = camel_dict_to_snake_dict(group)
    node_settings = _member_settings(member)
    pending = dict(resource.get("pending_modified_values") or {})
    pending.update(node_settings.pop("node_pending_modified_values"))
    resource.update(node_settings)
    resource.update(
        {
            "pending_modified_values": pending,
            "num_cache_clusters": len(group.get("MemberClusters") or []),
            "port": _port(group, member),
            "primary_endpoint": _endpoint(group, "PrimaryEndpoint"),
            "reader_endpoint": _endpoint(group, "ReaderEndpoint"),
            "tags": get_tags(client, group["ARN"]) if group.get("ARN") else {},
        }
    )
    return resource


def diff_view(resource: dict[str, Any] | None) -> dict[str, Any]:
    if not resource:
        return {}
    return {key: deepcopy(resource.get(key)) for key in DIFF_KEYS}


# --------------------------------------------------------------------------------------------------------------------
# Create


def create_request(params: dict[str, Any]) -> dict[str, Any]:
    transit = params["transit_encryption"]
    request: dict[str, Any] = {
        "ReplicationGroupId": params["replication_group_id"],
        "ReplicationGroupDescription": params["description"],
        "Engine": params["engine"],
        "CacheNodeType": params["cache_node_type"],
        "NumCacheClusters": params["num_cache_clusters"],
        "AutomaticFailoverEnabled": params["automatic_failover"],
        "MultiAZEnabled": params["multi_az"],
        "TransitEncryptionEnabled": transit,
        "AtRestEncryptionEnabled": params["at_rest_encryption"],
    }
    if transit:
        request["TransitEncryptionMode"] = params["transit_encryption_mode"] or "required"
    optional = {
        "EngineVersion": params["engine_version"],
        "KmsKeyId": params["kms_key_id"],
        "AuthToken": params["auth_token"],
        "CacheParameterGroupName": params["cache_parameter_group_name"],
        "CacheSubnetGroupName": params["cache_subnet_group_name"],
        "SecurityGroupIds": params["security_group_ids"],
        "SnapshotRetentionLimit": params["snapshot_retention_limit"],
        "SnapshotWindow": params["snapshot_window"],
        "PreferredMaintenanceWindow": params["preferred_maintenance_window"],
        "AutoMinorVersionUpgrade": params["auto_minor_version_upgrade"],
        "Port": params["port"],
    }
    request.update({key: value for key, value in optional.items() if value is not None})
    if params["tags"]:
        request["Tags"] = boto3_tags(params["tags"])
    return request


def predicted_new_group(params: dict[str, Any]) -> dict[str, Any]:
    """The group check mode reports for a create: the requested settings (AWS decides the rest)."""
    transit = params["transit_encryption"]
    return {
        "replication_group_id": params["replication_group_id"],
        "status": "creating",
        "description": params["description"],
        "engine": params["engine"],
        "engine_version": params["engine_version"],
        "cache_node_type": params["cache_node_type"],
        "num_cache_clusters": params["num_cache_clusters"],
        "automatic_failover": "enabled" if params["automatic_failover"] else "disabled",
        "multi_az": "enabled" if params["multi_az"] else "disabled",
        "transit_encryption_enabled": transit,
        "transit_encryption_mode": (params["transit_encryption_mode"] or "required") if transit else None,
        "at_rest_encryption_enabled": params["at_rest_encryption"],
        "kms_key_id": params["kms_key_id"],
        "auth_token_enabled": params["auth_token"] is not None,
        "cache_parameter_group_name": params["cache_parameter_group_name"],
        "cache_subnet_group_name": params["cache_subnet_group_name"],
        "security_group_ids": sorted(params["security_group_ids"] or []),
        "snapshot_retention_limit": params["snapshot_retention_limit"] or 0,
        "snapshot_window": params["snapshot_window"],
        "preferred_maintenance_window": params["preferred_maintenance_window"],
        "auto_minor_version_upgrade": params["auto_minor_version_upgrade"] is not False,
        "port": params["port"] or 6379,
        "pending_modified_values": {},
        "tags": {key: str(value) for key, value in (params["tags"] or {}).items()},
    }


def _check_create_params(params: dict[str, Any]) -> None:
    missing = [name for name in ("engine", "cache_node_type") if not params[name]]
    if missing:
        raise ElastiCacheRefusal(
            f"Replication group {params['replication_group_id']} does not exist; creating it needs "
            f"{' and '.join(missing)}"
        )
    if params["auth_token_update_strategy"] == "DELETE":
        raise ElastiCacheRefusal(
            "auth_token_update_strategy=DELETE removes AUTH from an existing group; the group does not exist yet"
        )


@ElastiCacheErrorHandler.common_error_handler("create replication group")
def create_group(client: Any, request: dict[str, Any]) -> None:
    client.create_replication_group(aws_retry=True, **request)


# --------------------------------------------------------------------------------------------------------------------
# Compare: refusals (changes that would replace the group) and the in-place modifications


def _kms_matches(requested: str, actual: str | None) -> bool:
    if not actual:
        return False
    return actual == requested or actual.endswith("/" + requested) or requested.endswith("/" + actual)


def _replacement_refusals(params: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """Changes AWS cannot make to an existing group: each would need a new group, and the data would be lost."""
    lost = "the group would have to be deleted and created anew, losing its data"
    refusals = []
    if current.get("cluster_enabled") or current.get("cluster_mode") == "enabled":
        refusals.append("the group has cluster mode enabled, which this module does not manage")
    if params["at_rest_encryption"] != bool(current.get("at_rest_encryption_enabled")):
        refusals.append(
            f"at_rest_encryption cannot change from {bool(current.get('at_rest_encryption_enabled'))} to "
            f"{params['at_rest_encryption']}: AWS sets it only at creation; {lost}"
        )
    if params["kms_key_id"] and not _kms_matches(params["kms_key_id"], current.get("kms_key_id")):
        refusals.append(
            f"kms_key_id cannot change from {current.get('kms_key_id') or 'the AWS managed key'} to "
            f"{params['kms_key_id']}: AWS sets it only at creation; {lost}"
        )
    for option, key in (("port", "port"), ("cache_subnet_group_name", "cache_subnet_group_name")):
        if params[option] is not None and current.get(key) is not None and params[option] != current.get(key):
            refusals.append(f"{option} cannot change from {current.get(key)} to {params[option]}: {lost}")
    return refusals


def _engine_refusals(params: dict[str, Any], current: dict[str, Any]) -> list[str]:
    refusals = []
    engine, current_engine = params["engine"], current.get("engine")
    version = params["engine_version"]
    if engine == "redis" and current_engine == "valkey":
        refusals.append(
            "engine cannot change from valkey to redis: AWS upgrades Redis OSS to Valkey but not back; "
            "the group would have to be deleted and created anew, losing its data"
        )
    elif engine and engine != current_engine and not version:
        refusals.append(f"changing engine from {current_engine} to {engine} needs engine_version")
    target_engine = engine or current_engine
    if version and target_engine and family_for(target_engine, version) is None:
        refusals.append(
            f"engine_version {version!r} is not a version of engine {target_engine} "
            f"(allowed: {SUPPORTED_VERSIONS.get(target_engine, 'none')})"
        )
    actual = current.get("engine_version")
    same_engine = target_engine == current_engine
    if version and actual and same_engine and version_tuple(version)[:2] < version_tuple(actual)[:2]:
        refusals.append(
            f"engine_version cannot go down from {actual} to {version}: AWS cannot downgrade an engine; "
            "the group would have to be deleted and created anew, losing its data"
        )
    return refusals


def _topology_refusals(params: dict[str, Any], current: dict[str, Any]) -> list[str]:
    count, actual = params["num_cache_clusters"], current.get("num_cache_clusters")
    if actual and count != actual:
        return [
            f"num_cache_clusters cannot change from {actual} to {count} with this module: AWS adds and removes "
            "replicas with IncreaseReplicaCount and DecreaseReplicaCount, not ModifyReplicationGroup"
        ]
    return []


def _transit_refusals(params: dict[str, Any], current: dict[str, Any]) -> list[str]:
    if params["transit_encryption"] or not current.get("transit_encryption_enabled"):
        return []
    if current.get("auth_token_enabled"):
        return [
            "transit_encryption cannot be switched off on a group that uses AUTH: the group would accept clients "
            "without a token over unencrypted connections, and its AUTH token would be lost; remove AUTH first "
            "(auth_token_update_strategy=DELETE with transit_encryption_mode=preferred)"
        ]
    return []


def refusals(params: dict[str, Any], current: dict[str, Any]) -> list[str]:
    return (
        _replacement_refusals(params, current)
        + _engine_refusals(params, current)
        + _topology_refusals(params, current)
        + _transit_refusals(params, current)
    )


def _enabled(value: str | None) -> bool:
    return value in ("enabled", "enabling")


def _engine_changes(params: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    pending = current.get("pending_modified_values") or {}
    version = params["engine_version"]
    actual = pending.get("engine_version") or current.get("engine_version")
    if params["engine"] and params["engine"] != current.get("engine"):
        changes.update({"Engine": params["engine"], "EngineVersion": version})
    elif version and not version_matches(version, actual):
        changes["EngineVersion"] = version
    node_type = params["cache_node_type"]
    if node_type and node_type != (pending.get("cache_node_type") or current.get("cache_node_type")):
        changes["CacheNodeType"] = node_type
    return changes


def _setting_changes(params: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if params["description"] is not None and params["description"] != current.get("description"):
        changes["ReplicationGroupDescription"] = params["description"]
    if params["automatic_failover"] != _enabled(current.get("automatic_failover")):
        changes["AutomaticFailoverEnabled"] = params["automatic_failover"]
    if params["multi_az"] != _enabled(current.get("multi_az")):
        changes["MultiAZEnabled"] = params["multi_az"]
    if params["security_group_ids"] is not None and sorted(set(params["security_group_ids"])) != sorted(
        current.get("security_group_ids") or []
    ):
        changes["SecurityGroupIds"] = sorted(set(params["security_group_ids"]))
    window = params["preferred_maintenance_window"]
    if window is not None and window.lower() != (current.get("preferred_maintenance_window") or "").lower():
        changes["PreferredMaintenanceWindow"] = window.lower()
    simple = {
        "CacheParameterGroupName": "cache_parameter_group_name",
        "SnapshotRetentionLimit": "snapshot_retention_limit",
        "SnapshotWindow": "snapshot_window",
        "AutoMinorVersionUpgrade": "auto_minor_version_upgrade",
    }
    for field, key in simple.items():
        if params[key] is not None and params[key] != current.get(key):
            changes[field] = params[key]
    return changes


def transit_steps(params: dict[str, Any], current: dict[str, Any]) -> list[dict[str, Any]]:
    """The ModifyReplicationGroup steps that take encryption in transit where it is asked to be.

    AWS: switching it on takes mode preferred first, then required in a later request; switching it off works only
    from mode preferred."""
    enabled, mode = bool(current.get("transit_encryption_enabled")), current.get("transit_encryption_mode")
    if params["transit_encryption"]:
        wanted = params["transit_encryption_mode"] or "required"
        if not enabled:
            steps = [{"TransitEncryptionEnabled": True, "TransitEncryptionMode": "preferred"}]
            return [*steps, {"TransitEncryptionMode": "required"}] if wanted == "required" else steps
        return [] if mode == wanted else [{"TransitEncryptionEnabled": True, "TransitEncryptionMode": wanted}]
    if not enabled:
        return []
    steps = [] if mode == "preferred" else [{"TransitEncryptionEnabled": True, "TransitEncryptionMode": "preferred"}]
    return [*steps, {"TransitEncryptionEnabled": False}]


def auth_change(params: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """The AUTH fields to send: only with auth_token_update_strategy (AWS never returns a token to compare)."""
    strategy = params["auth_token_update_strategy"]
    if strategy == "DELETE":
        return {"AuthTokenUpdateStrategy": "DELETE"} if current.get("auth_token_enabled") else {}
    if strategy in ("ROTATE", "SET"):
        return {"AuthToken": params["auth_token"], "AuthTokenUpdateStrategy": strategy}
    return {}


def modify_steps(params: dict[str, Any], current: dict[str, Any]) -> list[dict[str, Any]]:
    """The ModifyReplicationGroup requests (without the group id), in order; [] when nothing differs."""
    first = {**_engine_changes(params, current), **_setting_changes(params, current)}
    steps = transit_steps(params, current)
    auth = auth_change(params, current)
    if steps:
        steps[0] = {**first, **steps[0]}
        steps[-1] = {**steps[-1], **auth}
    elif first or auth:
        steps = [{**first, **auth}]
    return steps


def _auth_warnings(params: dict[str, Any], current: dict[str, Any]) -> list[str]:
    token_not_sent = params["auth_token"] is not None and not params["auth_token_update_strategy"]
    if token_not_sent and not current.get("auth_token_enabled"):
        return [
            "auth_token was not sent: the group exists and has no AUTH token; AWS adds one with "
            "auth_token_update_strategy=ROTATE (then SET to refuse clients without it)"
        ]
    return []


def predict(current: dict[str, Any], steps: list[dict[str, Any]], apply_immediately: bool) -> dict[str, Any]:
    """The group once the steps are applied (check mode, and the diff's after)."""
    after = deepcopy(current)
    for step in steps:
        for field, key in SIMPLE_MODIFY_FIELDS.items():
            if field in step:
                after[key] = step[field]
        if step.get("TransitEncryptionEnabled") is False:
            after["transit_encryption_mode"] = None
        if "SecurityGroupIds" in step:
            after["security_group_ids"] = sorted(step["SecurityGroupIds"])
        for field, key in (("AutomaticFailoverEnabled", "automatic_failover"), ("MultiAZEnabled", "multi_az")):
            if field in step:
                after[key] = "enabled" if step[field] else "disabled"
        if "AuthTokenUpdateStrategy" in step:
            after["auth_token_enabled"] = step["AuthTokenUpdateStrategy"] != "DELETE"
        _predict_node_changes(after, step, apply_immediately)
    return after


def _predict_node_changes(after: dict[str, Any], step: dict[str, Any], apply_immediately: bool) -> None:
    if "Engine" in step:  # a cross-engine upgrade is always applied immediately (see modify_group)
        after["engine"] = step["Engine"]
        apply_immediately = True
    for field, key in (("EngineVersion", "engine_version"), ("CacheNodeType", "cache_node_type")):
        if field not in step:
            continue
        if apply_immediately:
            after[key] = step[field]
        else:
            after["pending_modified_values"] = {**(after.get("pending_modified_values") or {}), key: step[field]}


@ElastiCacheErrorHandler.common_error_handler("modify replication group")
def modify_group(client: Any, group_id: str, step: dict[str, Any], apply_immediately: bool) -> None:
    immediately = apply_immediately or "Engine" in step
    client.modify_replication_group(aws_retry=True, ReplicationGroupId=group_id, ApplyImmediately=immediately, **step)


# --------------------------------------------------------------------------------------------------------------------
# Ensure present / absent


class Waits:
    """Waiting for the group, with the module's timeout and poll delay."""

    def __init__(self, client: Any, group_id: str, timeout: int, delay: int) -> None:
        self.client, self.group_id, self.timeout, self.delay = client, group_id, timeout, delay

    def available(self) -> None:
        wait_for(self.client, "replication_group_available", self.timeout, self.delay, ReplicationGroupId=self.group_id)

    def deleted(self) -> None:
        wait_for(self.client, "replication_group_deleted", self.timeout, self.delay, ReplicationGroupId=self.group_id)


def _result(changed: bool, before: dict[str, Any] | None, after: dict[str, Any] | None, diff: bool) -> dict[str, Any]:
    result: dict[str, Any] = {"changed": changed, "replication_group": after or {}}
    if diff:
        result["diff"] = {"before": diff_view(before), "after": diff_view(after)}
    return result


def _ensure_created(client: Any, params: dict[str, Any], check_mode: bool, waits: Waits) -> dict[str, Any]:
    _check_create_params(params)
    if check_mode:
        return predicted_new_group(params)
    create_group(client, create_request(params))
    if params["wait"]:
        waits.available()
    return read_group(client, params["replication_group_id"]) or predicted_new_group(params)


def _ensure_modified(
    client: Any, params: dict[str, Any], current: dict[str, Any], steps: list[dict[str, Any]], waits: Waits
) -> dict[str, Any]:
    group_id = params["replication_group_id"]
    for step in steps:
        if (describe_group(client, group_id) or {}).get("Status") != "available":
            waits.available()
        modify_group(client, group_id, step, params["apply_immediately"])
    to_set, to_remove = tag_changes(current.get("tags") or {}, params["tags"], params["purge_tags"])
    if to_set or to_remove:
        apply_tags(client, current["arn"], to_set, to_remove)
    if params["wait"] and steps:
        waits.available()
    return read_group(client, group_id) or current


def ensure_present(
    client: Any, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None]
) -> dict[str, Any]:
    group_id = params["replication_group_id"]
    waits = Waits(client, group_id, params["wait_timeout"], params["wait_delay"])
    current = read_group(client, group_id)
    if current and current.get("status") == "deleting":
        if check_mode:
            current = None
        else:
            waits.deleted()
            current = read_group(client, group_id)
    if current is None:
        return _result(True, None, _ensure_created(client, params, check_mode, waits), diff)
    problems = refusals(params, current)
    if problems:
        raise ElastiCacheRefusal(f"Replication group {group_id}: " + "; ".join(problems))
    for warning in _auth_warnings(params, current):
        warn(warning)
    steps = modify_steps(params, current)
    to_set, to_remove = tag_changes(current.get("tags") or {}, params["tags"], params["purge_tags"])
    predicted = predict(current, steps, params["apply_immediately"])
    predicted["tags"] = tags_after(current.get("tags") or {}, to_set, to_remove)
    if not steps and not (to_set or to_remove):
        if params["wait"] and current.get("status") != "available" and not check_mode:
            waits.available()
            current = read_group(client, group_id) or current
        return _result(False, current, current, diff)
    if check_mode:
        return _result(True, current, predicted, diff)
    return _result(True, current, _ensure_modified(client, params, current, steps, waits), diff)


@ElastiCacheErrorHandler.deletion_error_handler("delete replication group")
def delete_group(client: Any, group_id: str, final_snapshot: str | None) -> bool:
    request: dict[str, Any] = {"ReplicationGroupId": group_id}
    if final_snapshot:
        request["FinalSnapshotIdentifier"] = final_snapshot
    client.delete_replication_group(aws_retry=True, **request)
    return True


def ensure_absent(client: Any, params: dict[str, Any], check_mode: bool, diff: bool) -> dict[str, Any]:
    group_id = params["replication_group_id"]
    waits = Waits(client, group_id, params["wait_timeout"], params["wait_delay"])
    current = read_group(client, group_id)
    if current is None:
        return _result(False, None, None, diff)
    if current.get("status") == "deleting":
        if params["wait"] and not check_mode:
            waits.deleted()
        return _result(False, current, None, diff)
    if check_mode:
        return _result(True, current, None, diff)
    if current.get("status") != "available":
        waits.available()
    delete_group(client, group_id, params["final_snapshot_identifier"])
    if params["wait"]:
        waits.deleted()
    return _result(True, current, None, diff)


def run(module: AnsibleXyzAWSModule) -> None:
    params = dict(module.params)
    params["replication_group_id"] = params["replication_group_id"].lower()
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
        "replication_group_id": {"type": "str", "required": True, "aliases": ["name"]},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "description": {"type": "str"},
        "engine": {"type": "str", "choices": ["redis", "valkey"]},
        "engine_version": {"type": "str"},
        "cache_node_type": {"type": "str"},
        "num_cache_clusters": {"type": "int", "default": 2},
        "automatic_failover": {"type": "bool", "default": True},
        "multi_az": {"type": "bool", "default": True},
        "transit_encryption": {"type": "bool", "default": True},
        "transit_encryption_mode": {"type": "str", "choices": ["preferred", "required"]},
        "at_rest_encryption": {"type": "bool", "default": True},
        "kms_key_id": {"type": "str", "no_log": False},
        "auth_token": {"type": "str", "no_log": True},
        "auth_token_update_strategy": {"type": "str", "choices": ["ROTATE", "SET", "DELETE"], "no_log": False},
        "cache_parameter_group_name": {"type": "str"},
        "cache_subnet_group_name": {"type": "str"},
        "security_group_ids": {"type": "list", "elements": "str"},
        "snapshot_retention_limit": {"type": "int"},
        "snapshot_window": {"type": "str"},
        "preferred_maintenance_window": {"type": "str"},
        "auto_minor_version_upgrade": {"type": "bool"},
        "port": {"type": "int"},
        "apply_immediately": {"type": "bool", "default": False},
        "final_snapshot_identifier": {"type": "str"},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
        "wait": {"type": "bool", "default": True},
        "wait_timeout": {"type": "int", "default": 1800},
        "wait_delay": {"type": "int", "default": 15},
    }
    module = AnsibleXyzAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[["state", "present", ["description"]]],
    )
    run(module)


if __name__ == "__main__":
    main()
