"""Wiring: the endpoints the twin returns point at the real servers of the data plane, which follow the API.

Active only in a twin started with its data plane (`python -m twin up` sets TWIN_WIRE_DATAPLANE=1); the in-process
twin of the patch tests has no data plane and keeps moto's hostnames.

- Aurora: a cluster's endpoint and port are the writer server's; its instances' endpoints are the writer's (the
  writer instance), the reader's (reader instances) or the replica server's (instances of a replica cluster).
  CreateDBCluster's master user and password exist on the writer, ModifyDBCluster with MasterUserPassword changes it
  there, an RDS-managed password (ManageMasterUserPassword) is the one in its Secrets Manager secret. A replica
  cluster (ReplicationSourceIdentifier, or a global secondary) starts real binlog replication into the replica
  server; PromoteReadReplicaDBCluster stops it and makes that server writable. `require_secure_transport` in the
  cluster parameter group is applied to the writer.
- Redshift: the endpoint is PostgreSQL's; the master user owns database `dev` (or DBName) and follows password
  changes and an AWS-managed password.
- ElastiCache: a replication group's primary, reader and member endpoints are the Redis server's; its AUTH tokens
  are Redis's passwords (both during a ROTATE; none while AUTH is optional, which accepts any client as AWS does).
  Other groups' tokens stay valid when a group is created, changed or deleted, as on AWS: Redis accepts the tokens
  of every live group that requires AUTH.

Departures the twin cannot avoid (one loopback address, one server per engine): AWS serves the writer and the
reader endpoints on one port (the cluster's Port) at two hostnames; the twin has one address, 127.0.0.1, so the
cluster's ReaderEndpoint is 127.0.0.1 and the reader server answers on its own port, TWIN_MYSQL_READER_PORT
(also the reader instances' Endpoint.Port). A replication group's primary and reader endpoints are one Redis
server, so its reader endpoint accepts writes.
"""

from __future__ import annotations

import json
import os
from typing import Any

from moto.elasticache.models import ElastiCacheBackend, ReplicationGroup, elasticache_backends
from moto.elasticache.responses import ElastiCacheResponse
from moto.rds.models import DBCluster, DBInstanceClustered, MasterUserSecret, RDSBackend
from moto.redshift.models import Cluster, RedshiftBackend
from moto.redshift.responses import RedshiftResponse

from twin import dataplane
from twin.dataplane.config import HOST, POSTGRES, READER, REDIS, REPLICA, WRITER
from twin.patches._registry import original, replaces
from twin.patches.rds_parameters import effective_cluster_parameter


def wired() -> bool:
    return os.environ.get("TWIN_WIRE_DATAPLANE") == "1"


def _is_replica(cluster: DBCluster) -> bool:
    if cluster.replication_source_identifier:
        return True
    return bool(getattr(cluster, "global_cluster_identifier", None)) and not getattr(cluster, "is_writer", True)


def _server_of_cluster(cluster: DBCluster) -> str:
    return REPLICA if _is_replica(cluster) else WRITER


def _managed_password(secret: MasterUserSecret) -> str:
    return json.loads(secret.secret.secret_string)["password"]


def _apply_master_user(cluster: DBCluster, password: str | None) -> None:
    if _is_replica(cluster) or not cluster.master_username:
        return
    if getattr(cluster, "master_user_secret", None) is not None and cluster.manage_master_user_password:
        password = _managed_password(cluster.master_user_secret)
    if password:
        dataplane.ensure_mysql_user(WRITER, cluster.master_username, password)


def _apply_require_tls(cluster: DBCluster) -> None:
    if _is_replica(cluster):
        return
    value = (effective_cluster_parameter(cluster, "require_secure_transport") or "OFF").upper()
    dataplane.set_mysql_require_tls(WRITER, value in ("ON", "1"))


# --- Aurora endpoints --------------------------------------------------------------------------------------------


@replaces(DBCluster, "endpoint")
@property
def cluster_endpoint(self: DBCluster) -> str:
    return HOST if wired() else original(DBCluster, "endpoint").fget(self)


@replaces(DBCluster, "reader_endpoint")
@property
def cluster_reader_endpoint(self: DBCluster) -> str:
    return HOST if wired() else original(DBCluster, "reader_endpoint").fget(self)


@replaces(DBInstanceClustered, "endpoint")
@property
def member_endpoint(self: DBInstanceClustered) -> dict[str, Any]:
    if not wired():
        return original(DBInstanceClustered, "endpoint").fget(self)
    if _is_replica(self.cluster):
        server = REPLICA
    elif self.is_cluster_writer:
        server = WRITER
    else:
        server = READER
    return {"Address": HOST, "Port": dataplane.endpoint(server)[1]}


