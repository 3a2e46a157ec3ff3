"""Aurora clusters in the twin behave as AWS documents: identity, deletion, read replica clusters.

Each test states the AWS behaviour it checks; moto 5.2.5 departs from each (see twin/patches/rds_clusters.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

SOURCE_REGION = "us-east-2"
REPLICA_REGION = "us-west-2"
ENGINE_VERSION = "8.0.mysql_aurora.3.05.2"
CREDENTIALS = {"MasterUsername": "admin", "MasterUserPassword": "password123"}


def _cluster(rds: Any, name: str, **extra: Any) -> dict[str, Any]:
    params = {"Engine": "aurora-mysql", "EngineVersion": ENGINE_VERSION, **CREDENTIALS, **extra}
    return rds.create_db_cluster(DBClusterIdentifier=name, **params)["DBCluster"]


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def _binlog_source(rds: Any, name: str = "source", **extra: Any) -> dict[str, Any]:
    """A source cluster whose parameter group sets binlog_format=ROW, with a writer that has applied it."""
    rds.create_db_cluster_parameter_group(
        DBClusterParameterGroupName=f"{name}-binlog", DBParameterGroupFamily="aurora-mysql8.0", Description="binlog"
    )
    rds.modify_db_cluster_parameter_group(
        DBClusterParameterGroupName=f"{name}-binlog",
        Parameters=[{"ParameterName": "binlog_format", "ParameterValue": "ROW", "ApplyMethod": "pending-reboot"}],
    )
    cluster = _cluster(rds, name, DBClusterParameterGroupName=f"{name}-binlog", **extra)
    rds.create_db_instance(
        DBInstanceIdentifier=f"{name}-1",
        DBClusterIdentifier=name,
        Engine="aurora-mysql",
        DBInstanceClass="db.r6g.large",
    )
    return cluster


# ---------------------------------------------------------------- identity


def test_create_existing_cluster_fails_already_exists_and_changes_nothing(aws) -> None:
    """AWS: CreateDBCluster with an identifier in use fails DBClusterAlreadyExistsFault; the cluster is unchanged."""
    rds = aws("rds")
    _cluster(rds, "orders", DatabaseName="first", Port=3306)
    with pytest.raises(ClientError) as excinfo:
        _cluster(rds, "orders", DatabaseName="second", Port=3307)
    assert _error(excinfo) == ("DBClusterAlreadyExistsFault", "DB Cluster already exists")
    kept = rds.describe_db_clusters(DBClusterIdentifier="orders")["DBClusters"][0]
    assert (kept["DatabaseName"], kept["Port"]) == ("first", 3306)


def test_create_existing_subnet_group_fails_already_exists(aws) -> None:
    """AWS: CreateDBSubnetGroup with a name in use fails DBSubnetGroupAlreadyExists; the group is unchanged."""
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.7.{i}.0/24", AvailabilityZone=f"us-east-2{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate("ab")
    ]
    rds = aws("rds")
    rds.create_db_subnet_group(DBSubnetGroupName="data", DBSubnetGroupDescription="first", SubnetIds=subnets)
    with pytest.raises(ClientError) as excinfo:
        rds.create_db_subnet_group(DBSubnetGroupName="data", DBSubnetGroupDescription="second", SubnetIds=subnets)
    assert _error(excinfo) == ("DBSubnetGroupAlreadyExists", "The DB subnet group 'data' already exists.")
    group = rds.describe_db_subnet_groups(DBSubnetGroupName="data")["DBSubnetGroups"][0]
    assert group["DBSubnetGroupDescription"] == "first"


# ---------------------------------------------------------------- storage encryption


def test_encrypted_without_a_key_uses_the_aws_managed_rds_key(aws) -> None:
    """AWS (CreateDBCluster, KmsKeyId): "If the StorageEncrypted parameter is enabled and ReplicationSourceIdentifier
    isn't specified, then Amazon RDS uses your default KMS key" - the AWS managed key aws/rds of the account in that
    region, named by its key ARN. An unencrypted cluster has no KmsKeyId; a key asked for by alias comes back as its
    key ARN."""
    rds = aws("rds")
    encrypted = _cluster(rds, "sealed", StorageEncrypted=True)
    default_key = aws("kms").describe_key(KeyId="alias/aws/rds")["KeyMetadata"]
    assert encrypted["KmsKeyId"] == default_key["Arn"]
    assert default_key["KeyManager"] == "AWS"
    assert "KmsKeyId" not in _cluster(rds, "open")
    kms = aws("kms")
    own_key = kms.create_key()["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName="alias/orders", TargetKeyId=own_key)
    assert _cluster(rds, "own", StorageEncrypted=True, KmsKeyId="alias/orders")["KmsKeyId"] == own_key
    listed = {c["DBClusterIdentifier"]: c.get("KmsKeyId") for c in rds.describe_db_clusters()["DBClusters"]}
    assert listed == {"sealed": default_key["Arn"], "open": None, "own": own_key}


# ---------------------------------------------------------------- deletion


def test_delete_answers_deleting_then_the_cluster_is_gone(aws) -> None:
    """AWS: DeleteDBCluster answers Status `deleting`; afterwards DescribeDBClusters fails DBClusterNotFoundFault."""
    rds = aws("rds")
    _cluster(rds, "doomed")
    answer = rds.delete_db_cluster(DBClusterIdentifier="doomed", SkipFinalSnapshot=True)["DBCluster"]
    assert answer["Status"] == "deleting"
    with pytest.raises(ClientError) as excinfo:
        rds.describe_db_clusters(DBClusterIdentifier="doomed")
    assert _error(excinfo)[0] == "DBClusterNotFoundFault"


def test_delete_takes_the_final_snapshot_it_is_asked_for(aws) -> None:
    """AWS: SkipFinalSnapshot false with FinalDBSnapshotIdentifier leaves a manual cluster snapshot of that name."""
    rds = aws("rds")
    _cluster(rds, "kept")
    rds.delete_db_cluster(DBClusterIdentifier="kept", SkipFinalSnapshot=False, FinalDBSnapshotIdentifier="kept-final")
    snapshot = rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="kept-final")["DBClusterSnapshots"][0]
    assert (snapshot["DBClusterIdentifier"], snapshot["SnapshotType"]) == ("kept", "manual")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified."),
        (
            {"SkipFinalSnapshot": True, "FinalDBSnapshotIdentifier": "both"},
            "FinalDBSnapshotIdentifier can not be specified when deleting a cluster with SkipFinalSnapshot set to "
            "true.",
        ),
    ],
)
def test_delete_needs_exactly_one_of_skip_or_final_snapshot(aws, options: dict[str, Any], message: str) -> None:
    """AWS: without SkipFinalSnapshot a FinalDBSnapshotIdentifier is required, and the two exclude each other."""
    rds = aws("rds")
    _cluster(rds, "careful")
    with pytest.raises(ClientError) as excinfo:
        rds.delete_db_cluster(DBClusterIdentifier="careful", **options)
    assert _error(excinfo) == ("InvalidParameterCombination", message)
    assert rds.describe_db_clusters(DBClusterIdentifier="careful")["DBClusters"]


def test_delete_refuses_protected_clusters_and_clusters_with_instances(aws) -> None:
    """AWS: deletion protection -> InvalidParameterCombination; remaining instances -> InvalidDBClusterStateFault."""
    rds = aws("rds")
    _cluster(rds, "guarded", DeletionProtection=True)
    with pytest.raises(ClientError) as excinfo:
        rds.delete_db_cluster(DBClusterIdentifier="guarded", SkipFinalSnapshot=True)
    assert _error(excinfo)[0] == "InvalidParameterCombination"
    _cluster(rds, "busy")
    rds.create_db_instance(
        DBInstanceIdentifier="busy-1", DBClusterIdentifier="busy", Engine="aurora-mysql", DBInstanceClass="db.r6g.large"
    )
    with pytest.raises(ClientError) as excinfo:
        rds.delete_db_cluster(DBClusterIdentifier="busy", SkipFinalSnapshot=True)
    assert _error(excinfo)[0] == "InvalidDBClusterStateFault"


def test_delete_removes_automated_backups_so_the_name_can_be_reused(aws) -> None:
    """AWS: automated backups go with the cluster (DeleteAutomatedBackups defaults to true); the id is free again."""
    rds = aws("rds")
    _cluster(rds, "again")
    rds.delete_db_cluster(DBClusterIdentifier="again", SkipFinalSnapshot=True)
    assert rds.describe_db_cluster_snapshots(DBClusterIdentifier="again")["DBClusterSnapshots"] == []
    assert _cluster(rds, "again")["DBClusterIdentifier"] == "again"


# ---------------------------------------------------------------- read replica clusters


def test_cross_region_replica_needs_no_credentials_and_is_linked_both_ways(aws) -> None:
    """AWS: a replica cluster (ReplicationSourceIdentifier = source ARN) takes no credentials; the source lists it."""
    source = _binlog_source(aws("rds", region=SOURCE_REGION))
    west = aws("rds", region=REPLICA_REGION)
    replica = west.create_db_cluster(
        DBClusterIdentifier="replica", Engine="aurora-mysql", ReplicationSourceIdentifier=source["DBClusterArn"]
    )["DBCluster"]
    assert replica["ReplicationSourceIdentifier"] == source["DBClusterArn"]
    assert replica["MasterUsername"] == "admin"
    listed = aws("rds", region=SOURCE_REGION).describe_db_clusters(DBClusterIdentifier="source")["DBClusters"][0]
    assert listed["ReadReplicaIdentifiers"] == [replica["DBClusterArn"]]


def test_same_region_replica_is_allowed(aws) -> None:
    """AWS: an Aurora MySQL read replica cluster may also be in the source's own region."""
    rds = aws("rds", region=SOURCE_REGION)
    source = _binlog_source(rds)
    replica = rds.create_db_cluster(
        DBClusterIdentifier="local-replica", Engine="aurora-mysql", ReplicationSourceIdentifier=source["DBClusterArn"]
    )["DBCluster"]
    assert replica["ReplicationSourceIdentifier"] == source["DBClusterArn"]


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (
            CREDENTIALS,
            "InvalidParameterCombination",
            "Cannot specify user name for instance cluster replication cluster",
        ),
        (
            {"ManageMasterUserPassword": True},
            "InvalidParameterValue",
            "ManageMasterUserPassword isn't supported for read replicas",
        ),
    ],
)
def test_replica_refuses_credentials(aws, extra: dict[str, Any], code: str, message: str) -> None:
    """AWS: a replica inherits the source's master user; MasterUsername or ManageMasterUserPassword are refused."""
    source = _binlog_source(aws("rds", region=SOURCE_REGION))
    west = aws("rds", region=REPLICA_REGION)
    with pytest.raises(ClientError) as excinfo:
        west.create_db_cluster(
            DBClusterIdentifier="replica",
            Engine="aurora-mysql",
            ReplicationSourceIdentifier=source["DBClusterArn"],
            **extra,
        )
    assert _error(excinfo) == (code, message)
    assert west.describe_db_clusters()["DBClusters"] == []


