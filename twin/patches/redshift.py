"""Patches for Redshift provisioned clusters, their parameter groups and namespace resource policies.

Each patch brings one moto 5.2.5 behaviour in line with Amazon Redshift (API 2012-12-01, botocore's service model and
the Redshift Management Guide); tests/twin/test_redshift.py states the AWS behaviour of each and checks it via boto3.

Twin state that moto's models lack lives on the moto objects under `_twin_*` attribute names, so a state reset
(which rebuilds the backends) clears it too.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.moto_api._internal import mock_random
from moto.redshift.models import Cluster, ParameterGroup, RedshiftBackend
from moto.redshift.responses import RedshiftResponse
from moto.utilities.utils import get_partition

from twin.patches._registry import adds, original, replaces
from twin.patches.errors import InvalidParameterCombination, InvalidParameterValue, TwinServiceError

# --- node types -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeRange:
    """How many nodes AWS allows for a node type: at create time, and after an (elastic) resize."""

    single_node: bool
    create_max: int
    resize_max: int


# Management Guide, "Node type details" (RA3 table and its footnotes). The DC2 family was deprecated in 2025 and new
# clusters of it are refused ("Invalid node type: dc2.large"); DS2/DC1 were retired before. The RG types are valid
# NodeType values in the current API model; their ranges are not in the guide we checked, so they get the API's
# general NumberOfNodes bound (1 to 100).
NODE_TYPES: dict[str, NodeRange] = {
    "ra3.large": NodeRange(single_node=True, create_max=8, resize_max=16),
    "ra3.xlplus": NodeRange(single_node=True, create_max=16, resize_max=32),
    "ra3.4xlarge": NodeRange(single_node=False, create_max=32, resize_max=64),
    "ra3.16xlarge": NodeRange(single_node=False, create_max=128, resize_max=128),
    "rg.large": NodeRange(single_node=True, create_max=100, resize_max=100),
    "rg.xlarge": NodeRange(single_node=True, create_max=100, resize_max=100),
    "rg.4xlarge": NodeRange(single_node=True, create_max=100, resize_max=100),
    "rg.12xlarge": NodeRange(single_node=True, create_max=100, resize_max=100),
}
# API reference, CreateCluster/ModifyCluster Port: RG and RA3 clusters take a port in 5431-5455 or 8191-8215.
RA3_PORT_RANGES = ((5431, 5455), (8191, 8215))
RA3_FAMILIES = ("ra3.", "rg.")
RETENTION_MAX = 35
SINGLE_NODE = "single-node"
MULTI_NODE = "multi-node"
MULTI_NODE_MINIMUM = "Number of nodes for cluster type multi-node must be greater than or equal to 2"

# --- parameter groups -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParameterSpec:
    name: str
    value: str
    description: str
    data_type: str
    allowed_values: str | None = None


BOOLEAN = "true,false"
# describe-cluster-parameters as AWS returns it (descriptions, data types and allowed values); every Redshift
# parameter is ApplyType "static" and modifiable. Values are the "Default parameter values" of the guide.
REDSHIFT_1_0: tuple[ParameterSpec, ...] = (
    ParameterSpec("auto_analyze", "true", "Use auto analyze", "boolean", BOOLEAN),
    ParameterSpec("auto_mv", "true", "Use auto materialized views", "boolean", BOOLEAN),
    ParameterSpec("datestyle", "ISO, MDY", "Sets the display format for date and time values.", "string"),
    ParameterSpec(
        "enable_case_sensitive_identifier",
        "false",
        "Preserve case sensitivity for database identifiers such as table or column names in parser",
        "boolean",
        BOOLEAN,
    ),
    ParameterSpec("enable_user_activity_logging", "false", "parameter for audit logging purpose", "boolean", BOOLEAN),
    ParameterSpec(
        "extra_float_digits", "0", "Sets the number of digits displayed for floating-point values", "integer", "-15-2"
    ),
    ParameterSpec(
        "max_concurrency_scaling_clusters",
        "1",
        "The maximum concurrency scaling clusters can be used.",
        "integer",
        "0-10",
    ),
    ParameterSpec(
        "query_group",
        "default",
        "This parameter applies a user-defined label to a group of queries that are run during the same session..",
        "string",
    ),
    ParameterSpec("require_ssl", "false", "require ssl for all databaseconnections", "boolean", BOOLEAN),
    ParameterSpec(
        "search_path",
        "$user, public",
        "Sets the schema search order for names that are not schema-qualified.",
        "string",
    ),
    ParameterSpec(
        "statement_timeout",
        "0",
        "Aborts any statement that takes over the specified number of milliseconds.",
        "integer",
        "0,100-2147483647",
    ),
    ParameterSpec("use_fips_ssl", "false", "Use fips ssl library", "boolean", BOOLEAN),
    ParameterSpec("wlm_json_configuration", '[{"auto_wlm":true}]', "wlm json configuration", "string"),
)
# The redshift-2.0 family (January 2025) differs by one default: connections must use TLS.
REDSHIFT_2_0: tuple[ParameterSpec, ...] = tuple(
    ParameterSpec(s.name, "true", s.description, s.data_type, s.allowed_values) if s.name == "require_ssl" else s
    for s in REDSHIFT_1_0
)
FAMILIES: dict[str, tuple[ParameterSpec, ...]] = {"redshift-1.0": REDSHIFT_1_0, "redshift-2.0": REDSHIFT_2_0}
# New and restored clusters without a parameter group get default.redshift-2.0 (since 10 January 2025).
DEFAULT_GROUP = "default.redshift-2.0"
GROUP_UPDATED = (
    "Your parameter group has been updated. If you changed only dynamic parameters, associated clusters are being "
    "modified now. If you changed static parameters, all updates, including dynamic parameters, will be applied when "
    "you reboot the associated clusters."
)
MAX_PARAMETERS_PER_CALL = 20

# --- small helpers ----------------------------------------------------------------------------------------------


def _cluster_not_found(identifier: str) -> TwinServiceError:
    return TwinServiceError("ClusterNotFound", f"Cluster {identifier} not found.")


def _group_not_found(name: str) -> TwinServiceError:
    return TwinServiceError("ClusterParameterGroupNotFound", f"ClusterParameterGroup not found: {name}")


def _group_state(message: str) -> TwinServiceError:
    return TwinServiceError("InvalidClusterParameterGroupState", message)


def _specs(family: str) -> tuple[ParameterSpec, ...]:
    return FAMILIES.get(family, REDSHIFT_1_0)


def _group_values(group: ParameterGroup) -> dict[str, str]:
    """The values a user set in a parameter group (Source "user"); everything else is the family default."""
    values = getattr(group, "_twin_values", None)
    if values is None:
        values = {}
        group._twin_values = values  # type: ignore[attr-defined]
    return values


def _pending(cluster: Cluster) -> set[str]:
    """Names of the cluster's parameters changed since its last reboot (all Redshift parameters are static)."""
    pending = getattr(cluster, "_twin_pending_reboot", None)
    if pending is None:
        pending = set()
        cluster._twin_pending_reboot = pending  # type: ignore[attr-defined]
    return pending


