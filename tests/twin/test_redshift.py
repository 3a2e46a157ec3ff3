"""Redshift provisioned clusters in the twin behave as Amazon Redshift does (API 2012-12-01).

Each test names the AWS behaviour it checks; twin/patches/redshift.py implements the departures from moto 5.2.5.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

PASSWORD = "Passw0rd-Redshift"
ACCOUNT_ID = "123456789012"


def _subnet_group(aws: Any, name: str = "analytics") -> str:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{i}.0/24", AvailabilityZone=f"us-east-2{zone}")["Subnet"][
            "SubnetId"
        ]
        for i, zone in enumerate("ab")
    ]
    aws("redshift").create_cluster_subnet_group(ClusterSubnetGroupName=name, Description="d", SubnetIds=subnets)
    return vpc


def _create(aws: Any, identifier: str = "warehouse", **overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "ClusterIdentifier": identifier,
        "NodeType": "ra3.xlplus",
        "ClusterType": "multi-node",
        "NumberOfNodes": 2,
        "MasterUsername": "admin",
        "MasterUserPassword": PASSWORD,
    }
    params.update(overrides)
    params = {key: value for key, value in params.items() if value is not None}
    return aws("redshift").create_cluster(**params)["Cluster"]


def _describe(aws: Any, identifier: str = "warehouse") -> dict[str, Any]:
    return aws("redshift").describe_clusters(ClusterIdentifier=identifier)["Clusters"][0]


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


# --- what describe_clusters carries ---------------------------------------------------------------------------------


def test_single_node_cluster_has_one_shared_node(aws) -> None:
    """AWS: ClusterNodes lists every node; on a single-node cluster the one node is SHARED (leader and compute),
    with a private and a public IP address. community.aws.redshift reads ClusterNodes and fails without it."""
    _create(aws, ClusterType="single-node", NumberOfNodes=None)
    nodes = _describe(aws)["ClusterNodes"]
    assert [node["NodeRole"] for node in nodes] == ["SHARED"]
    assert nodes[0]["PrivateIPAddress"]
    assert nodes[0]["PublicIPAddress"]


def test_multi_node_cluster_has_leader_and_compute_nodes(aws) -> None:
    """AWS: a multi-node cluster lists a LEADER plus COMPUTE-0 .. COMPUTE-(n-1), private IPs from its subnet."""
    _subnet_group(aws)
    _create(aws, NumberOfNodes=3, ClusterSubnetGroupName="analytics")
    nodes = _describe(aws)["ClusterNodes"]
    assert [node["NodeRole"] for node in nodes] == ["LEADER", "COMPUTE-0", "COMPUTE-1", "COMPUTE-2"]
    assert all(node["PrivateIPAddress"].startswith("10.40.") for node in nodes)
    assert len({node["PrivateIPAddress"] for node in nodes}) == 4
    assert nodes == _describe(aws)["ClusterNodes"]


def test_namespace_arn_is_stable_and_on_the_model(aws) -> None:
    """AWS: ClusterNamespaceArn is arn:aws:redshift:<region>:<account>:namespace:<uuid>, fixed for the cluster's life
    (zero-ETL integrations target it). The twin exposes it on moto's model as `cluster_namespace_arn`."""
    from moto.redshift.models import redshift_backends

    created = _create(aws)
    arn = created["ClusterNamespaceArn"]
    assert arn.startswith(f"arn:aws:redshift:us-east-2:{ACCOUNT_ID}:namespace:")
    assert len(arn.rsplit(":", 1)[1]) == 36
    assert _describe(aws)["ClusterNamespaceArn"] == arn
    model = redshift_backends[ACCOUNT_ID]["us-east-2"].clusters["warehouse"]
    assert model.cluster_namespace_arn == arn