# --- Aurora lifecycle -------------------------------------------------------------------------------------------


@replaces(MasterUserSecret, "_generate_secret_string")
def generate_secret_string(self: MasterUserSecret) -> str:
    """AWS: the managed secret holds the resource's master username and a generated password (moto: admin/P@55w0rd!)."""
    from moto.moto_api._internal import mock_random

    return json.dumps({"username": self.resource.master_username, "password": mock_random.get_random_string(32)})


@replaces(RDSBackend, "create_db_cluster")
def create_db_cluster(self: RDSBackend, kwargs: Any) -> DBCluster:
    password = kwargs.get("master_user_password")
    cluster = original(RDSBackend, "create_db_cluster")(self, kwargs)
    if wired():
        cluster.port = dataplane.endpoint(_server_of_cluster(cluster))[1]
        if _is_replica(cluster):
            dataplane.start_replica(WRITER, REPLICA)
        else:
            _apply_master_user(cluster, password)
            _apply_require_tls(cluster)
    return cluster


@replaces(RDSBackend, "modify_db_cluster")
def modify_db_cluster(self: RDSBackend, kwargs: dict[str, Any]) -> DBCluster:
    password = kwargs.get("master_user_password")
    # moto's modify rewrites kwargs["db_cluster_identifier"]: read what the call asked for first.
    cluster_id = kwargs.get("new_db_cluster_identifier") or kwargs["db_cluster_identifier"]
    managed_before = bool(getattr(self.clusters.get(kwargs["db_cluster_identifier"]), "manage_master_user_password", 0))
    result = original(RDSBackend, "modify_db_cluster")(self, kwargs)
    if wired():
        cluster = self.clusters[cluster_id]
        if password or bool(cluster.manage_master_user_password) != managed_before:
            _apply_master_user(cluster, password)
        _apply_require_tls(cluster)
    return result


@replaces(RDSBackend, "promote_read_replica_db_cluster")
def promote_read_replica_db_cluster(self: RDSBackend, db_cluster_identifier: str) -> DBCluster:
    cluster = original(RDSBackend, "promote_read_replica_db_cluster")(self, db_cluster_identifier)
    if wired():
        dataplane.promote_replica(REPLICA)
    return cluster


@replaces(RDSBackend, "modify_db_cluster_parameter_group")
def modify_db_cluster_parameter_group(self: RDSBackend, *args: Any, **kwargs: Any) -> Any:
    result = original(RDSBackend, "modify_db_cluster_parameter_group")(self, *args, **kwargs)
    if wired():
        for cluster in list(self.clusters.values()):
            _apply_require_tls(cluster)
    return result


# --- Redshift ---------------------------------------------------------------------------------------------------


def _redshift_password(cluster: Cluster) -> str | None:
    secret_arn = getattr(cluster, "_twin_secret_arn", None)
    if secret_arn:
        from moto.secretsmanager.models import secretsmanager_backends

        secret = secretsmanager_backends[cluster.account_id][cluster.region].secrets[secret_arn]
        return json.loads(secret.secret_string)["password"]
    return cluster.master_user_password


def apply_redshift_user(cluster: Cluster) -> None:
    password = _redshift_password(cluster)
    if password:
        dataplane.ensure_postgres_user(cluster.master_username, password, cluster.db_name or "dev")


@replaces(Cluster, "endpoint")
@property
def redshift_endpoint(self: Cluster) -> dict[str, str | int]:
    if not wired():
        return original(Cluster, "endpoint").fget(self)
    return {"Address": HOST, "Port": dataplane.endpoint(POSTGRES)[1]}


@replaces(RedshiftBackend, "create_cluster")
def create_redshift_cluster(self: RedshiftBackend, **cluster_kwargs: Any) -> Cluster:
    cluster = original(RedshiftBackend, "create_cluster")(self, **cluster_kwargs)
    if wired():
        apply_redshift_user(cluster)
    return cluster


@replaces(RedshiftBackend, "modify_cluster")
def modify_redshift_cluster(self: RedshiftBackend, **cluster_kwargs: Any) -> Cluster:
    cluster = original(RedshiftBackend, "modify_cluster")(self, **cluster_kwargs)
    if wired() and (cluster_kwargs.get("master_user_password") or "manage_master_password" in cluster_kwargs):
        apply_redshift_user(cluster)
    return cluster