def _digest(*parts: str) -> int:
    return int(hashlib.sha256("/".join(parts).encode()).hexdigest()[:8], 16)


def _subnet_group(cluster: Cluster) -> Any | None:
    name = cluster.cluster_subnet_group_name
    return cluster.redshift_backend.subnet_groups.get(name) if name else None


def _cluster_subnet(cluster: Cluster) -> Any | None:
    group = _subnet_group(cluster)
    if group is None:
        return None
    subnets = list(group.subnets)
    in_zone = [subnet for subnet in subnets if subnet.availability_zone == cluster.availability_zone]
    return (in_zone or subnets or [None])[0]


def _node_ips(cluster: Cluster, count: int) -> list[tuple[str, str]]:
    """Stable private (from the cluster's subnet) and public addresses for `count` nodes."""
    subnet = _cluster_subnet(cluster)
    network = ipaddress.ip_network(subnet.cidr_block if subnet else "172.31.0.0/20")
    usable = max(network.num_addresses - 5 - count, 1)
    base = 4 + _digest(cluster.unique_cluster_id) % usable
    addresses = []
    for index in range(count):
        public = _digest(cluster.unique_cluster_id, str(index))
        private_ip = str(network.network_address + base + index)
        addresses.append((private_ip, f"3.{(public >> 16) % 256}.{(public >> 8) % 256}.{public % 254 + 1}"))
    return addresses


def _check_node_count(node_type: str, nodes: int, resize: bool) -> None:
    rule = NODE_TYPES.get(node_type)
    if rule is None:
        return
    if nodes == 1 and not rule.single_node:
        raise InvalidParameterCombination(f"Node type {node_type} does not support single-node clusters.")
    limit = rule.resize_max if resize else rule.create_max
    if nodes > limit:
        raise TwinServiceError(
            "NumberOfNodesPerClusterLimitExceeded",
            f"The number of nodes for node type {node_type} must not exceed {limit}.",
        )


def _check_node_type(node_type: str | None) -> None:
    if node_type not in NODE_TYPES:
        raise InvalidParameterValue(f"Invalid node type: {node_type}")


def _check_cluster_type(cluster_type: str | None) -> None:
    if cluster_type is not None and cluster_type not in (SINGLE_NODE, MULTI_NODE):
        raise InvalidParameterValue("Invalid cluster type. Cluster type can be one of multi-node or single-node")


def _nodes_at_create(cluster_type: str | None, number_of_nodes: int | None) -> int:
    """CreateCluster: ClusterType defaults to multi-node, but leaving out NumberOfNodes gives a single node."""
    _check_cluster_type(cluster_type)
    if cluster_type == SINGLE_NODE:
        if number_of_nodes is not None:
            raise InvalidParameterValue("Number of nodes must be not be supplied for cluster type single-node.")
        return 1
    if number_of_nodes is None and cluster_type is None:
        return 1
    if number_of_nodes is None or number_of_nodes < 2:
        raise InvalidParameterCombination(MULTI_NODE_MINIMUM)
    return number_of_nodes