def test_replica_of_a_source_without_binlog_is_refused(aws) -> None:
    """AWS: a source whose cluster parameter group leaves binlog_format OFF fails "doesn't have binlogs enabled"."""
    rds = aws("rds", region=SOURCE_REGION)
    source = _cluster(rds, "plain")
    west = aws("rds", region=REPLICA_REGION)
    with pytest.raises(ClientError) as excinfo:
        west.create_db_cluster(
            DBClusterIdentifier="replica", Engine="aurora-mysql", ReplicationSourceIdentifier=source["DBClusterArn"]
        )
    assert _error(excinfo) == (
        "InvalidDBClusterStateFault",
        "Source cluster arn:aws:rds:us-east-2:123456789012:cluster:plain doesn't have binlogs enabled.",
    )
    assert west.describe_db_clusters()["DBClusters"] == []


def test_replica_of_a_source_whose_writer_has_not_rebooted_is_refused(aws) -> None:
    """AWS: binlog_format set but the writer not rebooted fails "doesn't have cluster parameter group in sync"."""
    rds = aws("rds", region=SOURCE_REGION)
    rds.create_db_cluster_parameter_group(
        DBClusterParameterGroupName="late", DBParameterGroupFamily="aurora-mysql8.0", Description="binlog"
    )
    source = _cluster(rds, "late", DBClusterParameterGroupName="late")
    rds.create_db_instance(
        DBInstanceIdentifier="late-1", DBClusterIdentifier="late", Engine="aurora-mysql", DBInstanceClass="db.r6g.large"
    )
    rds.modify_db_cluster_parameter_group(
        DBClusterParameterGroupName="late",
        Parameters=[{"ParameterName": "binlog_format", "ParameterValue": "ROW", "ApplyMethod": "pending-reboot"}],
    )
    west = aws("rds", region=REPLICA_REGION)
    with pytest.raises(ClientError) as excinfo:
        west.create_db_cluster(
            DBClusterIdentifier="replica", Engine="aurora-mysql", ReplicationSourceIdentifier=source["DBClusterArn"]
        )
    assert _error(excinfo) == (
        "InvalidDBClusterStateFault",
        "Source cluster arn:aws:rds:us-east-2:123456789012:cluster:late doesn't have cluster parameter group in sync "
        "on writer.",
    )
    rds.reboot_db_instance(DBInstanceIdentifier="late-1")
    replica = west.create_db_cluster(
        DBClusterIdentifier="replica", Engine="aurora-mysql", ReplicationSourceIdentifier=source["DBClusterArn"]
    )["DBCluster"]
    assert replica["ReplicationSourceIdentifier"] == source["DBClusterArn"]


