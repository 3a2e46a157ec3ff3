"""The twin's time mode: resources pass through AWS's states for AWS's typical durations, scaled.

AWS takes minutes to create, modify, reboot and delete databases; its API shows each transition as a status and
refuses some calls meanwhile. In time mode (a time scale above 0) the twin does the same for AWS's typical durations
(twin/timeline.py, docs/twin-time-mode.md) times the scale; twin/patches/time_mode.py implements it. Every test
turns the mode on through /_twin/config and off again in the fixture's teardown.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from twin.timeline import TYPICAL_AWS_SECONDS

ENGINE_VERSION = "8.0.mysql_aurora.3.05.2"
CREDENTIALS = {"MasterUsername": "admin", "MasterUserPassword": "password123"}
REDSHIFT_PASSWORD = "Passw0rd-Redshift"
FAST_WAITER = {"Delay": 0.1, "MaxAttempts": 100}
POLL_SECONDS = 0.05


@pytest.fixture
def timed(clean_twin: Any) -> Iterator[Callable[[float], None]]:
    """timed(scale) turns time mode on; the teardown turns it off whatever the test did."""
    try:
        yield lambda scale: clean_twin.configure(time_scale=scale)
    finally:
        clean_twin.configure(time_scale=0.0)


def _error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


def _scaled(scale: float, *durations: str) -> float:
    return scale * sum(TYPICAL_AWS_SECONDS[duration] for duration in durations)


def _unless_gone(describe: Callable[[], dict[str, Any]], not_found: str) -> dict[str, Any] | None:
    """The answer of `describe`, or None when it fails with the service's not-found error code."""
    try:
        return describe()
    except ClientError as error:
        if error.response["Error"]["Code"] != not_found:
            raise
        return None


def _states_until(read: Callable[[], str | None], final: str | None, limit: float) -> tuple[list[str | None], float]:
    """Poll `read` until it gives `final`: the distinct states seen in order, and the seconds it took."""
    started = time.monotonic()
    seen: list[str | None] = []
    while time.monotonic() - started < limit:
        state = read()
        if not seen or seen[-1] != state:
            seen.append(state)
        if state == final:
            break
        time.sleep(POLL_SECONDS)
    return seen, time.monotonic() - started


# ---------------------------------------------------------------- RDS


def _cluster(rds: Any, name: str = "orders", **extra: Any) -> dict[str, Any]:
    params = {"Engine": "aurora-mysql", "EngineVersion": ENGINE_VERSION, **CREDENTIALS, **extra}
    return rds.create_db_cluster(DBClusterIdentifier=name, **params)["DBCluster"]


def _member(rds: Any, name: str = "orders-1", cluster: str = "orders") -> dict[str, Any]:
    return rds.create_db_instance(
        DBInstanceIdentifier=name, DBClusterIdentifier=cluster, Engine="aurora-mysql", DBInstanceClass="db.r6g.large"
    )["DBInstance"]


def _instance_status(rds: Any, name: str = "orders-1") -> str | None:
    described = _unless_gone(lambda: rds.describe_db_instances(DBInstanceIdentifier=name), "DBInstanceNotFound")
    return described and described["DBInstances"][0]["DBInstanceStatus"]


def _cluster_status(rds: Any, name: str = "orders") -> str | None:
    described = _unless_gone(lambda: rds.describe_db_clusters(DBClusterIdentifier=name), "DBClusterNotFoundFault")
    return described and described["DBClusters"][0]["Status"]


def test_aurora_instance_is_creating_then_backing_up_then_available(clean_twin, timed) -> None:
    """AWS: a new Aurora instance is `creating` (typically 8 minutes), then `backing-up` (its first backup), then
    `available`; CreateDBInstance answers `creating`. Meanwhile ModifyDBInstance fails InvalidDBInstanceState."""
    rds = clean_twin.client("rds")
    _cluster(rds)
    scale = 0.005  # 480 s + 120 s of AWS time last 3 s
    timed(scale)
    started = time.monotonic()
    assert _member(rds)["DBInstanceStatus"] == "creating"
    with pytest.raises(ClientError) as excinfo:
        rds.modify_db_instance(DBInstanceIdentifier="orders-1", DBInstanceClass="db.r6g.xlarge", ApplyImmediately=True)
    assert _error_code(excinfo) == "InvalidDBInstanceState"
    seen, _ = _states_until(lambda: _instance_status(rds), "available", limit=10)
    seconds = time.monotonic() - started
    assert seen == ["creating", "backing-up", "available"]
    expected = _scaled(scale, "rds.instance.creating", "rds.instance.backing-up")
    assert expected - 0.1 <= seconds <= expected + 1.5


