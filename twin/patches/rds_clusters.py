"""Aurora DB clusters as AWS runs them: identity, deletion, cross-region read replicas and global databases.

AWS behaviour implemented here (moto 5.2.5 departs on each point):
- CreateDBCluster with an identifier in use fails DBClusterAlreadyExistsFault and changes nothing (moto overwrote the
  cluster, then failed DBClusterSnapshotAlreadyExistsFault on its automated snapshot). CreateDBSubnetGroup with a name
  in use fails DBSubnetGroupAlreadyExists (moto overwrote the group).
- DeleteDBCluster answers Status `deleting` and the cluster is then gone. It needs FinalDBSnapshotIdentifier unless
  SkipFinalSnapshot is true (and refuses both together); it refuses a secondary member of a global database and a
  primary member that still has secondaries; automated backups go with the cluster; a deleted read replica leaves its
  source's ReadReplicaIdentifiers.
- CreateDBCluster with ReplicationSourceIdentifier makes a read replica cluster, in another region or the same one,
  without credentials (it inherits the source's). AWS refuses credentials and ManageMasterUserPassword on a replica,
  a source without binlog or whose writer has not applied its binlog setting, and an encrypted cross-region source
  without KmsKeyId in the destination region or a pre-signed URL. PromoteReadReplicaDBCluster detaches a replica.
- CreateGlobalCluster from SourceDBClusterIdentifier (an ARN in any region) makes that cluster the writer; a cluster
  created with GlobalClusterIdentifier joins as a secondary reader listed in the writer's Readers; an identifier in
  use fails GlobalClusterAlreadyExistsFault. RemoveFromGlobalCluster detaches a member (the primary last);
  DeleteGlobalCluster refuses while members remain; unknown global clusters fail GlobalClusterNotFoundFault.
- DescribeDBEngineVersions (not implemented by moto) answers for aurora-mysql, with SupportsGlobalDatabases.
- Master user password managed by RDS in Secrets Manager (ManageMasterUserPassword): CreateDBCluster refuses it with
  MasterUserPassword; ModifyDBCluster refuses MasterUserPassword while RDS manages the password (unless turning
  management off), requires MasterUserPassword to turn management off, takes MasterUserSecretKmsKeyId only with
  ManageMasterUserPassword and only when management is being turned on (the key of a managed secret cannot change),
  keeps the one secret when ManageMasterUserPassword=true is sent again, and rotates only a managed password.
- Storage encryption: KmsKeyId is the ARN of the key asked for, or, for StorageEncrypted without KmsKeyId, the ARN of
  the account's AWS managed key of the region (alias aws/rds, created on first use as AWS does); an unencrypted
  cluster has no KmsKeyId (moto answered "default_kms_key_id" for both).
- ModifyGlobalCluster (HTTP 500 in moto): DeletionProtection; NewGlobalClusterIdentifier (a valid identifier not in
  use, stored lower-case; the members follow); EngineVersion, an upgrade of the global database and its member
  clusters (a major one only with AllowMajorVersionUpgrade). CreateGlobalCluster keeps its Tags, and
  ListTagsForResource, AddTagsToResource and RemoveTagsFromResource take a global cluster's ARN (moto: "Invalid
  resource name").
"""

from __future__ import annotations

import copy
import re
from typing import Any

from moto.core.responses import ActionResult
from moto.rds.models import DBCluster, DBClusterParameterGroup, DBSubnetGroup, GlobalCluster, RDSBackend, rds_backends
from moto.rds.responses import RDSResponse

from twin.patches._registry import adds, original, replaces
from twin.patches.errors import InvalidParameterCombination, InvalidParameterValue, TwinServiceError
from twin.patches.rds_parameters import cluster_family, effective_cluster_parameter, writer_parameters_in_sync

# moto keeps every global cluster of an account in this region's backend (RDSResponse.global_backend).
GLOBAL_REGION = "us-east-1"
GLOBAL_CLUSTER_ARN = re.compile(r"^arn:aws[a-z-]*:rds::(?P<account>\d{12}):global-cluster:(?P<name>.+)$")
IDENTIFIER = re.compile(r"^[a-zA-Z][a-zA-Z0-9]*(-[a-zA-Z0-9]+)*$")
CLUSTER_ARN = re.compile(r"^arn:aws[a-z-]*:rds:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):cluster:(?P<name>.+)$")
BINLOG_ENGINES = ("aurora-mysql", "aurora")
BINLOG_OFF = (None, "", "OFF")
DEFAULT_RDS_KEY_ALIAS = "alias/aws/rds"
# Lets moto's DBCluster skip its credential checks for a cluster that inherits credentials (replica, secondary).
_INHERITS_CREDENTIALS = "twin-inherits-credentials"