def test_network_fields_come_from_the_subnet_group(aws) -> None:
    """AWS: VpcId is the subnet group's VPC, the AZ one of its subnets'; without VpcSecurityGroupIds the VPC's
    default security group is attached; ClusterSecurityGroups (EC2-Classic) stays empty."""
    vpc = _subnet_group(aws)
    _create(aws, ClusterSubnetGroupName="analytics")
    cluster = _describe(aws)
    default_group = aws("ec2").describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]["GroupId"]
    assert cluster["VpcId"] == vpc
    assert cluster["AvailabilityZone"] in ("us-east-2a", "us-east-2b")
    assert cluster["VpcSecurityGroups"] == [{"VpcSecurityGroupId": default_group, "Status": "active"}]
    assert cluster["ClusterSecurityGroups"] == []


def test_multi_az_and_aqua_are_always_reported(aws) -> None:
    """AWS: MultiAZ reads Disabled unless the cluster was created with MultiAZ (then Enabled); AquaConfiguration is
    always present (AQUA is retired: status disabled, configuration auto)."""
    _create(aws)
    _create(aws, "replicated", MultiAZ=True)
    assert _describe(aws)["MultiAZ"] == "Disabled"
    assert _describe(aws, "replicated")["MultiAZ"] == "Enabled"
    assert _describe(aws)["AquaConfiguration"] == {"AquaStatus": "disabled", "AquaConfigurationStatus": "auto"}


# --- CreateCluster validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize("node_type", ["m5.large", "dc2.large", "dc2.8xlarge", "ds2.xlarge", "dc1.large"])
def test_node_types_aws_no_longer_offers_are_refused(aws, node_type: str) -> None:
    """AWS: CreateCluster accepts the current node types (RA3, RG); unknown types and the retired DS2/DC1 and
    deprecated DC2 families are refused with InvalidParameterValue "Invalid node type: <type>"."""
    with pytest.raises(ClientError) as excinfo:
        _create(aws, NodeType=node_type)
    assert _error(excinfo) == ("InvalidParameterValue", f"Invalid node type: {node_type}")
    assert aws("redshift").describe_clusters()["Clusters"] == []


@pytest.mark.parametrize("number_of_nodes", [None, 1])
def test_multi_node_needs_at_least_two_nodes(aws, number_of_nodes: int | None) -> None:
    """AWS: ClusterType multi-node (also the default when NumberOfNodes is given) needs NumberOfNodes >= 2,
    else InvalidParameterCombination (moto created a 1-node "multi-node" cluster)."""
    with pytest.raises(ClientError) as excinfo:
        _create(aws, NumberOfNodes=number_of_nodes)
    assert _error(excinfo) == (
        "InvalidParameterCombination",
        "Number of nodes for cluster type multi-node must be greater than or equal to 2",
    )
    with pytest.raises(ClientError) as excinfo:
        _create(aws, ClusterType=None, NumberOfNodes=1)
    assert _error(excinfo)[0] == "InvalidParameterCombination"


def test_single_node_must_not_name_a_node_count(aws) -> None:
    """AWS: NumberOfNodes must not be supplied for ClusterType single-node (InvalidParameterValue), even 1;
    leaving out both ClusterType and NumberOfNodes gives a single-node cluster."""
    with pytest.raises(ClientError) as excinfo:
        _create(aws, ClusterType="single-node", NumberOfNodes=1)
    assert _error(excinfo) == (
        "InvalidParameterValue",
        "Number of nodes must be not be supplied for cluster type single-node.",
    )
    _create(aws, ClusterType=None, NumberOfNodes=None)
    assert _describe(aws)["NumberOfNodes"] == 1


def test_node_ranges_per_node_type(aws) -> None:
    """AWS node ranges at create: ra3.large 1 or 2-8, ra3.xlplus 1 or 2-16, ra3.4xlarge 2-32, ra3.16xlarge 2-128.
    ra3.4xlarge/16xlarge have no single-node clusters; too many nodes is NumberOfNodesPerClusterLimitExceeded."""
    with pytest.raises(ClientError) as excinfo:
        _create(aws, NodeType="ra3.4xlarge", ClusterType="single-node", NumberOfNodes=None)
    assert _error(excinfo)[0] == "InvalidParameterCombination"
    for node_type, too_many in (("ra3.large", 9), ("ra3.xlplus", 17), ("ra3.4xlarge", 33), ("ra3.16xlarge", 129)):
        with pytest.raises(ClientError) as excinfo:
            _create(aws, NodeType=node_type, NumberOfNodes=too_many)
        assert _error(excinfo)[0] == "NumberOfNodesPerClusterLimitExceeded", node_type
    _create(aws, "small", NodeType="ra3.large", ClusterType="single-node", NumberOfNodes=None)
    _create(aws, "wide", NodeType="ra3.4xlarge", NumberOfNodes=32)
    assert _describe(aws, "wide")["NumberOfNodes"] == 32