def test_encrypted_cross_region_replica_needs_a_key_of_the_destination_region(aws) -> None:
    """AWS: a replica of an encrypted source in another region needs KmsKeyId there; it is encrypted with it."""
    source_key = aws("kms", region=SOURCE_REGION).create_key()["KeyMetadata"]["Arn"]
    source = _binlog_source(aws("rds", region=SOURCE_REGION), StorageEncrypted=True, KmsKeyId=source_key)
    west = aws("rds", region=REPLICA_REGION)
    with pytest.raises(ClientError) as excinfo:
        west.create_db_cluster(
            DBClusterIdentifier="replica",
            Engine="aurora-mysql",
            ReplicationSourceIdentifier=source["DBClusterArn"],
            SourceRegion=SOURCE_REGION,
        )
    assert _error(excinfo)[0] == "InvalidParameterCombination"
    west_key = aws("kms", region=REPLICA_REGION).create_key()["KeyMetadata"]["Arn"]
    replica = west.create_db_cluster(
        DBClusterIdentifier="replica",
        Engine="aurora-mysql",
        ReplicationSourceIdentifier=source["DBClusterArn"],
        KmsKeyId=west_key,
        SourceRegion=SOURCE_REGION,  # boto3 turns it into the PreSignedUrl AWS requires for an encrypted source
    )["DBCluster"]
    assert (replica["StorageEncrypted"], replica["KmsKeyId"]) == (True, west_key)


