"""ElastiCache in the twin behaves as AWS documents it (twin/patches/elasticache.py), asserted through boto3."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import ACCOUNT_ID

REGION = "us-east-2"
TOKEN = "Sample-token-1234567890"
NEXT_TOKEN = "Second-token-0987654321"


@pytest.fixture
def ec(aws: Callable[..., Any]) -> Any:
    return aws("elasticache", region=REGION)


@pytest.fixture
def subnet_group(aws: Callable[..., Any], ec: Any) -> str:
    """A cache subnet group over two subnets in us-east-2a and us-east-2b."""
    ec2 = aws("ec2", region=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{index}.0/24", AvailabilityZone=f"{REGION}{zone}")["Subnet"][
            "SubnetId"
        ]
        for index, zone in enumerate("ab")
    ]
    ec.create_cache_subnet_group(CacheSubnetGroupName="cache-net", CacheSubnetGroupDescription="d", SubnetIds=subnets)
    return "cache-net"


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def _parameters(ec: Any, group: str, **filters: str) -> dict[str, dict[str, Any]]:
    answer = ec.describe_cache_parameters(CacheParameterGroupName=group, **filters)
    return {parameter["ParameterName"]: parameter for parameter in answer["Parameters"]}


def _replication_group(ec: Any, subnet_group: str, group_id: str = "app-cache", **extra: Any) -> dict[str, Any]:
    request = {
        "ReplicationGroupId": group_id,
        "ReplicationGroupDescription": "app cache",
        "Engine": "valkey",
        "EngineVersion": "8.0",
        "CacheNodeType": "cache.t4g.small",
        "CacheSubnetGroupName": subnet_group,
        "NumCacheClusters": 2,
        "AutomaticFailoverEnabled": True,
        "MultiAZEnabled": True,
        "TransitEncryptionEnabled": True,
        "AtRestEncryptionEnabled": True,
        **extra,
    }
    return ec.create_replication_group(**request)["ReplicationGroup"]


def _backend_group(group_id: str) -> Any:
    """The twin's own record of a replication group (the twin runs in this process)."""
    from moto.elasticache.models import elasticache_backends

    return elasticache_backends[ACCOUNT_ID][REGION].replication_groups[group_id]


# ---------------------------------------------------------------------------------------------------- parameter groups


def test_cache_parameter_group_lifecycle(ec: Any) -> None:
    """AWS: CreateCacheParameterGroup makes a copy of the family's default group (redis7, valkey7, valkey8, ...);
    DescribeCacheParameterGroups lists it with the account's default.<family> groups; DeleteCacheParameterGroup
    removes it, after which it is CacheParameterGroupNotFound."""
    for family in ("redis7", "valkey7", "valkey8", "redis6.x", "redis5.0"):
        created = ec.create_cache_parameter_group(
            CacheParameterGroupName=f"app-{family.replace('.', '-')}", CacheParameterGroupFamily=family, Description="d"
        )["CacheParameterGroup"]
        assert created["CacheParameterGroupFamily"] == family
        assert created["IsGlobal"] is False
        assert created["ARN"].endswith(f":parametergroup:app-{family.replace('.', '-')}")
    names = {group["CacheParameterGroupName"] for group in ec.describe_cache_parameter_groups()["CacheParameterGroups"]}
    assert {"default.redis7", "default.valkey7", "default.valkey8", "app-valkey8"} <= names

    ec.delete_cache_parameter_group(CacheParameterGroupName="app-valkey8")
    with pytest.raises(ClientError) as excinfo:
        ec.describe_cache_parameter_groups(CacheParameterGroupName="app-valkey8")
    assert _error(excinfo)[0] == "CacheParameterGroupNotFound"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_unknown_family_and_duplicate_name_are_refused(ec: Any) -> None:
    """AWS: an unknown CacheParameterGroupFamily is InvalidParameterValue; a name in use is
    CacheParameterGroupAlreadyExists."""
    with pytest.raises(ClientError) as excinfo:
        ec.create_cache_parameter_group(
            CacheParameterGroupName="p", CacheParameterGroupFamily="redis9", Description="d"
        )
    assert _error(excinfo)[0] == "InvalidParameterValue"
    ec.create_cache_parameter_group(CacheParameterGroupName="p", CacheParameterGroupFamily="redis7", Description="d")
    with pytest.raises(ClientError) as excinfo:
        ec.create_cache_parameter_group(
            CacheParameterGroupName="p", CacheParameterGroupFamily="redis7", Description="d"
        )
    assert _error(excinfo)[0] == "CacheParameterGroupAlreadyExists"