class DBClusterAlreadyExistsFault(TwinServiceError):
    def __init__(self) -> None:
        super().__init__("DBClusterAlreadyExistsFault", "DB Cluster already exists")


class DBClusterNotFoundFault(TwinServiceError):
    def __init__(self, identifier: str) -> None:
        super().__init__("DBClusterNotFoundFault", f"DBCluster {identifier} not found.")


class InvalidDBClusterStateFault(TwinServiceError):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidDBClusterStateFault", message)


class InvalidGlobalClusterStateFault(TwinServiceError):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidGlobalClusterStateFault", message)


class GlobalClusterNotFoundFault(TwinServiceError):
    def __init__(self, identifier: str) -> None:
        super().__init__("GlobalClusterNotFoundFault", f"Global cluster {identifier} not found.")


class GlobalClusterAlreadyExistsFault(TwinServiceError):
    def __init__(self, identifier: str) -> None:
        super().__init__("GlobalClusterAlreadyExistsFault", f"Global cluster {identifier} already exists.")


class DBSubnetGroupAlreadyExists(TwinServiceError):
    def __init__(self, name: str) -> None:
        super().__init__("DBSubnetGroupAlreadyExists", f"The DB subnet group '{name}' already exists.")


# ---------------------------------------------------------------- lookups


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def cluster_by_reference(backend: RDSBackend, reference: str) -> DBCluster:
    """A cluster named by its ARN (in any region of the account) or by its identifier in `backend`'s region."""
    match = CLUSTER_ARN.match(reference)
    if match:
        regional = rds_backends[match["account"]][match["region"]]
        cluster = regional.clusters.get(match["name"])
    else:
        cluster = backend.clusters.get(reference)
    if cluster is None:
        raise DBClusterNotFoundFault(reference)
    return cluster


def _cluster_if_any(reference: str | None) -> DBCluster | None:
    match = CLUSTER_ARN.match(reference or "")
    if not match:
        return None
    return rds_backends[match["account"]][match["region"]].clusters.get(match["name"])


def _global_store(account_id: str) -> Any:
    return rds_backends[account_id][GLOBAL_REGION].global_clusters


def _global_cluster(account_id: str, identifier: str) -> GlobalCluster:
    found = _global_store(account_id).get(identifier)
    if found is None:
        raise GlobalClusterNotFoundFault(identifier)
    return found


def _global_cluster_of(cluster: DBCluster) -> GlobalCluster | None:
    identifier = cluster.global_cluster_identifier
    if not identifier:
        return None
    found = _global_store(cluster.account_id).get(identifier)
    return found if found is not None and cluster in found.members else None


# ---------------------------------------------------------------- CreateDBCluster


def _refuse_replica_credentials(kwargs: Any) -> None:
    if kwargs.get("master_username") or kwargs.get("master_user_password"):
        # AWS's message for a replica given MasterUsername (it names no other case).
        raise InvalidParameterCombination("Cannot specify user name for instance cluster replication cluster")
    if _flag(kwargs.get("manage_master_user_password")):
        raise InvalidParameterValue("ManageMasterUserPassword isn't supported for read replicas")


def _refuse_source_without_binlog(source: DBCluster) -> None:
    """AWS's refusals of a binlog replica; AWS answers InvalidDBClusterStateFault (seen for the first message)."""
    if source.engine not in BINLOG_ENGINES:
        return
    if effective_cluster_parameter(source, "binlog_format") in BINLOG_OFF:
        raise InvalidDBClusterStateFault(f"Source cluster {source.db_cluster_arn} doesn't have binlogs enabled.")
    if not writer_parameters_in_sync(source):
        raise InvalidDBClusterStateFault(
            f"Source cluster {source.db_cluster_arn} doesn't have cluster parameter group in sync on writer."
        )


def default_rds_key(backend: RDSBackend) -> str:
    """The ARN of the account's AWS managed key for RDS in the backend's region (KMS alias aws/rds)."""
    return backend.kms.describe_key(DEFAULT_RDS_KEY_ALIAS).arn


def _storage_key(backend: RDSBackend, encrypted: bool, requested_key: str | None) -> str | None:
    """KmsKeyId of a cluster's storage: the key asked for (its ARN), else the aws/rds key if encrypted, else none."""
    if requested_key:
        return backend._validate_kms_key(requested_key)
    return default_rds_key(backend) if encrypted else None


