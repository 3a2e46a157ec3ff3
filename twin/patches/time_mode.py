"""Time mode: resources pass through AWS's states for AWS's typical durations, scaled (twin.timeline).

Off by default: with time scale 0 every hook below steps aside and the twin answers as the service patches do.
With a scale above 0 (TWIN_TIME_SCALE, or PUT /_twin/config {"time_scale": ...}) the twin shows AWS's states:
- RDS DB instance: CreateDBInstance `creating`, then `backing-up` (the first backup), then `available`;
  ModifyDBInstance with ApplyImmediately `modifying`; RebootDBInstance `rebooting` (twin.patches.rds_instances);
  DeleteDBInstance `deleting`, and the instance is listed as `deleting` until the phase is over, then gone. While an
  instance is in one of these phases AWS refuses ModifyDBInstance (InvalidDBInstanceState "Database instance is not
  in available state.") and RebootDBInstance (rds_instances); a second DeleteDBInstance fails InvalidDBInstanceState
  "Instance <id> is already being deleted.".
- Aurora DB cluster: CreateDBCluster `creating` (a read replica cluster, ReplicationSourceIdentifier, for the much
  longer rds.replica_cluster.creating), ModifyDBCluster `modifying`, DeleteDBCluster `deleting`, then gone. AWS lets
  a cluster be deleted once its instances are all deleting ("it still contains DB instances in non-deleting state").
- Aurora global database: CreateGlobalCluster from a source cluster (SourceDBClusterIdentifier) is `creating`, then
  `available`; an empty one is `available` at once (the AWS CLI reference's example shows it so).
- Redshift cluster: CreateCluster `creating`, ModifyCluster `modifying`, RebootCluster `rebooting`, DeleteCluster
  `deleting`, then gone (ClusterAvailabilityStatus follows ClusterStatus, see twin.patches.redshift).
- EC2 instance: RunInstances and StartInstances `pending`, then `running`; TerminateInstances `shutting-down`,
  then `terminated`.
- ElastiCache replication groups (creating, modifying, deleting, with their member clusters) are timed in
  twin.patches.elasticache on the same timeline.

How: a phase is a twin.timeline schedule under the resource's key (`rds-instance:<arn>`, `rds-cluster:<arn>`,
`rds-global-cluster:<resource id>`, `redshift-cluster:<arn>`, `ec2-instance:<id>`); the resource's status property
reads it. Each service's `call_action` runs an action through its hook (refusals before, phases after, all before the
answer is serialised, so the answer shows the phase as AWS's does). A deleted resource stays in moto's store, marked,
during its `deleting` phase; every request to the service first removes those whose phase is over, so no thread is
needed.
moto's state manager (moto_api) has no model for EC2, RDS, Redshift or ElastiCache in 5.2.5, so it cannot help.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from moto.core.utils import camelcase_to_underscores, method_names_from_class
from moto.ec2.models.instances import Instance, InstanceState
from moto.ec2.responses import EC2Response
from moto.rds.models import DBCluster, GlobalCluster, RDSBackend, rds_backends
from moto.rds.responses import RDSResponse
from moto.redshift.models import Cluster, redshift_backends
from moto.redshift.responses import RedshiftResponse

from twin.patches._registry import original, replaces
from twin.patches.errors import TwinServiceError
from twin.patches.rds_instances import instance_key, instance_status
from twin.timeline import TIMELINE

AVAILABLE = "available"
DELETING = "deleting"
Phases = list[tuple[str, str]]  # (state, duration key of twin.timeline.TYPICAL_AWS_SECONDS)
Action = Callable[[], Any]
Hook = Callable[[Any, Action], Any]  # (the service's Response, the bound action) -> the action's result

INSTANCE_CREATING: Phases = [("creating", "rds.instance.creating"), ("backing-up", "rds.instance.backing-up")]
INSTANCE_MODIFYING: Phases = [("modifying", "rds.instance.modifying")]
INSTANCE_DELETING: Phases = [(DELETING, "rds.instance.deleting")]
CLUSTER_CREATING: Phases = [("creating", "rds.cluster.creating")]
REPLICA_CLUSTER_CREATING: Phases = [("creating", "rds.replica_cluster.creating")]
CLUSTER_MODIFYING: Phases = [("modifying", "rds.cluster.modifying")]
CLUSTER_DELETING: Phases = [(DELETING, "rds.cluster.deleting")]
GLOBAL_CLUSTER_CREATING: Phases = [("creating", "rds.global_cluster.creating")]
REDSHIFT_CREATING: Phases = [("creating", "redshift.cluster.creating")]
REDSHIFT_MODIFYING: Phases = [("modifying", "redshift.cluster.modifying")]
REDSHIFT_REBOOTING: Phases = [("rebooting", "redshift.cluster.rebooting")]
REDSHIFT_DELETING: Phases = [(DELETING, "redshift.cluster.deleting")]
EC2_PENDING: Phases = [("pending", "ec2.instance.pending")]
EC2_SHUTTING_DOWN: Phases = [("shutting-down", "ec2.instance.shutting-down")]
# EC2 instance states (name -> code), and the state each timed one settles into.
EC2_CODES = {"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}
EC2_SETTLES_INTO = {"pending": "running", "shutting-down": "terminated"}
REDSHIFT_BUSY = "There is an operation running on the Cluster. Please try to delete it at a later time."
# Marks a deleted resource that moto's store keeps during its `deleting` phase: the value is its timeline key.
GONE_AFTER = "twin_gone_after"


# ---------------------------------------------------------------- timeline keys and deferred deletion


def cluster_key(cluster: DBCluster) -> str:
    return f"rds-cluster:{cluster.db_cluster_arn}"


def global_cluster_key(found: GlobalCluster) -> str:
    """By resource id, which stays when ModifyGlobalCluster renames the global database (and its ARN)."""
    return f"rds-global-cluster:{found.global_cluster_resource_id}"


def redshift_key(cluster: Cluster) -> str:
    return f"redshift-cluster:{cluster.arn}"


def ec2_key(instance: Instance) -> str:
    return f"ec2-instance:{instance.id}"


def keep_while_deleting(store: dict[str, Any], name: str, resource: Any, key: str, phases: Phases) -> None:
    """Put a resource moto has just deleted back in its store for its `deleting` phase; `sweep` removes it later."""
    store[name] = resource
    resource.__dict__[GONE_AFTER] = key
    TIMELINE.schedule(key, phases)


def sweep(stores: Iterable[dict[str, Any]]) -> None:
    """Remove from moto's stores the deleted resources whose `deleting` phase is over (or time mode was turned off)."""
    for store in stores:
        for name, resource in list(store.items()):
            key = resource.__dict__.get(GONE_AFTER)
            if key is not None and not TIMELINE.busy(key):
                del store[name]