def test_existing_identifier_is_cluster_already_exists(aws) -> None:
    """AWS: CreateCluster with an identifier in use is ClusterAlreadyExists and leaves the cluster unchanged."""
    _create(aws)
    with pytest.raises(ClientError) as excinfo:
        _create(aws, NodeType="ra3.4xlarge")
    assert _error(excinfo)[0] == "ClusterAlreadyExists"
    assert _describe(aws)["NodeType"] == "ra3.xlplus"


def test_clusters_are_encrypted_by_default(aws) -> None:
    """AWS (since January 2025): new clusters are encrypted even without Encrypted (an AWS-owned key unless KmsKeyId
    is given), and CreateCluster fails when Encrypted is false (moto created unencrypted clusters)."""
    assert _create(aws)["Encrypted"] is True
    with pytest.raises(ClientError) as excinfo:
        _create(aws, "plain", Encrypted=False)
    assert _error(excinfo)[0] == "InvalidParameterValue"


def test_create_options_round_trip_through_describe(aws) -> None:
    """AWS: what CreateCluster was given reads back from DescribeClusters (KmsKeyId, EnhancedVpcRouting,
    PubliclyAccessible, the parameter group, ManualSnapshotRetentionPeriod, MaintenanceTrackName)."""
    key = aws("kms").create_key()["KeyMetadata"]["Arn"]
    redshift = aws("redshift")
    redshift.create_cluster_parameter_group(
        ParameterGroupName="zero-etl", ParameterGroupFamily="redshift-2.0", Description="d"
    )
    _create(
        aws,
        Encrypted=True,
        KmsKeyId=key,
        EnhancedVpcRouting=True,
        PubliclyAccessible=False,
        ClusterParameterGroupName="zero-etl",
        ManualSnapshotRetentionPeriod=7,
        MaintenanceTrackName="trailing",
    )
    cluster = _describe(aws)
    assert (cluster["Encrypted"], cluster["KmsKeyId"]) == (True, key)
    assert (cluster["EnhancedVpcRouting"], cluster["PubliclyAccessible"]) == (True, False)
    assert cluster["ClusterParameterGroups"][0]["ParameterGroupName"] == "zero-etl"
    assert (cluster["ManualSnapshotRetentionPeriod"], cluster["MaintenanceTrackName"]) == (7, "trailing")


def test_ra3_clusters_keep_automated_snapshots(aws) -> None:
    """AWS (CreateCluster/ModifyCluster AutomatedSnapshotRetentionPeriod): 0 to 35 days, 0 disabling automated
    snapshots, but "You can't disable automated snapshots for RG or RA3 node types" (moto stored 1 for 0)."""
    with pytest.raises(ClientError) as excinfo:
        _create(aws, AutomatedSnapshotRetentionPeriod=0)
    assert _error(excinfo)[0] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as excinfo:
        _create(aws, AutomatedSnapshotRetentionPeriod=36)
    assert _error(excinfo)[0] == "InvalidParameterValue"
    assert aws("redshift").describe_clusters()["Clusters"] == []
    assert _create(aws, AutomatedSnapshotRetentionPeriod=35)["AutomatedSnapshotRetentionPeriod"] == 35
    with pytest.raises(ClientError) as excinfo:
        aws("redshift").modify_cluster(ClusterIdentifier="warehouse", AutomatedSnapshotRetentionPeriod=0)
    assert _error(excinfo)[0] == "InvalidParameterCombination"
    assert _describe(aws)["AutomatedSnapshotRetentionPeriod"] == 35