def _replica_encryption(backend: RDSBackend, kwargs: Any, source: DBCluster) -> tuple[bool, str | None]:
    """(StorageEncrypted, KmsKeyId) of a replica: an encrypted source makes an encrypted replica."""
    requested_key = kwargs.get("kms_key_id")
    if not source.storage_encrypted:
        encrypted = bool(kwargs.get("storage_encrypted"))
        return encrypted, _storage_key(backend, encrypted, requested_key)
    if source.region == backend.region_name:
        return True, backend._validate_kms_key(requested_key) if requested_key else source.kms_key_id
    if not requested_key:
        # AWS words this for DB instance replicas; the twin uses the same words for clusters.
        raise InvalidParameterCombination(
            "Cannot create a cross region unencrypted read replica from encrypted source."
        )
    if not kwargs.get("pre_signed_url"):
        raise InvalidParameterCombination(
            f"Source cluster {source.db_cluster_arn} is encrypted; pre-signed URL has to be specified"
        )
    return True, backend._validate_kms_key(requested_key)


def _replication_source(backend: RDSBackend, kwargs: Any) -> DBCluster | None:
    reference = kwargs.get("replication_source_identifier")
    if not reference:
        return None
    _refuse_replica_credentials(kwargs)
    if ":db:" in reference:
        raise InvalidParameterValue("The twin models Aurora read replicas of DB clusters only, not of DB instances.")
    source = cluster_by_reference(backend, reference)
    _refuse_source_without_binlog(source)
    return source


def _joined_global_cluster(backend: RDSBackend, kwargs: Any) -> GlobalCluster | None:
    identifier = kwargs.get("global_cluster_identifier")
    if not identifier:
        return None
    joined = _global_cluster(backend.account_id, identifier)
    if not joined.members and not kwargs.get("master_username"):
        # An empty global database takes the new cluster as its primary, which needs credentials.
        raise InvalidParameterValue("The parameter MasterUsername must be provided and must not be blank.")
    return joined


def _new_cluster(backend: RDSBackend, kwargs: Any, inherits_credentials: bool) -> DBCluster:
    if not inherits_credentials or kwargs.get("master_username"):
        return DBCluster(backend, **kwargs)
    params = dict(kwargs)
    own_global = params.get("global_cluster_identifier")
    params["global_cluster_identifier"] = own_global or _INHERITS_CREDENTIALS
    cluster = DBCluster(backend, **params)
    cluster.global_cluster_identifier = own_global
    return cluster


def _link_replica(backend: RDSBackend, cluster: DBCluster, source: DBCluster, kwargs: Any) -> None:
    cluster.storage_encrypted, cluster.kms_key_id = _replica_encryption(backend, kwargs, source)
    cluster.master_username = source.master_username
    cluster.replication_source_identifier = source.db_cluster_arn
    source.read_replica_identifiers.append(cluster.db_cluster_arn)


def _join_global_cluster(cluster: DBCluster, joined: GlobalCluster) -> None:
    writer = next((member for member in joined.members if member.is_writer), None)
    cluster.is_writer = writer is None
    if writer is not None and not cluster.master_username:
        cluster.master_username = writer.master_username
    cluster.global_cluster_identifier = joined.global_cluster_identifier
    joined.members.append(cluster)


def _refuse_secret_key_alone(kwargs: Any) -> None:
    if kwargs.get("master_user_secret_kms_key_id") and kwargs.get("manage_master_user_password") is None:
        raise InvalidParameterValue(
            "A ManageMasterUserPassword value is required when MasterUserSecretKmsKeyId is specified."
        )


def _refuse_password_with_managed_password(kwargs: Any) -> None:
    """CreateDBCluster: RDS generates a managed password, so MasterUserPassword can't come with it."""
    _refuse_secret_key_alone(kwargs)
    if _flag(kwargs.get("manage_master_user_password")) and kwargs.get("master_user_password"):
        # AWS documents the refusal ("Can't be specified if ManageMasterUserPassword is turned on"); the words are
        # the twin's.
        raise InvalidParameterCombination(
            "You can't specify MasterUserPassword when ManageMasterUserPassword is turned on."
        )


def _default_cluster_parameter_group(backend: RDSBackend, family: str) -> str:
    """AWS: a cluster created without DBClusterParameterGroupName uses its family's default group, default.<family>
    (default.aurora-mysql8.0), which every region has and DescribeDBClusterParameters reads (moto: default.aurora8.0,
    a group that does not exist)."""
    name = f"default.{family}"
    if name not in backend.db_cluster_parameter_groups:
        backend.db_cluster_parameter_groups[name] = DBClusterParameterGroup(
            backend, name, f"Default cluster parameter group for {family}", family
        )
    return name