def test_describe_cache_parameters_shows_defaults_and_filters_by_source(ec: Any) -> None:
    """AWS: a new group holds the engine defaults (maxmemory-policy volatile-lru, Source system, with DataType,
    AllowedValues, IsModifiable, MinimumEngineVersion, ChangeType); a modified parameter has Source user, and
    Source=user lists only those."""
    ec.create_cache_parameter_group(CacheParameterGroupName="app", CacheParameterGroupFamily="valkey8", Description="d")
    parameters = _parameters(ec, "app")
    policy = parameters["maxmemory-policy"]
    assert policy["ParameterValue"] == "volatile-lru"
    assert policy["Source"] == "system"
    assert policy["DataType"] == "string"
    assert set(policy["AllowedValues"].split(",")) == {
        "volatile-lru",
        "allkeys-lru",
        "volatile-lfu",
        "allkeys-lfu",
        "volatile-random",
        "allkeys-random",
        "volatile-ttl",
        "noeviction",
    }
    assert policy["IsModifiable"] is True
    assert policy["ChangeType"] == "immediate"
    assert "MinimumEngineVersion" in policy
    assert parameters["appendonly"]["IsModifiable"] is False
    assert parameters["databases"]["ChangeType"] == "requires-reboot"
    assert "ParameterValue" not in parameters["notify-keyspace-events"]
    assert _parameters(ec, "app", Source="user") == {}

    ec.modify_cache_parameter_group(
        CacheParameterGroupName="app",
        ParameterNameValues=[
            {"ParameterName": "maxmemory-policy", "ParameterValue": "allkeys-lru"},
            {"ParameterName": "notify-keyspace-events", "ParameterValue": "Ex"},
            {"ParameterName": "timeout", "ParameterValue": "300"},
        ],
    )
    user = _parameters(ec, "app", Source="user")
    assert set(user) == {"maxmemory-policy", "notify-keyspace-events", "timeout"}
    assert user["maxmemory-policy"]["ParameterValue"] == "allkeys-lru"
    assert user["maxmemory-policy"]["Source"] == "user"


def test_modify_checks_names_values_and_modifiability(ec: Any) -> None:
    """AWS: ModifyCacheParameterGroup refuses (InvalidParameterValue, nothing changed) a value outside
    AllowedValues, a parameter that cannot be modified ("The parameter appendonly cannot be modified.") and an
    unknown parameter."""
    ec.create_cache_parameter_group(CacheParameterGroupName="app", CacheParameterGroupFamily="redis7", Description="d")
    bad_requests = (
        [{"ParameterName": "maxmemory-policy", "ParameterValue": "lru-everything"}],
        [{"ParameterName": "timeout", "ParameterValue": "5"}],
        [{"ParameterName": "appendonly", "ParameterValue": "yes"}],
        [{"ParameterName": "no-such-parameter", "ParameterValue": "1"}],
        [
            {"ParameterName": "tcp-keepalive", "ParameterValue": "60"},
            {"ParameterName": "lua-time-limit", "ParameterValue": "100"},
        ],
    )
    for request in bad_requests:
        with pytest.raises(ClientError) as excinfo:
            ec.modify_cache_parameter_group(CacheParameterGroupName="app", ParameterNameValues=request)
        assert _error(excinfo)[0] == "InvalidParameterValue", request
    with pytest.raises(ClientError) as excinfo:
        ec.modify_cache_parameter_group(
            CacheParameterGroupName="app", ParameterNameValues=[{"ParameterName": "appendonly", "ParameterValue": "no"}]
        )
    assert _error(excinfo)[1] == "The parameter appendonly cannot be modified."
    assert _parameters(ec, "app", Source="user") == {}


def test_reset_named_parameters_or_all(ec: Any) -> None:
    """AWS: ResetCacheParameterGroup returns the named parameters, or with ResetAllParameters all of them, to the
    family's defaults."""
    ec.create_cache_parameter_group(CacheParameterGroupName="app", CacheParameterGroupFamily="redis7", Description="d")
    ec.modify_cache_parameter_group(
        CacheParameterGroupName="app",
        ParameterNameValues=[
            {"ParameterName": "maxmemory-policy", "ParameterValue": "noeviction"},
            {"ParameterName": "activedefrag", "ParameterValue": "yes"},
        ],
    )
    ec.reset_cache_parameter_group(
        CacheParameterGroupName="app", ParameterNameValues=[{"ParameterName": "activedefrag"}]
    )
    assert set(_parameters(ec, "app", Source="user")) == {"maxmemory-policy"}
    ec.reset_cache_parameter_group(CacheParameterGroupName="app", ResetAllParameters=True)
    assert _parameters(ec, "app")["maxmemory-policy"]["ParameterValue"] == "volatile-lru"
    assert _parameters(ec, "app", Source="user") == {}