def test_cluster_waiter_and_instance_waiter_pass_through_the_states(clean_twin, timed) -> None:
    """AWS: boto3's db_cluster_available and db_instance_available waiters poll until the status is `available`;
    amazon.aws rds_instance waits with the latter, rds_cluster with its own cluster_available and cluster_deleted
    waiters (amazon.aws module_utils.waiters)."""
    from ansible_collections.amazon.aws.plugins.module_utils.waiters import get_waiter

    rds = clean_twin.client("rds")
    timed(0.002)
    assert _cluster(rds)["Status"] == "creating"
    assert _cluster_status(rds) == "creating"
    rds.get_waiter("db_cluster_available").wait(DBClusterIdentifier="orders", WaiterConfig=FAST_WAITER)
    _cluster(rds, "audit")
    get_waiter(rds, "cluster_available").wait(DBClusterIdentifier="audit", WaiterConfig=FAST_WAITER)
    _member(rds)
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier="orders-1", WaiterConfig=FAST_WAITER)
    assert (_cluster_status(rds), _cluster_status(rds, "audit"), _instance_status(rds)) == ("available",) * 3
    rds.delete_db_cluster(DBClusterIdentifier="audit", SkipFinalSnapshot=True)
    assert _cluster_status(rds, "audit") == "deleting"
    get_waiter(rds, "cluster_deleted").wait(DBClusterIdentifier="audit", WaiterConfig=FAST_WAITER)
    assert _cluster_status(rds, "audit") is None


def test_reboot_is_rebooting_then_available(clean_twin, timed) -> None:
    """AWS RebootDBInstance: the instance is `rebooting` (about a minute), then `available`; a reboot meanwhile
    fails InvalidDBInstanceState."""
    rds = clean_twin.client("rds")
    _cluster(rds)
    _member(rds)
    timed(0.02)  # 60 s of AWS time last 1.2 s
    assert rds.reboot_db_instance(DBInstanceIdentifier="orders-1")["DBInstance"]["DBInstanceStatus"] == "rebooting"
    with pytest.raises(ClientError) as excinfo:
        rds.reboot_db_instance(DBInstanceIdentifier="orders-1")
    assert _error_code(excinfo) == "InvalidDBInstanceState"
    seen, _ = _states_until(lambda: _instance_status(rds), "available", limit=5)
    assert seen == ["rebooting", "available"]


def test_modify_applied_immediately_is_modifying_then_available(clean_twin, timed) -> None:
    """AWS ModifyDBInstance with ApplyImmediately: `modifying`, then `available`; without it nothing shows until
    the maintenance window. A modifying instance cannot be modified again (InvalidDBInstanceState)."""
    rds = clean_twin.client("rds")
    _cluster(rds)
    _member(rds)
    timed(0.01)  # 120 s of AWS time last 1.2 s
    rds.modify_db_instance(DBInstanceIdentifier="orders-1", PromotionTier=2)
    assert _instance_status(rds) == "available"
    answer = rds.modify_db_instance(DBInstanceIdentifier="orders-1", PromotionTier=3, ApplyImmediately=True)
    assert answer["DBInstance"]["DBInstanceStatus"] == "modifying"
    with pytest.raises(ClientError) as excinfo:
        rds.modify_db_instance(DBInstanceIdentifier="orders-1", PromotionTier=4, ApplyImmediately=True)
    assert _error_code(excinfo) == "InvalidDBInstanceState"
    seen, _ = _states_until(lambda: _instance_status(rds), "available", limit=5)
    assert seen == ["modifying", "available"]


def test_cluster_modify_is_modifying_then_available(clean_twin, timed) -> None:
    """AWS ModifyDBCluster: the cluster is `modifying`, then `available`."""
    rds = clean_twin.client("rds")
    _cluster(rds)
    _cluster_status(rds)  # moto's one-read `creating`, outside time mode
    timed(0.01)  # 60 s of AWS time last 0.6 s
    answer = rds.modify_db_cluster(DBClusterIdentifier="orders", BackupRetentionPeriod=7, ApplyImmediately=True)
    assert answer["DBCluster"]["Status"] == "modifying"
    seen, _ = _states_until(lambda: _cluster_status(rds), "available", limit=5)
    assert seen == ["modifying", "available"]


