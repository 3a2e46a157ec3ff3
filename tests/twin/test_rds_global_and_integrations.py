"""Aurora global databases and zero-ETL integrations in the twin behave as AWS documents.

Each test states the AWS behaviour it checks; moto 5.2.5 departs from each (see twin/patches/rds_clusters.py and
twin/patches/rds_integrations.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

PRIMARY_REGION = "us-east-2"
SECONDARY_REGION = "us-west-2"
ENGINE_VERSION = "8.0.mysql_aurora.3.05.2"


def _cluster(rds: Any, name: str, **extra: Any) -> dict[str, Any]:
    params = {
        "Engine": "aurora-mysql",
        "EngineVersion": ENGINE_VERSION,
        "MasterUsername": "admin",
        "MasterUserPassword": "password123",
        **extra,
    }
    return rds.create_db_cluster(DBClusterIdentifier=name, **params)["DBCluster"]


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def _global_database(aws: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A global database `orders` from primary `east` (us-east-2) with secondary `west` (us-west-2)."""
    east = aws("rds", region=PRIMARY_REGION)
    primary = _cluster(east, "east")
    east.create_global_cluster(GlobalClusterIdentifier="orders", SourceDBClusterIdentifier=primary["DBClusterArn"])
    secondary = aws("rds", region=SECONDARY_REGION).create_db_cluster(
        DBClusterIdentifier="west",
        Engine="aurora-mysql",
        EngineVersion=ENGINE_VERSION,
        GlobalClusterIdentifier="orders",
    )["DBCluster"]
    return primary, secondary


def _members(aws: Any) -> dict[str, dict[str, Any]]:
    found = aws("rds", region=PRIMARY_REGION).describe_global_clusters(GlobalClusterIdentifier="orders")
    return {m["DBClusterArn"]: m for m in found["GlobalClusters"][0]["GlobalClusterMembers"]}


# ---------------------------------------------------------------- global databases


def test_global_cluster_from_a_source_makes_it_the_writer(aws) -> None:
    """AWS: CreateGlobalCluster with SourceDBClusterIdentifier (the primary's ARN) lists it with IsWriter=true."""
    east = aws("rds", region=PRIMARY_REGION)
    primary = _cluster(east, "east")
    created = east.create_global_cluster(
        GlobalClusterIdentifier="orders", SourceDBClusterIdentifier=primary["DBClusterArn"]
    )["GlobalCluster"]
    assert created["GlobalClusterMembers"] == [
        {"DBClusterArn": primary["DBClusterArn"], "IsWriter": True, "Readers": []}
    ]
    assert (created["Engine"], created["EngineVersion"]) == ("aurora-mysql", ENGINE_VERSION)
    listed = east.describe_db_clusters(DBClusterIdentifier="east")["DBClusters"][0]
    assert listed["GlobalClusterIdentifier"] == "orders"


def test_secondary_joins_as_a_reader_listed_by_the_writer(aws) -> None:
    """AWS: a cluster created with GlobalClusterIdentifier (no credentials) in another region is a secondary:
    IsWriter=false, and the primary's Readers lists its ARN."""
    primary, secondary = _global_database(aws)
    members = _members(aws)
    assert members[primary["DBClusterArn"]]["IsWriter"] is True
    assert members[primary["DBClusterArn"]]["Readers"] == [secondary["DBClusterArn"]]
    assert members[secondary["DBClusterArn"]]["IsWriter"] is False
    assert secondary["GlobalClusterIdentifier"] == "orders"


def test_existing_global_cluster_identifier_is_refused(aws) -> None:
    """AWS: CreateGlobalCluster with an identifier in use fails GlobalClusterAlreadyExistsFault."""
    east = aws("rds", region=PRIMARY_REGION)
    east.create_global_cluster(GlobalClusterIdentifier="orders", Engine="aurora-mysql", EngineVersion=ENGINE_VERSION)
    with pytest.raises(ClientError) as excinfo:
        east.create_global_cluster(GlobalClusterIdentifier="orders", Engine="aurora-mysql")
    assert _error(excinfo)[0] == "GlobalClusterAlreadyExistsFault"