def test_default_groups_cannot_be_modified_or_deleted(ec: Any) -> None:
    """AWS: default.redis7, default.valkey7 and default.valkey8 exist in every account and cannot be edited or
    deleted by the customer."""
    for name in ("default.redis7", "default.valkey7", "default.valkey8"):
        assert ec.describe_cache_parameter_groups(CacheParameterGroupName=name)["CacheParameterGroups"]
        with pytest.raises(ClientError) as excinfo:
            ec.modify_cache_parameter_group(
                CacheParameterGroupName=name,
                ParameterNameValues=[{"ParameterName": "maxmemory-policy", "ParameterValue": "noeviction"}],
            )
        assert _error(excinfo)[0] == "InvalidParameterValue"
        with pytest.raises(ClientError) as excinfo:
            ec.delete_cache_parameter_group(CacheParameterGroupName=name)
        assert _error(excinfo)[0] == "InvalidCacheParameterGroupState"


def test_describe_engine_default_parameters(ec: Any) -> None:
    """AWS: DescribeEngineDefaultParameters lists the family's defaults; cluster-enabled is listed as not
    modifiable there; an unknown family is InvalidParameterValue."""
    defaults = ec.describe_engine_default_parameters(CacheParameterGroupFamily="valkey8")["EngineDefaults"]
    assert defaults["CacheParameterGroupFamily"] == "valkey8"
    parameters = {parameter["ParameterName"]: parameter for parameter in defaults["Parameters"]}
    assert parameters["maxmemory-policy"]["ParameterValue"] == "volatile-lru"
    assert parameters["cluster-enabled"]["IsModifiable"] is False
    assert parameters["reserved-memory-percent"]["ParameterValue"] == "25"
    with pytest.raises(ClientError) as excinfo:
        ec.describe_engine_default_parameters(CacheParameterGroupFamily="redis1")
    assert _error(excinfo)[0] == "InvalidParameterValue"


def test_group_in_use_is_neither_deleted_nor_changed_at_creation_parameters(ec: Any, subnet_group: str) -> None:
    """AWS: a parameter group that a cluster uses cannot be deleted (InvalidCacheParameterGroupState); parameters
    that take effect at creation (cluster-enabled) cannot be modified then; once the cluster is gone, it can."""
    ec.create_cache_parameter_group(CacheParameterGroupName="app", CacheParameterGroupFamily="valkey8", Description="d")
    _replication_group(ec, subnet_group, CacheParameterGroupName="app")
    with pytest.raises(ClientError) as excinfo:
        ec.delete_cache_parameter_group(CacheParameterGroupName="app")
    assert _error(excinfo)[0] == "InvalidCacheParameterGroupState"
    with pytest.raises(ClientError) as excinfo:
        ec.modify_cache_parameter_group(
            CacheParameterGroupName="app",
            ParameterNameValues=[{"ParameterName": "cluster-enabled", "ParameterValue": "yes"}],
        )
    assert _error(excinfo) == ("InvalidParameterValue", "The parameter cluster-enabled cannot be modified.")

    ec.delete_replication_group(ReplicationGroupId="app-cache")
    ec.delete_cache_parameter_group(CacheParameterGroupName="app")


# ------------------------------------------------------------------------------------------------------- subnet groups


def test_subnet_group_names_the_zones_of_its_subnets(ec: Any, subnet_group: str) -> None:
    """AWS: each subnet of a cache subnet group carries SubnetAvailabilityZone {Name: <zone>}."""
    group = ec.describe_cache_subnet_groups(CacheSubnetGroupName=subnet_group)["CacheSubnetGroups"][0]
    assert sorted(subnet["SubnetAvailabilityZone"]["Name"] for subnet in group["Subnets"]) == [
        "us-east-2a",
        "us-east-2b",
    ]


def test_delete_cache_subnet_group_refused_while_in_use(ec: Any, subnet_group: str) -> None:
    """AWS: DeleteCacheSubnetGroup deletes the group, but answers CacheSubnetGroupInUse while a cache cluster uses
    it; a group that does not exist is CacheSubnetGroupNotFoundFault."""
    _replication_group(ec, subnet_group)
    with pytest.raises(ClientError) as excinfo:
        ec.delete_cache_subnet_group(CacheSubnetGroupName=subnet_group)
    assert _error(excinfo)[0] == "CacheSubnetGroupInUse"

    ec.delete_replication_group(ReplicationGroupId="app-cache")
    ec.delete_cache_subnet_group(CacheSubnetGroupName=subnet_group)
    with pytest.raises(ClientError) as excinfo:
        ec.delete_cache_subnet_group(CacheSubnetGroupName=subnet_group)
    assert _error(excinfo)[0] == "CacheSubnetGroupNotFoundFault"


# -------------------------------------------------------------------------------------------------- replication groups