def _requires_ssl(cluster: Cluster) -> bool:
    """The cluster's require_ssl: its parameter group's value, else its family's default (true in redshift-2.0)."""
    from twin.patches.redshift import _group_values, _specs

    for group in cluster.parameter_groups:
        default = next((spec.value for spec in _specs(group.family) if spec.name == "require_ssl"), "false")
        return _group_values(group).get("require_ssl", default).lower() == "true"
    return False


def _apply_require_ssl() -> None:
    """One PostgreSQL serves every Redshift cluster: it refuses connections without TLS while any live cluster's
    parameter group sets require_ssl (on AWS each cluster applies its own; no role here connects without TLS)."""
    from moto.redshift.models import redshift_backends

    clusters = [
        cluster
        for account in redshift_backends.values()
        for backend in account.values()
        for cluster in backend.clusters.values()
    ]
    dataplane.set_postgres_require_ssl(any(_requires_ssl(cluster) for cluster in clusters))


def _then_require_ssl(action: str) -> None:
    """Wrap a Redshift API action so that the data plane's TLS rule follows the clusters once it has run."""

    def wrapped(self: RedshiftResponse) -> Any:
        result = original(RedshiftResponse, action)(self)
        if wired():
            _apply_require_ssl()
        return result

    wrapped.__name__ = action
    replaces(RedshiftResponse, action)(wrapped)


for _action in (
    "create_cluster",
    "modify_cluster",
    "delete_cluster",
    "reboot_cluster",
    "modify_cluster_parameter_group",
    "reset_cluster_parameter_group",
):
    _then_require_ssl(_action)


# --- ElastiCache ------------------------------------------------------------------------------------------------


def _point_group_at_redis(backend: ElastiCacheBackend, group: ReplicationGroup) -> None:
    port = dataplane.endpoint(REDIS)[1]
    endpoint = {"address": HOST, "port": port}
    for node_group in group.node_groups:
        node_group["primary_endpoint"] = dict(endpoint)
        node_group["reader_endpoint"] = dict(endpoint)
        for member in node_group["node_group_members"]:
            member["read_endpoint"] = dict(endpoint)
    for cluster in backend.cache_clusters.values():
        if getattr(cluster, "replication_group_id", None) == group.replication_group_id:
            cluster.twin_node_address = HOST
            cluster.port = port


def _live_groups() -> list[ReplicationGroup]:
    groups = []
    for account in list(elasticache_backends.values()):
        for backend in list(account.values()):
            groups += [group for group in backend.replication_groups.values() if group.status != "deleting"]
    return groups


def _apply_auth(group: ReplicationGroup) -> None:
    """AWS: each group has its own nodes and tokens, so creating, changing or deleting one group leaves the others'
    tokens valid. The twin's one Redis accepts the tokens of every live group that requires AUTH (a group's own
    tokens alone while it is the only one); no token at all when `group` itself accepts clients without one."""
    if getattr(group, "auth_token_optional", False) or not getattr(group, "auth_tokens", []):
        dataplane.set_redis_auth([])
        return
    _apply_auth_of_live_groups()


def _apply_auth_of_live_groups() -> None:
    tokens: list[str] = []
    for group in _live_groups():
        if not getattr(group, "auth_token_optional", False):
            tokens += [token for token in getattr(group, "auth_tokens", []) if token not in tokens]
    dataplane.set_redis_auth(tokens)


@replaces(ElastiCacheBackend, "create_replication_group")
def create_replication_group(self: ElastiCacheBackend, **kwargs: Any) -> ReplicationGroup:
    group = original(ElastiCacheBackend, "create_replication_group")(self, **kwargs)
    if wired():
        _point_group_at_redis(self, group)
        _apply_auth(group)
    return group


@replaces(ElastiCacheResponse, "modify_replication_group")
def modify_replication_group(self: ElastiCacheResponse) -> Any:
    result = original(ElastiCacheResponse, "modify_replication_group")(self)
    if wired():
        group = self.elasticache_backend.replication_groups[self._get_param("ReplicationGroupId")]
        _apply_auth(group)
    return result


@replaces(ElastiCacheResponse, "delete_replication_group")
def delete_replication_group(self: ElastiCacheResponse) -> Any:
    """AWS: deleting a group leaves the other groups' tokens valid (and the deleted group's tokens open nothing)."""
    result = original(ElastiCacheResponse, "delete_replication_group")(self)
    if wired() and any(getattr(group, "auth_tokens", []) for group in _live_groups()):
        _apply_auth_of_live_groups()
    return result