def being_deleted(resource: Any) -> bool:
    return resource.__dict__.get(GONE_AFTER) is not None


# ---------------------------------------------------------------- running actions through their hooks


def timed_call_action(response_class: type, hooks: dict[str, Hook], sweeper: Callable[[Any], None]) -> Any:
    """A `call_action` for `response_class`: sweeps finished deletions, then runs the action through its hook.

    The hook replaces the action on this request's Response object only, so moto still dispatches it and turns the
    hook's TwinServiceError into AWS's error answer; outside time mode the action runs as it is.
    """

    def call_action(self: Any) -> Any:
        sweeper(self)
        name = camelcase_to_underscores(self._get_action() or "")
        hook = hooks.get(name)
        if hook is not None and TIMELINE.scale > 0 and name in method_names_from_class(self.__class__):
            action = getattr(self, name)
            self.__dict__[name] = lambda: hook(self, action)
        return original(response_class, "call_action")(self)

    return call_action


def _result(answer: Any, name: str) -> Any:
    return answer.result[name]


# ---------------------------------------------------------------- RDS


class InvalidDBInstanceState(TwinServiceError):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidDBInstanceState", message)


class InvalidDBClusterStateFault(TwinServiceError):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidDBClusterStateFault", message)


def _rds_sweep(response: RDSResponse) -> None:
    """Every region of the account this twin has loaded: cross-region replicas read their source's region."""
    for backend in list(rds_backends[response.current_account].values()):
        sweep((backend.databases, backend.clusters))


def _create_db_instance(response: RDSResponse, action: Action) -> Any:
    answer = action()
    TIMELINE.schedule(instance_key(_result(answer, "DBInstance")), INSTANCE_CREATING)
    return answer