@pytest.mark.parametrize(
    ("port", "accepted"),
    [
        (5431, True),
        (5455, True),
        (8191, True),
        (8215, True),
        (5430, False),
        (5456, False),
        (8190, False),
        (8216, False),
        (1150, False),
    ],
)
def test_ra3_ports_are_within_aws_ranges(aws, port: int, accepted: bool) -> None:
    """AWS (CreateCluster/ModifyCluster Port): "For clusters with RG or RA3 nodes - Select a port within the ranges
    5431-5455 or 8191-8215" (moto accepted any port)."""
    if accepted:
        assert _create(aws, Port=port)["Endpoint"]["Port"] == port
        return
    with pytest.raises(ClientError) as excinfo:
        _create(aws, Port=port)
    assert _error(excinfo)[0] == "InvalidParameterValue"
    _create(aws)
    with pytest.raises(ClientError) as excinfo:
        aws("redshift").modify_cluster(ClusterIdentifier="warehouse", Port=port)
    assert _error(excinfo)[0] == "InvalidParameterValue"
    assert _describe(aws)["Endpoint"]["Port"] == 5439


def test_maintenance_window_reads_back_in_lower_case(aws) -> None:
    """AWS: PreferredMaintenanceWindow is kept in lower case (ddd:hh24:mi-ddd:hh24:mi, "Sun:05:00-Sun:05:30" reads
    back "sun:05:00-sun:05:30"), at create and on ModifyCluster, and a default window is lower case too."""
    assert _create(aws, PreferredMaintenanceWindow="Sun:05:00-Sun:05:30")["PreferredMaintenanceWindow"] == (
        "sun:05:00-sun:05:30"
    )
    aws("redshift").modify_cluster(ClusterIdentifier="warehouse", PreferredMaintenanceWindow="Tue:07:30-Tue:08:00")
    assert _describe(aws)["PreferredMaintenanceWindow"] == "tue:07:30-tue:08:00"
    window = _create(aws, "other")["PreferredMaintenanceWindow"]
    assert window == window.lower()


def test_unknown_parameter_or_subnet_group_is_refused(aws) -> None:
    """AWS: CreateCluster naming a parameter group or subnet group that does not exist fails with
    ClusterParameterGroupNotFound / ClusterSubnetGroupNotFoundFault (moto accepted both)."""
    with pytest.raises(ClientError) as excinfo:
        _create(aws, ClusterParameterGroupName="missing")
    assert _error(excinfo)[0] == "ClusterParameterGroupNotFound"
    with pytest.raises(ClientError) as excinfo:
        _create(aws, ClusterSubnetGroupName="missing")
    assert _error(excinfo)[0] == "ClusterSubnetGroupNotFoundFault"


def test_managed_master_password_lives_in_secrets_manager(aws) -> None:
    """AWS: ManageMasterPassword keeps the admin credentials in a Secrets Manager secret named
    redshift!<cluster>-<admin user> and returns MasterPasswordSecretArn; MasterUserPassword is then refused."""
    with pytest.raises(ClientError) as excinfo:
        _create(aws, ManageMasterPassword=True)
    assert _error(excinfo)[0] == "InvalidParameterCombination"
    _create(aws, MasterUserPassword=None, ManageMasterPassword=True)
    arn = _describe(aws)["MasterPasswordSecretArn"]
    assert ":secret:redshift!warehouse-admin-" in arn
    secret = json.loads(aws("secretsmanager").get_secret_value(SecretId=arn)["SecretString"])
    assert secret["username"] == "admin"
    assert secret["password"]


def test_logging_round_trips(aws) -> None:
    """AWS: EnableLogging to CloudWatch with LogExports reads back from DescribeLoggingStatus; DisableLogging turns
    it off."""
    redshift = aws("redshift")
    _create(aws)
    redshift.enable_logging(
        ClusterIdentifier="warehouse", LogDestinationType="cloudwatch", LogExports=["connectionlog", "userlog"]
    )
    status = redshift.describe_logging_status(ClusterIdentifier="warehouse")
    assert status["LoggingEnabled"] is True
    assert (status["LogDestinationType"], status["LogExports"]) == ("cloudwatch", ["connectionlog", "userlog"])
    redshift.disable_logging(ClusterIdentifier="warehouse")
    assert redshift.describe_logging_status(ClusterIdentifier="warehouse")["LoggingEnabled"] is False