@replaces(RDSBackend, "create_db_cluster")
def create_db_cluster(self: RDSBackend, kwargs: Any) -> DBCluster:
    """CreateDBCluster: refuse an identifier in use before anything changes; replicas and secondaries."""
    cluster_id = kwargs["db_cluster_identifier"]
    if cluster_id in self.clusters:
        raise DBClusterAlreadyExistsFault()
    source = _replication_source(self, kwargs)
    _refuse_password_with_managed_password(kwargs)
    joined = _joined_global_cluster(self, kwargs)
    secondary = joined is not None and bool(joined.members)
    encrypted = _flag(kwargs.get("storage_encrypted"))
    storage_key = None if source is not None else _storage_key(self, encrypted, kwargs.get("kms_key_id"))
    cluster = _new_cluster(self, kwargs, inherits_credentials=source is not None or secondary)
    cluster.kms_key_id = storage_key
    if not kwargs.get("db_cluster_parameter_group_name") and cluster.engine == "aurora-mysql":
        cluster.parameter_group = _default_cluster_parameter_group(self, cluster_family(cluster))
    if source is not None:
        _link_replica(self, cluster, source, kwargs)
    self.clusters[cluster_id] = cluster
    cluster.save_automated_backup()
    if joined is not None:
        _join_global_cluster(cluster, joined)
    return cluster


@replaces(RDSBackend, "create_subnet_group")
def create_subnet_group(
    self: RDSBackend, subnet_name: str, description: str, subnets: list[Any], tags: list[dict[str, str]]
) -> DBSubnetGroup:
    """CreateDBSubnetGroup: a name in use fails DBSubnetGroupAlreadyExists instead of replacing the group."""
    if subnet_name in self.subnet_groups:
        raise DBSubnetGroupAlreadyExists(subnet_name)
    group = DBSubnetGroup(self, subnet_name, description, subnets, tags)
    self.subnet_groups[subnet_name] = group
    return group


# ---------------------------------------------------------------- ModifyDBCluster: the master user password


def _check_turning_on(cluster: DBCluster, kwargs: Any) -> None:
    if kwargs.get("master_user_password"):
        raise InvalidParameterCombination(
            "You can't specify MasterUserPassword when ManageMasterUserPassword is turned on."
        )
    if cluster.manage_master_user_password and kwargs.get("master_user_secret_kms_key_id"):
        # API reference (MasterUserSecretKmsKeyId): valid only when turning management on; "If the DB cluster
        # already manages the master user password in Amazon Web Services Secrets Manager, you can't change the KMS
        # key that is used to encrypt the secret." The words are the twin's.
        raise InvalidParameterCombination(
            "You can't change the KMS key of the master user secret: RDS already manages the master user password "
            f"of DB cluster {cluster.db_cluster_identifier} in Secrets Manager."
        )


def _check_master_password_change(cluster: DBCluster, kwargs: Any) -> None:
    """The combinations of ManageMasterUserPassword, MasterUserPassword and MasterUserSecretKmsKeyId AWS refuses."""
    _refuse_secret_key_alone(kwargs)
    manage = kwargs.get("manage_master_user_password")
    if manage is not None and _flag(manage):
        _check_turning_on(cluster, kwargs)
    elif manage is not None:
        if not kwargs.get("master_user_password"):
            raise InvalidParameterCombination(
                "MasterUserPassword must be provided when ManageMasterUserPassword is set to false."
            )
    elif kwargs.get("master_user_password") and cluster.manage_master_user_password:
        raise InvalidParameterCombination(
            "You can't specify MasterUserPassword: RDS manages the master user password of DB cluster "
            f"{cluster.db_cluster_identifier} in Secrets Manager (turn ManageMasterUserPassword off to set one)."
        )
    if _flag(kwargs.get("rotate_master_user_password")) and not cluster.manage_master_user_password:
        raise InvalidParameterCombination(
            "You can't rotate the master user password: RDS does not manage it in Secrets Manager for DB cluster "
            f"{cluster.db_cluster_identifier}."
        )


@replaces(RDSBackend, "modify_db_cluster")
def modify_db_cluster(self: RDSBackend, kwargs: Any) -> DBCluster:
    """ModifyDBCluster: the password-management refusals first; turning on a managed password keeps the one secret."""
    cluster = self.clusters.get(kwargs["db_cluster_identifier"])
    if cluster is None:
        raise DBClusterNotFoundFault(kwargs["db_cluster_identifier"])
    _check_master_password_change(cluster, kwargs)
    if _flag(kwargs.get("manage_master_user_password")) and cluster.manage_master_user_password:
        kwargs.pop("manage_master_user_password")  # already managed: moto would make a second secret
    exports = kwargs.pop("cloudwatch_logs_export_configuration", None)
    modified = original(RDSBackend, "modify_db_cluster")(self, kwargs)
    if exports:
        _apply_log_exports(cluster, exports)
        modified.enabled_cloudwatch_logs_exports = list(cluster.enabled_cloudwatch_logs_exports)
    return modified