def _check_multi_az(multi_az: bool | None, node_type: str, nodes: int) -> None:
    if not multi_az:
        return
    if not node_type.startswith("ra3."):
        raise InvalidParameterCombination(f"Multi-AZ is only supported for RA3 node types, not {node_type}.")
    if nodes < 2:
        raise InvalidParameterCombination("Multi-AZ is not supported for single-node clusters.")


def _check_port(node_type: str, port: int | None) -> None:
    """API reference (Port): "For clusters with RG or RA3 nodes - Select a port within the ranges 5431-5455 or
    8191-8215." (The words of the refusal are the twin's.)"""
    if port is None or not node_type.startswith(RA3_FAMILIES):
        return
    if not any(low <= port <= high for low, high in RA3_PORT_RANGES):
        raise InvalidParameterValue(
            f"Invalid port {port} for node type {node_type}: select a port within the ranges 5431-5455 or 8191-8215."
        )


def _check_snapshot_retention(node_type: str, days: int | None) -> None:
    """API reference (AutomatedSnapshotRetentionPeriod): 0 to 35 days, 0 disabling automated snapshots; "You can't
    disable automated snapshots for RG or RA3 node types." (The words of the refusals are the twin's.)"""
    if days is None:
        return
    if not 0 <= days <= RETENTION_MAX:
        raise InvalidParameterValue(
            f"Invalid automated snapshot retention period {days}: it must be a value from 0 to {RETENTION_MAX}."
        )
    if days == 0 and node_type.startswith(RA3_FAMILIES):
        raise InvalidParameterCombination(
            f"Automated snapshots can't be disabled for node type {node_type}: set a retention period of 1 to "
            f"{RETENTION_MAX} days."
        )


def _check_password(manage: bool | None, password: str | None, secret_key: str | None, creating: bool) -> None:
    if manage and password:
        raise InvalidParameterCombination("You can't use MasterUserPassword if ManageMasterPassword is true.")
    if secret_key and not manage:
        raise InvalidParameterCombination(
            "You can only use MasterPasswordSecretKmsKeyId if ManageMasterPassword is true."
        )
    if creating and not manage and not password:
        raise InvalidParameterValue("Either MasterUserPassword or ManageMasterPassword must be specified.")


def _check_references(backend: RedshiftBackend, parameter_group: str | None, subnet_group: str | None) -> None:
    if parameter_group and parameter_group not in backend.parameter_groups:
        raise _group_not_found(parameter_group)
    if subnet_group and subnet_group not in backend.subnet_groups:
        raise TwinServiceError("ClusterSubnetGroupNotFoundFault", f"Subnet group {subnet_group} not found.")


# --- managed admin password (Secrets Manager) ---------------------------------------------------------------------


def _secrets(cluster: Cluster) -> Any:
    from moto.secretsmanager.models import secretsmanager_backends

    return secretsmanager_backends[cluster.account_id][cluster.region]


def _manage_password(cluster: Cluster, kms_key_id: str | None) -> None:
    """AWS keeps the admin credentials in a secret named redshift!<cluster>-<admin user> and shows its ARN."""
    secrets = _secrets(cluster)
    name = f"redshift!{cluster.cluster_identifier}-{cluster.master_username}"
    if name not in secrets.secrets:
        value = {"username": cluster.master_username, "password": mock_random.get_random_string(32)}
        secrets.create_secret(
            name=name,
            secret_string=json.dumps(value),
            secret_binary=None,
            description=f"Admin credentials of Redshift cluster {cluster.cluster_identifier}",
            tags=None,
            kms_key_id=kms_key_id,
            client_request_token=None,
            replica_regions=[],
            force_overwrite=False,
        )
    cluster.master_user_password = None
    cluster._twin_secret_arn = secrets.secrets[name].arn  # type: ignore[attr-defined]
    cluster._twin_secret_kms_key_id = kms_key_id  # type: ignore[attr-defined]


def _wire_admin_user(cluster: Cluster) -> None:
    """The admin user logs in to the data plane with the secret's password, as on AWS with a managed password."""
    from twin.patches import wiring  # wiring imports this module: import at call time

    if wiring.wired():
        wiring.apply_redshift_user(cluster)


def _unmanage_password(cluster: Cluster) -> None:
    arn = getattr(cluster, "_twin_secret_arn", None)
    if arn is None:
        return
    secrets = _secrets(cluster)
    if arn in secrets.secrets:
        secrets.delete_secret(secret_id=arn, recovery_window_in_days=None, force_delete_without_recovery=True)
    cluster._twin_secret_arn = None  # type: ignore[attr-defined]
    cluster._twin_secret_kms_key_id = None  # type: ignore[attr-defined]


# --- cluster fields AWS always returns ------------------------------------------------------------------------------