# --- ModifyCluster ------------------------------------------------------------------------------------------------


def test_resize_keeps_the_node_rules(aws) -> None:
    """AWS: a resize is checked as a create is, with the elastic-resize maximum (ra3.xlplus up to 32 nodes); a
    retired node type is refused; the new size shows in NumberOfNodes and ClusterNodes."""
    redshift = aws("redshift")
    _create(aws)
    with pytest.raises(ClientError) as excinfo:
        redshift.modify_cluster(ClusterIdentifier="warehouse", NodeType="ra3.xlplus", NumberOfNodes=33)
    assert _error(excinfo)[0] == "NumberOfNodesPerClusterLimitExceeded"
    with pytest.raises(ClientError) as excinfo:
        redshift.modify_cluster(ClusterIdentifier="warehouse", NodeType="dc2.large", NumberOfNodes=2)
    assert _error(excinfo)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        redshift.modify_cluster(ClusterIdentifier="warehouse", ClusterType="multi-node", NumberOfNodes=1)
    assert _error(excinfo)[0] == "InvalidParameterCombination"
    redshift.modify_cluster(ClusterIdentifier="warehouse", NodeType="ra3.4xlarge", NumberOfNodes=4)
    cluster = _describe(aws)
    assert (cluster["NodeType"], cluster["NumberOfNodes"], len(cluster["ClusterNodes"])) == ("ra3.4xlarge", 4, 5)


def test_modify_applies_what_create_accepts(aws) -> None:
    """AWS: ModifyCluster applies KmsKeyId, MultiAZ, Port and ManageMasterPassword (moto dropped them)."""
    key = aws("kms").create_key()["KeyMetadata"]["Arn"]
    _create(aws)
    aws("redshift").modify_cluster(
        ClusterIdentifier="warehouse", KmsKeyId=key, MultiAZ=True, Port=5440, ManageMasterPassword=True
    )
    cluster = _describe(aws)
    assert (cluster["KmsKeyId"], cluster["MultiAZ"], cluster["Endpoint"]["Port"]) == (key, "Enabled", 5440)
    assert ":secret:redshift!warehouse-admin-" in cluster["MasterPasswordSecretArn"]


# --- DeleteCluster ------------------------------------------------------------------------------------------------


def test_delete_answers_deleting_then_the_cluster_is_gone(aws) -> None:
    """AWS: DeleteCluster answers ClusterStatus deleting; the cluster then disappears (ClusterNotFound). With
    SkipFinalClusterSnapshot false and FinalClusterSnapshotIdentifier, a manual final snapshot is kept."""
    redshift = aws("redshift")
    _create(aws)
    deleted = redshift.delete_cluster(
        ClusterIdentifier="warehouse", SkipFinalClusterSnapshot=False, FinalClusterSnapshotIdentifier="warehouse-final"
    )["Cluster"]
    assert deleted["ClusterStatus"] == "deleting"
    with pytest.raises(ClientError) as excinfo:
        _describe(aws)
    assert _error(excinfo)[0] == "ClusterNotFound"
    snapshot = redshift.describe_cluster_snapshots(SnapshotIdentifier="warehouse-final")["Snapshots"][0]
    assert (snapshot["SnapshotType"], snapshot["ClusterIdentifier"]) == ("manual", "warehouse")


def test_delete_needs_a_final_snapshot_unless_skipped(aws) -> None:
    """AWS: SkipFinalClusterSnapshot defaults to false, so DeleteCluster without FinalClusterSnapshotIdentifier is
    InvalidParameterCombination (moto deleted without a snapshot); skipping and naming a snapshot exclude each other."""
    redshift = aws("redshift")
    _create(aws)
    with pytest.raises(ClientError) as excinfo:
        redshift.delete_cluster(ClusterIdentifier="warehouse")
    assert _error(excinfo)[0] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as excinfo:
        redshift.delete_cluster(
            ClusterIdentifier="warehouse", SkipFinalClusterSnapshot=True, FinalClusterSnapshotIdentifier="final"
        )
    assert _error(excinfo)[0] == "InvalidParameterCombination"
    assert _describe(aws)["ClusterStatus"] == "available"
    redshift.delete_cluster(ClusterIdentifier="warehouse", SkipFinalClusterSnapshot=True)