def _apply_log_exports(cluster: DBCluster, configuration: dict[str, Any]) -> None:
    """AWS ModifyDBCluster CloudwatchLogsExportConfiguration: EnableLogTypes are added to the cluster's
    EnabledCloudwatchLogsExports and DisableLogTypes removed, at once (moto 5.2.5 reads another key and ignores it)."""
    disabled = set(configuration.get("DisableLogTypes") or [])
    kept = [log for log in cluster.enabled_cloudwatch_logs_exports if log not in disabled]
    added = [log for log in configuration.get("EnableLogTypes") or [] if log not in kept]
    cluster.enabled_cloudwatch_logs_exports = kept + added


# ---------------------------------------------------------------- DeleteDBCluster


def _refuse_deleting(cluster: DBCluster) -> None:
    if cluster.deletion_protection:
        raise InvalidParameterCombination(
            "Cannot delete protected Cluster, please disable deletion protection and try again."
        )
    if cluster.members:
        raise InvalidDBClusterStateFault(
            "Cluster cannot be deleted, it still contains DB instances in non-deleting state."
        )
    joined = _global_cluster_of(cluster)
    if joined is None:
        return
    if not cluster.is_writer:
        raise InvalidDBClusterStateFault(
            "This cluster is a part of a global cluster, please remove it from globalcluster first"
        )
    if len(joined.members) > 1:
        raise InvalidGlobalClusterStateFault(
            "Unable to delete cluster that is a primary member of global cluster while there are other "
            "global cluster members"
        )


def _drop_automated_snapshots(backend: RDSBackend, cluster_id: str) -> None:
    for snapshot_id, snapshot in list(backend.cluster_snapshots.items()):
        if snapshot.snapshot_type == "automated" and snapshot.db_cluster_identifier == cluster_id.lower():
            del backend.cluster_snapshots[snapshot_id]


def _leave_relations(cluster: DBCluster) -> None:
    source = _cluster_if_any(cluster.replication_source_identifier)
    if source is not None and cluster.db_cluster_arn in source.read_replica_identifiers:
        source.read_replica_identifiers.remove(cluster.db_cluster_arn)
    joined = _global_cluster_of(cluster)
    if joined is not None:  # the sole (primary) member: the global database stays, empty
        joined.members.remove(cluster)


@replaces(RDSBackend, "delete_db_cluster")
def delete_db_cluster(self: RDSBackend, cluster_identifier: str, snapshot_name: str | None = None) -> DBCluster:
    """DeleteDBCluster: refusals first, then the final snapshot, then the cluster goes; the answer says deleting."""
    cluster = self.clusters.get(cluster_identifier)
    if cluster is None:
        raise DBClusterNotFoundFault(cluster_identifier)
    _refuse_deleting(cluster)
    if snapshot_name:
        self.create_db_cluster_snapshot(cluster_identifier, snapshot_name)
    _leave_relations(cluster)
    if cluster.manage_master_user_password:
        cluster.master_user_secret.delete_secret()
    _drop_automated_snapshots(self, cluster_identifier)
    deleted = self.clusters.pop(cluster_identifier)
    answer = copy.copy(deleted)
    answer.status = "deleting"
    return answer


@replaces(RDSResponse, "delete_db_cluster")
def delete_db_cluster_action(self: RDSResponse) -> ActionResult:
    """DeleteDBCluster: FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot, and excluded by it."""
    cluster_id = self.params.get("DBClusterIdentifier")
    skip = _flag(self.params.get("SkipFinalSnapshot"))
    final = self.params.get("FinalDBSnapshotIdentifier")
    if cluster_id not in self.backend.clusters:
        raise DBClusterNotFoundFault(cluster_id)
    if skip and final:
        raise InvalidParameterCombination(
            "FinalDBSnapshotIdentifier can not be specified when deleting a cluster with SkipFinalSnapshot set to true."
        )
    if not skip and not final:
        raise InvalidParameterCombination(
            "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified."
        )
    if final:
        self.backend.validate_db_snapshot_identifier(final, parameter_name="FinalDBSnapshotIdentifier")
    cluster = self.backend.delete_db_cluster(cluster_identifier=cluster_id, snapshot_name=final)
    return ActionResult({"DBCluster": cluster})