@adds(Cluster, "cluster_nodes")
@property
def cluster_nodes(self: Cluster) -> list[dict[str, str]]:
    """Single-node: one SHARED node. Multi-node: a LEADER plus COMPUTE-0 .. COMPUTE-(n-1)."""
    count = int(self.number_of_nodes)
    roles = ["SHARED"] if count == 1 else ["LEADER"] + [f"COMPUTE-{index}" for index in range(count)]
    return [
        {"NodeRole": role, "PrivateIPAddress": private_ip, "PublicIPAddress": public_ip}
        for role, (private_ip, public_ip) in zip(roles, _node_ips(self, len(roles)), strict=True)
    ]


@adds(Cluster, "cluster_namespace_arn")
@property
def cluster_namespace_arn(self: Cluster) -> str:
    """arn:aws:redshift:<region>:<account>:namespace:<uuid>, fixed for the life of the cluster."""
    namespace_id = getattr(self, "_twin_namespace_id", None)
    if namespace_id is None:
        namespace_id = str(mock_random.uuid4())
        self._twin_namespace_id = namespace_id  # type: ignore[attr-defined]
    return f"arn:{get_partition(self.region)}:redshift:{self.region}:{self.account_id}:namespace:{namespace_id}"


@adds(Cluster, "vpc_id")
@property
def vpc_id(self: Cluster) -> str | None:
    group = _subnet_group(self)
    if group is not None:
        return group.vpc_id
    default_vpc = self.redshift_backend.ec2_backend.get_default_vpc()
    return default_vpc.id if default_vpc else None


@adds(Cluster, "multi_az")
@property
def multi_az(self: Cluster) -> str:
    return "Enabled" if getattr(self, "_twin_multi_az", False) else "Disabled"


@adds(Cluster, "aqua_configuration")
@property
def aqua_configuration(self: Cluster) -> dict[str, str]:
    return {"AquaStatus": "disabled", "AquaConfigurationStatus": "auto"}


@adds(Cluster, "master_password_secret_arn")
@property
def master_password_secret_arn(self: Cluster) -> str | None:
    return getattr(self, "_twin_secret_arn", None)


@adds(Cluster, "master_password_secret_kms_key_id")
@property
def master_password_secret_kms_key_id(self: Cluster) -> str | None:
    return getattr(self, "_twin_secret_kms_key_id", None)


@adds(Cluster, "cluster_availability_status")
@property
def cluster_availability_status(self: Cluster) -> str:
    return {"available": "Available", "modifying": "Modifying"}.get(self.status, "Unavailable")


@adds(Cluster, "manual_snapshot_retention_period")
@property
def manual_snapshot_retention_period(self: Cluster) -> int:
    return getattr(self, "_twin_manual_snapshot_retention", -1)


@adds(Cluster, "maintenance_track_name")
@property
def maintenance_track_name(self: Cluster) -> str:
    return getattr(self, "_twin_maintenance_track", "current")


@adds(Cluster, "availability_zone_relocation_status")
@property
def availability_zone_relocation_status(self: Cluster) -> str:
    return "enabled" if getattr(self, "_twin_az_relocation", False) else "disabled"


@adds(Cluster, "ip_address_type")
@property
def ip_address_type(self: Cluster) -> str:
    return getattr(self, "_twin_ip_address_type", "ipv4")


def _maintenance_window(self: Cluster) -> str | None:
    return self.__dict__["_twin_maintenance_window"]


def _set_maintenance_window(self: Cluster, value: str | None) -> None:
    """AWS keeps the window in lower case (Sun:05:00-Sun:05:30 reads back sun:05:00-sun:05:30)."""
    self.__dict__["_twin_maintenance_window"] = value.lower() if value else value


replaces(Cluster, "preferred_maintenance_window")(property(_maintenance_window, _set_maintenance_window))


@replaces(Cluster, "cluster_parameter_group_status_list")
@property
def cluster_parameter_group_status_list(self: Cluster) -> list[dict[str, Any]]:
    """A changed static parameter reads pending-reboot, on the group and on the parameter, until RebootCluster."""
    pending = _pending(self)
    return [
        {
            "ParameterGroupName": group.name,
            "ParameterApplyStatus": "pending-reboot" if pending else "in-sync",
            "ClusterParameterStatusList": [
                {
                    "ParameterName": spec.name,
                    "ParameterApplyStatus": "pending-reboot" if spec.name in pending else "in-sync",
                }
                for spec in _specs(group.family)
            ],
        }
        for group in self.parameter_groups
    ]


# --- backend: defaults every cluster gets ------------------------------------------------------------------------


@replaces(RedshiftBackend, "__init__")
def backend_init(self: RedshiftBackend, region_name: str, account_id: str) -> None:
    """Every region has a default parameter group per family: default.redshift-1.0 and default.redshift-2.0."""
    original(RedshiftBackend, "__init__")(self, region_name, account_id)
    self.parameter_groups[DEFAULT_GROUP] = ParameterGroup(
        DEFAULT_GROUP, "redshift-2.0", "Default parameter group for redshift-2.0", self.account_id, self.region_name
    )


