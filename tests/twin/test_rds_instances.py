"""RDS DB instances in the twin behave as AWS documents: Aurora members, PubliclyAccessible, reboots.

Each test states the AWS behaviour it checks; moto 5.2.5 departs from each (see twin/patches/rds_instances.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

ENGINE_VERSION = "8.0.mysql_aurora.3.05.2"
CREDENTIALS = {"MasterUsername": "admin", "MasterUserPassword": "password123"}


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def _subnet_group(aws: Any, name: str = "db-subnets") -> tuple[str, list[str]]:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{index}.0/24", AvailabilityZone=f"us-east-2{zone}")["Subnet"][
            "SubnetId"
        ]
        for index, zone in enumerate("ab")
    ]
    aws("rds").create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription="db", SubnetIds=subnets)
    return vpc, subnets


def _cluster(rds: Any, name: str = "orders", **extra: Any) -> None:
    rds.create_db_cluster(
        DBClusterIdentifier=name, Engine="aurora-mysql", EngineVersion=ENGINE_VERSION, **CREDENTIALS, **extra
    )


def _member(rds: Any, name: str = "orders-1", cluster: str = "orders", **extra: Any) -> dict[str, Any]:
    return rds.create_db_instance(
        DBInstanceIdentifier=name,
        DBClusterIdentifier=cluster,
        Engine="aurora-mysql",
        DBInstanceClass="db.r6g.large",
        **extra,
    )["DBInstance"]


def _describe(rds: Any, name: str = "orders-1") -> dict[str, Any]:
    return rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"][0]


# ---------------------------------------------------------------- Aurora members


def test_aurora_member_carries_its_cluster_subnet_group(aws) -> None:
    """AWS: an Aurora member created without DBSubnetGroupName is in its cluster's DB subnet group, shown in full
    (name, VpcId, Subnets) by CreateDBInstance and DescribeDBInstances (moto: no DBSubnetGroup at all)."""
    vpc, subnets = _subnet_group(aws)
    rds = aws("rds")
    _cluster(rds, DBSubnetGroupName="db-subnets")
    for shown in (_member(rds), _describe(rds)):
        group = shown["DBSubnetGroup"]
        assert (group["DBSubnetGroupName"], group["VpcId"]) == ("db-subnets", vpc)
        assert sorted(subnet["SubnetIdentifier"] for subnet in group["Subnets"]) == sorted(subnets)


def test_aurora_member_of_default_subnet_group_shows_default_vpc(aws) -> None:
    """AWS: a cluster created without DBSubnetGroupName uses the `default` DB subnet group (the default VPC's
    subnets); its members show it."""
    rds = aws("rds")
    _cluster(rds)
    group = _member(rds)["DBSubnetGroup"]
    default_vpc = aws("ec2").describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    assert (group["DBSubnetGroupName"], group["VpcId"]) == ("default", default_vpc)
    assert group["Subnets"]


def test_aurora_member_is_private_unless_asked_and_has_pending_modified_values(aws) -> None:
    """AWS (CreateDBInstance, PubliclyAccessible): without DBSubnetGroupName an Aurora instance defaults to not
    publicly accessible, and an explicit PubliclyAccessible wins; PendingModifiedValues is always present."""
    _subnet_group(aws)
    rds = aws("rds")
    _cluster(rds, DBSubnetGroupName="db-subnets")
    private = _member(rds, "orders-1")
    public = _member(rds, "orders-2", PubliclyAccessible=True)
    assert (private["PubliclyAccessible"], public["PubliclyAccessible"]) == (False, True)
    assert _describe(rds)["PendingModifiedValues"] == {}


def test_instance_with_default_subnet_group_named_is_public_by_default(aws) -> None:
    """AWS (CreateDBInstance, PubliclyAccessible): with DBSubnetGroupName given, the default is false unless the
    group is `default`; without it, non-Aurora instances default to public."""
    _subnet_group(aws)
    rds = aws("rds")
    common = {"Engine": "mysql", "DBInstanceClass": "db.t3.micro", "AllocatedStorage": 20, **CREDENTIALS}
    rds.create_db_instance(DBInstanceIdentifier="in-group", DBSubnetGroupName="db-subnets", **common)
    rds.create_db_instance(DBInstanceIdentifier="no-group", **common)
    assert _describe(rds, "in-group")["PubliclyAccessible"] is False
    assert _describe(rds, "no-group")["PubliclyAccessible"] is True


def test_create_existing_instance_fails_and_changes_nothing(aws) -> None:
    """AWS: CreateDBInstance with an identifier in use fails DBInstanceAlreadyExists; the instance is unchanged."""
    rds = aws("rds")
    _cluster(rds)
    _member(rds, PromotionTier=1)
    with pytest.raises(ClientError) as excinfo:
        _member(rds, PromotionTier=5, PubliclyAccessible=True)
    assert _error(excinfo) == ("DBInstanceAlreadyExists", "DB instance already exists")
    kept = _describe(rds)
    assert (kept["PromotionTier"], kept["PubliclyAccessible"]) == (1, False)
    assert len(rds.describe_db_instances()["DBInstances"]) == 1


# ---------------------------------------------------------------- reboot


def test_reboot_answers_rebooting_then_available(aws) -> None:
    """AWS RebootDBInstance answers DBInstanceStatus `rebooting`; the instance is `available` again afterwards."""
    rds = aws("rds")
    _cluster(rds)
    _member(rds)
    assert rds.reboot_db_instance(DBInstanceIdentifier="orders-1")["DBInstance"]["DBInstanceStatus"] == "rebooting"
    assert _describe(rds)["DBInstanceStatus"] == "available"


def test_reboot_lasts_in_time_mode_and_blocks_a_second_reboot(clean_twin) -> None:
    """AWS: an instance stays `rebooting` for a while (about a minute) and cannot be rebooted again meanwhile
    (InvalidDBInstanceState). In time mode the twin scales that duration; a huge scale keeps it rebooting."""
    rds = clean_twin.client("rds")
    _cluster(rds)
    _member(rds)
    clean_twin.configure(time_scale=1000.0)
    try:
        rds.reboot_db_instance(DBInstanceIdentifier="orders-1")
        assert _describe(rds)["DBInstanceStatus"] == "rebooting"
        with pytest.raises(ClientError) as excinfo:
            rds.reboot_db_instance(DBInstanceIdentifier="orders-1")
        assert _error(excinfo)[0] == "InvalidDBInstanceState"
    finally:
        clean_twin.configure(time_scale=0.0)


def test_reboot_of_unknown_instance_fails_not_found(aws) -> None:
    """AWS RebootDBInstance of an unknown identifier fails DBInstanceNotFound."""
    with pytest.raises(ClientError) as excinfo:
        aws("rds").reboot_db_instance(DBInstanceIdentifier="nowhere")
    assert _error(excinfo)[0] == "DBInstanceNotFound"


def test_reboot_of_stopped_instance_fails_invalid_state(aws) -> None:
    """AWS: an instance that is not available (here stopped) cannot be rebooted: InvalidDBInstanceState."""
    rds = aws("rds")
    rds.create_db_instance(
        DBInstanceIdentifier="single", Engine="mysql", DBInstanceClass="db.t3.micro", AllocatedStorage=20, **CREDENTIALS
    )
    rds.stop_db_instance(DBInstanceIdentifier="single")
    with pytest.raises(ClientError) as excinfo:
        rds.reboot_db_instance(DBInstanceIdentifier="single")
    assert _error(excinfo) == ("InvalidDBInstanceState", "Instance single is not in available state.")
    assert _describe(rds, "single")["DBInstanceStatus"] == "stopped"


def test_instance_state_is_one_attribute_with_a_transient_status(twin, aws) -> None:
    """The twin keeps an instance's status in one attribute: a transient status (rebooting) lasts until its deadline,
    then the settled status shows again; moto's own status assignments set the settled status."""
    from moto.rds.models import rds_backends

    from twin.patches.rds_instances import begin_transition, instance_state

    rds = aws("rds")
    _cluster(rds)
    _member(rds)
    instance = rds_backends["123456789012"]["us-east-2"].databases["orders-1"]
    begin_transition(instance, "rebooting", 3600)
    assert _describe(rds)["DBInstanceStatus"] == "rebooting"
    instance_state(instance).until = 0.0
    assert _describe(rds)["DBInstanceStatus"] == "available"
    instance.status = "stopped"
    assert (_describe(rds)["DBInstanceStatus"], instance_state(instance).settled) == ("stopped", "stopped")


def test_patches_are_the_ones_installed(twin) -> None:
    """Guard: no other patch module replaced the same moto attributes (the registry installs only the first)."""
    from moto.rds.models import DBInstance, DBInstanceClustered, RDSBackend

    from twin.patches import rds_instances

    assert RDSBackend.reboot_db_instance is rds_instances.reboot_db_instance
    assert RDSBackend.create_db_instance is rds_instances.create_db_instance
    assert DBInstance.status.fget is rds_instances.instance_status
    assert DBInstanceClustered.db_subnet_group.fget is rds_instances._member_subnet_group