def _modify_db_instance(response: RDSResponse, action: Action) -> Any:
    """AWS refuses to modify an instance that is not available (creating, backing-up, modifying, rebooting...)."""
    instance = response.backend.databases.get(response.params.get("DBInstanceIdentifier"))
    if instance is not None and TIMELINE.busy(instance_key(instance)):
        raise InvalidDBInstanceState("Database instance is not in available state.")
    answer = action()
    if response.params.get("ApplyImmediately"):
        TIMELINE.schedule(instance_key(_result(answer, "DBInstance")), INSTANCE_MODIFYING)
    return answer


def _delete_db_instance(response: RDSResponse, action: Action) -> Any:
    name = response.params.get("DBInstanceIdentifier")
    store = response.backend.databases
    instance = store.get(name)
    if instance is not None and being_deleted(instance):
        raise InvalidDBInstanceState(f"Instance {name} is already being deleted.")
    answer = action()
    if instance is not None:
        keep_while_deleting(store, name, instance, instance_key(instance), INSTANCE_DELETING)
    return answer


def _create_db_cluster(response: RDSResponse, action: Action) -> Any:
    answer = action()
    cluster = _result(answer, "DBCluster")
    cluster.status = AVAILABLE  # settled: the timeline shows `creating` (moto showed it on the first read only)
    phases = REPLICA_CLUSTER_CREATING if cluster.replication_source_identifier else CLUSTER_CREATING
    TIMELINE.schedule(cluster_key(cluster), phases)
    return answer


def _modify_db_cluster(response: RDSResponse, action: Action) -> Any:
    answer = action()
    TIMELINE.schedule(cluster_key(_result(answer, "DBCluster")), CLUSTER_MODIFYING)
    return answer


def _deleting_members(backend: RDSBackend, cluster: DBCluster) -> dict[str, Any]:
    return {
        name: instance
        for name, instance in backend.databases.items()
        if getattr(instance, "cluster", None) is cluster and instance_status(instance) == DELETING
    }


def _delete_db_cluster(response: RDSResponse, action: Action) -> Any:
    """DeleteDBCluster: allowed once every instance is deleting; the cluster is then `deleting`, then gone."""
    name = response.params.get("DBClusterIdentifier")
    backend = response.backend
    cluster = backend.clusters.get(name)
    if cluster is None:
        return action()
    if being_deleted(cluster):
        # AWS's words for an instance (DeleteDBInstance); the twin uses them for a cluster too.
        raise InvalidDBClusterStateFault(f"Cluster {name} is already being deleted.")
    leaving = _deleting_members(backend, cluster)
    for member in leaving:
        del backend.databases[member]
    try:
        answer = action()
    finally:
        backend.databases.update(leaving)
    cluster.status = DELETING
    keep_while_deleting(backend.clusters, name, cluster, cluster_key(cluster), CLUSTER_DELETING)
    return answer


def _cluster_status(self: DBCluster) -> str:
    """Status: the cluster's time-mode phase, else moto's status."""
    return TIMELINE.state(cluster_key(self), "") or original(DBCluster, "status").fget(self)


def _set_cluster_status(self: DBCluster, value: str) -> None:
    original(DBCluster, "status").fset(self, value)


replaces(DBCluster, "status")(property(_cluster_status, _set_cluster_status))


def _create_global_cluster(response: RDSResponse, action: Action) -> Any:
    """A global database made from a source cluster is `creating` before it is `available`."""
    answer = action()
    if response.params.get("SourceDBClusterIdentifier"):
        TIMELINE.schedule(global_cluster_key(_result(answer, "GlobalCluster")), GLOBAL_CLUSTER_CREATING)
    return answer


def _global_cluster_status(self: GlobalCluster) -> str:
    return TIMELINE.state(global_cluster_key(self), self.__dict__.get("twin_status", AVAILABLE))


def _set_global_cluster_status(self: GlobalCluster, value: str) -> None:
    self.__dict__["twin_status"] = value


replaces(GlobalCluster, "status")(property(_global_cluster_status, _set_global_cluster_status))

