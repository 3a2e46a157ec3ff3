#!/usr/bin/python

# Copyright: XYZ Corporation
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: rds_global_cluster
version_added: 0.1.0
short_description: Manage an Aurora Global Database (an RDS global cluster) and its secondary clusters
description:
  - Creates an Aurora Global Database from an existing primary DB cluster (O(source_db_cluster_identifier)),
    or an empty one from O(engine) and O(engine_version).
  - Adds secondary clusters in other regions (O(secondary_clusters)) with CreateDBCluster and
    C(GlobalClusterIdentifier), without credentials (a secondary inherits them from the primary).
    A secondary is created without DB instances; add its instances with M(amazon.aws.rds_instance).
  - Removes members (RemoveFromGlobalCluster) with O(purge_secondary_clusters), or every member with
    O(state=absent) and O(remove_members). A removed cluster is B(not deleted) - AWS detaches it and it
    becomes a standalone, writable cluster in its region; delete it with M(amazon.aws.rds_cluster) if it is not wanted.
  - Deletes the global cluster with O(state=absent); it refuses while members remain unless O(remove_members=true).
  - Before any change it checks with DescribeDBEngineVersions that the engine version supports global databases
    (C(SupportsGlobalDatabases)) in the primary region and in each new secondary's region.
  - The settings of existing member clusters (subnet groups, security groups, instances, tags) are managed with
    M(amazon.aws.rds_cluster) and M(amazon.aws.rds_instance); this module manages the global cluster and its membership.
author:
  - XYZ Corporation database team (@xyz)