@replaces(RedshiftBackend, "create_cluster")
def backend_create_cluster(self: RedshiftBackend, **cluster_kwargs: Any) -> Cluster:
    """Defaults of CreateCluster and RestoreFromClusterSnapshot: default.redshift-2.0, no EC2-Classic security
    group, the VPC's default security group, and an Availability Zone of the subnet group."""
    if not cluster_kwargs.get("cluster_parameter_group_name"):
        cluster_kwargs["cluster_parameter_group_name"] = DEFAULT_GROUP
    cluster = original(RedshiftBackend, "create_cluster")(self, **cluster_kwargs)
    if not cluster_kwargs.get("cluster_security_groups"):
        cluster.cluster_security_groups = []
    group = _subnet_group(cluster)
    if group is not None and not cluster_kwargs.get("availability_zone"):
        zones = sorted(subnet.availability_zone for subnet in group.subnets)
        cluster.availability_zone = zones[_digest(cluster.cluster_identifier) % len(zones)]
    if not cluster_kwargs.get("vpc_security_group_ids") and cluster.vpc_id:
        default_group = self.ec2_backend.get_default_security_group(cluster.vpc_id)
        cluster.vpc_security_group_ids = [default_group.id] if default_group else []
    return cluster


@replaces(RedshiftBackend, "create_cluster_parameter_group")
def backend_create_cluster_parameter_group(
    self: RedshiftBackend, cluster_parameter_group_name: str, group_family: str, *args: Any, **kwargs: Any
) -> ParameterGroup:
    """An existing name is ClusterParameterGroupAlreadyExists (moto replaced the group); the family must exist."""
    if cluster_parameter_group_name in self.parameter_groups:
        raise TwinServiceError(
            "ClusterParameterGroupAlreadyExists", f"Parameter group {cluster_parameter_group_name} already exists"
        )
    if group_family not in FAMILIES:
        raise InvalidParameterValue(f"Invalid parameter group family: {group_family}")
    create = original(RedshiftBackend, "create_cluster_parameter_group")
    return create(self, cluster_parameter_group_name, group_family, *args, **kwargs)


@replaces(RedshiftBackend, "delete_cluster_parameter_group")
def backend_delete_cluster_parameter_group(self: RedshiftBackend, parameter_group_name: str) -> ParameterGroup:
    """Default groups cannot be deleted, nor can a group a cluster uses."""
    if parameter_group_name not in self.parameter_groups:
        raise _group_not_found(parameter_group_name)
    if parameter_group_name.startswith("default."):
        raise _group_state(f"Cannot delete the default parameter group {parameter_group_name}.")
    if any(parameter_group_name in cluster.cluster_parameter_group_name for cluster in self.clusters.values()):
        raise _group_state(f"Cannot delete parameter group {parameter_group_name}: it is in use by a cluster.")
    return self.parameter_groups.pop(parameter_group_name)


# --- CreateCluster / ModifyCluster / DeleteCluster / RebootCluster --------------------------------------------


# DeleteCluster answers with ClusterStatus deleting, RebootCluster with rebooting (moto: available).
RESPONSE_TRANSFORMERS: dict[str, Any] = {
    **RedshiftResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER,
    "DeleteClusterResult.Cluster.ClusterStatus": lambda _: "deleting",
    "DeleteClusterResult.Cluster.ClusterAvailabilityStatus": lambda _: "Unavailable",
    "RebootClusterResult.Cluster.ClusterStatus": lambda _: "rebooting",
    "RebootClusterResult.Cluster.ClusterAvailabilityStatus": lambda _: "Unavailable",
}
replaces(RedshiftResponse, "RESPONSE_KEY_PATH_TO_TRANSFORMER")(RESPONSE_TRANSFORMERS)


@replaces(RedshiftResponse, "create_cluster")
def create_cluster(self: RedshiftResponse) -> ActionResult:
    """CreateCluster validates node type, node count, encryption and credentials before creating anything."""
    node_type = self._get_param("NodeType")
    _check_node_type(node_type)
    nodes = _nodes_at_create(self._get_param("ClusterType"), self._get_int_param("NumberOfNodes"))
    _check_node_count(node_type, nodes, resize=False)
    multi_az = self._get_bool_param("MultiAZ")
    _check_multi_az(multi_az, node_type, nodes)
    _check_port(node_type, self._get_int_param("Port"))
    _check_snapshot_retention(node_type, self._get_int_param("AutomatedSnapshotRetentionPeriod"))
    if self._get_bool_param("Encrypted") is False:
        raise InvalidParameterValue("Amazon Redshift no longer creates unencrypted clusters: Encrypted must be true.")
    manage = self._get_bool_param("ManageMasterPassword")
    secret_key = self._get_param("MasterPasswordSecretKmsKeyId")
    _check_password(manage, self._get_param("MasterUserPassword"), secret_key, creating=True)
    _check_references(
        self.redshift_backend, self._get_param("ClusterParameterGroupName"), self._get_param("ClusterSubnetGroupName")
    )
    result = original(RedshiftResponse, "create_cluster")(self)
    cluster: Cluster = result.result["Cluster"]  # type: ignore[index]
    cluster.number_of_nodes = nodes
    cluster.encrypted = True
    _apply_cluster_options(self, cluster)
    if manage:
        _manage_password(cluster, secret_key)
        _wire_admin_user(cluster)
    for snapshot in self.redshift_backend.snapshots.values():
        if snapshot.cluster_identifier == cluster.cluster_identifier:
            snapshot.encrypted = True
            snapshot.number_of_nodes = nodes
    return result