def test_promote_makes_the_replica_standalone(aws) -> None:
    """AWS: PromoteReadReplicaDBCluster clears ReplicationSourceIdentifier and the source forgets the replica."""
    source = _binlog_source(aws("rds", region=SOURCE_REGION))
    west = aws("rds", region=REPLICA_REGION)
    west.create_db_cluster(
        DBClusterIdentifier="replica", Engine="aurora-mysql", ReplicationSourceIdentifier=source["DBClusterArn"]
    )
    promoted = west.promote_read_replica_db_cluster(DBClusterIdentifier="replica")["DBCluster"]
    assert "ReplicationSourceIdentifier" not in promoted
    listed = aws("rds", region=SOURCE_REGION).describe_db_clusters(DBClusterIdentifier="source")["DBClusters"][0]
    assert listed["ReadReplicaIdentifiers"] == []
    with pytest.raises(ClientError) as excinfo:
        west.promote_read_replica_db_cluster(DBClusterIdentifier="replica")
    assert _error(excinfo)[0] == "InvalidDBClusterStateFault"


def test_deleted_replica_leaves_the_source_list(aws) -> None:
    """AWS: once a replica cluster is deleted, its source's ReadReplicaIdentifiers no longer name it."""
    source = _binlog_source(aws("rds", region=SOURCE_REGION))
    west = aws("rds", region=REPLICA_REGION)
    west.create_db_cluster(
        DBClusterIdentifier="replica", Engine="aurora-mysql", ReplicationSourceIdentifier=source["DBClusterArn"]
    )
    west.delete_db_cluster(DBClusterIdentifier="replica", SkipFinalSnapshot=True)
    listed = aws("rds", region=SOURCE_REGION).describe_db_clusters(DBClusterIdentifier="source")["DBClusters"][0]
    assert listed["ReadReplicaIdentifiers"] == []