# --- parameter groups ---------------------------------------------------------------------------------------------


def test_new_clusters_use_default_redshift_2_0(aws) -> None:
    """AWS (since January 2025): a cluster created without a parameter group gets default.redshift-2.0, whose
    require_ssl is true; the redshift-1.0 family keeps require_ssl false."""
    redshift = aws("redshift")
    _create(aws)
    assert _describe(aws)["ClusterParameterGroups"][0]["ParameterGroupName"] == "default.redshift-2.0"

    def require_ssl(family: str) -> str:
        defaults = redshift.describe_default_cluster_parameters(ParameterGroupFamily=family)
        parameters = defaults["DefaultClusterParameters"]["Parameters"]
        return next(p["ParameterValue"] for p in parameters if p["ParameterName"] == "require_ssl")

    assert (require_ssl("redshift-2.0"), require_ssl("redshift-1.0")) == ("true", "false")


def test_new_group_holds_the_engine_defaults(aws) -> None:
    """AWS: a new group's parameters are the family's engine defaults with Source engine-default, their DataType,
    AllowedValues (booleans "true,false", integer ranges), ApplyType static and IsModifiable true."""
    redshift = aws("redshift")
    redshift.create_cluster_parameter_group(
        ParameterGroupName="etl", ParameterGroupFamily="redshift-1.0", Description="d"
    )
    parameters = {
        p["ParameterName"]: p for p in redshift.describe_cluster_parameters(ParameterGroupName="etl")["Parameters"]
    }
    expected = {
        "require_ssl": "false",
        "enable_user_activity_logging": "false",
        "enable_case_sensitive_identifier": "false",
        "max_concurrency_scaling_clusters": "1",
        "search_path": "$user, public",
        "statement_timeout": "0",
        "use_fips_ssl": "false",
        "datestyle": "ISO, MDY",
        "query_group": "default",
        "wlm_json_configuration": '[{"auto_wlm":true}]',
        "auto_analyze": "true",
        "auto_mv": "true",
    }
    assert {name: parameters[name]["ParameterValue"] for name in expected} == expected
    assert {p["Source"] for p in parameters.values()} == {"engine-default"}
    assert {(p["ApplyType"], p["IsModifiable"]) for p in parameters.values()} == {("static", True)}
    assert (parameters["require_ssl"]["DataType"], parameters["require_ssl"]["AllowedValues"]) == (
        "boolean",
        "true,false",
    )
    assert parameters["max_concurrency_scaling_clusters"]["AllowedValues"] == "0-10"
    assert "AllowedValues" not in parameters["search_path"]


def test_group_names_are_unique(aws) -> None:
    """AWS: CreateClusterParameterGroup with a name in use is ClusterParameterGroupAlreadyExists (moto replaced
    the group, losing its values); an unknown family is refused."""
    redshift = aws("redshift")
    redshift.create_cluster_parameter_group(
        ParameterGroupName="etl", ParameterGroupFamily="redshift-1.0", Description="d"
    )
    with pytest.raises(ClientError) as excinfo:
        redshift.create_cluster_parameter_group(
            ParameterGroupName="etl", ParameterGroupFamily="redshift-1.0", Description="again"
        )
    assert _error(excinfo)[0] == "ClusterParameterGroupAlreadyExists"
    with pytest.raises(ClientError) as excinfo:
        redshift.create_cluster_parameter_group(
            ParameterGroupName="other", ParameterGroupFamily="postgres16", Description="d"
        )
    assert _error(excinfo)[0] == "InvalidParameterValue"