def _apply_cluster_options(response: RedshiftResponse, cluster: Cluster) -> None:
    """Options of CreateCluster and ModifyCluster that moto does not keep."""
    if (multi_az := response._get_bool_param("MultiAZ")) is not None:
        cluster._twin_multi_az = multi_az  # type: ignore[attr-defined]
    if (retention := response._get_int_param("ManualSnapshotRetentionPeriod")) is not None:
        cluster._twin_manual_snapshot_retention = retention  # type: ignore[attr-defined]
    if track := response._get_param("MaintenanceTrackName"):
        cluster._twin_maintenance_track = track  # type: ignore[attr-defined]
    if (relocation := response._get_bool_param("AvailabilityZoneRelocation")) is not None:
        cluster._twin_az_relocation = relocation  # type: ignore[attr-defined]
    if address_type := response._get_param("IpAddressType"):
        cluster._twin_ip_address_type = address_type  # type: ignore[attr-defined]
    if kms_key_id := response._get_param("KmsKeyId"):
        cluster.kms_key_id = kms_key_id
        cluster.encrypted = True


def _nodes_after_modify(response: RedshiftResponse, cluster: Cluster) -> tuple[str, int]:
    cluster_type = response._get_param("ClusterType")
    number_of_nodes = response._get_int_param("NumberOfNodes")
    _check_cluster_type(cluster_type)
    if cluster_type == SINGLE_NODE:
        return cluster.node_type, 1
    if cluster_type == MULTI_NODE and (number_of_nodes is None or number_of_nodes < 2):
        raise InvalidParameterCombination(MULTI_NODE_MINIMUM)
    node_type = response._get_param("NodeType") or cluster.node_type
    return node_type, number_of_nodes if number_of_nodes is not None else int(cluster.number_of_nodes)


@replaces(RedshiftResponse, "modify_cluster")
def modify_cluster(self: RedshiftResponse) -> ActionResult:
    """ModifyCluster keeps the node rules on resize and applies every option it accepts, as CreateCluster does."""
    identifier = self._get_param("ClusterIdentifier")
    cluster = self.redshift_backend.clusters.get(identifier)
    if cluster is None:
        raise _cluster_not_found(identifier)
    resizing = any(self._get_param(name) is not None for name in ("NodeType", "NumberOfNodes", "ClusterType"))
    node_type, nodes = _nodes_after_modify(self, cluster)
    if self._get_param("NodeType") is not None:
        _check_node_type(node_type)
    if resizing:
        _check_node_count(node_type, nodes, resize=True)
    multi_az = self._get_bool_param("MultiAZ")
    _check_multi_az(multi_az if multi_az is not None else getattr(cluster, "_twin_multi_az", False), node_type, nodes)
    _check_port(node_type, self._get_int_param("Port"))
    _check_snapshot_retention(node_type, self._get_int_param("AutomatedSnapshotRetentionPeriod"))
    manage = self._get_bool_param("ManageMasterPassword")
    secret_key = self._get_param("MasterPasswordSecretKmsKeyId")
    password = self._get_param("MasterUserPassword")
    _check_password(manage, password, secret_key, creating=False)
    new_group = self._get_param("ClusterParameterGroupName")
    _check_references(self.redshift_backend, new_group, self._get_param("ClusterSubnetGroupName"))
    changes_group = new_group is not None and [new_group] != cluster.cluster_parameter_group_name
    result = original(RedshiftResponse, "modify_cluster")(self)
    cluster = result.result["Cluster"]  # type: ignore[index]
    _apply_cluster_options(self, cluster)
    if (port := self._get_int_param("Port")) is not None:
        cluster.port = port
    if zone := self._get_param("AvailabilityZone"):
        cluster.availability_zone = zone
    if manage:
        _manage_password(cluster, secret_key)
        _wire_admin_user(cluster)
    elif manage is False or password:
        _unmanage_password(cluster)
    if changes_group:
        _pending(cluster).update(spec.name for spec in _specs(cluster.parameter_groups[0].family))
    return result