def test_replication_group_has_a_primary_and_replicas_spread_over_zones(ec: Any, subnet_group: str) -> None:
    """AWS: NumCacheClusters=3 (cluster mode disabled) gives a primary and two replicas, spread over the subnet
    group's zones, with primary and reader endpoints on port 6379; the group reports its settings and the
    parameter group defaults to default.<family>."""
    group = _replication_group(ec, subnet_group, NumCacheClusters=3, SnapshotRetentionLimit=7)
    assert group["MemberClusters"] == ["app-cache-001", "app-cache-002", "app-cache-003"]
    node_group = group["NodeGroups"][0]
    members = node_group["NodeGroupMembers"]
    assert [member["CurrentRole"] for member in members] == ["primary", "replica", "replica"]
    assert {member["PreferredAvailabilityZone"] for member in members} == {"us-east-2a", "us-east-2b"}
    assert members[0]["PreferredAvailabilityZone"] != members[1]["PreferredAvailabilityZone"]
    assert node_group["PrimaryEndpoint"]["Port"] == 6379
    assert node_group["ReaderEndpoint"]["Port"] == 6379
    assert node_group["PrimaryEndpoint"]["Address"] != node_group["ReaderEndpoint"]["Address"]
    assert group["MultiAZ"] == "enabled"
    assert group["AutomaticFailover"] == "enabled"
    assert group["ClusterEnabled"] is False
    assert group["TransitEncryptionEnabled"] is True
    assert group["TransitEncryptionMode"] == "required"
    assert group["AtRestEncryptionEnabled"] is True
    assert group["Engine"] == "valkey"
    assert group["SnapshotRetentionLimit"] == 7
    assert group["SnapshottingClusterId"] in group["MemberClusters"]

    clusters = ec.describe_cache_clusters(ShowCacheNodeInfo=True)["CacheClusters"]
    assert sorted(cluster["CacheClusterId"] for cluster in clusters) == group["MemberClusters"]
    for cluster in clusters:
        assert cluster["ReplicationGroupId"] == "app-cache"
        assert cluster["CacheParameterGroup"]["CacheParameterGroupName"] == "default.valkey8"
        assert cluster["CacheSubnetGroupName"] == subnet_group
        assert cluster["CacheSecurityGroups"] == []
        assert cluster["EngineVersion"].startswith("8.0")
        assert cluster["CacheNodes"][0]["Endpoint"]["Port"] == 6379


def test_preferred_cache_cluster_azs_place_the_members(ec: Any, subnet_group: str) -> None:
    """AWS: PreferredCacheClusterAZs names the zone of each member, primary first."""
    group = _replication_group(
        ec, subnet_group, NumCacheClusters=2, PreferredCacheClusterAZs=["us-east-2b", "us-east-2a"]
    )
    assert [member["PreferredAvailabilityZone"] for member in group["NodeGroups"][0]["NodeGroupMembers"]] == [
        "us-east-2b",
        "us-east-2a",
    ]


def test_cache_nodes_only_with_show_cache_node_info(ec: Any, subnet_group: str) -> None:
    """AWS: DescribeCacheClusters returns CacheNodes only when ShowCacheNodeInfo is true, and always
    CacheSecurityGroups, SecurityGroups and CacheParameterGroup."""
    _replication_group(ec, subnet_group, SecurityGroupIds=["sg-0123456789abcdef0"])
    plain = ec.describe_cache_clusters(CacheClusterId="app-cache-001")["CacheClusters"][0]
    assert "CacheNodes" not in plain
    assert plain["SecurityGroups"] == [{"SecurityGroupId": "sg-0123456789abcdef0", "Status": "active"}]
    assert plain["CacheParameterGroup"]["ParameterApplyStatus"] == "in-sync"
    detailed = ec.describe_cache_clusters(CacheClusterId="app-cache-001", ShowCacheNodeInfo=True)["CacheClusters"][0]
    assert detailed["CacheNodes"][0]["CacheNodeId"] == "0001"


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        pytest.param(
            {"CacheParameterGroupName": "missing"}, "CacheParameterGroupNotFound", id="unknown-parameter-group"
        ),
        pytest.param({"CacheSubnetGroupName": "missing"}, "CacheSubnetGroupNotFoundFault", id="unknown-subnet-group"),
        pytest.param(
            {"TransitEncryptionEnabled": False, "AuthToken": TOKEN}, "InvalidParameterValue", id="auth-without-tls"
        ),
        pytest.param({"AuthToken": "short-token"}, "InvalidParameterValue", id="auth-token-too-short"),
        pytest.param({"AuthToken": "has/slash-and-is-long-enough"}, "InvalidParameterValue", id="auth-token-slash"),
        pytest.param({"AuthToken": "has@at-sign-and-is-long-enough"}, "InvalidParameterValue", id="auth-token-at"),
        pytest.param({"AuthToken": "x" * 129}, "InvalidParameterValue", id="auth-token-too-long"),
        pytest.param({"NumCacheClusters": 1}, "InvalidParameterCombination", id="failover-with-one-cluster"),
        pytest.param(
            {"AutomaticFailoverEnabled": False}, "InvalidParameterCombination", id="multi-az-without-failover"
        ),
        pytest.param({"EngineVersion": "9.9"}, "InvalidParameterCombination", id="unknown-engine-version"),
        pytest.param({"CacheParameterGroupName": "default.redis7"}, "InvalidParameterCombination", id="wrong-family"),
    ],
)
def test_create_replication_group_validates_as_aws(
    ec: Any, subnet_group: str, extra: dict[str, Any], code: str
) -> None:
    """AWS: CreateReplicationGroup refuses an unknown parameter or subnet group (their NotFound faults), an AUTH
    token without in-transit encryption or outside 16-128 characters of [A-Za-z0-9!&#$^<>-], automatic failover
    with fewer than 2 clusters, Multi-AZ without automatic failover, an engine version it does not offer and a
    parameter group of another family; nothing is created."""
    if extra.get("CacheSubnetGroupName") == "missing":
        subnet_group = "missing"
    with pytest.raises(ClientError) as excinfo:
        _replication_group(
            ec, subnet_group, **{key: value for key, value in extra.items() if key != "CacheSubnetGroupName"}
        )
    assert _error(excinfo)[0] == code
    assert ec.describe_replication_groups()["ReplicationGroups"] == []
    assert ec.describe_cache_clusters()["CacheClusters"] == []