def test_modify_sets_user_values_and_checks_them(aws) -> None:
    """AWS: ModifyClusterParameterGroup (HTTP 500 in moto) stores the value with Source user (filterable with
    Source=user); values outside AllowedValues, unknown parameters and default groups are refused."""
    redshift = aws("redshift")
    redshift.create_cluster_parameter_group(
        ParameterGroupName="etl", ParameterGroupFamily="redshift-1.0", Description="d"
    )
    answer = redshift.modify_cluster_parameter_group(
        ParameterGroupName="etl",
        Parameters=[
            {"ParameterName": "enable_case_sensitive_identifier", "ParameterValue": "true"},
            {"ParameterName": "require_ssl", "ParameterValue": "true"},
        ],
    )
    assert answer["ParameterGroupName"] == "etl"
    assert answer["ParameterGroupStatus"].startswith("Your parameter group has been updated.")
    user = redshift.describe_cluster_parameters(ParameterGroupName="etl", Source="user")["Parameters"]
    assert {(p["ParameterName"], p["ParameterValue"]) for p in user} == {
        ("enable_case_sensitive_identifier", "true"),
        ("require_ssl", "true"),
    }
    for name, value in (("require_ssl", "yes"), ("max_concurrency_scaling_clusters", "11"), ("no_such", "1")):
        with pytest.raises(ClientError) as excinfo:
            redshift.modify_cluster_parameter_group(
                ParameterGroupName="etl", Parameters=[{"ParameterName": name, "ParameterValue": value}]
            )
        assert _error(excinfo)[0] == "InvalidParameterValue", name
    with pytest.raises(ClientError) as excinfo:
        redshift.modify_cluster_parameter_group(
            ParameterGroupName="default.redshift-1.0",
            Parameters=[{"ParameterName": "require_ssl", "ParameterValue": "true"}],
        )
    assert _error(excinfo)[0] == "InvalidClusterParameterGroupState"


def test_reset_returns_to_engine_defaults(aws) -> None:
    """AWS: ResetClusterParameterGroup (HTTP 500 in moto) puts the named parameters, or all of them, back to the
    engine default (Source engine-default)."""
    redshift = aws("redshift")
    redshift.create_cluster_parameter_group(
        ParameterGroupName="etl", ParameterGroupFamily="redshift-1.0", Description="d"
    )
    redshift.modify_cluster_parameter_group(
        ParameterGroupName="etl",
        Parameters=[
            {"ParameterName": "statement_timeout", "ParameterValue": "60000"},
            {"ParameterName": "require_ssl", "ParameterValue": "true"},
        ],
    )
    redshift.reset_cluster_parameter_group(
        ParameterGroupName="etl", ResetAllParameters=False, Parameters=[{"ParameterName": "statement_timeout"}]
    )
    user = redshift.describe_cluster_parameters(ParameterGroupName="etl", Source="user")["Parameters"]
    assert [p["ParameterName"] for p in user] == ["require_ssl"]
    redshift.reset_cluster_parameter_group(ParameterGroupName="etl", ResetAllParameters=True)
    assert redshift.describe_cluster_parameters(ParameterGroupName="etl", Source="user")["Parameters"] == []


def test_static_change_is_pending_reboot_until_reboot(aws) -> None:
    """AWS: after a parameter change the cluster's ClusterParameterGroups[].ParameterApplyStatus (and the changed
    parameter's status) is pending-reboot; RebootCluster (HTTP 500 in moto) answers rebooting and brings it in-sync."""
    redshift = aws("redshift")
    redshift.create_cluster_parameter_group(
        ParameterGroupName="etl", ParameterGroupFamily="redshift-2.0", Description="d"
    )
    _create(aws, ClusterParameterGroupName="etl")
    assert _describe(aws)["ClusterParameterGroups"][0]["ParameterApplyStatus"] == "in-sync"
    redshift.modify_cluster_parameter_group(
        ParameterGroupName="etl",
        Parameters=[{"ParameterName": "enable_user_activity_logging", "ParameterValue": "true"}],
    )
    group = _describe(aws)["ClusterParameterGroups"][0]
    statuses = {p["ParameterName"]: p["ParameterApplyStatus"] for p in group["ClusterParameterStatusList"]}
    assert group["ParameterApplyStatus"] == "pending-reboot"
    assert (statuses["enable_user_activity_logging"], statuses["require_ssl"]) == ("pending-reboot", "in-sync")
    assert redshift.reboot_cluster(ClusterIdentifier="warehouse")["Cluster"]["ClusterStatus"] == "rebooting"
    cluster = _describe(aws)
    assert cluster["ClusterStatus"] == "available"
    assert cluster["ClusterParameterGroups"][0]["ParameterApplyStatus"] == "in-sync"