def test_deleted_instance_and_cluster_are_deleting_then_gone(clean_twin, timed) -> None:
    """AWS: a deleted instance is listed as `deleting` (minutes), then gone; its cluster can be deleted once every
    instance is deleting, and is then `deleting` itself, then gone. A second DeleteDBInstance meanwhile fails
    InvalidDBInstanceState. boto3's db_instance_deleted and db_cluster_deleted waiters poll through it."""
    rds = clean_twin.client("rds")
    _cluster(rds)
    _member(rds)
    scale = 0.006  # instance: 300 s last 1.8 s; cluster: 120 s last 0.72 s
    timed(scale)
    answer = rds.delete_db_instance(DBInstanceIdentifier="orders-1", SkipFinalSnapshot=True)
    assert answer["DBInstance"]["DBInstanceStatus"] == "deleting"
    assert _instance_status(rds) == "deleting"
    members = rds.describe_db_clusters(DBClusterIdentifier="orders")["DBClusters"][0]["DBClusterMembers"]
    assert [member["DBInstanceIdentifier"] for member in members] == ["orders-1"]
    with pytest.raises(ClientError) as excinfo:
        rds.delete_db_instance(DBInstanceIdentifier="orders-1", SkipFinalSnapshot=True)
    assert _error_code(excinfo) == "InvalidDBInstanceState"
    started = time.monotonic()
    assert rds.delete_db_cluster(DBClusterIdentifier="orders", SkipFinalSnapshot=True)["DBCluster"]["Status"] == (
        "deleting"
    )
    seen, _ = _states_until(lambda: _cluster_status(rds), None, limit=5)
    seconds = time.monotonic() - started
    assert seen == ["deleting", None]
    expected = _scaled(scale, "rds.cluster.deleting")
    assert expected - 0.1 <= seconds <= expected + 1.5
    assert _instance_status(rds) == "deleting"
    rds.get_waiter("db_instance_deleted").wait(DBInstanceIdentifier="orders-1", WaiterConfig=FAST_WAITER)
    rds.get_waiter("db_cluster_deleted").wait(DBClusterIdentifier="orders", WaiterConfig=FAST_WAITER)
    assert rds.describe_db_instances()["DBInstances"] == []


def test_replica_cluster_creates_for_longer_than_a_cluster(clean_twin, timed) -> None:
    """AWS: a cross-region read replica cluster takes far longer to create (about 15 minutes for an empty source)
    than a cluster (about 2 minutes)."""
    source_rds = clean_twin.client("rds")
    source_rds.create_db_cluster_parameter_group(
        DBClusterParameterGroupName="binlog", DBParameterGroupFamily="aurora-mysql8.0", Description="binlog"
    )
    source_rds.modify_db_cluster_parameter_group(
        DBClusterParameterGroupName="binlog",
        Parameters=[{"ParameterName": "binlog_format", "ParameterValue": "ROW", "ApplyMethod": "pending-reboot"}],
    )
    source = _cluster(source_rds, "source", DBClusterParameterGroupName="binlog")
    _member(source_rds, "source-1", "source")
    scale = 0.001  # replica: 900 s last 0.9 s; cluster: 120 s last 0.12 s
    timed(scale)
    replica_rds = clean_twin.client("rds", region="us-west-2")
    replica_rds.create_db_cluster(
        DBClusterIdentifier="replica", Engine="aurora-mysql", ReplicationSourceIdentifier=source["DBClusterArn"]
    )
    seen, seconds = _states_until(lambda: _cluster_status(replica_rds, "replica"), "available", limit=5)
    assert seen == ["creating", "available"]
    assert seconds >= _scaled(scale, "rds.replica_cluster.creating") - 0.1


def _global_status(rds: Any, name: str = "global-orders") -> str:
    return rds.describe_global_clusters(GlobalClusterIdentifier=name)["GlobalClusters"][0]["Status"]


def test_global_database_from_a_cluster_is_creating_then_available(clean_twin, timed) -> None:
    """AWS CreateGlobalCluster: a global database made from an existing cluster (SourceDBClusterIdentifier) is
    `creating`, then `available` (what Terraform's aws_rds_global_cluster waits through); an empty one is `available`
    in CreateGlobalCluster's answer (the AWS CLI reference's create-global-cluster example)."""
    rds = clean_twin.client("rds")
    source = _cluster(rds)
    scale = 0.01  # 60 s of AWS time last 0.6 s
    timed(scale)
    answer = rds.create_global_cluster(
        GlobalClusterIdentifier="global-orders", SourceDBClusterIdentifier=source["DBClusterArn"]
    )
    assert answer["GlobalCluster"]["Status"] == "creating"
    seen, seconds = _states_until(lambda: _global_status(rds), "available", limit=5)
    assert seen == ["creating", "available"]
    assert seconds >= _scaled(scale, "rds.global_cluster.creating") - 0.2
    empty = rds.create_global_cluster(GlobalClusterIdentifier="empty", Engine="aurora-mysql")
    assert empty["GlobalCluster"]["Status"] == "available"