def test_create_replication_group_messages(ec: Any, subnet_group: str) -> None:
    """AWS's words: "The AUTH token is only supported when encryption-in-transit is enabled"; "When using automatic
    failover, there must be at least 2 cache clusters in the replication group."; "Expected a parameter group of
    family valkey8 but found one of family redis7"; ReplicationGroupAlreadyExists for an id in use."""
    cases = (
        ({"TransitEncryptionEnabled": False, "AuthToken": TOKEN}, "encryption-in-transit is enabled"),
        ({"NumCacheClusters": 1}, "there must be at least 2 cache clusters in the replication group."),
        ({"CacheParameterGroupName": "default.redis7"}, "family valkey8 but found one of family redis7"),
    )
    for extra, words in cases:
        with pytest.raises(ClientError) as excinfo:
            _replication_group(ec, subnet_group, **extra)
        assert words in _error(excinfo)[1]
    _replication_group(ec, subnet_group)
    with pytest.raises(ClientError) as excinfo:
        _replication_group(ec, subnet_group)
    assert _error(excinfo)[0] == "ReplicationGroupAlreadyExists"


def test_modify_replication_group_applies_its_settings(ec: Any, subnet_group: str) -> None:
    """AWS: ModifyReplicationGroup applies CacheParameterGroupName, SecurityGroupIds, SnapshotRetentionLimit,
    SnapshotWindow, PreferredMaintenanceWindow, AutoMinorVersionUpgrade, CacheNodeType and EngineVersion (with
    ApplyImmediately), to the group and its member clusters."""
    ec.create_cache_parameter_group(CacheParameterGroupName="app", CacheParameterGroupFamily="valkey8", Description="d")
    _replication_group(ec, subnet_group)
    group = ec.modify_replication_group(
        ReplicationGroupId="app-cache",
        CacheParameterGroupName="app",
        SecurityGroupIds=["sg-0aaaaaaaaaaaaaaaa"],
        SnapshotRetentionLimit=5,
        SnapshotWindow="03:00-04:00",
        PreferredMaintenanceWindow="mon:05:00-mon:06:00",
        AutoMinorVersionUpgrade=False,
        CacheNodeType="cache.r7g.large",
        EngineVersion="8.1",
        ApplyImmediately=True,
    )["ReplicationGroup"]
    assert group["SnapshotRetentionLimit"] == 5
    assert group["SnapshotWindow"] == "03:00-04:00"
    assert group["AutoMinorVersionUpgrade"] is False
    assert group["CacheNodeType"] == "cache.r7g.large"
    for cluster in ec.describe_cache_clusters()["CacheClusters"]:
        assert cluster["CacheParameterGroup"]["CacheParameterGroupName"] == "app"
        assert cluster["SecurityGroups"] == [{"SecurityGroupId": "sg-0aaaaaaaaaaaaaaaa", "Status": "active"}]
        assert cluster["PreferredMaintenanceWindow"] == "mon:05:00-mon:06:00"
        assert cluster["CacheNodeType"] == "cache.r7g.large"
        assert cluster["EngineVersion"] == "8.1.0"


def test_modify_without_apply_immediately_leaves_node_changes_pending(ec: Any, subnet_group: str) -> None:
    """AWS: without ApplyImmediately, a new CacheNodeType waits for the maintenance window and shows in the
    clusters' PendingModifiedValues."""
    _replication_group(ec, subnet_group)
    ec.modify_replication_group(ReplicationGroupId="app-cache", CacheNodeType="cache.r7g.large")
    cluster = ec.describe_cache_clusters(CacheClusterId="app-cache-001")["CacheClusters"][0]
    assert cluster["CacheNodeType"] == "cache.t4g.small"
    assert cluster["PendingModifiedValues"]["CacheNodeType"] == "cache.r7g.large"