@replaces(RDSBackend, "promote_read_replica_db_cluster")
def promote_read_replica_db_cluster(self: RDSBackend, db_cluster_identifier: str) -> DBCluster:
    """PromoteReadReplicaDBCluster: the replica stands alone and leaves its source's ReadReplicaIdentifiers."""
    cluster = self.clusters.get(db_cluster_identifier)
    if cluster is None:
        raise DBClusterNotFoundFault(db_cluster_identifier)
    if not cluster.replication_source_identifier:
        raise InvalidDBClusterStateFault(f"DB cluster {db_cluster_identifier} is not a read replica.")
    source = _cluster_if_any(cluster.replication_source_identifier)
    if source is not None and cluster.db_cluster_arn in source.read_replica_identifiers:
        source.read_replica_identifiers.remove(cluster.db_cluster_arn)
    cluster.replication_source_identifier = None
    return cluster


# ---------------------------------------------------------------- global databases


@replaces(RDSBackend, "create_global_cluster")
def create_global_cluster(
    self: RDSBackend,
    *,
    global_cluster_identifier: str,
    source_db_cluster_identifier: str | None,
    engine: str | None,
    engine_version: str | None,
    storage_encrypted: bool | None,
    deletion_protection: bool | None,
) -> GlobalCluster:
    """CreateGlobalCluster: unique identifier; a source cluster (ARN, any region) becomes the writer member."""
    if global_cluster_identifier in self.global_clusters:
        raise GlobalClusterAlreadyExistsFault(global_cluster_identifier)
    if source_db_cluster_identifier is None:
        if engine is None:
            raise InvalidParameterValue(
                "When creating standalone global cluster, value for engineName should be specified"
            )
        created = GlobalCluster(
            self, global_cluster_identifier, engine, engine_version, storage_encrypted, deletion_protection
        )
        self.global_clusters[global_cluster_identifier] = created
        return created
    if not CLUSTER_ARN.match(source_db_cluster_identifier):
        raise InvalidParameterValue(f"Malformed db cluster arn {source_db_cluster_identifier}")
    if engine is not None:
        raise InvalidParameterCombination(
            "When creating global cluster from existing db cluster, value for engineName should not be specified "
            "since it will be inherited from source cluster"
        )
    source = cluster_by_reference(self, source_db_cluster_identifier)
    created = GlobalCluster(
        self,
        global_cluster_identifier,
        source.engine,
        source.engine_version,
        source.storage_encrypted,
        deletion_protection,
    )
    created.database_name = source.database_name
    self.global_clusters[global_cluster_identifier] = created
    source.global_cluster_identifier = created.global_cluster_identifier
    source.is_writer = True
    created.members.append(source)
    return created


def _member_view(member: DBCluster, readers: list[str]) -> dict[str, Any]:
    if member.is_writer:
        return {"DBClusterArn": member.db_cluster_arn, "IsWriter": True, "Readers": readers}
    return {
        "DBClusterArn": member.db_cluster_arn,
        "IsWriter": False,
        "Readers": [],
        "GlobalWriteForwardingStatus": "disabled",
        "SynchronizationStatus": "connected",
    }


@replaces(GlobalCluster, "global_cluster_members")
@property
def global_cluster_members(self: GlobalCluster) -> list[dict[str, Any]]:
    """GlobalClusterMembers: the writer lists every secondary's ARN in Readers."""
    readers = [member.db_cluster_arn for member in self.members if not member.is_writer]
    return [_member_view(member, readers) for member in self.members]


@replaces(RDSBackend, "delete_global_cluster")
def delete_global_cluster(self: RDSBackend, global_cluster_identifier: str) -> GlobalCluster:
    """DeleteGlobalCluster: unknown -> GlobalClusterNotFoundFault; refused while members remain or protected."""
    found = _global_cluster(self.account_id, global_cluster_identifier)
    if found.members:
        raise InvalidGlobalClusterStateFault(f"Global Cluster {found.global_cluster_arn} is not empty")
    if found.deletion_protection:
        # AWS documents the refusal; the code and words follow its refusal for a protected DB cluster.
        raise InvalidParameterCombination(
            "Cannot delete protected Global Cluster, please disable deletion protection and try again."
        )
    return _global_store(self.account_id).pop(global_cluster_identifier)