def test_scale_zero_changes_nothing(clean_twin) -> None:
    """Outside time mode the twin is immediate: a new instance is `available` on its first read and a deleted one
    is gone at once (as the other twin tests expect)."""
    rds = clean_twin.client("rds")
    _cluster(rds)
    _member(rds)
    assert _instance_status(rds) == "available"
    rds.delete_db_instance(DBInstanceIdentifier="orders-1", SkipFinalSnapshot=True)
    assert _instance_status(rds) is None


# ---------------------------------------------------------------- Redshift


def _redshift_cluster(redshift: Any, name: str = "warehouse") -> dict[str, Any]:
    return redshift.create_cluster(
        ClusterIdentifier=name,
        NodeType="ra3.xlplus",
        ClusterType="multi-node",
        NumberOfNodes=2,
        MasterUsername="admin",
        MasterUserPassword=REDSHIFT_PASSWORD,
    )["Cluster"]


def _redshift_status(redshift: Any, name: str = "warehouse") -> tuple[str, str] | None:
    described = _unless_gone(lambda: redshift.describe_clusters(ClusterIdentifier=name), "ClusterNotFound")
    if described is None:
        return None
    cluster = described["Clusters"][0]
    return cluster["ClusterStatus"], cluster["ClusterAvailabilityStatus"]


def test_redshift_cluster_is_creating_then_available_and_its_waiters_work(clean_twin, timed) -> None:
    """AWS: a new Redshift cluster is `creating` (ClusterAvailabilityStatus Unavailable) for minutes, then
    `available` (Available); rebooting and deleting show likewise, a deleted cluster is then gone. boto3's
    cluster_available and cluster_deleted waiters poll through it."""
    redshift = clean_twin.client("redshift")
    timed(0.004)  # creating: 420 s last 1.68 s; rebooting: 120 s last 0.48 s; deleting: 180 s last 0.72 s
    assert _redshift_cluster(redshift)["ClusterStatus"] == "creating"
    assert _redshift_status(redshift) == ("creating", "Unavailable")
    redshift.get_waiter("cluster_available").wait(ClusterIdentifier="warehouse", WaiterConfig=FAST_WAITER)
    assert _redshift_status(redshift) == ("available", "Available")
    redshift.reboot_cluster(ClusterIdentifier="warehouse")
    seen, _ = _states_until(lambda: (_redshift_status(redshift) or ("gone",))[0], "available", limit=5)
    assert seen == ["rebooting", "available"]
    redshift.delete_cluster(ClusterIdentifier="warehouse", SkipFinalClusterSnapshot=True)
    assert _redshift_status(redshift) == ("deleting", "Unavailable")
    redshift.get_waiter("cluster_deleted").wait(ClusterIdentifier="warehouse", WaiterConfig=FAST_WAITER)
    assert redshift.describe_clusters()["Clusters"] == []


# ---------------------------------------------------------------- EC2


def _ec2_state(ec2: Any, instance_id: str) -> str:
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["State"]["Name"]


def test_ec2_instance_is_pending_then_running_and_shutting_down_then_terminated(clean_twin, timed) -> None:
    """AWS: RunInstances gives `pending` instances that become `running` (about 30 s); TerminateInstances makes
    them `shutting-down`, then `terminated`. boto3's instance_running and instance_terminated waiters poll it."""
    ec2 = clean_twin.client("ec2")
    timed(0.03)  # 30 s of AWS time last 0.9 s
    image = ec2.describe_images()["Images"][0]["ImageId"]
    instance_id = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    assert _ec2_state(ec2, instance_id) == "pending"
    ec2.get_waiter("instance_running").wait(InstanceIds=[instance_id], WaiterConfig=FAST_WAITER)
    ec2.terminate_instances(InstanceIds=[instance_id])
    assert _ec2_state(ec2, instance_id) == "shutting-down"
    ec2.get_waiter("instance_terminated").wait(InstanceIds=[instance_id], WaiterConfig=FAST_WAITER)
    assert _ec2_state(ec2, instance_id) == "terminated"


# ---------------------------------------------------------------- ElastiCache (timed by twin/patches/elasticache.py)