def test_redis_oss_group_upgraded_to_valkey_in_place(ec: Any, subnet_group: str) -> None:
    """AWS: a Redis OSS replication group is upgraded to Valkey in place by ModifyReplicationGroup with Engine valkey
    and a Valkey EngineVersion ("specifying the new engine and the engine major version"); the group and its member
    clusters run Valkey with the new version's default parameter group; there is no way back to Redis OSS."""
    _replication_group(ec, subnet_group, Engine="redis", EngineVersion="7.1")
    with pytest.raises(ClientError) as excinfo:
        ec.modify_replication_group(ReplicationGroupId="app-cache", Engine="valkey", ApplyImmediately=True)
    assert _error(excinfo)[0] == "InvalidParameterCombination"  # Redis OSS 7.1 is no Valkey version
    group = ec.modify_replication_group(
        ReplicationGroupId="app-cache", Engine="valkey", EngineVersion="8.0", ApplyImmediately=True
    )["ReplicationGroup"]
    assert group["Engine"] == "valkey"
    for cluster in ec.describe_cache_clusters()["CacheClusters"]:
        assert (cluster["Engine"], cluster["EngineVersion"]) == ("valkey", "8.0.0")
        assert cluster["CacheParameterGroup"]["CacheParameterGroupName"] == "default.valkey8"
    with pytest.raises(ClientError) as excinfo:
        ec.modify_replication_group(
            ReplicationGroupId="app-cache", Engine="redis", EngineVersion="7.1", ApplyImmediately=True
        )
    assert _error(excinfo)[0] == "InvalidParameterCombination"
    assert ec.describe_replication_groups(ReplicationGroupId="app-cache")["ReplicationGroups"][0]["Engine"] == "valkey"


def test_members_without_a_subnet_group_are_in_the_default_one(ec: Any) -> None:
    """AWS: a replication group (or cache cluster) created without CacheSubnetGroupName is placed in the cache subnet
    group named "default"; its member clusters show CacheSubnetGroupName "default" (moto: none)."""
    ec.create_replication_group(
        ReplicationGroupId="plain",
        ReplicationGroupDescription="d",
        Engine="valkey",
        CacheNodeType="cache.t4g.small",
        NumCacheClusters=2,
    )
    clusters = ec.describe_cache_clusters()["CacheClusters"]
    assert [cluster["CacheSubnetGroupName"] for cluster in clusters] == ["default", "default"]


def test_modify_replication_group_validates(ec: Any, subnet_group: str) -> None:
    """AWS: ModifyReplicationGroup refuses a parameter group that does not exist or is of another family, and
    Multi-AZ without automatic failover; nothing changes."""
    _replication_group(ec, subnet_group)
    for extra, code in (
        ({"CacheParameterGroupName": "missing"}, "CacheParameterGroupNotFound"),
        ({"CacheParameterGroupName": "default.redis7"}, "InvalidParameterCombination"),
        ({"AutomaticFailoverEnabled": False}, "InvalidParameterCombination"),
    ):
        with pytest.raises(ClientError) as excinfo:
            ec.modify_replication_group(ReplicationGroupId="app-cache", ApplyImmediately=True, **extra)
        assert _error(excinfo)[0] == code
    group = ec.describe_replication_groups(ReplicationGroupId="app-cache")["ReplicationGroups"][0]
    assert (group["AutomaticFailover"], group["MultiAZ"]) == ("enabled", "enabled")


def test_auth_token_rotate_then_set(ec: Any, subnet_group: str) -> None:
    """AWS: AuthTokenUpdateStrategy ROTATE (the default) adds the new token while the old one stays valid; SET,
    after a ROTATE, leaves only the new token; SET with no rotation under way is refused. The tokens are never
    returned by the API."""
    _replication_group(ec, subnet_group, AuthToken=TOKEN)
    assert _backend_group("app-cache").auth_tokens == [TOKEN]
    with pytest.raises(ClientError) as excinfo:
        ec.modify_replication_group(
            ReplicationGroupId="app-cache", AuthToken=NEXT_TOKEN, AuthTokenUpdateStrategy="SET", ApplyImmediately=True
        )
    assert _error(excinfo)[0] == "InvalidParameterValue"

    group = ec.modify_replication_group(ReplicationGroupId="app-cache", AuthToken=NEXT_TOKEN, ApplyImmediately=True)
    assert group["ReplicationGroup"]["AuthTokenEnabled"] is True
    assert TOKEN not in str(group)
    assert NEXT_TOKEN not in str(group)
    assert _backend_group("app-cache").auth_tokens == [TOKEN, NEXT_TOKEN]

    ec.modify_replication_group(
        ReplicationGroupId="app-cache", AuthToken=NEXT_TOKEN, AuthTokenUpdateStrategy="SET", ApplyImmediately=True
    )
    assert _backend_group("app-cache").auth_tokens == [NEXT_TOKEN]