def test_members_must_leave_before_the_global_cluster_is_deleted(aws) -> None:
    """AWS: DeleteGlobalCluster fails InvalidGlobalClusterStateFault while members remain; RemoveFromGlobalCluster
    detaches the secondary, then the primary (not before), and the global cluster can then be deleted."""
    primary, secondary = _global_database(aws)
    east = aws("rds", region=PRIMARY_REGION)
    with pytest.raises(ClientError) as excinfo:
        east.delete_global_cluster(GlobalClusterIdentifier="orders")
    assert _error(excinfo) == (
        "InvalidGlobalClusterStateFault",
        "Global Cluster arn:aws:rds::123456789012:global-cluster:orders is not empty",
    )
    with pytest.raises(ClientError) as excinfo:
        east.remove_from_global_cluster(GlobalClusterIdentifier="orders", DbClusterIdentifier=primary["DBClusterArn"])
    assert _error(excinfo)[0] == "InvalidGlobalClusterStateFault"
    west = aws("rds", region=SECONDARY_REGION)
    left = west.remove_from_global_cluster(
        GlobalClusterIdentifier="orders", DbClusterIdentifier=secondary["DBClusterArn"]
    )
    assert [m["DBClusterArn"] for m in left["GlobalCluster"]["GlobalClusterMembers"]] == [primary["DBClusterArn"]]
    assert "GlobalClusterIdentifier" not in west.describe_db_clusters(DBClusterIdentifier="west")["DBClusters"][0]
    east.remove_from_global_cluster(GlobalClusterIdentifier="orders", DbClusterIdentifier=primary["DBClusterArn"])
    east.delete_global_cluster(GlobalClusterIdentifier="orders")
    with pytest.raises(ClientError) as excinfo:
        east.describe_global_clusters(GlobalClusterIdentifier="orders")
    assert _error(excinfo)[0] == "GlobalClusterNotFoundFault"


def test_members_of_a_global_database_cannot_be_deleted_in_place(aws) -> None:
    """AWS: DeleteDBCluster of a secondary fails InvalidDBClusterStateFault, of a primary with secondaries
    InvalidGlobalClusterStateFault: members are removed from the global database first."""
    _global_database(aws)
    with pytest.raises(ClientError) as excinfo:
        aws("rds", region=SECONDARY_REGION).delete_db_cluster(DBClusterIdentifier="west", SkipFinalSnapshot=True)
    assert _error(excinfo) == (
        "InvalidDBClusterStateFault",
        "This cluster is a part of a global cluster, please remove it from globalcluster first",
    )
    with pytest.raises(ClientError) as excinfo:
        aws("rds", region=PRIMARY_REGION).delete_db_cluster(DBClusterIdentifier="east", SkipFinalSnapshot=True)
    assert _error(excinfo)[0] == "InvalidGlobalClusterStateFault"


def test_unknown_global_cluster_is_not_found(aws) -> None:
    """AWS: DeleteGlobalCluster of an unknown identifier fails GlobalClusterNotFoundFault (moto: HTTP 500)."""
    with pytest.raises(ClientError) as excinfo:
        aws("rds").delete_global_cluster(GlobalClusterIdentifier="nowhere")
    assert _error(excinfo)[0] == "GlobalClusterNotFoundFault"


def test_engine_versions_say_aurora_mysql_3_supports_global_databases(aws) -> None:
    """AWS: DescribeDBEngineVersions lists aurora-mysql 8.0 (3.x) versions with SupportsGlobalDatabases=true
    (moto: HTTP 500, not implemented)."""
    versions = aws("rds").describe_db_engine_versions(Engine="aurora-mysql", DBParameterGroupFamily="aurora-mysql8.0")
    found = {v["EngineVersion"]: v for v in versions["DBEngineVersions"]}
    assert ENGINE_VERSION in found
    assert all(v["SupportsGlobalDatabases"] for v in found.values())
    assert {v["DBParameterGroupFamily"] for v in found.values()} == {"aurora-mysql8.0"}


