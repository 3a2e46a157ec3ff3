"""RDS DB instances as AWS shows them: Aurora members, reboots, and the instance's state.

AWS behaviour implemented here (moto 5.2.5 departs on each point):
- An Aurora member (CreateDBInstance with DBClusterIdentifier) carries its cluster's DBSubnetGroup in full (name,
  VpcId, Subnets), PubliclyAccessible and PendingModifiedValues; moto leaves DBSubnetGroup out unless the call
  names one, which breaks amazon.aws.rds_instance on its second run (KeyError 'DBSubnetGroup').
- PubliclyAccessible, when the call does not give it (CreateDBInstance API reference): without DBSubnetGroupName it
  is false for Aurora instances and true for others; with DBSubnetGroupName it is false unless the group is
  `default`.
- RebootDBInstance answers DBInstanceStatus `rebooting`; the instance then becomes `available` again, having applied
  its parameter groups (pending-reboot cleared). An instance that is not available cannot be rebooted.

The instance's state is one attribute, `twin_state` (an InstanceState): a settled status (what moto assigns to
`status`) and an optional transient one until a deadline; moto's `status` becomes a property reading it. Time-mode
phases (rebooting here; creating, backing-up, modifying, deleting in twin.patches.time_mode) come from twin.timeline
under `instance_key`: each lasts AWS's typical duration times the time scale (0, so at once, outside time mode).
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import Any

from moto.ec2.models import ec2_backends
from moto.rds.models import DBInstance, DBInstanceClustered, DBSubnetGroup, RDSBackend

from twin.patches._registry import adds, original, replaces
from twin.patches.errors import TwinServiceError
from twin.patches.rds_parameters import mark_parameters_applied
from twin.timeline import TIMELINE

AVAILABLE = "available"
REBOOTING = "rebooting"
STATE_ATTR = "twin_state"
DEFAULT_SUBNET_GROUP = "default"
REBOOT_DURATION = "rds.instance.rebooting"  # key of twin.timeline.TYPICAL_AWS_SECONDS


@dataclass
class InstanceState:
    """An instance's status: `settled`, or `transient` until the monotonic clock reaches `until`."""

    settled: str = AVAILABLE
    transient: str | None = None
    until: float = 0.0

    def current(self, now: float) -> str:
        if self.transient is not None and now < self.until:
            return self.transient
        return self.settled


def instance_state(instance: Any) -> InstanceState:
    state = instance.__dict__.get(STATE_ATTR)
    if state is None:
        state = instance.__dict__[STATE_ATTR] = InstanceState()
    return state


def instance_key(instance: Any) -> str:
    """The instance's key in twin.timeline."""
    return f"rds-instance:{instance.db_instance_arn}"


def instance_status(instance: Any) -> str:
    """DBInstanceStatus of an instance now: a transient status, else its time-mode phase, else the settled one."""
    state = instance_state(instance)
    shown = state.current(time.monotonic())
    if shown != state.settled:
        return shown
    return TIMELINE.state(instance_key(instance), state.settled)


def begin_transition(instance: Any, status: str, seconds: float) -> None:
    """Show `status` for `seconds`, then the settled status again."""
    state = instance_state(instance)
    state.transient = status
    state.until = time.monotonic() + seconds


def _set_status(instance: Any, value: str) -> None:
    state = instance_state(instance)
    state.settled = value
    state.transient = None


replaces(DBInstance, "status")(property(instance_status, _set_status))


def as_shown_during(instance: Any, status: str) -> Any:
    """A copy of `instance` whose status reads `status`, for the answer of the call that started it."""
    shown = copy.copy(instance)
    shown.__dict__[STATE_ATTR] = InstanceState(settled=status)
    return shown


@replaces(RDSBackend, "reboot_db_instance")
def reboot_db_instance(self: Any, db_instance_identifier: str) -> Any:
    """AWS RebootDBInstance: `rebooting`, then `available` with the parameter groups applied."""
    instance = self.describe_db_instances(db_instance_identifier)[0]
    if instance_status(instance) != AVAILABLE:
        raise TwinServiceError(
            "InvalidDBInstanceState", f"Instance {instance.db_instance_identifier} is not in available state."
        )
    mark_parameters_applied(instance)
    TIMELINE.schedule(instance_key(instance), [(REBOOTING, REBOOT_DURATION)])
    return as_shown_during(instance, REBOOTING)


def default_publicly_accessible(instance: Any, db_subnet_group_name: str | None) -> bool:
    """PubliclyAccessible when CreateDBInstance does not give it (CreateDBInstance API reference)."""
    if db_subnet_group_name:
        return db_subnet_group_name.lower() == DEFAULT_SUBNET_GROUP
    return not isinstance(instance, DBInstanceClustered)


@replaces(RDSBackend, "create_db_instance")
def create_db_instance(self: Any, db_kwargs: dict[str, Any]) -> Any:
    """AWS CreateDBInstance: PubliclyAccessible defaulted, parameter groups applied by the new instance."""
    asked_public = db_kwargs.get("publicly_accessible")
    instance = original(RDSBackend, "create_db_instance")(self, db_kwargs)
    if asked_public is None:
        instance.publicly_accessible = default_publicly_accessible(instance, db_kwargs.get("db_subnet_group_name"))
    mark_parameters_applied(instance)
    return instance


def _default_subnet_group(backend: Any) -> Any | None:
    """The `default` DB subnet group AWS uses without one named: the default VPC's subnets."""
    ec2 = ec2_backends[backend.account_id][backend.region_name]
    vpc = ec2.default_vpc
    subnets = [subnet for subnet in ec2.describe_subnets() if vpc is not None and subnet.vpc_id == vpc.id]
    if not subnets:
        return None
    return DBSubnetGroup(backend, DEFAULT_SUBNET_GROUP, DEFAULT_SUBNET_GROUP, subnets, [])


def cluster_subnet_group(cluster: Any) -> Any | None:
    """The DB subnet group (model) of a cluster, the `default` one included."""
    name = cluster.db_subnet_group_name
    group = cluster.backend.subnet_groups.get(name)
    if group is None and name == DEFAULT_SUBNET_GROUP:
        return _default_subnet_group(cluster.backend)
    return group


def _member_subnet_group(self: Any) -> Any | None:
    """AWS: an Aurora member is in its cluster's DB subnet group."""
    return cluster_subnet_group(self.cluster)


def _ignore_subnet_group(self: Any, value: Any) -> None:
    """moto assigns the group named in the call; a member's group is always its cluster's."""


replaces(DBInstanceClustered, "db_subnet_group")(property(_member_subnet_group, _ignore_subnet_group))


@adds(DBInstance, "pending_modified_values")
@property
def pending_modified_values(self: Any) -> dict[str, Any]:
    """AWS always answers PendingModifiedValues; empty while no modification waits."""
    return {}