# ---------------------------------------------------------------- master user password managed by RDS

MANAGED = {"Engine": "aurora-mysql", "EngineVersion": ENGINE_VERSION, "MasterUsername": "admin"}


def _managed_cluster(rds: Any, name: str, **extra: Any) -> dict[str, Any]:
    return rds.create_db_cluster(DBClusterIdentifier=name, ManageMasterUserPassword=True, **MANAGED, **extra)[
        "DBCluster"
    ]


def _secrets(aws: Any) -> list[str]:
    return [secret["ARN"] for secret in aws("secretsmanager").list_secrets()["SecretList"]]


def test_create_refuses_a_password_with_a_managed_password(aws) -> None:
    """AWS (CreateDBCluster): MasterUserPassword "Can't be specified if ManageMasterUserPassword is turned on" ->
    InvalidParameterCombination; MasterUserSecretKmsKeyId without ManageMasterUserPassword -> InvalidParameterValue
    "A ManageMasterUserPassword value is required when MasterUserSecretKmsKeyId is specified."."""
    rds = aws("rds")
    with pytest.raises(ClientError) as excinfo:
        _managed_cluster(rds, "both", MasterUserPassword="password123")
    assert _error(excinfo)[0] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as excinfo:
        _cluster(rds, "keyonly", MasterUserSecretKmsKeyId="alias/aws/secretsmanager")
    assert _error(excinfo) == (
        "InvalidParameterValue",
        "A ManageMasterUserPassword value is required when MasterUserSecretKmsKeyId is specified.",
    )
    assert rds.describe_db_clusters()["DBClusters"] == []
    assert _secrets(aws) == []


def test_modify_refuses_a_password_while_rds_manages_it(aws) -> None:
    """AWS (ModifyDBCluster): turning ManageMasterUserPassword on, "you can't specify MasterUserPassword"; and
    MasterUserPassword "Can't be specified if ManageMasterUserPassword is turned on" -> InvalidParameterCombination."""
    rds = aws("rds")
    _cluster(rds, "vaulted")
    with pytest.raises(ClientError) as excinfo:
        rds.modify_db_cluster(
            DBClusterIdentifier="vaulted", ManageMasterUserPassword=True, MasterUserPassword="password456"
        )
    assert _error(excinfo)[0] == "InvalidParameterCombination"
    assert "MasterUserSecret" not in rds.describe_db_clusters(DBClusterIdentifier="vaulted")["DBClusters"][0]
    _managed_cluster(rds, "managed")
    with pytest.raises(ClientError) as excinfo:
        rds.modify_db_cluster(DBClusterIdentifier="managed", MasterUserPassword="password456", ApplyImmediately=True)
    assert _error(excinfo)[0] == "InvalidParameterCombination"