def test_modify_global_cluster_protects_and_renames(aws) -> None:
    """AWS (ModifyGlobalCluster): DeletionProtection is set as asked; NewGlobalClusterIdentifier renames
    the global database (stored lower-case, its ARN follows, its members name the new identifier); an identifier in use
    fails GlobalClusterAlreadyExistsFault, an unknown global cluster GlobalClusterNotFoundFault (moto: HTTP 500)."""
    _global_database(aws)
    east = aws("rds", region=PRIMARY_REGION)
    protected = east.modify_global_cluster(GlobalClusterIdentifier="orders", DeletionProtection=True)["GlobalCluster"]
    assert protected["DeletionProtection"] is True
    east.create_global_cluster(GlobalClusterIdentifier="taken", Engine="aurora-mysql", EngineVersion=ENGINE_VERSION)
    with pytest.raises(ClientError) as excinfo:
        east.modify_global_cluster(GlobalClusterIdentifier="orders", NewGlobalClusterIdentifier="taken")
    assert _error(excinfo)[0] == "GlobalClusterAlreadyExistsFault"
    with pytest.raises(ClientError) as excinfo:
        east.modify_global_cluster(GlobalClusterIdentifier="nowhere", DeletionProtection=False)
    assert _error(excinfo)[0] == "GlobalClusterNotFoundFault"
    renamed = east.modify_global_cluster(GlobalClusterIdentifier="orders", NewGlobalClusterIdentifier="Sales")
    assert renamed["GlobalCluster"]["GlobalClusterIdentifier"] == "sales"
    assert renamed["GlobalCluster"]["GlobalClusterArn"] == "arn:aws:rds::123456789012:global-cluster:sales"
    assert len(renamed["GlobalCluster"]["GlobalClusterMembers"]) == 2
    west = aws("rds", region=SECONDARY_REGION).describe_db_clusters(DBClusterIdentifier="west")["DBClusters"][0]
    assert west["GlobalClusterIdentifier"] == "sales"
    with pytest.raises(ClientError) as excinfo:
        east.describe_global_clusters(GlobalClusterIdentifier="orders")
    assert _error(excinfo)[0] == "GlobalClusterNotFoundFault"


def test_modify_global_cluster_upgrades_the_engine_of_every_member(aws) -> None:
    """AWS (ModifyGlobalCluster, EngineVersion): the global database and its member clusters move to the version;
    a major version needs AllowMajorVersionUpgrade ("The AllowMajorVersionUpgrade flag must be present when upgrading to
    a new major version.", InvalidParameterCombination), a version with no upgrade path is refused."""
    east = aws("rds", region=PRIMARY_REGION)
    _cluster(east, "old", EngineVersion="5.7.mysql_aurora.2.12.4")
    east.create_global_cluster(
        GlobalClusterIdentifier="legacy",
        SourceDBClusterIdentifier=east.describe_db_clusters(DBClusterIdentifier="old")["DBClusters"][0]["DBClusterArn"],
    )
    with pytest.raises(ClientError) as excinfo:
        east.modify_global_cluster(GlobalClusterIdentifier="legacy", EngineVersion=ENGINE_VERSION)
    assert _error(excinfo) == (
        "InvalidParameterCombination",
        "The AllowMajorVersionUpgrade flag must be present when upgrading to a new major version.",
    )
    with pytest.raises(ClientError) as excinfo:
        east.modify_global_cluster(GlobalClusterIdentifier="legacy", EngineVersion="8.0.mysql_aurora.9.99.9")
    assert _error(excinfo)[0] == "InvalidParameterValue"
    upgraded = east.modify_global_cluster(
        GlobalClusterIdentifier="legacy", EngineVersion=ENGINE_VERSION, AllowMajorVersionUpgrade=True
    )
    assert upgraded["GlobalCluster"]["EngineVersion"] == ENGINE_VERSION
    assert east.describe_db_clusters(DBClusterIdentifier="old")["DBClusters"][0]["EngineVersion"] == ENGINE_VERSION