@replaces(RedshiftResponse, "delete_cluster")
def delete_cluster(self: RedshiftResponse) -> ActionResult:
    """SkipFinalClusterSnapshot defaults to false, so a final snapshot identifier is required unless skipping;
    the two exclude each other. The response shows ClusterStatus deleting; the managed secret and the namespace's
    resource policy go with the cluster."""
    skip = self._get_bool_param("SkipFinalClusterSnapshot", False)
    snapshot_identifier = self._get_param("FinalClusterSnapshotIdentifier")
    if not skip and not snapshot_identifier:
        raise InvalidParameterCombination(
            "FinalClusterSnapshotIdentifier is required unless SkipFinalClusterSnapshot is specified."
        )
    if skip and snapshot_identifier:
        raise InvalidParameterCombination(
            "FinalClusterSnapshotIdentifier must not be specified when SkipFinalClusterSnapshot is true."
        )
    identifier = self._get_param("ClusterIdentifier")
    cluster = self.redshift_backend.clusters.get(identifier)
    if cluster is None:
        raise _cluster_not_found(identifier)
    namespace_arn = cluster.cluster_namespace_arn
    cluster = self.redshift_backend.delete_cluster(
        cluster_identifier=identifier,
        final_cluster_snapshot_identifier=snapshot_identifier,
        skip_final_snapshot=skip,
    )
    _unmanage_password(cluster)
    _policies(self.redshift_backend).pop(namespace_arn, None)
    return ActionResult({"Cluster": cluster})


@adds(RedshiftResponse, "reboot_cluster")
def reboot_cluster(self: RedshiftResponse) -> ActionResult:
    """RebootCluster (missing in moto): ClusterStatus rebooting in the response, then available with every
    parameter in sync."""
    identifier = self._get_param("ClusterIdentifier")
    cluster = self.redshift_backend.clusters.get(identifier)
    if cluster is None:
        raise _cluster_not_found(identifier)
    if cluster.status != "available":
        raise TwinServiceError("InvalidClusterState", f"Cluster {identifier} is not in the available state.")
    _pending(cluster).clear()
    return ActionResult({"Cluster": cluster})


# --- parameter group actions ------------------------------------------------------------------------------------


def _parameter_dicts(group: ParameterGroup, source: str | None) -> list[dict[str, Any]]:
    values = _group_values(group)
    parameters = []
    for spec in _specs(group.family):
        parameter_source = "user" if spec.name in values else "engine-default"
        if source and source != parameter_source:
            continue
        parameter = {
            "ParameterName": spec.name,
            "ParameterValue": values.get(spec.name, spec.value),
            "Description": spec.description,
            "Source": parameter_source,
            "DataType": spec.data_type,
            "ApplyType": "static",
            "IsModifiable": True,
        }
        if spec.allowed_values:
            parameter["AllowedValues"] = spec.allowed_values
        parameters.append(parameter)
    return parameters


def _allowed(value: str, allowed_values: str) -> bool:
    if allowed_values == BOOLEAN:
        return value in ("true", "false")
    if not re.fullmatch(r"-?\d+", value):
        return False
    number = int(value)
    for piece in allowed_values.split(","):
        bounds = re.fullmatch(r"(-?\d+)-(-?\d+)", piece)
        low, high = (int(bounds.group(1)), int(bounds.group(2))) if bounds else (int(piece), int(piece))
        if low <= number <= high:
            return True
    return False


def _check_value(spec: ParameterSpec, value: str | None) -> str:
    if value is None:
        raise InvalidParameterValue(f"A value is required for parameter {spec.name}.")
    if spec.allowed_values and not _allowed(value, spec.allowed_values):
        raise InvalidParameterValue(
            f"Could not set parameter {spec.name} to {value}: allowed values are {spec.allowed_values}."
        )
    if spec.name == "wlm_json_configuration":
        try:
            json.loads(value)
        except ValueError as error:
            raise InvalidParameterValue(f"wlm_json_configuration is not valid JSON: {error}") from error
    return value


def _modifiable_group(backend: RedshiftBackend, name: str, parameters: list[dict[str, Any]]) -> ParameterGroup:
    if name not in backend.parameter_groups:
        raise _group_not_found(name)
    if name.startswith("default."):
        raise _group_state(f"The default parameter group {name} cannot be modified.")
    if len(parameters) > MAX_PARAMETERS_PER_CALL:
        raise InvalidParameterValue(f"At most {MAX_PARAMETERS_PER_CALL} parameters can be changed in one request.")
    return backend.parameter_groups[name]


def _spec(group: ParameterGroup, name: str | None) -> ParameterSpec:
    for spec in _specs(group.family):
        if spec.name == name:
            return spec
    raise InvalidParameterValue(f"Parameter {name} does not exist in parameter group family {group.family}.")


def _mark_pending(backend: RedshiftBackend, group_name: str, names: Iterable[str]) -> None:
    names = list(names)
    for cluster in backend.clusters.values():
        if group_name in cluster.cluster_parameter_group_name:
            _pending(cluster).update(names)


def _group_updated(name: str) -> ActionResult:
    return ActionResult({"ParameterGroupName": name, "ParameterGroupStatus": GROUP_UPDATED})


