#!/usr/bin/python

# Copyright: XYZ Corporation
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: redshift_cluster
version_added: 0.1.0
short_description: Manage an encrypted, private Amazon Redshift provisioned cluster
description:
  - Create, modify in place and delete an Amazon Redshift provisioned cluster with the node types AWS offers today
    (RA3 and RG), always encrypted and never publicly accessible.
  - Every option left unset (V(null)) is not managed, except where a default is shown; a second run with the same
    options reports RV(ignore:changed=false).
  - Changes AWS applies in place (resize, encryption key, security groups, parameter group, snapshot retention,
    maintenance window, enhanced VPC routing, port, Multi-AZ, admin password) are made with C(ModifyCluster).
    Changes that would need a new cluster, and so lose the data of this one (O(db_name), O(master_username),
    O(subnet_group_name)), are refused with a message saying what would be lost.
  - Options are validated before any call to AWS (node types and node counts, ports, retention, maintenance window,
    admin user name and password rules), with the rules AWS documents.
author:
  - XYZ Corporation database team (@xyz)
options:
  identifier:
    description:
      - The cluster identifier.
    type: str
    required: true
  state:
    description:
      - V(present) creates the cluster or brings it to the options given; V(absent) deletes it.
    type: str
    choices: ['present', 'absent']
    default: present
  node_type:
    description:
      - The node type. Required to create a cluster.
      - AWS no longer creates DC2, DS2 or DC1 clusters; only the RA3 and RG types are accepted.
      - Changing it resizes the cluster in place.
    type: str
    choices: ['ra3.large', 'ra3.xlplus', 'ra3.4xlarge', 'ra3.16xlarge', 'rg.large', 'rg.xlarge', 'rg.4xlarge',
              'rg.12xlarge']
  number_of_nodes:
    description:
      - The number of compute nodes. V(1) makes a single-node cluster, V(2) or more a multi-node cluster.
      - When creating, V(1) if unset.
      - AWS's limits per node type at creation (and after an elastic resize) - ra3.large 1 or 2 to 8 (16),
        ra3.xlplus 1 or 2 to 16 (32), ra3.4xlarge 2 to 32 (64), ra3.16xlarge 2 to 128 (128), RG types 1 to 100.
      - Changing it resizes the cluster in place.
    type: int
  cluster_type:
    description:
      - V(single-node) or V(multi-node); derived from O(number_of_nodes) when unset.
      - V(multi-node) needs O(number_of_nodes) of at least 2; V(single-node) allows only 1.
    type: str
    choices: ['single-node', 'multi-node']
  encrypted:
    description:
      - The cluster is always encrypted; V(false) is refused (AWS no longer creates unencrypted clusters, and this
        module never decrypts one).
    type: bool
    default: true
  kms_key_id:
    description:
      - The KMS key (id, ARN or alias) that encrypts the cluster; an AWS owned key when unset at creation.
      - Changing it re-encrypts the cluster in place.
    type: str
  publicly_accessible:
    description:
      - The cluster is never reachable from the internet; V(true) is refused. A public cluster is made private.
    type: bool
    default: false
  enhanced_vpc_routing:
    description:
      - Route COPY and UNLOAD traffic through the VPC (Security Hub Redshift.7).
    type: bool
    default: true
  master_username:
    description:
      - The admin user name. Required to create a cluster; it cannot change afterwards.
      - V(awsuser), the console's default admin user name, is refused (Security Hub Redshift.8).
      - 1 to 128 characters, lowercase letters, digits, V(_), V(+), V(.), V(@) or V(-), starting with a letter;
        not V(public).
    type: str
  master_user_password:
    description:
      - The admin password; 8 to 64 printable ASCII characters with an uppercase letter, a lowercase letter and a
        digit, and none of V('), V("), V(\\), V(/), V(@).
      - Set when creating, or with O(update_password=always). Never returned.
      - Mutually exclusive with O(manage_master_password=true).
    type: str
  update_password:
    description:
      - V(on_create) sets O(master_user_password) only when creating the cluster (or when AWS stops managing the
        password); V(always) sets it on every run, which then always reports a change.
    type: str
    choices: ['always', 'on_create']
    default: on_create
  manage_master_password:
    description:
      - Let AWS keep the admin password in a Secrets Manager secret (RV(cluster.master_password_secret_arn)).
      - Turning it off needs O(master_user_password).
    type: bool
    default: false
  master_password_secret_kms_key_id:
    description:
      - The KMS key of the secret AWS keeps the admin password in; only with O(manage_master_password=true), used
        when AWS starts managing the password.
    type: str
  db_name:
    description:
      - The name of the first database, 1 to 64 lowercase letters or digits. It cannot change afterwards.
    type: str
    default: dev
  subnet_group_name:
    description:
      - The cluster subnet group (and so the VPC). It cannot change afterwards.
    type: str
  vpc_security_group_ids:
    description:
      - The VPC security groups of the cluster, the complete list; the VPC's default group when unset at creation.
    type: list
    elements: str
  parameter_group_name:
    description:
      - The cluster parameter group; C(default.redshift-2.0) when unset at creation.
      - A new group applies at the next reboot (see O(reboot_to_apply_parameters)).
    type: str
  reboot_to_apply_parameters:
    description:
      - Reboot the cluster when its parameters are C(pending-reboot) (after a change of parameter group, or of
        the values of its group), then wait until it is available again.
    type: bool
    default: false
  automated_snapshot_retention_period:
    description:
      - Days automated snapshots are kept, 1 to 35 (RA3 and RG clusters cannot turn automated snapshots off).
    type: int
  preferred_maintenance_window:
    description:
      - Weekly maintenance window in UTC, C(ddd:hh24:mi-ddd:hh24:mi), at least 30 minutes, e.g. C(sun:05:00-sun:05:30).
    type: str
  port:
    description:
      - The port the cluster listens on; for RA3 and RG nodes within 5431-5455 or 8191-8215. 5439 when unset at
        creation.
    type: int
  allow_version_upgrade:
    description:
      - Let AWS apply major version upgrades in the maintenance window (Security Hub Redshift.6).
    type: bool
  multi_az:
    description:
      - Deploy the cluster in two Availability Zones (RA3, multi-node only; Security Hub Redshift.18).
    type: bool
  logging:
    description:
      - Audit logging (Security Hub Redshift.4); not managed when unset.
      - The user activity log also needs C(enable_user_activity_logging) in the parameter group.
    type: dict
    suboptions:
      enabled:
        description:
          - Whether audit logging is on.
        type: bool
        default: true
      log_destination_type:
        description:
          - Where the logs go.
        type: str
        choices: ['cloudwatch', 's3']
        default: cloudwatch
      log_exports:
        description:
          - The logs exported.
        type: list
        elements: str
        choices: ['connectionlog', 'userlog', 'useractivitylog']
        default: ['connectionlog', 'userlog', 'useractivitylog']
      bucket_name:
        description:
          - The S3 bucket, required with O(logging.log_destination_type=s3).
        type: str
      s3_key_prefix:
        description:
          - The prefix of the log objects in O(logging.bucket_name).
        type: str
  skip_final_snapshot:
    description:
      - With O(state=absent), delete without a final snapshot (the data is lost).
    type: bool
    default: false
  final_snapshot_identifier:
    description:
      - With O(state=absent), the identifier of the final snapshot taken before deletion; required unless
        O(skip_final_snapshot=true), with which it is refused.
    type: str
  wait:
    description:
      - Wait for the cluster to be available (or deleted) before returning.
      - The module always waits between changes that need the cluster available (a resize before another
        modification, or audit logging and a reboot after a change).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait, for each wait.
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
- name: Create an RA3 cluster with its admin password managed by AWS and audit logging to CloudWatch
  xyz.aws_database.redshift_cluster:
    identifier: xyz-warehouse
    region: us-east-2
    node_type: ra3.xlplus
    number_of_nodes: 2
    kms_key_id: alias/xyz-redshift
    master_username: xyzadmin
    manage_master_password: true
    subnet_group_name: xyz-warehouse
    vpc_security_group_ids: [sg-0123456789abcdef0]
    parameter_group_name: xyz-warehouse
    automated_snapshot_retention_period: 7
    preferred_maintenance_window: sun:05:00-sun:05:30
    logging:
      log_destination_type: cloudwatch
    tags:
      project: xyz

- name: Resize to four nodes and apply a new parameter group now
  xyz.aws_database.redshift_cluster:
    identifier: xyz-warehouse
    region: us-east-2
    node_type: ra3.xlplus
    number_of_nodes: 4
    master_username: xyzadmin
    manage_master_password: true
    parameter_group_name: xyz-warehouse-zero-etl
    reboot_to_apply_parameters: true

- name: Delete the cluster, keeping a final snapshot
  xyz.aws_database.redshift_cluster:
    identifier: xyz-warehouse
    region: us-east-2
    state: absent
    final_snapshot_identifier: xyz-warehouse-final
"""

RETURN = r"""
cluster:
  description:
    - The cluster as C(DescribeClusters) returns it, in snake_case, with its tags as a dict and its audit logging
      status; predicted in check mode; empty when the cluster does not exist.
  returned: always
  type: dict
  contains:
    cluster_identifier:
      description: The cluster identifier.
      type: str
      sample: xyz-warehouse
    cluster_status:
      description: The cluster's status.
      type: str
      sample: available
    cluster_namespace_arn:
      description: The ARN of the cluster's namespace (the target of a zero-ETL integration).
      type: str
      sample: arn:aws:redshift:us-east-2:123456789012:namespace:5f0e2b6e-4a0e-4a8e-9d55-0c1f0e0e0e0e
    node_type:
      description: The node type.
      type: str
      sample: ra3.xlplus
    number_of_nodes:
      description: The number of compute nodes.
      type: int
      sample: 2
    db_name:
      description: The first database.
      type: str
      sample: dev
    master_username:
      description: The admin user name.
      type: str
      sample: xyzadmin
    master_password_secret_arn:
      description: The Secrets Manager secret holding the admin password, when AWS manages it.
      type: str
      sample: arn:aws:secretsmanager:us-east-2:123456789012:secret:redshift!xyz-warehouse-xyzadmin-AbCdEf
    endpoint:
      description: The address and port clients connect to (once available).
      type: dict
      sample: {"address": "xyz-warehouse.abc123.us-east-2.redshift.amazonaws.com", "port": 5439}
    encrypted:
      description: Always true.
      type: bool
      sample: true
    kms_key_id:
      description: The KMS key encrypting the cluster, when not an AWS owned key.
      type: str
      sample: arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    publicly_accessible:
      description: Always false.
      type: bool
      sample: false
    enhanced_vpc_routing:
      description: Whether enhanced VPC routing is on.
      type: bool
      sample: true
    cluster_subnet_group_name:
      description: The subnet group.
      type: str
      sample: xyz-warehouse
    vpc_security_groups:
      description: The VPC security groups.
      type: list
      elements: dict
      sample: [{"vpc_security_group_id": "sg-0123456789abcdef0", "status": "active"}]
    cluster_parameter_groups:
      description: The parameter group and whether its values are applied (C(in-sync)) or C(pending-reboot).
      type: list
      elements: dict
      sample: [{"parameter_group_name": "xyz-warehouse", "parameter_apply_status": "in-sync"}]
    automated_snapshot_retention_period:
      description: Days automated snapshots are kept.
      type: int
      sample: 7
    preferred_maintenance_window:
      description: The weekly maintenance window.
      type: str
      sample: sun:05:00-sun:05:30
    multi_az:
      description: C(Enabled) or C(Disabled).
      type: str
      sample: Disabled
    logging:
      description: Audit logging, as O(logging) describes it (just C(enabled=false) when off).
      type: dict
      sample: {"enabled": true, "log_destination_type": "cloudwatch",
               "log_exports": ["connectionlog", "useractivitylog", "userlog"]}
    tags:
      description: The cluster's tags.
      type: dict
      sample: {"project": "xyz"}
"""

import copy
import re
import typing

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.xyz.aws_database.plugins.module_utils.modules import AnsibleXyzAWSModule, aws_retry
from ansible_collections.xyz.aws_database.plugins.module_utils.redshift import (
    AnsibleRedshiftError,
    RedshiftErrorHandler,
    arn_parts,
    ensure_tags,
    redshift_arn,
    same_kms_key,
    tags_of,
    wait_for_cluster,
)

if typing.TYPE_CHECKING:
    from typing import Any

# Redshift Management Guide, "Node type details": (single node allowed, most nodes at creation, most after resize).
# The RG types are NodeType values of the current API; their ranges are the API's general bound (1 to 100).
NODE_RULES: dict[str, tuple[bool, int, int]] = {
    "ra3.large": (True, 8, 16),
    "ra3.xlplus": (True, 16, 32),
    "ra3.4xlarge": (False, 32, 64),
    "ra3.16xlarge": (False, 128, 128),
    "rg.large": (True, 100, 100),
    "rg.xlarge": (True, 100, 100),
    "rg.4xlarge": (True, 100, 100),
    "rg.12xlarge": (True, 100, 100),
}
NODE_COUNT_BOUNDS = (1, 100)
# "For clusters with RG or RA3 nodes - Select a port within the ranges 5431-5455 or 8191-8215."
MODERN_PORTS = ((5431, 5455), (8191, 8215))
PORT_BOUNDS = (1150, 65535)
RETENTION_BOUNDS = (0, 35)
LOG_EXPORTS = ["connectionlog", "userlog", "useractivitylog"]
DEFAULT_ADMIN = "awsuser"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WINDOW = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun):(\d\d):(\d\d)-(mon|tue|wed|thu|fri|sat|sun):(\d\d):(\d\d)$")
USERNAME = re.compile(r"^[a-z][a-z0-9_+.@-]{0,127}$")
DB_NAME = re.compile(r"^[a-z0-9]{1,64}$")
SNAPSHOT_ID = re.compile(r"^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,254}(?<!-)$")
PASSWORD_FORBIDDEN = set("'\"\\/@")
DEFAULT_PARAMETER_GROUP = "default.redshift-2.0"
MULTI_NODE_MINIMUM = "cluster_type multi-node needs number_of_nodes of at least 2"
# Statuses from which a cluster becomes available by itself.
SETTLING = ("creating", "modifying", "rebooting", "resizing", "renaming", "updating-hsm", "rotating-keys")

# What AWS gives a new cluster for the options left unset (None: AWS chooses).
CREATE_DEFAULTS: dict[str, Any] = {
    "node_type": None,
    "number_of_nodes": 1,
    "encrypted": True,
    "kms_key_id": None,
    "publicly_accessible": False,
    "enhanced_vpc_routing": False,
    "master_username": None,
    "manage_master_password": False,
    "db_name": "dev",
    "subnet_group_name": None,
    "vpc_security_group_ids": None,
    "parameter_group_name": DEFAULT_PARAMETER_GROUP,
    "parameter_apply_status": "in-sync",
    "automated_snapshot_retention_period": 1,
    "preferred_maintenance_window": None,
    "port": 5439,
    "allow_version_upgrade": True,
    "multi_az": False,
    "logging": {"enabled": False},
    "tags": {},
}
# Option -> attribute of the view, for the options that are compared one to one.
PLAIN_OPTIONS = (
    "node_type",
    "number_of_nodes",
    "kms_key_id",
    "publicly_accessible",
    "enhanced_vpc_routing",
    "master_username",
    "manage_master_password",
    "db_name",
    "subnet_group_name",
    "parameter_group_name",
    "automated_snapshot_retention_period",
    "port",
    "allow_version_upgrade",
    "multi_az",
)
# Attributes that would need a new cluster: what changing them would cost.
REPLACING = {
    "db_name": "the first database's name cannot change",
    "master_username": "the admin user name cannot change",
    "subnet_group_name": "a cluster cannot move to another subnet group",
}
# ModifyCluster parameters of the attributes changed in the last, general call.
MODIFY_PARAMETERS = {
    "publicly_accessible": "PubliclyAccessible",
    "enhanced_vpc_routing": "EnhancedVpcRouting",
    "vpc_security_group_ids": "VpcSecurityGroupIds",
    "parameter_group_name": "ClusterParameterGroupName",
    "automated_snapshot_retention_period": "AutomatedSnapshotRetentionPeriod",
    "preferred_maintenance_window": "PreferredMaintenanceWindow",
    "port": "Port",
    "allow_version_upgrade": "AllowVersionUpgrade",
}


# --- validation ---------------------------------------------------------------------------------------------------


def _window_errors(window: str) -> list[str]:
    match = WINDOW.match(window.lower())
    if not match:
        return [f"preferred_maintenance_window must be ddd:hh24:mi-ddd:hh24:mi with days mon..sun (got {window})"]
    start_day, start_hour, start_minute, end_day, end_hour, end_minute = match.groups()
    if max(int(start_hour), int(end_hour)) > 23 or max(int(start_minute), int(end_minute)) > 59:
        return [f"preferred_maintenance_window has an invalid time (got {window})"]
    start = DAYS.index(start_day) * 1440 + int(start_hour) * 60 + int(start_minute)
    end = DAYS.index(end_day) * 1440 + int(end_hour) * 60 + int(end_minute)
    if (end - start) % (7 * 1440) < 30:
        return [f"preferred_maintenance_window must last at least 30 minutes (got {window})"]
    return []


def _password_errors(password: str) -> list[str]:
    rules = [
        8 <= len(password) <= 64,
        any(c.isupper() for c in password),
        any(c.islower() for c in password),
        any(c.isdigit() for c in password),
        all(33 <= ord(c) <= 126 and c not in PASSWORD_FORBIDDEN for c in password),
    ]
    if all(rules):
        return []
    return [
        "master_user_password must be 8 to 64 printable ASCII characters with an uppercase letter, a lowercase "
        "letter and a digit, and none of ' \" \\ / @"
    ]


def _node_count_errors(node_type: str | None, nodes: int | None, cluster_type: str | None, limit: int) -> list[str]:
    """The node rules of a cluster of `nodes` nodes of `node_type`, with at most `limit` nodes."""
    errors = []
    if cluster_type == "multi-node" and (nodes is None or nodes < 2):
        errors.append(f"{MULTI_NODE_MINIMUM} (got {nodes})")
    if cluster_type == "single-node" and nodes not in (None, 1):
        errors.append(f"cluster_type single-node allows only number_of_nodes 1 (got {nodes})")
    if nodes is None:
        return errors
    if not NODE_COUNT_BOUNDS[0] <= nodes <= NODE_COUNT_BOUNDS[1]:
        errors.append(f"number_of_nodes must be between 1 and 100 (got {nodes})")
    rule = NODE_RULES.get(node_type or "")
    if rule is None:
        return errors
    single_node, _create_max, _resize_max = rule
    if nodes == 1 and not single_node:
        errors.append(f"node_type {node_type} has no single-node clusters: number_of_nodes must be 2 or more (got 1)")
    if nodes > limit:
        errors.append(f"node_type {node_type} allows at most {limit} nodes here (got number_of_nodes {nodes})")
    return errors


def _logging_errors(logging: dict[str, Any] | None) -> list[str]:
    if not logging or not logging["enabled"]:
        return []
    if logging["log_destination_type"] == "s3" and not logging.get("bucket_name"):
        return ["logging.bucket_name is required with logging.log_destination_type s3"]
    if logging["log_destination_type"] == "cloudwatch" and (logging.get("bucket_name") or logging.get("s3_key_prefix")):
        return ["logging.bucket_name and logging.s3_key_prefix are only for logging.log_destination_type s3"]
    return []


def _absent_errors(params: dict[str, Any]) -> list[str]:
    skip, snapshot = params["skip_final_snapshot"], params["final_snapshot_identifier"]
    if not skip and not snapshot:
        return ["final_snapshot_identifier is required to delete a cluster unless skip_final_snapshot is true"]
    if skip and snapshot:
        return ["final_snapshot_identifier cannot be given with skip_final_snapshot true"]
    if snapshot and not SNAPSHOT_ID.match(snapshot):
        return [
            "final_snapshot_identifier must be 1 to 255 letters, digits or hyphens, start with a letter, and not "
            f"end with a hyphen or contain two consecutive hyphens (got {snapshot})"
        ]
    return []


def static_errors(params: dict[str, Any]) -> list[str]:
    """What is wrong with the options whatever the cluster's current state."""
    errors = [] if params["wait_delay"] >= 1 else [f"wait_delay must be at least 1 (got {params['wait_delay']})"]
    if params["state"] == "absent":
        return errors + _absent_errors(params)
    if not params["encrypted"]:
        errors.append(
            "encrypted must be true: AWS no longer creates unencrypted clusters and this module never decrypts one"
        )
    if params["publicly_accessible"]:
        errors.append("publicly_accessible must be false: this module never opens a cluster to the internet")
    username = params["master_username"]
    if username is not None and username.lower() == DEFAULT_ADMIN:
        errors.append(f"master_username must not be '{DEFAULT_ADMIN}', the default admin user name; choose another")
    elif username is not None and (not USERNAME.match(username) or username == "public"):
        errors.append(
            "master_username must be 1 to 128 lowercase letters, digits or _ + . @ -, start with a letter and not "
            f"be 'public' (got {username})"
        )
    if params["master_user_password"] is not None:
        errors += _password_errors(params["master_user_password"])
    if params["master_user_password"] is not None and params["manage_master_password"]:
        errors.append("master_user_password and manage_master_password true exclude each other")
    if params["master_password_secret_kms_key_id"] and not params["manage_master_password"]:
        errors.append("master_password_secret_kms_key_id needs manage_master_password true")
    if not DB_NAME.match(params["db_name"]):
        errors.append(f"db_name must be 1 to 64 lowercase letters or digits (got {params['db_name']})")
    node_type = params["node_type"]
    limit = NODE_RULES[node_type][2] if node_type else NODE_COUNT_BOUNDS[1]
    errors += _node_count_errors(node_type, params["number_of_nodes"], params["cluster_type"], limit)
    retention = params["automated_snapshot_retention_period"]
    if retention is not None and not RETENTION_BOUNDS[0] <= retention <= RETENTION_BOUNDS[1]:
        errors.append(f"automated_snapshot_retention_period must be between 0 and 35 (got {retention})")
    port = params["port"]
    if port is not None and not PORT_BOUNDS[0] <= port <= PORT_BOUNDS[1]:
        errors.append(f"port must be between 1150 and 65535 (got {port})")
    if params["preferred_maintenance_window"] is not None:
        errors += _window_errors(params["preferred_maintenance_window"])
    return errors + _logging_errors(params["logging"])


def _modern(node_type: str | None) -> bool:
    return bool(node_type) and node_type.split(".")[0] in ("ra3", "rg")


def _target_errors(current: dict[str, Any] | None, desired: dict[str, Any]) -> list[str]:
    """Rules that depend on the node type the cluster will have, checked when the value is set or changed."""
    errors = []
    node_type = desired["node_type"]
    changed = {key for key in desired if current is None or desired[key] != current.get(key)}
    port = desired["port"]
    in_range = port is None or any(low <= port <= high for low, high in MODERN_PORTS)
    if _modern(node_type) and "port" in changed and not in_range:
        errors.append(f"port must be within 5431-5455 or 8191-8215 for node_type {node_type} (got {port})")
    retention = desired["automated_snapshot_retention_period"]
    if _modern(node_type) and "automated_snapshot_retention_period" in changed and retention == 0:
        errors.append(
            f"automated_snapshot_retention_period must be 1 to 35 for node_type {node_type}: RA3 and RG clusters "
            "cannot turn automated snapshots off"
        )
    multi_az_possible = (node_type or "").startswith("ra3.") and desired["number_of_nodes"] >= 2
    if desired["multi_az"] and "multi_az" in changed and not multi_az_possible:
        errors.append("multi_az needs an RA3 node_type and number_of_nodes of at least 2")
    return errors


def create_errors(params: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    errors = [
        f"{name} is required to create a cluster" for name in ("node_type", "master_username") if not params[name]
    ]
    if not params["master_user_password"] and not params["manage_master_password"]:
        errors.append("master_user_password or manage_master_password true is required to create a cluster")
    if params["node_type"]:
        limit = NODE_RULES[params["node_type"]][1]
        errors += _node_count_errors(params["node_type"], desired["number_of_nodes"], None, limit)
    return errors + _target_errors(None, desired)


def modify_errors(params: dict[str, Any], current: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    errors = [
        f"{key} cannot change from {current[key]!r} to {desired[key]!r} on cluster {params['identifier']}: "
        f"{reason}; it would take a new cluster, and the data of this one would be lost. This module does not "
        "replace clusters (restore a snapshot into a new cluster instead)"
        for key, reason in REPLACING.items()
        if desired[key] != current[key]
    ]
    if (desired["node_type"], desired["number_of_nodes"]) != (current["node_type"], current["number_of_nodes"]):
        rule = NODE_RULES.get(desired["node_type"])
        limit = rule[2] if rule else NODE_COUNT_BOUNDS[1]
        errors += _node_count_errors(desired["node_type"], desired["number_of_nodes"], None, limit)
    if (
        current["manage_master_password"]
        and not desired["manage_master_password"]
        and not params["master_user_password"]
    ):
        errors.append(
            "the admin password is managed by AWS: to stop that (manage_master_password false), give "
            "master_user_password"
        )
    return errors + _target_errors(current, desired)


# --- reading the cluster ------------------------------------------------------------------------------------------


@RedshiftErrorHandler.list_error_handler("describe the cluster")
@aws_retry()
def describe_cluster(client: Any, identifier: str) -> dict[str, Any] | None:
    clusters = client.describe_clusters(ClusterIdentifier=identifier)["Clusters"]
    return clusters[0] if clusters else None


@RedshiftErrorHandler.list_error_handler("describe the cluster's audit logging", default_value={})
@aws_retry()
def describe_logging(client: Any, identifier: str) -> dict[str, Any]:
    return client.describe_logging_status(ClusterIdentifier=identifier)


def logging_view(status: dict[str, Any]) -> dict[str, Any]:
    if not status.get("LoggingEnabled"):
        return {"enabled": False}
    view = {
        "enabled": True,
        "log_destination_type": status.get("LogDestinationType") or "s3",
        "log_exports": sorted(status.get("LogExports") or []),
    }
    if view["log_destination_type"] == "s3":
        view.update(bucket_name=status.get("BucketName") or None, s3_key_prefix=status.get("S3KeyPrefix") or None)
    return view


def desired_logging(logging: dict[str, Any] | None) -> dict[str, Any] | None:
    if logging is None:
        return None
    if not logging["enabled"]:
        return {"enabled": False}
    view = {
        "enabled": True,
        "log_destination_type": logging["log_destination_type"],
        "log_exports": sorted(set(logging["log_exports"])),
    }
    if view["log_destination_type"] == "s3":
        view.update(bucket_name=logging["bucket_name"], s3_key_prefix=logging.get("s3_key_prefix") or None)
    return view


def cluster_view(cluster: dict[str, Any], logging: dict[str, Any]) -> dict[str, Any]:
    """The attributes this module manages, named as its options."""
    group = (cluster.get("ClusterParameterGroups") or [{}])[0]
    return {
        "node_type": cluster.get("NodeType"),
        "number_of_nodes": cluster.get("NumberOfNodes"),
        "encrypted": cluster.get("Encrypted"),
        "kms_key_id": cluster.get("KmsKeyId"),
        "publicly_accessible": cluster.get("PubliclyAccessible"),
        "enhanced_vpc_routing": cluster.get("EnhancedVpcRouting"),
        "master_username": cluster.get("MasterUsername"),
        "manage_master_password": bool(cluster.get("MasterPasswordSecretArn")),
        "db_name": cluster.get("DBName"),
        "subnet_group_name": cluster.get("ClusterSubnetGroupName"),
        "vpc_security_group_ids": sorted(g["VpcSecurityGroupId"] for g in cluster.get("VpcSecurityGroups") or []),
        "parameter_group_name": group.get("ParameterGroupName"),
        "parameter_apply_status": group.get("ParameterApplyStatus"),
        "automated_snapshot_retention_period": cluster.get("AutomatedSnapshotRetentionPeriod"),
        "preferred_maintenance_window": (cluster.get("PreferredMaintenanceWindow") or "").lower() or None,
        "port": (cluster.get("Endpoint") or {}).get("Port"),
        "allow_version_upgrade": cluster.get("AllowVersionUpgrade"),
        "multi_az": cluster.get("MultiAZ") == "Enabled",
        "logging": logging_view(logging),
        "tags": tags_of(cluster),
    }


def desired_view(params: dict[str, Any], current: dict[str, Any] | None, kms: Any) -> dict[str, Any]:
    """The attributes the cluster will have: the current (or AWS's defaults) with the options given."""
    desired = copy.deepcopy(current) if current else copy.deepcopy(CREATE_DEFAULTS)
    for name in PLAIN_OPTIONS:
        if params[name] is not None:
            desired[name] = params[name]
    if params["cluster_type"] == "single-node":
        desired["number_of_nodes"] = 1
    if current and params["kms_key_id"] and same_kms_key(kms, current["kms_key_id"], params["kms_key_id"]):
        desired["kms_key_id"] = current["kms_key_id"]
    if current and current["port"] is None:
        desired["port"] = None  # not known before the cluster is available
    desired["encrypted"] = True
    if params["vpc_security_group_ids"] is not None:
        desired["vpc_security_group_ids"] = sorted(set(params["vpc_security_group_ids"]))
    if params["preferred_maintenance_window"] is not None:
        desired["preferred_maintenance_window"] = params["preferred_maintenance_window"].lower()
    if params["logging"] is not None:
        desired["logging"] = desired_logging(params["logging"])
    if params["tags"] is not None:
        desired["tags"] = _tags_after(desired["tags"], params["tags"], params["purge_tags"])
    if desired["parameter_group_name"] != (current or CREATE_DEFAULTS)["parameter_group_name"] and current:
        desired["parameter_apply_status"] = "pending-reboot"
    if params["reboot_to_apply_parameters"]:
        desired["parameter_apply_status"] = "in-sync"
    return desired


def _tags_after(current: dict[str, str], wanted: dict[str, Any], purge: bool) -> dict[str, str]:
    after = {key: value for key, value in current.items() if not purge or key in wanted or key.startswith("aws:")}
    after.update({key: str(value) for key, value in wanted.items()})
    return after


# --- changing the cluster -----------------------------------------------------------------------------------------


@RedshiftErrorHandler.common_error_handler("create the cluster")
@aws_retry()
def _create_cluster(client: Any, **kwargs: Any) -> dict[str, Any]:
    return client.create_cluster(**kwargs)["Cluster"]


@RedshiftErrorHandler.common_error_handler("modify the cluster")
@aws_retry()
def _modify_cluster(client: Any, **kwargs: Any) -> dict[str, Any]:
    return client.modify_cluster(**kwargs)["Cluster"]


@RedshiftErrorHandler.common_error_handler("reboot the cluster")
@aws_retry()
def _reboot_cluster(client: Any, identifier: str) -> None:
    client.reboot_cluster(ClusterIdentifier=identifier)


@RedshiftErrorHandler.deletion_error_handler("delete the cluster")
@aws_retry()
def _delete_cluster(client: Any, **kwargs: Any) -> bool:
    client.delete_cluster(**kwargs)
    return True


@RedshiftErrorHandler.common_error_handler("enable audit logging")
@aws_retry()
def _enable_logging(client: Any, **kwargs: Any) -> None:
    client.enable_logging(**kwargs)


@RedshiftErrorHandler.common_error_handler("disable audit logging")
@aws_retry()
def _disable_logging(client: Any, identifier: str) -> None:
    client.disable_logging(ClusterIdentifier=identifier)


def _node_parameters(node_type: str, nodes: int) -> dict[str, Any]:
    if nodes == 1:
        return {"NodeType": node_type, "ClusterType": "single-node"}
    return {"NodeType": node_type, "ClusterType": "multi-node", "NumberOfNodes": nodes}


def create_parameters(params: dict[str, Any], desired: dict[str, Any]) -> dict[str, Any]:
    request = dict(
        ClusterIdentifier=params["identifier"],
        MasterUsername=params["master_username"],
        DBName=params["db_name"],
        Encrypted=True,
        PubliclyAccessible=False,
        EnhancedVpcRouting=desired["enhanced_vpc_routing"],
        **_node_parameters(params["node_type"], desired["number_of_nodes"]),
    )
    if params["manage_master_password"]:
        request["ManageMasterPassword"] = True
        if params["master_password_secret_kms_key_id"]:
            request["MasterPasswordSecretKmsKeyId"] = params["master_password_secret_kms_key_id"]
    else:
        request["MasterUserPassword"] = params["master_user_password"]
    optional = {
        "KmsKeyId": params["kms_key_id"],
        "ClusterSubnetGroupName": params["subnet_group_name"],
        "VpcSecurityGroupIds": params["vpc_security_group_ids"],
        "ClusterParameterGroupName": params["parameter_group_name"],
        "AutomatedSnapshotRetentionPeriod": params["automated_snapshot_retention_period"],
        "PreferredMaintenanceWindow": params["preferred_maintenance_window"],
        "Port": params["port"],
        "AllowVersionUpgrade": params["allow_version_upgrade"],
        "MultiAZ": params["multi_az"],
    }
    request.update({key: value for key, value in optional.items() if value is not None})
    if params["tags"]:
        request["Tags"] = ansible_dict_to_boto3_tag_list(params["tags"])
    return request


def modify_requests(params: dict[str, Any], current: dict[str, Any], desired: dict[str, Any]) -> list[dict[str, Any]]:
    """The ModifyCluster calls that bring the cluster to `desired`, one per kind of change AWS applies separately."""
    identifier = {"ClusterIdentifier": params["identifier"]}
    requests = []
    if (desired["node_type"], desired["number_of_nodes"]) != (current["node_type"], current["number_of_nodes"]):
        requests.append(dict(identifier, **_node_parameters(desired["node_type"], desired["number_of_nodes"])))
    if desired["kms_key_id"] != current["kms_key_id"]:
        requests.append(dict(identifier, Encrypted=True, KmsKeyId=desired["kms_key_id"]))
    if desired["multi_az"] != current["multi_az"]:
        requests.append(dict(identifier, MultiAZ=desired["multi_az"]))
    general = {
        parameter: desired[name] for name, parameter in MODIFY_PARAMETERS.items() if desired[name] != current[name]
    }
    if desired["manage_master_password"] and not current["manage_master_password"]:
        general["ManageMasterPassword"] = True
        if params["master_password_secret_kms_key_id"]:
            general["MasterPasswordSecretKmsKeyId"] = params["master_password_secret_kms_key_id"]
    elif current["manage_master_password"] and not desired["manage_master_password"]:
        general.update(ManageMasterPassword=False, MasterUserPassword=params["master_user_password"])
    elif params["master_user_password"] and params["update_password"] == "always":
        general["MasterUserPassword"] = params["master_user_password"]
    if general:
        requests.append(dict(identifier, **general))
    return requests


def logging_request(identifier: str, current: dict[str, Any] | None, desired: dict[str, Any]) -> dict[str, Any] | None:
    """The EnableLogging parameters (or {} to disable) when audit logging must change, else None."""
    if desired == (current or {"enabled": False}):
        return None
    if not desired["enabled"]:
        return {}
    request = {
        "ClusterIdentifier": identifier,
        "LogDestinationType": desired["log_destination_type"],
        "LogExports": desired["log_exports"],
    }
    if desired["log_destination_type"] == "s3":
        request["BucketName"] = desired["bucket_name"]
        if desired.get("s3_key_prefix"):
            request["S3KeyPrefix"] = desired["s3_key_prefix"]
    return request


class Waiting:
    """Waits of one run: for the cluster to settle between changes, and at the end when asked to."""

    def __init__(self, client: Any, params: dict[str, Any]) -> None:
        self.client = client
        self.identifier = params["identifier"]
        self.wait = params["wait"]
        self.timeout = params["wait_timeout"]
        self.delay = params["wait_delay"]
        self.unsettled = False

    def settle(self) -> None:
        if self.unsettled:
            wait_for_cluster(self.client, "cluster_available", self.identifier, self.timeout, self.delay)
            self.unsettled = False

    def finish(self) -> None:
        if self.wait:
            self.settle()


def apply_logging(client: Any, waiting: Waiting, request: dict[str, Any] | None) -> None:
    if request is None:
        return
    waiting.settle()
    if request:
        _enable_logging(client, **request)
    else:
        _disable_logging(client, waiting.identifier)


def apply_reboot(client: Any, waiting: Waiting, params: dict[str, Any]) -> None:
    """Reboot when asked and the parameters wait for one (read after the other changes have settled)."""
    if not params["reboot_to_apply_parameters"]:
        return
    waiting.settle()
    cluster = describe_cluster(client, params["identifier"]) or {}
    statuses = [group.get("ParameterApplyStatus") for group in cluster.get("ClusterParameterGroups") or []]
    if "pending-reboot" in statuses:
        _reboot_cluster(client, params["identifier"])
        waiting.unsettled = True


# --- the result ---------------------------------------------------------------------------------------------------


def cluster_result(cluster: dict[str, Any], view: dict[str, Any]) -> dict[str, Any]:
    result = camel_dict_to_snake_dict({key: value for key, value in cluster.items() if key != "Tags"})
    result.update(tags=view["tags"], logging=view["logging"])
    return result


def predicted_cluster(cluster: dict[str, Any], desired: dict[str, Any]) -> dict[str, Any]:
    """The snake_case cluster as it will be once `desired` is applied (check mode)."""
    result = copy.deepcopy(cluster)
    for name in (
        "node_type",
        "number_of_nodes",
        "encrypted",
        "kms_key_id",
        "publicly_accessible",
        "enhanced_vpc_routing",
        "master_username",
        "db_name",
        "automated_snapshot_retention_period",
        "preferred_maintenance_window",
        "allow_version_upgrade",
        "logging",
        "tags",
    ):
        result[name] = desired[name]
    result["cluster_subnet_group_name"] = desired["subnet_group_name"]
    if desired["vpc_security_group_ids"] is not None:
        result["vpc_security_groups"] = [
            {"vpc_security_group_id": group, "status": "active"} for group in desired["vpc_security_group_ids"]
        ]
    result["cluster_parameter_groups"] = [
        {
            "parameter_group_name": desired["parameter_group_name"],
            "parameter_apply_status": desired["parameter_apply_status"],
        }
    ]
    if desired["port"] is not None:
        result["endpoint"] = dict(result.get("endpoint") or {}, port=desired["port"])
    result["multi_az"] = "Enabled" if desired["multi_az"] else "Disabled"
    if not desired["manage_master_password"]:
        result.pop("master_password_secret_arn", None)
    return result


def finish(
    module: AnsibleXyzAWSModule, changed: bool, before: dict[str, Any], after: dict[str, Any], cluster: dict[str, Any]
) -> None:
    result: dict[str, Any] = {"changed": changed, "cluster": cluster}
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {"before": before, "after": after}
    module.exit_json(**result)


def fail_on(module: AnsibleXyzAWSModule, errors: list[str]) -> None:
    if errors:
        module.fail_json(msg="; ".join(errors))


# --- states -------------------------------------------------------------------------------------------------------


def ensure_absent(module: AnsibleXyzAWSModule, client: Any, cluster: dict[str, Any] | None) -> None:
    params = module.params
    if cluster is None:
        finish(module, False, {}, {}, {})
        return
    before = cluster_view(cluster, describe_logging(client, params["identifier"]))
    if cluster.get("ClusterStatus") == "deleting":
        if params["wait"] and not module.check_mode:
            wait_for_cluster(
                client, "cluster_deleted", params["identifier"], params["wait_timeout"], params["wait_delay"]
            )
        finish(module, False, before, {}, {})
        return
    if not module.check_mode:
        waiting = Waiting(client, params)
        waiting.unsettled = cluster.get("ClusterStatus") in SETTLING
        waiting.settle()
        request = {"ClusterIdentifier": params["identifier"], "SkipFinalClusterSnapshot": params["skip_final_snapshot"]}
        if params["final_snapshot_identifier"]:
            request["FinalClusterSnapshotIdentifier"] = params["final_snapshot_identifier"]
        _delete_cluster(client, **request)
        if params["wait"]:
            wait_for_cluster(
                client, "cluster_deleted", params["identifier"], params["wait_timeout"], params["wait_delay"]
            )
    finish(module, True, before, {}, {})


def ensure_created(module: AnsibleXyzAWSModule, client: Any, kms: Any) -> None:
    params = module.params
    desired = desired_view(params, None, kms)
    fail_on(module, create_errors(params, desired))
    if module.check_mode:
        predicted = predicted_cluster(
            {"cluster_identifier": params["identifier"], "cluster_status": "creating"}, desired
        )
        finish(module, True, {}, desired, predicted)
        return
    _create_cluster(client, **create_parameters(params, desired))
    waiting = Waiting(client, params)
    waiting.unsettled = True
    apply_logging(client, waiting, logging_request(params["identifier"], None, desired["logging"]))
    waiting.finish()
    cluster = describe_cluster(client, params["identifier"]) or {}
    after = cluster_view(cluster, describe_logging(client, params["identifier"]))
    finish(module, True, {}, after, cluster_result(cluster, after))


def ensure_modified(module: AnsibleXyzAWSModule, client: Any, kms: Any, cluster: dict[str, Any]) -> None:
    params = module.params
    current = cluster_view(cluster, describe_logging(client, params["identifier"]))
    desired = desired_view(params, current, kms)
    fail_on(module, modify_errors(params, current, desired))
    requests = modify_requests(params, current, desired)
    logging = logging_request(params["identifier"], current["logging"], desired["logging"])
    reboot = params["reboot_to_apply_parameters"] and (
        current["parameter_apply_status"] == "pending-reboot"
        or current["parameter_group_name"] != desired["parameter_group_name"]
    )
    arn = redshift_arn(*arn_parts(cluster["ClusterNamespaceArn"]), "cluster", params["identifier"])
    changed = bool(requests or logging is not None or reboot)
    if module.check_mode:
        tags_changed, _tags = ensure_tags(
            client,
            check_mode=True,
            arn=arn,
            current=current["tags"],
            desired=params["tags"],
            purge=params["purge_tags"],
        )
        predicted = predicted_cluster(cluster_result(cluster, current), desired)
        finish(module, changed or tags_changed, current, desired, predicted)
        return
    waiting = Waiting(client, params)
    for request in requests:
        waiting.settle()
        _modify_cluster(client, **request)
        waiting.unsettled = True
    apply_logging(client, waiting, logging)
    tags_changed, _tags = ensure_tags(
        client, check_mode=False, arn=arn, current=current["tags"], desired=params["tags"], purge=params["purge_tags"]
    )
    apply_reboot(client, waiting, params)
    waiting.finish()
    if not (changed or tags_changed):
        finish(module, False, current, current, cluster_result(cluster, current))
        return
    cluster = describe_cluster(client, params["identifier"]) or {}
    after = cluster_view(cluster, describe_logging(client, params["identifier"]))
    finish(module, True, current, after, cluster_result(cluster, after))


def ensure_present(module: AnsibleXyzAWSModule, client: Any, kms: Any, cluster: dict[str, Any] | None) -> None:
    params = module.params
    if cluster is None:
        ensure_created(module, client, kms)
        return
    status = cluster.get("ClusterStatus")
    if status == "deleting":
        module.fail_json(msg=f"Cluster {params['identifier']} is being deleted; run again once it is gone")
    if status in SETTLING and not module.check_mode:
        wait_for_cluster(
            client, "cluster_available", params["identifier"], params["wait_timeout"], params["wait_delay"]
        )
        cluster = describe_cluster(client, params["identifier"]) or cluster
    ensure_modified(module, client, kms, cluster)


def do(module: AnsibleXyzAWSModule) -> None:
    fail_on(module, static_errors(module.params))
    client = module.client("redshift", retry_decorator=aws_retry())
    kms = module.client("kms", retry_decorator=aws_retry())
    cluster = describe_cluster(client, module.params["identifier"])
    if module.params["state"] == "absent":
        ensure_absent(module, client, cluster)
    else:
        ensure_present(module, client, kms, cluster)


def main() -> None:
    logging_options = {
        "enabled": {"type": "bool", "default": True},
        "log_destination_type": {"type": "str", "choices": ["cloudwatch", "s3"], "default": "cloudwatch"},
        "log_exports": {"type": "list", "elements": "str", "choices": LOG_EXPORTS, "default": LOG_EXPORTS},
        "bucket_name": {"type": "str"},
        "s3_key_prefix": {"type": "str", "no_log": False},
    }
    argument_spec = {
        "identifier": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "node_type": {"type": "str", "choices": list(NODE_RULES)},
        "number_of_nodes": {"type": "int"},
        "cluster_type": {"type": "str", "choices": ["single-node", "multi-node"]},
        "encrypted": {"type": "bool", "default": True},
        "kms_key_id": {"type": "str"},
        "publicly_accessible": {"type": "bool", "default": False},
        "enhanced_vpc_routing": {"type": "bool", "default": True},
        "master_username": {"type": "str"},
        "master_user_password": {"type": "str", "no_log": True},
        "update_password": {"type": "str", "choices": ["always", "on_create"], "default": "on_create", "no_log": False},
        "manage_master_password": {"type": "bool", "default": False, "no_log": False},
        "master_password_secret_kms_key_id": {"type": "str", "no_log": False},
        "db_name": {"type": "str", "default": "dev"},
        "subnet_group_name": {"type": "str"},
        "vpc_security_group_ids": {"type": "list", "elements": "str"},
        "parameter_group_name": {"type": "str"},
        "reboot_to_apply_parameters": {"type": "bool", "default": False},
        "automated_snapshot_retention_period": {"type": "int"},
        "preferred_maintenance_window": {"type": "str"},
        "port": {"type": "int"},
        "allow_version_upgrade": {"type": "bool"},
        "multi_az": {"type": "bool"},
        "logging": {"type": "dict", "options": logging_options},
        "skip_final_snapshot": {"type": "bool", "default": False},
        "final_snapshot_identifier": {"type": "str"},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
        "wait": {"type": "bool", "default": True},
        "wait_timeout": {"type": "int", "default": 1800},
        "wait_delay": {"type": "int", "default": 15},
    }
    module = AnsibleXyzAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        do(module)
    except AnsibleRedshiftError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