def test_global_cluster_tags(aws) -> None:
    """AWS: CreateGlobalCluster keeps its Tags (TagList); ListTagsForResource, AddTagsToResource and
    RemoveTagsFromResource take the global cluster's ARN (moto: dropped tags, "Invalid resource name")."""
    east = aws("rds", region=PRIMARY_REGION)
    created = east.create_global_cluster(
        GlobalClusterIdentifier="orders",
        Engine="aurora-mysql",
        EngineVersion=ENGINE_VERSION,
        Tags=[{"Key": "team", "Value": "data"}],
    )["GlobalCluster"]
    arn = created["GlobalClusterArn"]
    assert created["TagList"] == [{"Key": "team", "Value": "data"}]
    west = aws("rds", region=SECONDARY_REGION)  # a global cluster has no region: any region's endpoint answers
    west.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "env", "Value": "prod"}])
    east.remove_tags_from_resource(ResourceName=arn, TagKeys=["team"])
    assert east.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "env", "Value": "prod"}]
    listed = east.describe_global_clusters(GlobalClusterIdentifier="orders")["GlobalClusters"][0]
    assert listed["TagList"] == [{"Key": "env", "Value": "prod"}]


# ---------------------------------------------------------------- zero-ETL integrations


def _namespace(aws: Any, region: str = PRIMARY_REGION) -> str:
    redshift = aws("redshift", region=region)
    redshift.create_cluster(
        ClusterIdentifier="warehouse",
        NodeType="ra3.xlplus",
        NumberOfNodes=2,
        MasterUsername="awsuser",
        MasterUserPassword="Password123",
        Encrypted=True,
    )
    return redshift.describe_clusters(ClusterIdentifier="warehouse")["Clusters"][0]["ClusterNamespaceArn"]


def _integration(aws: Any, **extra: Any) -> dict[str, Any]:
    rds = aws("rds", region=PRIMARY_REGION)
    source = _cluster(rds, "orders")
    params = {
        "IntegrationName": "orders-to-warehouse",
        "SourceArn": source["DBClusterArn"],
        "TargetArn": _namespace(aws),
        **extra,
    }
    return rds.create_integration(**params)


def test_integration_is_created_then_active(aws) -> None:
    """AWS: CreateIntegration answers the Integration with Status `creating`; DescribeIntegrations then shows it
    `active` with what was asked (moto: HTTP 500, not implemented)."""
    created = _integration(aws, DataFilter="include: orders.*", Description="orders", Tags=[{"Key": "k", "Value": "v"}])
    assert created["Status"] == "creating"
    assert created["IntegrationArn"].startswith("arn:aws:rds:us-east-2:123456789012:integration:")
    rds = aws("rds", region=PRIMARY_REGION)
    found = rds.describe_integrations(IntegrationIdentifier=created["IntegrationArn"])["Integrations"]
    assert len(found) == 1
    integration = found[0]
    assert integration["Status"] == "active"
    assert (integration["DataFilter"], integration["Description"]) == ("include: orders.*", "orders")
    assert integration["Tags"] == [{"Key": "k", "Value": "v"}]
    listed = rds.describe_integrations(Filters=[{"Name": "source-arn", "Values": [created["SourceArn"]]}])
    assert [i["IntegrationArn"] for i in listed["Integrations"]] == [created["IntegrationArn"]]


def test_integration_names_are_unique(aws) -> None:
    """AWS: CreateIntegration with a name in use fails IntegrationAlreadyExistsFault."""
    created = _integration(aws)
    with pytest.raises(ClientError) as excinfo:
        aws("rds", region=PRIMARY_REGION).create_integration(
            IntegrationName="orders-to-warehouse", SourceArn=created["SourceArn"], TargetArn=created["TargetArn"]
        )
    assert _error(excinfo)[0] == "IntegrationAlreadyExistsFault"


def test_integration_source_must_exist(aws) -> None:
    """AWS: a SourceArn naming no DB cluster fails DBClusterNotFoundFault."""
    target = _namespace(aws)
    with pytest.raises(ClientError) as excinfo:
        aws("rds", region=PRIMARY_REGION).create_integration(
            IntegrationName="nothing",
            SourceArn="arn:aws:rds:us-east-2:123456789012:cluster:missing",
            TargetArn=target,
        )
    assert _error(excinfo)[0] == "DBClusterNotFoundFault"