@adds(RedshiftResponse, "modify_cluster_parameter_group")
def modify_cluster_parameter_group(self: RedshiftResponse) -> ActionResult:
    """ModifyClusterParameterGroup (missing in moto): values are checked against the family's allowed values, the
    parameter's Source becomes user, and clusters using the group go pending-reboot."""
    name = self._get_param("ParameterGroupName")
    parameters = self._get_param("Parameters", [])
    group = _modifiable_group(self.redshift_backend, name, parameters)
    changes = {}
    for parameter in parameters:
        spec = _spec(group, parameter.get("ParameterName"))
        changes[spec.name] = _check_value(spec, parameter.get("ParameterValue"))
    _group_values(group).update(changes)
    _mark_pending(self.redshift_backend, name, changes)
    return _group_updated(name)


@adds(RedshiftResponse, "reset_cluster_parameter_group")
def reset_cluster_parameter_group(self: RedshiftResponse) -> ActionResult:
    """ResetClusterParameterGroup (missing in moto): all parameters (the default) or the named ones go back to the
    family's engine defaults."""
    name = self._get_param("ParameterGroupName")
    parameters = self._get_param("Parameters", [])
    group = _modifiable_group(self.redshift_backend, name, parameters)
    reset_all = self._get_bool_param("ResetAllParameters", not parameters)
    if not reset_all and not parameters:
        raise InvalidParameterValue("Provide parameter names to reset, or set ResetAllParameters to true.")
    values = _group_values(group)
    names = [spec.name for spec in _specs(group.family)] if reset_all else []
    names += [_spec(group, parameter.get("ParameterName")).name for parameter in parameters]
    changed = [parameter_name for parameter_name in dict.fromkeys(names) if values.pop(parameter_name, None)]
    _mark_pending(self.redshift_backend, name, changed)
    return _group_updated(name)


@replaces(RedshiftResponse, "describe_cluster_parameters")
def describe_cluster_parameters(self: RedshiftResponse) -> ActionResult:
    """The group's parameters with AWS's metadata, user values marked Source user, filtered by Source."""
    name = self._get_param("ParameterGroupName")
    group = self.redshift_backend.parameter_groups.get(name)
    if group is None:
        raise _group_not_found(name)
    return ActionResult({"Parameters": _parameter_dicts(group, self._get_param("Source"))})


@replaces(RedshiftResponse, "describe_default_cluster_parameters")
def describe_default_cluster_parameters(self: RedshiftResponse) -> ActionResult:
    """The engine defaults of the requested family (redshift-2.0 requires TLS)."""
    family = self._get_param("ParameterGroupFamily")
    if family not in FAMILIES:
        raise InvalidParameterValue(f"Invalid parameter group family: {family}")
    defaults = ParameterGroup("", family, "", self.current_account, self.region)
    return ActionResult(
        {"DefaultClusterParameters": {"ParameterGroupFamily": family, "Parameters": _parameter_dicts(defaults, None)}}
    )


# --- resource policies on namespaces --------------------------------------------------------------------------------


def _policies(backend: RedshiftBackend) -> dict[str, str]:
    policies = getattr(backend, "_twin_resource_policies", None)
    if policies is None:
        policies = {}
        backend._twin_resource_policies = policies  # type: ignore[attr-defined]
    return policies


def _namespace(backend: RedshiftBackend, arn: str | None) -> str:
    if any(cluster.cluster_namespace_arn == arn for cluster in backend.clusters.values()):
        return str(arn)
    raise TwinServiceError("ResourceNotFoundFault", f"The resource {arn} could not be found.")


def _policy_result(arn: str, policy: str) -> ActionResult:
    return ActionResult({"ResourcePolicy": {"ResourceArn": arn, "Policy": policy}})


@adds(RedshiftResponse, "put_resource_policy")
def put_resource_policy(self: RedshiftResponse) -> ActionResult:
    """PutResourcePolicy (missing in moto) on a cluster namespace ARN; the policy must be a JSON document."""
    arn = _namespace(self.redshift_backend, self._get_param("ResourceArn"))
    policy = self._get_param("Policy")
    try:
        document = json.loads(policy or "")
    except ValueError as error:
        raise TwinServiceError("InvalidPolicyFault", f"The resource policy isn't valid: {error}") from error
    if not isinstance(document, dict):
        raise TwinServiceError("InvalidPolicyFault", "The resource policy isn't valid: it must be a JSON object.")
    _policies(self.redshift_backend)[arn] = policy
    return _policy_result(arn, policy)


@adds(RedshiftResponse, "get_resource_policy")
def get_resource_policy(self: RedshiftResponse) -> ActionResult:
    """GetResourcePolicy (missing in moto); a namespace without a policy is ResourceNotFoundFault."""
    arn = _namespace(self.redshift_backend, self._get_param("ResourceArn"))
    policy = _policies(self.redshift_backend).get(arn)
    if policy is None:
        raise TwinServiceError("ResourceNotFoundFault", f"No resource policy is attached to {arn}.")
    return _policy_result(arn, policy)


@adds(RedshiftResponse, "delete_resource_policy")
def delete_resource_policy(self: RedshiftResponse) -> EmptyResult:
    """DeleteResourcePolicy (missing in moto)."""
    arn = _namespace(self.redshift_backend, self._get_param("ResourceArn"))
    _policies(self.redshift_backend).pop(arn, None)
    return EmptyResult()