RDS_HOOKS: dict[str, Hook] = {
    "create_db_instance": _create_db_instance,
    "modify_db_instance": _modify_db_instance,
    "delete_db_instance": _delete_db_instance,
    "create_db_cluster": _create_db_cluster,
    "modify_db_cluster": _modify_db_cluster,
    "delete_db_cluster": _delete_db_cluster,
    "create_global_cluster": _create_global_cluster,
}
replaces(RDSResponse, "call_action")(timed_call_action(RDSResponse, RDS_HOOKS, _rds_sweep))


# ---------------------------------------------------------------- Redshift


def _redshift_sweep(response: RedshiftResponse) -> None:
    for backend in list(redshift_backends[response.current_account].values()):
        sweep((backend.clusters,))


def _redshift_phase(phases: Phases) -> Hook:
    def hook(response: RedshiftResponse, action: Action) -> Any:
        answer = action()
        TIMELINE.schedule(redshift_key(_result(answer, "Cluster")), phases)
        return answer

    return hook


def _delete_redshift_cluster(response: RedshiftResponse, action: Action) -> Any:
    name = response._get_param("ClusterIdentifier")
    store = response.redshift_backend.clusters
    cluster = store.get(name)
    if cluster is not None and being_deleted(cluster):
        raise TwinServiceError("InvalidClusterState", REDSHIFT_BUSY)
    answer = action()
    if cluster is not None:
        cluster.status = DELETING
        keep_while_deleting(store, name, cluster, redshift_key(cluster), REDSHIFT_DELETING)
    return answer


def _redshift_status(self: Cluster) -> str:
    """ClusterStatus: the cluster's time-mode phase, else the status moto assigned."""
    return TIMELINE.state(redshift_key(self), self.__dict__.get("status", AVAILABLE))


def _set_redshift_status(self: Cluster, value: str) -> None:
    self.__dict__["status"] = value


replaces(Cluster, "status")(property(_redshift_status, _set_redshift_status))

REDSHIFT_HOOKS: dict[str, Hook] = {
    "create_cluster": _redshift_phase(REDSHIFT_CREATING),
    "modify_cluster": _redshift_phase(REDSHIFT_MODIFYING),
    "reboot_cluster": _redshift_phase(REDSHIFT_REBOOTING),
    "delete_cluster": _delete_redshift_cluster,
}
replaces(RedshiftResponse, "call_action")(timed_call_action(RedshiftResponse, REDSHIFT_HOOKS, _redshift_sweep))


# ---------------------------------------------------------------- EC2


def _enter(instance: Instance, phases: Phases) -> None:
    state = instance.__dict__["_state"]
    state.name = phases[0][0]
    state.code = EC2_CODES[state.name]
    TIMELINE.schedule(ec2_key(instance), phases)


def _run_instances(response: EC2Response, action: Action) -> Any:
    answer = action()
    for instance in answer.result.instances:
        _enter(instance, EC2_PENDING)
    return answer


def _ec2_phase(phases: Phases, listed: str) -> Hook:
    """After Start/TerminateInstances, the instances listed under `listed` that changed enter the phase."""

    def hook(response: EC2Response, action: Action) -> Any:
        answer = action()
        settles_into = EC2_SETTLES_INTO[phases[0][0]]
        for item in answer.result[listed]:
            if item["PreviousState"].name != settles_into:
                _enter(response.ec2_backend.get_instance(item["InstanceId"]), phases)
        return answer

    return hook


def _ec2_state(self: Instance) -> InstanceState:
    """moto's one InstanceState object of the instance; a timed state settles once its phase is over."""
    state: InstanceState = self.__dict__["_state"]
    settles_into = EC2_SETTLES_INTO.get(state.name)
    if settles_into is not None and not TIMELINE.busy(ec2_key(self)):
        state.name, state.code = settles_into, EC2_CODES[settles_into]
    return state


def _set_ec2_state(self: Instance, value: InstanceState) -> None:
    self.__dict__["_state"] = value


replaces(Instance, "_state")(property(_ec2_state, _set_ec2_state))

EC2_HOOKS: dict[str, Hook] = {
    "run_instances": _run_instances,
    "start_instances": _ec2_phase(EC2_PENDING, "StartingInstances"),
    "terminate_instances": _ec2_phase(EC2_SHUTTING_DOWN, "TerminatingInstances"),
}
replaces(EC2Response, "call_action")(timed_call_action(EC2Response, EC2_HOOKS, lambda response: None))