@replaces(RDSBackend, "remove_from_global_cluster")
def remove_from_global_cluster(
    self: RDSBackend, global_cluster_identifier: str, db_cluster_identifier: str
) -> GlobalCluster:
    """RemoveFromGlobalCluster (DbClusterIdentifier is an ARN): secondaries first, then the primary."""
    found = _global_cluster(self.account_id, global_cluster_identifier)
    if not CLUSTER_ARN.match(db_cluster_identifier):
        # AWS takes only the cluster's ARN here; the code of its refusal is not documented.
        raise InvalidParameterValue(f"Malformed db cluster arn {db_cluster_identifier}")
    cluster = cluster_by_reference(self, db_cluster_identifier)
    if cluster not in found.members:
        raise DBClusterNotFoundFault(db_cluster_identifier)
    if cluster.is_writer and len(found.members) > 1:
        raise InvalidGlobalClusterStateFault(
            f"Cluster {db_cluster_identifier} is the primary member of global cluster {global_cluster_identifier} "
            "and cannot be removed while there are other members"
        )
    found.members.remove(cluster)
    cluster.global_cluster_identifier = None
    cluster.is_writer = False
    return found


def _major(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _check_upgrade(found: GlobalCluster, version: str, allow_major: bool) -> None:
    """An in-place upgrade of a global database: to a later version the twin knows, a major one only if allowed."""
    known = [v for v, _ in AURORA_MYSQL_VERSIONS]
    current = found.engine_version
    if found.engine != "aurora-mysql" or version == current:
        return
    if version not in known:
        raise InvalidParameterValue(f"Cannot find upgrade path from {current} to {version}.")
    if current in known and known.index(version) < known.index(current):
        raise InvalidParameterCombination(f"Cannot upgrade {found.engine} from {current} to {version}")
    if _major(version) != _major(current) and not allow_major:
        raise InvalidParameterCombination(
            "The AllowMajorVersionUpgrade flag must be present when upgrading to a new major version."
        )


def _rename_global_cluster(found: GlobalCluster, new_identifier: str) -> None:
    if len(new_identifier) > 63 or not IDENTIFIER.match(new_identifier):
        raise InvalidParameterValue(
            "The parameter NewGlobalClusterIdentifier is not a valid identifier. Identifiers must begin with a "
            "letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain "
            "two consecutive hyphens."
        )
    store = _global_store(found.account_id)
    if new_identifier.lower() == found.global_cluster_identifier:
        return
    if new_identifier in store:
        raise GlobalClusterAlreadyExistsFault(new_identifier.lower())
    store.pop(found.global_cluster_identifier)
    found.global_cluster_identifier = new_identifier
    store[found.global_cluster_identifier] = found
    for member in found.members:
        member.global_cluster_identifier = found.global_cluster_identifier


@adds(RDSResponse, "modify_global_cluster")
def modify_global_cluster(self: RDSResponse) -> ActionResult:
    """ModifyGlobalCluster: checks everything first, then renames, protects or upgrades the global database."""
    found = _global_cluster(self.current_account, self.params["GlobalClusterIdentifier"])
    version = self.params.get("EngineVersion")
    if version:
        _check_upgrade(found, version, _flag(self.params.get("AllowMajorVersionUpgrade")))
    new_identifier = self.params.get("NewGlobalClusterIdentifier")
    if new_identifier:
        _rename_global_cluster(found, new_identifier)
    if self.params.get("DeletionProtection") is not None:
        found.deletion_protection = _flag(self.params["DeletionProtection"])
    if version:
        found.engine_version = version
        for member in found.members:
            member.engine_version = version
    return ActionResult({"GlobalCluster": found})


@replaces(RDSResponse, "create_global_cluster")
def create_global_cluster_action(self: RDSResponse) -> ActionResult:
    """CreateGlobalCluster: the global cluster keeps the Tags it is created with."""
    answer = original(RDSResponse, "create_global_cluster")(self)
    answer.result["GlobalCluster"].tags = self.params.get("Tags") or []
    return answer


@replaces(RDSBackend, "_get_resource_for_tagging")
def get_resource_for_tagging(self: RDSBackend, arn: str) -> Any:
    """Tagging calls take a global cluster's ARN (arn:aws:rds::<account>:global-cluster:<name>)."""
    match = GLOBAL_CLUSTER_ARN.match(arn or "")
    if match:
        return _global_cluster(match["account"], match["name"])
    return original(RDSBackend, "_get_resource_for_tagging")(self, arn)


@replaces(RDSResponse, "describe_global_clusters")
def describe_global_clusters(self: RDSResponse) -> ActionResult:
    """DescribeGlobalClusters: honours GlobalClusterIdentifier (unknown -> GlobalClusterNotFoundFault)."""
    identifier = self.params.get("GlobalClusterIdentifier")
    if identifier:
        return ActionResult({"GlobalClusters": [_global_cluster(self.current_account, identifier)]})
    return ActionResult({"GlobalClusters": list(_global_store(self.current_account).values())})


# ---------------------------------------------------------------- DescribeDBEngineVersions

# Aurora MySQL versions the twin knows: (version, MySQL compatibility). 3.x is aurora-mysql8.0, 2.x aurora-mysql5.7.
AURORA_MYSQL_VERSIONS: tuple[tuple[str, str], ...] = (
    ("5.7.mysql_aurora.2.11.6", "5.7.12"),
    ("5.7.mysql_aurora.2.12.4", "5.7.44"),
    ("8.0.mysql_aurora.3.04.3", "8.0.28"),
    ("8.0.mysql_aurora.3.05.2", "8.0.32"),
    ("8.0.mysql_aurora.3.06.1", "8.0.34"),
    ("8.0.mysql_aurora.3.07.1", "8.0.36"),
    ("8.0.mysql_aurora.3.08.2", "8.0.39"),
    ("8.0.mysql_aurora.3.09.0", "8.0.40"),
    ("8.0.mysql_aurora.3.10.0", "8.0.42"),
)
AURORA_MYSQL_DEFAULT = "8.0.mysql_aurora.3.08.2"
AURORA_MYSQL_LOGS = ["audit", "error", "general", "iam-db-auth-error", "instance", "slowquery"]
ENGINE_VERSION_FILTERS = {
    "engine": "Engine",
    "engine-version": "EngineVersion",
    "db-parameter-group-family": "DBParameterGroupFamily",
    "status": "Status",
    "engine-mode": "SupportedEngineModes",
}


def _aurora_mysql_version(version: str, mysql: str) -> dict[str, Any]:
    major = ".".join(version.split(".")[:2])
    aurora = version.split("mysql_aurora.")[1]
    later = [v for v, _ in AURORA_MYSQL_VERSIONS if v.startswith(major) and v > version]
    return {
        "Engine": "aurora-mysql",
        "EngineVersion": version,
        "MajorEngineVersion": major,
        "DBParameterGroupFamily": f"aurora-mysql{major}",
        "DBEngineDescription": "Aurora MySQL",
        "DBEngineVersionDescription": f"Aurora MySQL {aurora} (compatible with MySQL {mysql})",
        "ValidUpgradeTarget": [
            {"Engine": "aurora-mysql", "EngineVersion": v, "AutoUpgrade": False, "IsMajorVersionUpgrade": False}
            for v in later
        ],
        "ExportableLogTypes": AURORA_MYSQL_LOGS,
        "SupportsLogExportsToCloudwatchLogs": True,
        "SupportsReadReplica": True,
        "SupportedEngineModes": ["provisioned"],
        "SupportedFeatureNames": [],
        "Status": "available",
        "SupportsParallelQuery": True,
        "SupportsGlobalDatabases": True,
        "SupportsBabelfish": False,
        "SupportsLimitlessDatabase": False,
        "SupportsCertificateRotationWithoutRestart": True,
        "SupportsLocalWriteForwarding": major == "8.0",
        "SupportsIntegrations": major == "8.0" and aurora >= "3.05",
        "TagList": [],
    }


def _matches(version: dict[str, Any], filters: dict[str, list[str]]) -> bool:
    for name, values in filters.items():
        field = version.get(ENGINE_VERSION_FILTERS[name])
        found = field if isinstance(field, list) else [field]
        if not set(found) & set(values):
            return False
    return True


@adds(RDSResponse, "describe_db_engine_versions")
def describe_db_engine_versions(self: RDSResponse) -> ActionResult:
    """DescribeDBEngineVersions for aurora-mysql (the engines the collection runs); other engines answer empty."""
    filters = {f["Name"]: f["Values"] for f in self.params.get("Filters", []) or []}
    unknown = sorted(set(filters) - set(ENGINE_VERSION_FILTERS))
    if unknown:
        raise InvalidParameterValue(f"Unrecognized filter name: {unknown[0]}")
    wanted = {
        "engine": self.params.get("Engine"),
        "engine-version": self.params.get("EngineVersion"),
        "db-parameter-group-family": self.params.get("DBParameterGroupFamily"),
    }
    filters.update({name: [value] for name, value in wanted.items() if value})
    versions = [_aurora_mysql_version(v, mysql) for v, mysql in AURORA_MYSQL_VERSIONS]
    if _flag(self.params.get("DefaultOnly")):
        versions = [v for v in versions if v["EngineVersion"] == AURORA_MYSQL_DEFAULT]
    return ActionResult({"DBEngineVersions": [v for v in versions if _matches(v, filters)]})