@pytest.mark.parametrize(
    "target",
    [
        "arn:aws:redshift:us-east-2:123456789012:cluster:warehouse",
        "arn:aws:redshift:us-east-2:123456789012:namespace:00000000-0000-0000-0000-000000000000",
    ],
)
def test_integration_target_must_be_an_existing_namespace(aws, target: str) -> None:
    """AWS: TargetArn is the Redshift data warehouse's namespace ARN (not its cluster ARN), of an existing one."""
    rds = aws("rds", region=PRIMARY_REGION)
    source = _cluster(rds, "orders")
    _namespace(aws)
    with pytest.raises(ClientError) as excinfo:
        rds.create_integration(IntegrationName="wrong", SourceArn=source["DBClusterArn"], TargetArn=target)
    assert _error(excinfo)[0] == "InvalidParameterValue"


def test_encryption_context_needs_a_key(aws) -> None:
    """AWS: AdditionalEncryptionContext can only be given with KMSKeyId; with it, both are kept."""
    rds = aws("rds", region=PRIMARY_REGION)
    source = _cluster(rds, "orders")["DBClusterArn"]
    target = _namespace(aws)
    context = {"purpose": "zero-etl"}
    with pytest.raises(ClientError) as excinfo:
        rds.create_integration(
            IntegrationName="open", SourceArn=source, TargetArn=target, AdditionalEncryptionContext=context
        )
    assert _error(excinfo)[0] == "InvalidParameterCombination"
    key = aws("kms", region=PRIMARY_REGION).create_key()["KeyMetadata"]["Arn"]
    created = rds.create_integration(
        IntegrationName="sealed", SourceArn=source, TargetArn=target, KMSKeyId=key, AdditionalEncryptionContext=context
    )
    assert (created["KMSKeyId"], created["AdditionalEncryptionContext"]) == (key, context)


def test_integration_is_modified_then_deleted(aws) -> None:
    """AWS: ModifyIntegration changes name, data filter and description; DeleteIntegration answers `deleting`,
    after which the integration is gone (IntegrationNotFoundFault)."""
    created = _integration(aws)
    rds = aws("rds", region=PRIMARY_REGION)
    modified = rds.modify_integration(
        IntegrationIdentifier=created["IntegrationArn"],
        IntegrationName="orders-renamed",
        DataFilter="include: orders.items",
        Description="renamed",
    )
    assert (modified["IntegrationName"], modified["DataFilter"]) == ("orders-renamed", "include: orders.items")
    deleted = rds.delete_integration(IntegrationIdentifier=created["IntegrationArn"])
    assert deleted["Status"] == "deleting"
    with pytest.raises(ClientError) as excinfo:
        rds.describe_integrations(IntegrationIdentifier=created["IntegrationArn"])
    assert _error(excinfo)[0] == "IntegrationNotFoundFault"
    assert rds.describe_integrations()["Integrations"] == []


def test_integration_tags_and_encryption_context_as_given(aws) -> None:
    """AWS: AdditionalEncryptionContext keeps its keys as given (a KMS encryption context is case-sensitive);
    ListTagsForResource, AddTagsToResource and RemoveTagsFromResource take an integration's ARN, an unknown one is
    IntegrationNotFoundFault."""
    key = aws("kms", region=PRIMARY_REGION).create_key()["KeyMetadata"]["Arn"]
    context = {"Purpose": "zero-etl", "team": "Data"}
    created = _integration(aws, KMSKeyId=key, AdditionalEncryptionContext=context, Tags=[{"Key": "a", "Value": "1"}])
    rds = aws("rds", region=PRIMARY_REGION)
    arn = created["IntegrationArn"]
    assert created["AdditionalEncryptionContext"] == context
    found = rds.describe_integrations(IntegrationIdentifier=arn)["Integrations"][0]
    assert found["AdditionalEncryptionContext"] == context
    rds.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "b", "Value": "2"}, {"Key": "a", "Value": "3"}])
    rds.remove_tags_from_resource(ResourceName=arn, TagKeys=["b"])
    assert rds.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "a", "Value": "3"}]
    assert rds.describe_integrations(IntegrationIdentifier=arn)["Integrations"][0]["Tags"] == [
        {"Key": "a", "Value": "3"}
    ]
    with pytest.raises(ClientError) as excinfo:
        rds.list_tags_for_resource(ResourceName=arn.rsplit(":", 1)[0] + ":00000000-0000-0000-0000-000000000000")
    assert _error(excinfo)[0] == "IntegrationNotFoundFault"