def test_turning_management_off_needs_the_new_password(aws) -> None:
    """AWS (ModifyDBCluster): "If the DB cluster already manages the master user password ... and you specify that
    the master user password is not managed ..., then you must specify MasterUserPassword" (InvalidParameterCombination
    "MasterUserPassword must be provided when ManageMasterUserPassword is set to false."); RDS then deletes the
    secret."""
    rds = aws("rds")
    secret = _managed_cluster(rds, "managed")["MasterUserSecret"]["SecretArn"]
    with pytest.raises(ClientError) as excinfo:
        rds.modify_db_cluster(DBClusterIdentifier="managed", ManageMasterUserPassword=False, ApplyImmediately=True)
    assert _error(excinfo) == (
        "InvalidParameterCombination",
        "MasterUserPassword must be provided when ManageMasterUserPassword is set to false.",
    )
    assert _secrets(aws) == [secret]
    rds.modify_db_cluster(
        DBClusterIdentifier="managed",
        ManageMasterUserPassword=False,
        MasterUserPassword="password456",
        ApplyImmediately=True,
    )
    assert "MasterUserSecret" not in rds.describe_db_clusters(DBClusterIdentifier="managed")["DBClusters"][0]
    assert _secrets(aws) == []


def test_the_key_of_a_managed_secret_cannot_change(aws) -> None:
    """AWS (ModifyDBCluster, MasterUserSecretKmsKeyId): valid only when turning ManageMasterUserPassword on for a
    cluster that doesn't manage it; "If the DB cluster already manages the master user password in Amazon Web Services
    Secrets Manager, you can't change the KMS key that is used to encrypt the secret." The one secret stays."""
    rds = aws("rds")
    created = _managed_cluster(rds, "managed")["MasterUserSecret"]
    key = aws("kms").create_key()["KeyMetadata"]["Arn"]
    with pytest.raises(ClientError) as excinfo:
        rds.modify_db_cluster(
            DBClusterIdentifier="managed",
            ManageMasterUserPassword=True,
            MasterUserSecretKmsKeyId=key,
            ApplyImmediately=True,
        )
    assert _error(excinfo)[0] == "InvalidParameterCombination"
    again = rds.modify_db_cluster(DBClusterIdentifier="managed", ManageMasterUserPassword=True, ApplyImmediately=True)
    assert again["DBCluster"]["MasterUserSecret"]["SecretArn"] == created["SecretArn"]
    assert _secrets(aws) == [created["SecretArn"]]


def test_turning_management_on_takes_the_secret_key(aws) -> None:
    """AWS (ModifyDBCluster): turning ManageMasterUserPassword on with MasterUserSecretKmsKeyId encrypts the new secret
    with that key; RotateMasterUserPassword is valid only for a password RDS manages."""
    rds = aws("rds")
    _cluster(rds, "vaulted")
    with pytest.raises(ClientError) as excinfo:
        rds.modify_db_cluster(DBClusterIdentifier="vaulted", RotateMasterUserPassword=True, ApplyImmediately=True)
    assert _error(excinfo)[0] == "InvalidParameterCombination"
    key = aws("kms").create_key()["KeyMetadata"]["Arn"]
    secret = rds.modify_db_cluster(
        DBClusterIdentifier="vaulted",
        ManageMasterUserPassword=True,
        MasterUserSecretKmsKeyId=key,
        ApplyImmediately=True,
    )["DBCluster"]["MasterUserSecret"]
    assert secret["KmsKeyId"] == key
    assert _secrets(aws) == [secret["SecretArn"]]