def test_auth_token_added_to_a_group_without_auth(ec: Any, subnet_group: str) -> None:
    """AWS: on a group with in-transit encryption and no token, ROTATE adds a token while unauthenticated
    connections still work; SET then requires the token. A token needs in-transit encryption."""
    _replication_group(ec, subnet_group)
    ec.modify_replication_group(ReplicationGroupId="app-cache", AuthToken=TOKEN, AuthTokenUpdateStrategy="ROTATE")
    backend_group = _backend_group("app-cache")
    assert (backend_group.auth_tokens, backend_group.auth_token_optional) == ([TOKEN], True)
    ec.modify_replication_group(ReplicationGroupId="app-cache", AuthToken=TOKEN, AuthTokenUpdateStrategy="SET")
    assert (backend_group.auth_tokens, backend_group.auth_token_optional) == ([TOKEN], False)

    _replication_group(ec, subnet_group, "plain-cache", TransitEncryptionEnabled=False)
    with pytest.raises(ClientError) as excinfo:
        ec.modify_replication_group(ReplicationGroupId="plain-cache", AuthToken=TOKEN)
    assert _error(excinfo)[0] == "InvalidParameterValue"


def test_auth_token_delete_only_towards_rbac_or_preferred_tls(ec: Any, subnet_group: str) -> None:
    """AWS: AuthTokenUpdateStrategy DELETE is allowed only when moving to RBAC (UserGroupIdsToAdd) or with
    TransitEncryptionMode preferred; it then removes AUTH."""
    _replication_group(ec, subnet_group, AuthToken=TOKEN)
    with pytest.raises(ClientError) as excinfo:
        ec.modify_replication_group(ReplicationGroupId="app-cache", AuthTokenUpdateStrategy="DELETE")
    assert _error(excinfo)[0] == "InvalidParameterCombination"
    assert _backend_group("app-cache").auth_tokens == [TOKEN]

    group = ec.modify_replication_group(
        ReplicationGroupId="app-cache", AuthTokenUpdateStrategy="DELETE", TransitEncryptionMode="preferred"
    )["ReplicationGroup"]
    assert group["AuthTokenEnabled"] is False
    assert group["TransitEncryptionMode"] == "preferred"
    assert _backend_group("app-cache").auth_tokens == []


def test_delete_replication_group_finishes(ec: Any, subnet_group: str) -> None:
    """AWS: DeleteReplicationGroup answers Status deleting; the group and its clusters then disappear, so the
    replication_group_deleted waiter succeeds."""
    _replication_group(ec, subnet_group)
    answer = ec.delete_replication_group(ReplicationGroupId="app-cache")["ReplicationGroup"]
    assert answer["Status"] == "deleting"
    ec.get_waiter("replication_group_deleted").wait(
        ReplicationGroupId="app-cache", WaiterConfig={"Delay": 1, "MaxAttempts": 3}
    )
    assert ec.describe_cache_clusters()["CacheClusters"] == []
    with pytest.raises(ClientError) as excinfo:
        ec.describe_replication_groups(ReplicationGroupId="app-cache")
    assert _error(excinfo)[0] == "ReplicationGroupNotFoundFault"


def test_delete_replication_group_with_final_snapshot(ec: Any, subnet_group: str) -> None:
    """AWS: with FinalSnapshotIdentifier, a snapshot of the group exists after the deletion."""
    _replication_group(ec, subnet_group)
    ec.delete_replication_group(ReplicationGroupId="app-cache", FinalSnapshotIdentifier="app-cache-final")
    snapshot = ec.describe_snapshots(SnapshotName="app-cache-final")["Snapshots"][0]
    assert snapshot["ReplicationGroupId"] == "app-cache"


def test_delete_replication_group_retaining_the_primary(ec: Any, subnet_group: str) -> None:
    """AWS: RetainPrimaryCluster deletes the read replicas and keeps the primary as a standalone cluster."""
    _replication_group(ec, subnet_group, NumCacheClusters=3)
    ec.delete_replication_group(ReplicationGroupId="app-cache", RetainPrimaryCluster=True)
    clusters = ec.describe_cache_clusters()["CacheClusters"]
    assert [cluster["CacheClusterId"] for cluster in clusters] == ["app-cache-001"]
    assert "ReplicationGroupId" not in clusters[0]


def test_delete_cache_cluster_finishes(ec: Any) -> None:
    """AWS: DeleteCacheCluster answers CacheClusterStatus deleting, then the cluster is gone (the
    cache_cluster_deleted waiter succeeds)."""
    cluster = ec.create_cache_cluster(
        CacheClusterId="solo", Engine="redis", CacheNodeType="cache.t4g.micro", NumCacheNodes=1
    )["CacheCluster"]
    assert cluster["CacheParameterGroup"]["CacheParameterGroupName"] == "default.redis7"
    answer = ec.delete_cache_cluster(CacheClusterId="solo")["CacheCluster"]
    assert answer["CacheClusterStatus"] == "deleting"
    ec.get_waiter("cache_cluster_deleted").wait(CacheClusterId="solo", WaiterConfig={"Delay": 1, "MaxAttempts": 3})
    with pytest.raises(ClientError) as excinfo:
        ec.describe_cache_clusters(CacheClusterId="solo")
    assert _error(excinfo)[0] == "CacheClusterNotFound"