options:
  global_cluster_identifier:
    description:
      - The identifier of the global cluster. AWS stores it in lowercase.
      - 1 to 63 letters, digits or hyphens; it starts with a letter, does not end with a hyphen and has no two
        consecutive hyphens.
    type: str
    required: true
    aliases: ['id']
  state:
    description:
      - V(present) creates the global cluster if needed, adds missing secondary clusters and, with
        O(purge_secondary_clusters=true), removes members that are not listed.
      - V(absent) deletes the global cluster (see O(remove_members)).
    type: str
    choices: ['present', 'absent']
    default: present
  source_db_cluster_identifier:
    description:
      - The primary cluster of a new global cluster, by its ARN (C(arn:aws:rds:<region>:<account>:cluster:<id>));
        a plain cluster identifier names a cluster in the module's O(region).
      - The global cluster takes the primary's engine, engine version, database name and encryption, so this
        option excludes O(engine), O(engine_version), O(database_name) and O(storage_encrypted).
      - On an existing global cluster it must name a member (AWS cannot add an existing cluster to a global
        database); if it is no longer the writer (after a switchover or a failover) the module warns and does not
        switch the writer back.
    type: str
  engine:
    description:
      - The engine of a new, empty global cluster (no O(source_db_cluster_identifier)). Its first member, the
        primary, is then created with M(amazon.aws.rds_cluster) (O(global_cluster_identifier), credentials).
      - An existing global cluster keeps its engine; a different value fails, since it would need a new global
        database.
    type: str
    choices: ['aurora-mysql', 'aurora-postgresql']
  engine_version:
    description:
      - The engine version of a new, empty global cluster. If omitted AWS uses the engine's default version.
      - On an existing global cluster a different value only warns (AWS upgrades engine versions in place;
        this module does not start upgrades).
    type: str
  database_name:
    description:
      - The database name of a new, empty global cluster. Creation only (a different value on an existing global
        cluster warns).
    type: str
  storage_encrypted:
    description:
      - Whether a new, empty global cluster is encrypted. An existing global cluster keeps its encryption; a
        different value fails, since it would need a new global database.
    type: bool
  deletion_protection:
    description:
      - Whether the global cluster can be deleted. Applied at creation and with ModifyGlobalCluster afterwards.
      - With O(state=absent), a protected global cluster is deleted only when O(deletion_protection=false) is
        given explicitly (protection is lifted first); otherwise the module fails.
    type: bool
  secondary_clusters:
    description:
      - Secondary clusters the global cluster must have, one per region, none in the primary's region.
      - A listed cluster that is not a member is created with CreateDBCluster in its region; a cluster of that
        identifier that already exists there, outside the global cluster, is refused (AWS cannot attach it).
      - The options below apply when the secondary is created; an existing member is left as it is.
      - A global cluster without members (created from O(engine)) has no primary to replicate, so it takes no
        secondaries until its primary has joined.
    type: list
    elements: dict
    default: []
    suboptions:
      db_cluster_identifier:
        description: The identifier of the secondary cluster in its region.
        type: str
        required: true
      region:
        description: The secondary's region, different from the primary's.
        type: str
        required: true
      db_subnet_group_name:
        description: A DB subnet group in the secondary's region.
        type: str
      vpc_security_group_ids:
        description: VPC security groups in the secondary's region.
        type: list
        elements: str
      kms_key_id:
        description:
          - A KMS key in the secondary's region, for an encrypted global cluster. Without it AWS uses the
            account's default RDS key of that region.
        type: str
      db_cluster_parameter_group_name:
        description: A DB cluster parameter group in the secondary's region.
        type: str
      enable_cloudwatch_logs_exports:
        description:
          - Logs the new secondary cluster publishes to CloudWatch Logs (for Aurora MySQL C(audit), C(error),
            C(general), C(slowquery)). Set when the secondary is created, like its other options here.
        type: list
        elements: str
      tags:
        description: Tags of the new secondary cluster.
        type: dict
  purge_secondary_clusters:
    description:
      - With O(state=present), remove (RemoveFromGlobalCluster) every member that is neither listed in
        O(secondary_clusters) nor the primary (the writer, or O(source_db_cluster_identifier)).
      - Removed clusters keep running as standalone clusters in their regions.
    type: bool
    default: false
  remove_members:
    description:
      - With O(state=absent), remove every member first (the secondaries, then the primary), then delete the
        global cluster. The removed clusters keep running as standalone clusters.
      - Without it the module fails while the global cluster has members, naming them.
    type: bool
    default: false
  wait:
    description:
      - Wait until the global cluster is C(available) (and new secondaries are C(available) in their regions),
        or gone with O(state=absent).
      - A step that another depends on is always waited for (the creation before secondaries are added, each
        removal before the primary's removal and the deletion).
    type: bool
    default: true
  wait_timeout:
    description: How many seconds the module waits in all.
    type: int
    default: 1800
  wait_delay:
    description: Seconds between two status polls (at least 1).
    type: int
    default: 15
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Make the primary cluster the writer of a global database, with a secondary in us-west-2
  xyz.aws_database.rds_global_cluster:
    region: us-east-2
    global_cluster_identifier: xyz-prod-orders
    source_db_cluster_identifier: "{{ primary_cluster.db_cluster_arn }}"
    deletion_protection: true
    secondary_clusters:
      - db_cluster_identifier: xyz-prod-orders-usw2
        region: us-west-2
        db_subnet_group_name: xyz-prod-usw2
        vpc_security_group_ids: ["sg-0123456789abcdef0"]
        kms_key_id: alias/xyz-prod-aurora
        tags:
          environment: prod
  register: global_database

- name: Remove the us-west-2 secondary (it stays as a standalone cluster)
  xyz.aws_database.rds_global_cluster:
    region: us-east-2
    global_cluster_identifier: xyz-prod-orders
    secondary_clusters: []
    purge_secondary_clusters: true

- name: Delete the global database, detaching its members first
  xyz.aws_database.rds_global_cluster:
    region: us-east-2
    global_cluster_identifier: xyz-prod-orders
    state: absent
    remove_members: true
    deletion_protection: false
"""

RETURN = r"""
global_cluster:
  description:
    - The global cluster (after the change; predicted in check mode). Empty when it does not exist.
  returned: always
  type: dict
  contains:
    global_cluster_identifier:
      description: The identifier.
      returned: when the global cluster exists
      type: str
      sample: xyz-prod-orders
    global_cluster_arn:
      description: The ARN (global clusters have no region in their ARN).
      returned: when the global cluster exists
      type: str
      sample: "arn:aws:rds::123456789012:global-cluster:xyz-prod-orders"
    global_cluster_resource_id:
      description: The AWS resource id.
      returned: when the global cluster exists
      type: str
      sample: cluster-3c2a8a9f
    status:
      description: The status, for example C(creating), C(available), C(modifying), C(deleting).
      returned: when the global cluster exists
      type: str
      sample: available
    engine:
      description: The engine.
      returned: when the global cluster exists
      type: str
      sample: aurora-mysql
    engine_version:
      description: The engine version.
      returned: when the global cluster exists
      type: str
      sample: 8.0.mysql_aurora.3.08.2
    database_name:
      description: The database name.
      returned: when it has one
      type: str
    storage_encrypted:
      description: Whether storage is encrypted.
      returned: when the global cluster exists
      type: bool
    deletion_protection:
      description: Whether deletion protection is on.
      returned: when the global cluster exists
      type: bool
    endpoint:
      description: The writer endpoint of the global database (AWS's global endpoint).
      returned: when AWS reports it
      type: str
    failover_state:
      description: The state of a switchover or failover in progress.
      returned: when one is in progress
      type: dict
    global_cluster_members:
      description: The member clusters.
      returned: when the global cluster exists
      type: list
      elements: dict
      contains:
        db_cluster_arn:
          description: The member's ARN.
          returned: always
          type: str
          sample: "arn:aws:rds:us-east-2:123456789012:cluster:xyz-prod-orders"
        is_writer:
          description: Whether the member is the primary (the writer).
          returned: always
          type: bool
        readers:
          description: On the writer, the ARNs of the secondaries.
          returned: always
          type: list
          elements: str
        global_write_forwarding_status:
          description: Whether write forwarding is enabled on a secondary.
          returned: when AWS reports it
          type: str
        synchronization_status:
          description: Whether a secondary is in sync with the primary (C(connected)).
          returned: when AWS reports it
          type: str
    tags:
      description: The global cluster's tags.
      returned: when the global cluster exists
      type: dict
primary_cluster_arn:
  description: The ARN of the writer member, or null when there is none.
  returned: always
  type: str
  sample: "arn:aws:rds:us-east-2:123456789012:cluster:xyz-prod-orders"
secondary_cluster_arns:
  description: The ARNs of the other members.
  returned: always
  type: list
  elements: str
  sample: ["arn:aws:rds:us-west-2:123456789012:cluster:xyz-prod-orders-usw2"]
"""

import copy
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)
from ansible_collections.amazon.aws.plugins.module_utils.waiter import BaseWaiterFactory

from ansible_collections.xyz.aws_database.plugins.module_utils.modules import AnsibleXyzAWSModule, aws_retry

IDENTIFIER = re.compile(r"^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
CLUSTER_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):rds:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):cluster:(?P<name>[A-Za-z0-9-]+)$"
)
GLOBAL_ARN = re.compile(r"^arn:(?P<partition>aws[a-z-]*):rds::(?P<account>\d{12}):global-cluster:")
# DB cluster states from which a new secondary does not become available.
CLUSTER_DEAD_ENDS = ("deleting", "deleted", "failed", "incompatible-parameters", "inaccessible-encryption-credentials")
# Keys of CreateGlobalCluster that AWS takes from the source cluster when one is given.
CREATION_ONLY = ("engine", "engine_version", "database_name", "storage_encrypted")

RdsClient = Any  # a boto3 RDS client wrapped by RetryingBotoClientWrapper (calls take aws_retry=True)
GlobalCluster = dict[str, Any]  # a GlobalClusters[] entry of DescribeGlobalClusters (AWS's CamelCase keys)


class AnsibleRdsGlobalClusterError(AnsibleAWSError):
    pass


class GlobalClusterErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleRdsGlobalClusterError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("GlobalClusterNotFoundFault")


class DBClusterErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleRdsGlobalClusterError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("DBClusterNotFoundFault")


def _refuse(message: str) -> AnsibleRdsGlobalClusterError:
    return AnsibleRdsGlobalClusterError(message=message)


# ---------------------------------------------------------------- waiters


def _retry_while_missing(code: str) -> dict[str, Any]:
    return {"state": "retry", "matcher": "error", "expected": code}


class GlobalClusterWaiterFactory(BaseWaiterFactory):
    """Waiters botocore lacks; BaseWaiterFactory adds retries on throttling to each of them."""

    @property
    def _waiter_model_data(self) -> dict[str, Any]:
        dead_ends = [
            {"state": "failure", "matcher": "pathAny", "argument": "DBClusters[].Status", "expected": status}
            for status in CLUSTER_DEAD_ENDS
        ]
        return {
            "global_cluster_available": {
                "operation": "DescribeGlobalClusters",
                "delay": 15,
                "maxAttempts": 120,
                "acceptors": [
                    {
                        "state": "success",
                        "matcher": "pathAll",
                        "argument": "GlobalClusters[].Status",
                        "expected": "available",
                    },
                    _retry_while_missing("GlobalClusterNotFoundFault"),
                ],
            },
            "global_cluster_deleted": {
                "operation": "DescribeGlobalClusters",
                "delay": 15,
                "maxAttempts": 120,
                "acceptors": [
                    {"state": "success", "matcher": "error", "expected": "GlobalClusterNotFoundFault"},
                    {
                        "state": "success",
                        "matcher": "path",
                        "argument": "length(GlobalClusters[]) == `0`",
                        "expected": True,
                    },
                ],
            },
            "db_cluster_available": {
                "operation": "DescribeDBClusters",
                "delay": 15,
                "maxAttempts": 120,
                "acceptors": [
                    {
                        "state": "success",
                        "matcher": "pathAll",
                        "argument": "DBClusters[].Status",
                        "expected": "available",
                    },
                    *dead_ends,
                    _retry_while_missing("DBClusterNotFoundFault"),
                ],
            },
        }


class MemberRemovedWaiterFactory(BaseWaiterFactory):
    """Waits until a member has left the global cluster and the global cluster is available again."""

    def __init__(self, member_arn: str) -> None:
        self._member_arn = member_arn
        super().__init__()

    @property
    def _waiter_model_data(self) -> dict[str, Any]:
        gone = f"length(GlobalClusters[].GlobalClusterMembers[?DBClusterArn=='{self._member_arn}'][]) == `0`"
        return {
            "global_cluster_member_removed": {
                "operation": "DescribeGlobalClusters",
                "delay": 15,
                "maxAttempts": 120,
                "acceptors": [
                    {
                        "state": "success",
                        "matcher": "path",
                        "argument": f"{gone} && GlobalClusters[0].Status == 'available'",
                        "expected": True,
                    },
                ],
            },
        }


@dataclass
class Waiting:
    """The wait options, with one deadline for every wait of the run."""

    enabled: bool
    delay: int
    deadline: float

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Waiting:
        return cls(params["wait"], params["wait_delay"], time.monotonic() + params["wait_timeout"])

    def config(self) -> dict[str, int]:
        remaining = max(0.0, self.deadline - time.monotonic())
        return {"Delay": self.delay, "MaxAttempts": max(1, int(remaining // self.delay) + 1)}


def _wait(waiter: Any, description: str, waiting: Waiting, **params: Any) -> None:
    GlobalClusterErrorHandler.common_error_handler(f"wait for {description}")(waiter.wait)(
        WaiterConfig=waiting.config(), **params
    )


def wait_global_cluster(client: RdsClient, identifier: str, waiter_name: str, waiting: Waiting) -> None:
    waiter = GlobalClusterWaiterFactory().get_waiter(client, waiter_name)
    description = f"global cluster {identifier} to be {waiter_name.rsplit('_', 1)[-1]}"
    _wait(waiter, description, waiting, GlobalClusterIdentifier=identifier)


def wait_member_removed(client: RdsClient, identifier: str, member_arn: str, waiting: Waiting) -> None:
    waiter = MemberRemovedWaiterFactory(member_arn).get_waiter(client, "global_cluster_member_removed")
    _wait(waiter, f"{member_arn} to leave global cluster {identifier}", waiting, GlobalClusterIdentifier=identifier)


def wait_db_cluster_available(client: RdsClient, db_cluster_identifier: str, waiting: Waiting) -> None:
    waiter = GlobalClusterWaiterFactory().get_waiter(client, "db_cluster_available")
    _wait(
        waiter, f"cluster {db_cluster_identifier} to be available", waiting, DBClusterIdentifier=db_cluster_identifier
    )


# ---------------------------------------------------------------- clients and AWS calls


class RdsClients:
    """RDS clients by region (the module's region by default), made once each."""

    def __init__(self, factory: Callable[[str], RdsClient], home_region: str) -> None:
        self._factory = factory
        self.home_region = home_region
        self._made: dict[str, RdsClient] = {}

    def __call__(self, region: str | None = None) -> RdsClient:
        region = region or self.home_region
        if region not in self._made:
            self._made[region] = self._factory(region)
        return self._made[region]


@GlobalClusterErrorHandler.list_error_handler("describe global cluster")
def describe_global_cluster(client: RdsClient, identifier: str) -> GlobalCluster | None:
    found = client.describe_global_clusters(aws_retry=True, GlobalClusterIdentifier=identifier)["GlobalClusters"]
    return found[0] if found else None


@DBClusterErrorHandler.list_error_handler("describe DB cluster")
def describe_db_cluster(client: RdsClient, identifier: str) -> dict[str, Any] | None:
    found = client.describe_db_clusters(aws_retry=True, DBClusterIdentifier=identifier)["DBClusters"]
    return found[0] if found else None


@DBClusterErrorHandler.common_error_handler("describe DB engine versions")
@aws_retry()
def describe_engine_versions(client: RdsClient, **filters: Any) -> list[dict[str, Any]]:
    paginator = client.get_paginator("describe_db_engine_versions")
    return paginator.paginate(**filters).build_full_result()["DBEngineVersions"]


@GlobalClusterErrorHandler.common_error_handler("create global cluster")
def create_global_cluster(client: RdsClient, request: dict[str, Any]) -> None:
    client.create_global_cluster(aws_retry=True, **request)


@GlobalClusterErrorHandler.common_error_handler("modify global cluster")
def modify_global_cluster(client: RdsClient, identifier: str, deletion_protection: bool) -> None:
    client.modify_global_cluster(
        aws_retry=True, GlobalClusterIdentifier=identifier, DeletionProtection=deletion_protection
    )


@GlobalClusterErrorHandler.common_error_handler("remove a member from the global cluster")
def remove_from_global_cluster(client: RdsClient, identifier: str, member_arn: str) -> None:
    client.remove_from_global_cluster(
        aws_retry=True, GlobalClusterIdentifier=identifier, DbClusterIdentifier=member_arn
    )


@GlobalClusterErrorHandler.deletion_error_handler("delete global cluster")
def delete_global_cluster(client: RdsClient, identifier: str) -> None:
    client.delete_global_cluster(aws_retry=True, GlobalClusterIdentifier=identifier)


@DBClusterErrorHandler.common_error_handler("create secondary DB cluster")
def create_secondary_cluster(client: RdsClient, request: dict[str, Any]) -> None:
    client.create_db_cluster(aws_retry=True, **request)


# ---------------------------------------------------------------- cluster references and members


@dataclass(frozen=True)
class ClusterRef:
    """A DB cluster by region and identifier (RDS compares identifiers in lowercase)."""

    region: str
    name: str

    @classmethod
    def of(cls, reference: str, default_region: str) -> ClusterRef:
        match = CLUSTER_ARN.match(reference)
        if match:
            return cls(match["region"], match["name"].lower())
        return cls(default_region, reference.lower())


def _members(global_cluster: GlobalCluster | None) -> list[dict[str, Any]]:
    return list((global_cluster or {}).get("GlobalClusterMembers") or [])


def _writer_arn(global_cluster: GlobalCluster | None) -> str | None:
    return next((m["DBClusterArn"] for m in _members(global_cluster) if m.get("IsWriter")), None)


def _member_arns_by_ref(global_cluster: GlobalCluster | None) -> dict[ClusterRef, str]:
    return {ClusterRef.of(m["DBClusterArn"], ""): m["DBClusterArn"] for m in _members(global_cluster)}


def _cluster_arn(global_cluster: GlobalCluster, ref: ClusterRef) -> str:
    """The ARN a new member will have: the global cluster's partition and account, the member's region."""
    match = GLOBAL_ARN.match(global_cluster.get("GlobalClusterArn") or "")
    if not match:
        raise _refuse(f"Cannot tell the account of global cluster {global_cluster['GlobalClusterIdentifier']}")
    return f"arn:{match['partition']}:rds:{ref.region}:{match['account']}:cluster:{ref.name}"


# ---------------------------------------------------------------- validation


def _identifier_problem(option: str, value: str) -> str | None:
    if IDENTIFIER.match(value):
        return None
    return (
        f"{option} must be 1 to 63 letters, digits or hyphens, start with a letter, not end with a hyphen and "
        f"have no two consecutive hyphens (got {value!r})"
    )


def _secondaries_problems(secondaries: list[dict[str, Any]]) -> list[str]:
    problems = []
    regions: dict[str, int] = {}
    for index, entry in enumerate(secondaries):
        option = f"secondary_clusters[{index}]"
        problems.append(_identifier_problem(f"{option}.db_cluster_identifier", entry["db_cluster_identifier"]))
        if not REGION.match(entry["region"]):
            problems.append(f"{option}.region must be an AWS region name such as us-west-2 (got {entry['region']!r})")
        elif entry["region"] in regions:
            first = f"secondary_clusters[{regions[entry['region']]}]"
            problems.append(
                f"{option}.region {entry['region']} is already the region of {first}: a global database has at most "
                "one cluster per region"
            )
        regions.setdefault(entry["region"], index)
    return [p for p in problems if p]


def validate_params(params: dict[str, Any]) -> None:
    """Checks that need no AWS call; each message names the option and what it accepts."""
    problems = [_identifier_problem("global_cluster_identifier", params["global_cluster_identifier"])]
    if params["wait_delay"] < 1:
        problems.append(f"wait_delay must be at least 1 (got {params['wait_delay']})")
    if params["wait_timeout"] < 0:
        problems.append(f"wait_timeout must be 0 or more (got {params['wait_timeout']})")
    source = params.get("source_db_cluster_identifier")
    if source and not CLUSTER_ARN.match(source):
        problems.append(_identifier_problem("source_db_cluster_identifier (an ARN or a cluster identifier)", source))
    problems.extend(_secondaries_problems(params["secondary_clusters"]))
    problems = [p for p in problems if p]
    if problems:
        raise _refuse("; ".join(problems))


def engine_version_problem(client: RdsClient, engine: str, version: str | None, region: str) -> str | None:
    """Why `engine` `version` (None: the default one) cannot run a global database in `region`, or None."""
    if version:
        found = describe_engine_versions(client, Engine=engine, EngineVersion=version)
    else:
        found = describe_engine_versions(client, Engine=engine, DefaultOnly=True)
    if not found:
        return f"{engine} {version or '(default version)'} is not an engine version AWS offers in {region}"
    if all(v.get("SupportsGlobalDatabases") for v in found):
        return None
    offered = describe_engine_versions(client, Engine=engine)
    supporting = [v["EngineVersion"] for v in offered if v.get("SupportsGlobalDatabases")]
    return (
        f"{engine} {found[0]['EngineVersion']} does not support Aurora Global Database in {region} "
        f"(SupportsGlobalDatabases is false); versions that do: {', '.join(supporting) or 'none'}"
    )


# ---------------------------------------------------------------- the plan


@dataclass
class Plan:
    """What the run changes, decided (and validated) before the first mutating call."""

    create: dict[str, Any] | None = None  # CreateGlobalCluster request
    source: dict[str, Any] | None = None  # the source cluster of `create`
    deletion_protection: bool | None = None  # ModifyGlobalCluster
    add: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (region, CreateDBCluster request)
    remove: list[str] = field(default_factory=list)  # member ARNs, in removal order
    delete: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.create or self.deletion_protection is not None or self.add or self.remove or self.delete)


def _plan_creation(clients: RdsClients, params: dict[str, Any], plan: Plan) -> None:
    identifier = params["global_cluster_identifier"].lower()
    request: dict[str, Any] = {"GlobalClusterIdentifier": identifier}
    if params["deletion_protection"] is not None:
        request["DeletionProtection"] = params["deletion_protection"]
    source_reference = params["source_db_cluster_identifier"]
    if source_reference:
        ref = ClusterRef.of(source_reference, clients.home_region)
        source = describe_db_cluster(clients(ref.region), ref.name)
        if source is None:
            raise _refuse(f"source_db_cluster_identifier: cluster {ref.name} does not exist in {ref.region}")
        if source.get("Engine") not in ("aurora-mysql", "aurora-postgresql"):
            raise _refuse(
                f"source_db_cluster_identifier: cluster {ref.name} runs {source.get('Engine')}; "
                "a global database needs aurora-mysql or aurora-postgresql"
            )
        if source.get("GlobalClusterIdentifier"):
            raise _refuse(
                f"source_db_cluster_identifier: cluster {ref.name} is already a member of global cluster "
                f"{source['GlobalClusterIdentifier']}"
            )
        problem = engine_version_problem(clients(ref.region), source["Engine"], source.get("EngineVersion"), ref.region)
        if problem:
            raise _refuse(f"source_db_cluster_identifier: cluster {ref.name} runs {problem}")
        request["SourceDBClusterIdentifier"] = source["DBClusterArn"]
        plan.source = source
    elif params["engine"]:
        problem = engine_version_problem(clients(), params["engine"], params["engine_version"], clients.home_region)
        if problem:
            raise _refuse(f"engine_version: {problem}")
        request["Engine"] = params["engine"]
        optional = {
            "EngineVersion": params["engine_version"],
            "DatabaseName": params["database_name"],
            "StorageEncrypted": params["storage_encrypted"],
        }
        request.update({key: value for key, value in optional.items() if value is not None})
    else:
        raise _refuse(
            f"global cluster {identifier} does not exist: set source_db_cluster_identifier (the primary cluster's "
            "ARN) or engine to create it"
        )
    plan.create = request


def _plan_settings(params: dict[str, Any], current: GlobalCluster, clients: RdsClients, plan: Plan) -> None:
    """Compare an existing global cluster with the creation settings and deletion_protection."""
    identifier = current["GlobalClusterIdentifier"]
    if params["engine"] and params["engine"] != current.get("Engine"):
        raise _refuse(
            f"engine: global cluster {identifier} runs {current.get('Engine')}; changing it to {params['engine']} "
            "would need a new global database (its data would be lost), which this module does not do"
        )
    if params["storage_encrypted"] is not None and params["storage_encrypted"] != current.get("StorageEncrypted"):
        raise _refuse(
            f"storage_encrypted: global cluster {identifier} has StorageEncrypted={current.get('StorageEncrypted')}; "
            "changing it would need a new global database (its data would be lost), which this module does not do"
        )
    for option, key in (("engine_version", "EngineVersion"), ("database_name", "DatabaseName")):
        if params[option] is not None and params[option] != current.get(key):
            plan.warnings.append(
                f"{option} {params[option]} differs from global cluster {identifier}'s {current.get(key)}; "
                f"{option} applies only at creation and was not changed"
            )
    source_reference = params["source_db_cluster_identifier"]
    if source_reference:
        ref = ClusterRef.of(source_reference, clients.home_region)
        members = _member_arns_by_ref(current)
        if ref not in members:
            raise _refuse(
                f"source_db_cluster_identifier: cluster {ref.name} ({ref.region}) is not a member of global cluster "
                f"{identifier} (members: {', '.join(members.values()) or 'none'}); AWS cannot add an existing "
                "cluster to a global database"
            )
        if members[ref] != _writer_arn(current):
            plan.warnings.append(
                f"{members[ref]} is no longer the writer of global cluster {identifier} (writer: "
                f"{_writer_arn(current)}); this module does not switch the writer back"
            )
    wanted = params["deletion_protection"]
    if wanted is not None and wanted != current.get("DeletionProtection"):
        plan.deletion_protection = wanted


def _secondary_request(global_cluster: GlobalCluster, entry: dict[str, Any]) -> dict[str, Any]:
    request: dict[str, Any] = {
        "DBClusterIdentifier": entry["db_cluster_identifier"].lower(),
        "GlobalClusterIdentifier": global_cluster["GlobalClusterIdentifier"],
        "Engine": global_cluster["Engine"],
        "EngineVersion": global_cluster["EngineVersion"],
    }
    optional = {
        "DBSubnetGroupName": entry.get("db_subnet_group_name"),
        "VpcSecurityGroupIds": entry.get("vpc_security_group_ids"),
        "KmsKeyId": entry.get("kms_key_id"),
        "DBClusterParameterGroupName": entry.get("db_cluster_parameter_group_name"),
        "EnableCloudwatchLogsExports": entry.get("enable_cloudwatch_logs_exports"),
        "Tags": ansible_dict_to_boto3_tag_list(entry["tags"]) if entry.get("tags") else None,
    }
    request.update({key: value for key, value in optional.items() if value})
    if global_cluster.get("StorageEncrypted"):
        request["StorageEncrypted"] = True
    return request


def _plan_secondaries(clients: RdsClients, params: dict[str, Any], expected: GlobalCluster, plan: Plan) -> None:
    """Secondaries to add to `expected` (the global cluster as it is, or as it will be once created)."""
    identifier = expected["GlobalClusterIdentifier"]
    members = _member_arns_by_ref(expected)
    missing = [
        e
        for e in params["secondary_clusters"]
        if ClusterRef(e["region"], e["db_cluster_identifier"].lower()) not in members
    ]
    if not missing:
        return
    writer = _writer_arn(expected)
    if writer is None:
        raise _refuse(
            f"secondary_clusters: global cluster {identifier} has no primary (writer) member yet; create its primary "
            "first (amazon.aws.rds_cluster with global_cluster_identifier and credentials), then add secondaries"
        )
    taken = {ref.region: arn for ref, arn in members.items() if arn not in plan.remove}
    checked_regions: set[str] = set()
    for entry in missing:
        index = params["secondary_clusters"].index(entry)
        ref = ClusterRef(entry["region"], entry["db_cluster_identifier"].lower())
        if ref.region in taken:
            raise _refuse(
                f"secondary_clusters[{index}].region: global cluster {identifier} already has member "
                f"{taken[ref.region]} in {ref.region}; a global database has at most one cluster per region"
            )
        existing = describe_db_cluster(clients(ref.region), ref.name)
        if existing is not None:
            where = existing.get("GlobalClusterIdentifier") or "no global cluster"
            raise _refuse(
                f"secondary_clusters[{index}]: cluster {ref.name} already exists in {ref.region} outside global "
                f"cluster {identifier} (it belongs to {where}); AWS cannot attach an existing cluster to a global "
                "database: choose another db_cluster_identifier or delete that cluster"
            )
        if ref.region not in checked_regions:
            problem = engine_version_problem(
                clients(ref.region), expected["Engine"], expected.get("EngineVersion"), ref.region
            )
            if problem:
                raise _refuse(f"secondary_clusters[{index}]: {problem}")
            checked_regions.add(ref.region)
        plan.add.append((ref.region, _secondary_request(expected, entry)))


def _plan_purge(params: dict[str, Any], current: GlobalCluster, clients: RdsClients, plan: Plan) -> None:
    keep = {ClusterRef(e["region"], e["db_cluster_identifier"].lower()) for e in params["secondary_clusters"]}
    if params["source_db_cluster_identifier"]:
        keep.add(ClusterRef.of(params["source_db_cluster_identifier"], clients.home_region))
    writer = _writer_arn(current)
    for ref, arn in _member_arns_by_ref(current).items():
        if ref not in keep and arn != writer:
            plan.remove.append(arn)


def plan_present(clients: RdsClients, params: dict[str, Any], current: GlobalCluster | None) -> Plan:
    plan = Plan()
    if current is None:
        _plan_creation(clients, params, plan)
        expected = predict_creation(plan.create or {}, plan.source)
    else:
        _plan_settings(params, current, clients, plan)
        expected = current
        if params["purge_secondary_clusters"]:
            _plan_purge(params, current, clients, plan)
    _plan_secondaries(clients, params, expected, plan)
    return plan


def plan_absent(params: dict[str, Any], current: GlobalCluster | None) -> Plan:
    plan = Plan()
    if current is None:
        return plan
    identifier = current["GlobalClusterIdentifier"]
    members = [m["DBClusterArn"] for m in _members(current)]
    if members and not params["remove_members"]:
        raise _refuse(
            f"global cluster {identifier} still has members ({', '.join(members)}); set remove_members: true to "
            "detach them first (they stay as standalone clusters), or remove them yourself"
        )
    if current.get("DeletionProtection"):
        if params["deletion_protection"] is not False:
            raise _refuse(
                f"global cluster {identifier} has deletion protection; set deletion_protection: false to lift it "
                "and delete the global cluster"
            )
        plan.deletion_protection = False
    writer = _writer_arn(current)
    plan.remove = [arn for arn in members if arn != writer] + ([writer] if writer else [])
    plan.delete = True
    return plan


# ---------------------------------------------------------------- predictions (check mode) and application


def predict_creation(request: dict[str, Any], source: dict[str, Any] | None) -> GlobalCluster:
    identifier = request["GlobalClusterIdentifier"]
    predicted: GlobalCluster = {
        "GlobalClusterIdentifier": identifier,
        "Status": "available",
        "DeletionProtection": bool(request.get("DeletionProtection")),
        "GlobalClusterMembers": [],
        "TagList": [],
    }
    if source is None:
        predicted.update(
            {
                "Engine": request["Engine"],
                "EngineVersion": request.get("EngineVersion"),
                "DatabaseName": request.get("DatabaseName"),
                "StorageEncrypted": bool(request.get("StorageEncrypted")),
            }
        )
        return {key: value for key, value in predicted.items() if value is not None}
    match = CLUSTER_ARN.match(source["DBClusterArn"])
    predicted.update(
        {
            "GlobalClusterArn": f"arn:{match['partition']}:rds::{match['account']}:global-cluster:{identifier}",
            "Engine": source["Engine"],
            "EngineVersion": source.get("EngineVersion"),
            "DatabaseName": source.get("DatabaseName"),
            "StorageEncrypted": bool(source.get("StorageEncrypted")),
            "GlobalClusterMembers": [{"DBClusterArn": source["DBClusterArn"], "IsWriter": True, "Readers": []}],
        }
    )
    return {key: value for key, value in predicted.items() if value is not None}


def predict(plan: Plan, current: GlobalCluster | None) -> GlobalCluster | None:
    """The global cluster once `plan` has run, from a copy of the current one (no AWS call)."""
    if plan.delete:
        return None
    after = copy.deepcopy(current) if current is not None else predict_creation(plan.create or {}, plan.source)
    if plan.deletion_protection is not None:
        after["DeletionProtection"] = plan.deletion_protection
    members = after.setdefault("GlobalClusterMembers", [])
    for region, request in plan.add:
        arn = _cluster_arn(after, ClusterRef(region, request["DBClusterIdentifier"]))
        members.append({"DBClusterArn": arn, "IsWriter": False, "Readers": []})
    after["GlobalClusterMembers"] = [m for m in members if m["DBClusterArn"] not in plan.remove]
    readers = [m["DBClusterArn"] for m in after["GlobalClusterMembers"] if not m.get("IsWriter")]
    for member in after["GlobalClusterMembers"]:
        if member.get("IsWriter"):
            member["Readers"] = readers
    return after


def _apply_creation(clients: RdsClients, plan: Plan, waiting: Waiting, then_more: bool) -> None:
    if plan.create is None:
        return
    identifier = plan.create["GlobalClusterIdentifier"]
    if plan.source is not None and plan.source.get("Status") != "available":
        ref = ClusterRef.of(plan.source["DBClusterArn"], clients.home_region)
        wait_db_cluster_available(clients(ref.region), ref.name, waiting)
    create_global_cluster(clients(), plan.create)
    if waiting.enabled or then_more:
        wait_global_cluster(clients(), identifier, "global_cluster_available", waiting)


def _apply_removals(clients: RdsClients, identifier: str, plan: Plan, waiting: Waiting) -> None:
    """Each removal is in the member's region; the next step (another removal, an addition in the region just
    freed, the deletion) waits for it."""
    for arn in plan.remove:
        remove_from_global_cluster(clients(ClusterRef.of(arn, "").region), identifier, arn)
        if waiting.enabled or plan.delete or plan.add:
            wait_member_removed(clients(), identifier, arn, waiting)


def apply_plan(clients: RdsClients, identifier: str, plan: Plan, waiting: Waiting) -> None:
    _apply_creation(clients, plan, waiting, then_more=bool(plan.add))
    if plan.deletion_protection is not None:
        modify_global_cluster(clients(), identifier, plan.deletion_protection)
        if waiting.enabled or plan.delete:
            wait_global_cluster(clients(), identifier, "global_cluster_available", waiting)
    _apply_removals(clients, identifier, plan, waiting)
    for region, request in plan.add:
        create_secondary_cluster(clients(region), request)
    if waiting.enabled:
        for region, request in plan.add:
            wait_db_cluster_available(clients(region), request["DBClusterIdentifier"], waiting)
        if plan.add:
            wait_global_cluster(clients(), identifier, "global_cluster_available", waiting)
    if plan.delete:
        delete_global_cluster(clients(), identifier)
        if waiting.enabled:
            wait_global_cluster(clients(), identifier, "global_cluster_deleted", waiting)


# ---------------------------------------------------------------- results


def global_cluster_result(global_cluster: GlobalCluster | None) -> dict[str, Any]:
    """A global cluster in snake_case, with its tags as a dict."""
    if not global_cluster:
        return {}
    described = {key: value for key, value in global_cluster.items() if key not in ("TagList", "ResponseMetadata")}
    result = camel_dict_to_snake_dict(described)
    result["tags"] = boto3_tag_list_to_ansible_dict(global_cluster.get("TagList") or [])
    return result


@dataclass
class Outcome:
    changed: bool
    before: GlobalCluster | None
    after: GlobalCluster | None
    warnings: list[str]

    def result(self, diff: bool) -> dict[str, Any]:
        after = global_cluster_result(self.after)
        writer = _writer_arn(self.after)
        result: dict[str, Any] = {
            "changed": self.changed,
            "global_cluster": after,
            "primary_cluster_arn": writer,
            "secondary_cluster_arns": [m["DBClusterArn"] for m in _members(self.after) if m["DBClusterArn"] != writer],
        }
        if diff:
            result["diff"] = {"before": global_cluster_result(self.before), "after": after}
        return result


def ensure_global_cluster(clients: RdsClients, params: dict[str, Any], check_mode: bool) -> Outcome:
    """Bring the global cluster to params' state: plan (validating everything), then predict or apply."""
    validate_params(params)
    waiting = Waiting.from_params(params)
    identifier = params["global_cluster_identifier"].lower()
    current = describe_global_cluster(clients(), identifier)
    absent = params["state"] == "absent"
    plan = plan_absent(params, current) if absent else plan_present(clients, params, current)
    if not plan.changed:
        return Outcome(False, current, current, plan.warnings)
    if check_mode:
        return Outcome(True, current, predict(plan, current), plan.warnings)
    apply_plan(clients, identifier, plan, waiting)
    after = None if plan.delete else describe_global_cluster(clients(), identifier)
    return Outcome(True, current, after, plan.warnings)


def do(module: AnsibleXyzAWSModule) -> None:
    retry = aws_retry()
    clients = RdsClients(lambda region: module.client("rds", retry_decorator=retry, region=region), module.region)
    outcome = ensure_global_cluster(clients, module.params, module.check_mode)
    for warning in outcome.warnings:
        module.warn(warning)
    module.exit_json(**outcome.result(module._diff))  # pylint: disable=protected-access


def argument_spec() -> dict[str, Any]:
    secondary_spec = {
        "db_cluster_identifier": {"type": "str", "required": True},
        "region": {"type": "str", "required": True},
        "db_subnet_group_name": {"type": "str"},
        "vpc_security_group_ids": {"type": "list", "elements": "str"},
        "kms_key_id": {"type": "str"},
        "db_cluster_parameter_group_name": {"type": "str"},
        "enable_cloudwatch_logs_exports": {"type": "list", "elements": "str"},
        "tags": {"type": "dict"},
    }
    return {
        "global_cluster_identifier": {"type": "str", "required": True, "aliases": ["id"]},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "source_db_cluster_identifier": {"type": "str"},
        "engine": {"type": "str", "choices": ["aurora-mysql", "aurora-postgresql"]},
        "engine_version": {"type": "str"},
        "database_name": {"type": "str"},
        "storage_encrypted": {"type": "bool"},
        "deletion_protection": {"type": "bool"},
        "secondary_clusters": {"type": "list", "elements": "dict", "options": secondary_spec, "default": []},
        "purge_secondary_clusters": {"type": "bool", "default": False},
        "remove_members": {"type": "bool", "default": False},
        "wait": {"type": "bool", "default": True},
        "wait_timeout": {"type": "int", "default": 1800},
        "wait_delay": {"type": "int", "default": 15},
    }


def main() -> None:
    module = AnsibleXyzAWSModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
        mutually_exclusive=[["source_db_cluster_identifier", option] for option in CREATION_ONLY],
    )
    try:
        do(module)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