def _cache_subnet_group(clean_twin: Any) -> str:
    ec2 = clean_twin.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{index}.0/24", AvailabilityZone=f"us-east-2{zone}")["Subnet"][
            "SubnetId"
        ]
        for index, zone in enumerate("ab")
    ]
    clean_twin.client("elasticache").create_cache_subnet_group(
        CacheSubnetGroupName="cache-net", CacheSubnetGroupDescription="cache", SubnetIds=subnets
    )
    return "cache-net"


def _cache_states(ec: Any) -> tuple[str, list[str]] | None:
    described = _unless_gone(
        lambda: ec.describe_replication_groups(ReplicationGroupId="app-cache"), "ReplicationGroupNotFoundFault"
    )
    if described is None:
        return None
    group = described["ReplicationGroups"][0]
    members = ec.describe_cache_clusters(ShowCacheNodeInfo=False)["CacheClusters"]
    return group["Status"], [member["CacheClusterStatus"] for member in members]


def test_replication_group_is_creating_then_available_and_its_waiters_work(clean_twin, timed) -> None:
    """AWS: a new replication group and its member clusters are `creating` (about 10 minutes for two nodes), then
    `available`; modifying and deleting show likewise, a deleted group is then gone. boto3's
    replication_group_available and replication_group_deleted waiters poll through it."""
    ec = clean_twin.client("elasticache")
    subnet_group = _cache_subnet_group(clean_twin)
    timed(0.003)  # creating: 600 s last 1.8 s; modifying, deleting: 300 s last 0.9 s
    answer = ec.create_replication_group(
        ReplicationGroupId="app-cache",
        ReplicationGroupDescription="app cache",
        Engine="valkey",
        EngineVersion="8.0",
        CacheNodeType="cache.t4g.small",
        CacheSubnetGroupName=subnet_group,
        NumCacheClusters=2,
        AutomaticFailoverEnabled=True,
        MultiAZEnabled=True,
        TransitEncryptionEnabled=True,
        AtRestEncryptionEnabled=True,
    )
    assert answer["ReplicationGroup"]["Status"] == "creating"
    assert _cache_states(ec) == ("creating", ["creating", "creating"])
    ec.get_waiter("replication_group_available").wait(ReplicationGroupId="app-cache", WaiterConfig=FAST_WAITER)
    assert _cache_states(ec) == ("available", ["available", "available"])
    ec.modify_replication_group(ReplicationGroupId="app-cache", SnapshotRetentionLimit=3, ApplyImmediately=True)
    assert _cache_states(ec) == ("modifying", ["modifying", "modifying"])
    ec.get_waiter("replication_group_available").wait(ReplicationGroupId="app-cache", WaiterConfig=FAST_WAITER)
    ec.delete_replication_group(ReplicationGroupId="app-cache")
    assert _cache_states(ec) == ("deleting", ["deleting", "deleting"])
    ec.get_waiter("replication_group_deleted").wait(ReplicationGroupId="app-cache", WaiterConfig=FAST_WAITER)
    assert _cache_states(ec) is None
    assert ec.describe_cache_clusters()["CacheClusters"] == []


def test_timeline_lists_each_resources_phases_with_their_times(clean_twin, timed) -> None:
    """GET /_twin/timeline (for benchmarks' timelines) lists each phase scheduled since time mode was turned on: a
    new instance's `creating` then `backing-up`, back to back, lasting the table's durations times the scale."""
    import json
    import urllib.request

    rds = clean_twin.client("rds")
    _cluster(rds)
    scale = 0.001
    timed(scale)
    before = time.time()
    _member(rds)
    with urllib.request.urlopen(f"{clean_twin.endpoint}/_twin/timeline") as answer:
        timeline = json.load(answer)
    phases = [phase for phase in timeline["phases"] if phase["key"].startswith("rds-instance:")]
    assert [phase["state"] for phase in phases] == ["creating", "backing-up"]
    assert phases[0]["key"].endswith(":db:orders-1")
    assert before <= phases[0]["start"] <= time.time()
    assert phases[0]["end"] == pytest.approx(phases[1]["start"])
    assert phases[0]["end"] - phases[0]["start"] == pytest.approx(_scaled(scale, "rds.instance.creating"))
    assert phases[1]["end"] - phases[1]["start"] == pytest.approx(_scaled(scale, "rds.instance.backing-up"))
    timed(0.0)
    with urllib.request.urlopen(f"{clean_twin.endpoint}/_twin/timeline") as answer:
        assert json.load(answer)["phases"] == []