def test_switching_the_cluster_group_needs_a_reboot(aws) -> None:
    """AWS: associating another parameter group with ModifyCluster applies at the next reboot (pending-reboot)."""
    redshift = aws("redshift")
    redshift.create_cluster_parameter_group(
        ParameterGroupName="etl", ParameterGroupFamily="redshift-2.0", Description="d"
    )
    _create(aws)
    redshift.modify_cluster(ClusterIdentifier="warehouse", ClusterParameterGroupName="etl")
    group = _describe(aws)["ClusterParameterGroups"][0]
    assert (group["ParameterGroupName"], group["ParameterApplyStatus"]) == ("etl", "pending-reboot")


def test_groups_in_use_and_default_groups_cannot_be_deleted(aws) -> None:
    """AWS: DeleteClusterParameterGroup refuses default groups and groups a cluster uses
    (InvalidClusterParameterGroupState); an unused group is deleted."""
    redshift = aws("redshift")
    redshift.create_cluster_parameter_group(
        ParameterGroupName="etl", ParameterGroupFamily="redshift-2.0", Description="d"
    )
    _create(aws, ClusterParameterGroupName="etl")
    for name in ("etl", "default.redshift-2.0"):
        with pytest.raises(ClientError) as excinfo:
            redshift.delete_cluster_parameter_group(ParameterGroupName=name)
        assert _error(excinfo)[0] == "InvalidClusterParameterGroupState", name
    redshift.delete_cluster(ClusterIdentifier="warehouse", SkipFinalClusterSnapshot=True)
    redshift.delete_cluster_parameter_group(ParameterGroupName="etl")
    names = [g["ParameterGroupName"] for g in redshift.describe_cluster_parameter_groups()["ParameterGroups"]]
    assert "etl" not in names
    assert "default.redshift-2.0" in names


# --- resource policies --------------------------------------------------------------------------------------------


def test_resource_policy_on_the_namespace(aws) -> None:
    """AWS: PutResourcePolicy / GetResourcePolicy / DeleteResourcePolicy (HTTP 500 in moto) manage the policy on a
    cluster's namespace ARN, which zero-ETL uses to authorise a source; unknown ARNs are ResourceNotFoundFault and
    a policy that is not JSON is InvalidPolicyFault."""
    redshift = aws("redshift")
    arn = _create(aws)["ClusterNamespaceArn"]
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "redshift.amazonaws.com"},
                    "Action": "redshift:AuthorizeInboundIntegration",
                    "Resource": arn,
                }
            ],
        }
    )
    put = redshift.put_resource_policy(ResourceArn=arn, Policy=policy)["ResourcePolicy"]
    assert put == {"ResourceArn": arn, "Policy": policy}
    assert redshift.get_resource_policy(ResourceArn=arn)["ResourcePolicy"]["Policy"] == policy
    with pytest.raises(ClientError) as excinfo:
        redshift.put_resource_policy(ResourceArn=arn, Policy="not json")
    assert _error(excinfo)[0] == "InvalidPolicyFault"
    missing = arn.rsplit(":", 1)[0] + ":00000000-0000-0000-0000-000000000000"
    with pytest.raises(ClientError) as excinfo:
        redshift.put_resource_policy(ResourceArn=missing, Policy=policy)
    assert _error(excinfo)[0] == "ResourceNotFoundFault"
    redshift.delete_resource_policy(ResourceArn=arn)
    with pytest.raises(ClientError) as excinfo:
        redshift.get_resource_policy(ResourceArn=arn)
    assert _error(excinfo)[0] == "ResourceNotFoundFault"