def test_primary_of_a_replication_group_is_not_deleted_alone(ec: Any, subnet_group: str) -> None:
    """AWS: DeleteCacheCluster is not valid for the primary node of a replication group (InvalidCacheClusterState)."""
    _replication_group(ec, subnet_group)
    with pytest.raises(ClientError) as excinfo:
        ec.delete_cache_cluster(CacheClusterId="app-cache-001")
    assert _error(excinfo)[0] == "InvalidCacheClusterState"


def test_modify_cache_cluster_applies(ec: Any) -> None:
    """AWS: ModifyCacheCluster applies security groups, the parameter group (of the engine's family) and, with
    ApplyImmediately, the engine version; a Valkey or Redis OSS cluster keeps exactly one node (what
    community.aws.elasticache sends on a second run)."""
    ec.create_cache_parameter_group(
        CacheParameterGroupName="solo", CacheParameterGroupFamily="redis6.x", Description="d"
    )
    cluster = ec.create_cache_cluster(
        CacheClusterId="solo", Engine="redis", EngineVersion="6.2", CacheNodeType="cache.t4g.micro", NumCacheNodes=1
    )["CacheCluster"]
    assert cluster["EngineVersion"] == "6.2.6"
    modified = ec.modify_cache_cluster(
        CacheClusterId="solo",
        NumCacheNodes=1,
        CacheNodeIdsToRemove=[],
        CacheSecurityGroupNames=[],
        SecurityGroupIds=["sg-0bbbbbbbbbbbbbbbb"],
        CacheParameterGroupName="solo",
        EngineVersion="6.2.6",
        ApplyImmediately=True,
    )["CacheCluster"]
    assert modified["CacheParameterGroup"]["CacheParameterGroupName"] == "solo"
    assert modified["SecurityGroups"] == [{"SecurityGroupId": "sg-0bbbbbbbbbbbbbbbb", "Status": "active"}]
    with pytest.raises(ClientError) as excinfo:
        ec.modify_cache_cluster(CacheClusterId="solo", NumCacheNodes=2)
    assert _error(excinfo)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        ec.modify_cache_cluster(CacheClusterId="solo", CacheParameterGroupName="default.redis7")
    assert _error(excinfo)[0] == "InvalidParameterCombination"


def test_time_mode_creating_and_modifying(clean_twin: Any, subnet_group: str) -> None:
    """AWS: a new replication group and its clusters are `creating` for minutes, and a group that is not
    `available` cannot be modified (InvalidReplicationGroupState). In time mode the twin scales those minutes."""
    ec = clean_twin.client("elasticache", region=REGION)
    clean_twin.configure(time_scale=1000.0)
    try:
        assert _replication_group(ec, subnet_group)["Status"] == "creating"
        cluster = ec.describe_cache_clusters(CacheClusterId="app-cache-002")["CacheClusters"][0]
        assert cluster["CacheClusterStatus"] == "creating"
        with pytest.raises(ClientError) as excinfo:
            ec.modify_replication_group(ReplicationGroupId="app-cache", SnapshotRetentionLimit=3)
        assert _error(excinfo)[0] == "InvalidReplicationGroupState"
    finally:
        clean_twin.configure(time_scale=0.0)
    assert (
        ec.describe_replication_groups(ReplicationGroupId="app-cache")["ReplicationGroups"][0]["Status"] == "available"
    )


def test_time_mode_deleting_then_gone(clean_twin: Any, subnet_group: str) -> None:
    """AWS: a deleted replication group is `deleting` for a while, then gone; the replication_group_deleted waiter
    polls through it. In time mode the twin keeps it `deleting` for AWS's typical duration, scaled."""
    ec = clean_twin.client("elasticache", region=REGION)
    _replication_group(ec, subnet_group)
    clean_twin.configure(time_scale=0.004)  # AWS's 300 s of deleting last 1.2 s
    try:
        ec.delete_replication_group(ReplicationGroupId="app-cache")
        assert ec.describe_replication_groups(ReplicationGroupId="app-cache")["ReplicationGroups"][0]["Status"] == (
            "deleting"
        )
        assert ec.describe_cache_clusters()["CacheClusters"][0]["CacheClusterStatus"] == "deleting"
        ec.get_waiter("replication_group_deleted").wait(
            ReplicationGroupId="app-cache", WaiterConfig={"Delay": 1, "MaxAttempts": 5}
        )
    finally:
        clean_twin.configure(time_scale=0.0)
    assert ec.describe_cache_clusters()["CacheClusters"] == []
