"""RDS parameter groups in the twin behave as AWS documents: engine defaults, validation, pending-reboot.

Each test states the AWS behaviour it checks; moto 5.2.5 departs from each (see twin/patches/rds_parameters.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

FAMILY = "aurora-mysql8.0"
ENGINE_VERSION = "8.0.mysql_aurora.3.05.2"
CREDENTIALS = {"MasterUsername": "admin", "MasterUserPassword": "password123"}
ZERO_ETL = (
    "aurora_enhanced_binlog",
    "binlog_backup",
    "binlog_replication_globaldb",
    "binlog_row_image",
    "binlog_row_metadata",
    "binlog_transaction_compression",
    "binlog_row_value_options",
)


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def _cluster_group(rds: Any, name: str = "binlog") -> str:
    rds.create_db_cluster_parameter_group(
        DBClusterParameterGroupName=name, DBParameterGroupFamily=FAMILY, Description="cluster parameters"
    )
    return name


def _instance_group(rds: Any, name: str = "instance-params") -> str:
    rds.create_db_parameter_group(DBParameterGroupName=name, DBParameterGroupFamily=FAMILY, Description="instance")
    return name


def _cluster_parameters(rds: Any, group: str, **filters: Any) -> dict[str, dict[str, Any]]:
    pages = rds.get_paginator("describe_db_cluster_parameters").paginate(DBClusterParameterGroupName=group, **filters)
    return {p["ParameterName"]: p for page in pages for p in page["Parameters"]}


def _set(rds: Any, group: str, name: str, value: str, method: str = "pending-reboot") -> None:
    rds.modify_db_cluster_parameter_group(
        DBClusterParameterGroupName=group,
        Parameters=[{"ParameterName": name, "ParameterValue": value, "ApplyMethod": method}],
    )


def _change(name: str, value: str, method: str = "immediate") -> dict[str, str]:
    return {"ParameterName": name, "ParameterValue": value, "ApplyMethod": method}


def _aurora(rds: Any, group: str | None, members: tuple[str, ...] = ("db-1", "db-2"), name: str = "orders") -> None:
    extra = {"DBClusterParameterGroupName": group} if group else {}
    rds.create_db_cluster(
        DBClusterIdentifier=name, Engine="aurora-mysql", EngineVersion=ENGINE_VERSION, **CREDENTIALS, **extra
    )
    for member in members:
        rds.create_db_instance(
            DBInstanceIdentifier=member, DBClusterIdentifier=name, Engine="aurora-mysql", DBInstanceClass="db.r6g.large"
        )


def _member_status(rds: Any, cluster: str = "orders") -> dict[str, str]:
    members = rds.describe_db_clusters(DBClusterIdentifier=cluster)["DBClusters"][0]["DBClusterMembers"]
    return {m["DBInstanceIdentifier"]: m["DBClusterParameterGroupStatus"] for m in members}


# ---------------------------------------------------------------- engine defaults


def test_new_cluster_group_holds_the_family_engine_defaults(aws) -> None:
    """AWS: a new DB cluster parameter group lists its family's engine defaults, each with ApplyType, DataType,
    AllowedValues, IsModifiable and ApplyMethod; binlog_format is static, ROW/STATEMENT/MIXED/OFF, default OFF."""
    rds = aws("rds")
    parameters = _cluster_parameters(rds, _cluster_group(rds))
    binlog = parameters["binlog_format"]
    assert binlog["ParameterValue"] == "OFF"
    assert (binlog["ApplyType"], binlog["DataType"], binlog["IsModifiable"]) == ("static", "string", True)
    assert binlog["AllowedValues"] == "ROW,STATEMENT,MIXED,OFF"
    assert binlog["Source"] == "engine-default"
    assert binlog["ApplyMethod"] == "pending-reboot"
    assert parameters["require_secure_transport"]["AllowedValues"] == "ON,OFF"
    expected = {*ZERO_ETL, "binlog_checksum", "character_set_server", "collation_server", "time_zone"}
    expected |= {"server_audit_logging", "server_audit_events", "slow_query_log", "long_query_time", "general_log"}
    expected |= {"innodb_print_all_deadlocks", "tls_version", "aurora_binlog_replication_max_yield_seconds"}
    assert expected <= set(parameters)
    assert all(
        {"ApplyType", "DataType", "IsModifiable", "ApplyMethod", "Source"} <= set(p) for p in parameters.values()
    )


def test_zero_etl_parameters_are_documented_static_or_dynamic(aws) -> None:
    """AWS (Aurora zero-ETL / enhanced binlog docs): aurora_enhanced_binlog, binlog_backup and
    binlog_replication_globaldb are static 0/1 parameters (defaults 0, 1, 1); the binlog row options are dynamic."""
    rds = aws("rds")
    parameters = _cluster_parameters(rds, _cluster_group(rds))
    static = {
        name: parameters[name]["ParameterValue"] for name in ZERO_ETL if parameters[name]["ApplyType"] == "static"
    }
    assert static == {"aurora_enhanced_binlog": "0", "binlog_backup": "1", "binlog_replication_globaldb": "1"}
    assert parameters["binlog_row_image"]["AllowedValues"] == "full,minimal,noblob"


def test_describe_engine_default_cluster_parameters_answers_the_family(aws) -> None:
    """AWS DescribeEngineDefaultClusterParameters returns the family's defaults (moto: HTTP 500, not implemented)."""
    rds = aws("rds")
    defaults = rds.describe_engine_default_cluster_parameters(DBParameterGroupFamily=FAMILY)["EngineDefaults"]
    assert defaults["DBParameterGroupFamily"] == FAMILY
    by_name = {p["ParameterName"]: p for p in defaults["Parameters"]}
    assert by_name["binlog_format"]["ParameterValue"] == "OFF"
    assert by_name.keys() == _cluster_parameters(rds, _cluster_group(rds)).keys()


def test_describe_engine_default_parameters_answers_instance_defaults(aws) -> None:
    """AWS DescribeEngineDefaultParameters returns the instance-level defaults (max_connections is a formula set by
    the system, performance_schema static); cluster-level parameters such as binlog_format are not among them."""
    rds = aws("rds")
    defaults = rds.describe_engine_default_parameters(DBParameterGroupFamily=FAMILY)["EngineDefaults"]
    by_name = {p["ParameterName"]: p for p in defaults["Parameters"]}
    assert by_name["max_connections"]["Source"] == "system"
    assert by_name["max_connections"]["ParameterValue"].startswith("GREATEST(")
    assert by_name["performance_schema"]["ApplyType"] == "static"
    assert "binlog_format" not in by_name


def test_describe_parameters_pages_with_marker(aws) -> None:
    """AWS pages DescribeDBClusterParameters by MaxRecords (default 100) and Marker."""
    rds = aws("rds")
    group = _cluster_group(rds)
    first = rds.describe_db_cluster_parameters(DBClusterParameterGroupName=group, MaxRecords=20)
    assert len(first["Parameters"]) == 20
    rest = rds.describe_db_cluster_parameters(DBClusterParameterGroupName=group, Marker=first["Marker"])
    names = [p["ParameterName"] for p in first["Parameters"] + rest["Parameters"]]
    assert names == sorted(_cluster_parameters(rds, group))


# ---------------------------------------------------------------- modify and the Source filter


def test_modified_parameter_has_source_user_and_source_filter_applies(aws) -> None:
    """AWS: a changed parameter shows Source=user with the ApplyMethod asked; DescribeDBClusterParameters with
    Source=user / engine-default / system lists only the parameters of that source."""
    rds = aws("rds")
    group = _cluster_group(rds)
    _set(rds, group, "binlog_format", "MIXED")
    user = _cluster_parameters(rds, group, Source="user")
    assert list(user) == ["binlog_format"]
    assert (user["binlog_format"]["ParameterValue"], user["binlog_format"]["ApplyMethod"]) == (
        "MIXED",
        "pending-reboot",
    )
    defaults = _cluster_parameters(rds, group, Source="engine-default")
    assert "binlog_format" not in defaults
    assert {p["Source"] for p in defaults.values()} == {"engine-default"}
    assert {p["Source"] for p in _cluster_parameters(rds, group, Source="system").values()} == {"system"}


REJECTED = [
    ("no_such_parameter", "1", "immediate", "InvalidParameterValue", "Could not find parameter with name: "),
    ("binlog_format", "SOMETIMES", "pending-reboot", "InvalidParameterValue", "Invalid parameter value: SOMETIMES"),
    ("aurora_binlog_replication_max_yield_seconds", "36001", "immediate", "InvalidParameterValue", "Invalid"),
    ("server_id", "7", "pending-reboot", "InvalidParameterValue", "The parameter server_id cannot be modified."),
    ("binlog_format", "ROW", "immediate", "InvalidParameterCombination", "cannot use immediate apply method"),
]


@pytest.mark.parametrize("case", REJECTED, ids=[f"{case[0]}={case[1]}" for case in REJECTED])
def test_modify_rejects_what_aws_rejects(aws, case: tuple[str, str, str, str, str]) -> None:
    """AWS ModifyDBClusterParameterGroup fails InvalidParameterValue for an unknown name ("Could not find parameter
    with name"), a value outside AllowedValues or a non-modifiable parameter, and InvalidParameterCombination for
    ApplyMethod immediate on a static parameter; the group is left unchanged."""
    name, value, method, code, message = case
    rds = aws("rds")
    group = _cluster_group(rds)
    with pytest.raises(ClientError) as excinfo:
        _set(rds, group, name, value, method)
    assert _error(excinfo)[0] == code
    assert _error(excinfo)[1].startswith(message)
    assert _cluster_parameters(rds, group, Source="user") == {}


def test_modify_accepts_ranges_lists_and_case(aws) -> None:
    """AWS accepts values within a range (0-36000), any subset of a list parameter (server_audit_events) and
    enumerated values regardless of case (binlog_row_image FULL)."""
    rds = aws("rds")
    group = _cluster_group(rds)
    rds.modify_db_cluster_parameter_group(
        DBClusterParameterGroupName=group,
        Parameters=[
            _change("aurora_binlog_replication_max_yield_seconds", "60"),
            _change("server_audit_events", "CONNECT,QUERY_DDL"),
            _change("binlog_row_image", "FULL"),
            _change("long_query_time", "0.5"),
        ],
    )
    assert len(_cluster_parameters(rds, group, Source="user")) == 4


def test_modify_more_than_20_parameters_fails(aws) -> None:
    """AWS: at most 20 parameters per ModifyDBClusterParameterGroup ("Cannot modify more than 20 parameters in a
    single request", InvalidParameterCombination)."""
    rds = aws("rds")
    group = _cluster_group(rds)
    names = sorted(_cluster_parameters(rds, group, Source="engine-default"))[:21]
    changes = [{"ParameterName": n, "ParameterValue": "1", "ApplyMethod": "pending-reboot"} for n in names]
    with pytest.raises(ClientError) as excinfo:
        rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=group, Parameters=changes)
    assert _error(excinfo) == (
        "InvalidParameterCombination",
        "Cannot modify more than 20 parameters in a single request",
    )


def test_instance_group_holds_defaults_and_validates(aws) -> None:
    """AWS: a new DB parameter group of aurora-mysql8.0 holds the instance engine defaults; a change is Source=user;
    a value outside AllowedValues fails InvalidParameterValue."""
    rds = aws("rds")
    group = _instance_group(rds)
    rds.modify_db_parameter_group(
        DBParameterGroupName=group,
        Parameters=[{"ParameterName": "max_connections", "ParameterValue": "500", "ApplyMethod": "immediate"}],
    )
    user = rds.describe_db_parameters(DBParameterGroupName=group, Source="user")["Parameters"]
    assert [(p["ParameterName"], p["ParameterValue"]) for p in user] == [("max_connections", "500")]
    with pytest.raises(ClientError) as excinfo:
        rds.modify_db_parameter_group(
            DBParameterGroupName=group,
            Parameters=[{"ParameterName": "max_connections", "ParameterValue": "99999", "ApplyMethod": "immediate"}],
        )
    assert _error(excinfo)[0] == "InvalidParameterValue"


def test_reset_puts_engine_defaults_back(aws) -> None:
    """AWS ResetDBClusterParameterGroup returns the named parameters to their engine defaults."""
    rds = aws("rds")
    group = _cluster_group(rds)
    _set(rds, group, "binlog_format", "ROW")
    rds.reset_db_cluster_parameter_group(
        DBClusterParameterGroupName=group,
        Parameters=[{"ParameterName": "binlog_format", "ApplyMethod": "pending-reboot"}],
    )
    binlog = _cluster_parameters(rds, group)["binlog_format"]
    assert (binlog["ParameterValue"], binlog["Source"]) == ("OFF", "engine-default")


@pytest.mark.parametrize("kind", ["cluster", "instance"])
def test_create_group_with_existing_name_fails(aws, kind: str) -> None:
    """AWS: creating a DB (cluster) parameter group with a name in use fails DBParameterGroupAlreadyExists and the
    existing group keeps its description."""
    rds = aws("rds")
    if kind == "cluster":
        create, describe, key = (
            rds.create_db_cluster_parameter_group,
            rds.describe_db_cluster_parameter_groups,
            "DBClusterParameterGroup",
        )
        name_key = "DBClusterParameterGroupName"
    else:
        create, describe, key = rds.create_db_parameter_group, rds.describe_db_parameter_groups, "DBParameterGroup"
        name_key = "DBParameterGroupName"
    create(**{name_key: "params"}, DBParameterGroupFamily=FAMILY, Description="first")
    with pytest.raises(ClientError) as excinfo:
        create(**{name_key: "params"}, DBParameterGroupFamily=FAMILY, Description="second")
    assert _error(excinfo)[0] == "DBParameterGroupAlreadyExists"
    assert describe(**{name_key: "params"})[f"{key}s"][0]["Description"] == "first"


# ---------------------------------------------------------------- pending reboot


def test_fresh_cluster_with_group_attached_is_in_sync(aws) -> None:
    """AWS: the members of a cluster created with a (modified) group attached start with the group in sync."""
    rds = aws("rds")
    group = _cluster_group(rds)
    _set(rds, group, "binlog_format", "MIXED")
    _aurora(rds, group)
    assert _member_status(rds) == {"db-1": "in-sync", "db-2": "in-sync"}


def test_static_change_leaves_members_pending_reboot_until_each_reboots(aws) -> None:
    """AWS: after a static parameter changes in an attached group, every member shows DBClusterParameterGroupStatus
    pending-reboot until that member's instance is rebooted, then in-sync."""
    rds = aws("rds")
    group = _cluster_group(rds)
    _aurora(rds, group)
    _set(rds, group, "binlog_format", "ROW")
    assert _member_status(rds) == {"db-1": "pending-reboot", "db-2": "pending-reboot"}
    rds.reboot_db_instance(DBInstanceIdentifier="db-1")
    assert _member_status(rds) == {"db-1": "in-sync", "db-2": "pending-reboot"}
    rds.reboot_db_instance(DBInstanceIdentifier="db-2")
    assert _member_status(rds) == {"db-1": "in-sync", "db-2": "in-sync"}


def test_dynamic_change_applied_immediately_keeps_members_in_sync(aws) -> None:
    """AWS: a dynamic parameter changed with ApplyMethod immediate is applied at once: members stay in-sync; the
    same change with ApplyMethod pending-reboot waits for a reboot."""
    rds = aws("rds")
    group = _cluster_group(rds)
    _aurora(rds, group)
    _set(rds, group, "require_secure_transport", "ON", "immediate")
    assert set(_member_status(rds).values()) == {"in-sync"}
    _set(rds, group, "innodb_print_all_deadlocks", "1", "pending-reboot")
    assert set(_member_status(rds).values()) == {"pending-reboot"}


def test_attaching_another_cluster_group_waits_for_reboot(aws) -> None:
    """AWS: after ModifyDBCluster attaches a different DB cluster parameter group, members are pending-reboot until
    rebooted."""
    rds = aws("rds")
    _aurora(rds, None, members=("db-1",))
    group = _cluster_group(rds)
    rds.modify_db_cluster(DBClusterIdentifier="orders", DBClusterParameterGroupName=group, ApplyImmediately=True)
    assert _member_status(rds) == {"db-1": "pending-reboot"}
    rds.reboot_db_instance(DBInstanceIdentifier="db-1")
    assert _member_status(rds) == {"db-1": "in-sync"}


def test_instance_group_static_change_pending_reboot_until_reboot(aws) -> None:
    """AWS: DBInstance.DBParameterGroups[].ParameterApplyStatus is pending-reboot after a static change in the
    instance's DB parameter group, and in-sync after the instance is rebooted."""
    rds = aws("rds")
    group = _instance_group(rds)
    _aurora(rds, None, members=())
    rds.create_db_instance(
        DBInstanceIdentifier="db-1",
        DBClusterIdentifier="orders",
        Engine="aurora-mysql",
        DBInstanceClass="db.r6g.large",
        DBParameterGroupName=group,
    )

    def status() -> tuple[str, str]:
        groups = rds.describe_db_instances(DBInstanceIdentifier="db-1")["DBInstances"][0]["DBParameterGroups"]
        return groups[0]["DBParameterGroupName"], groups[0]["ParameterApplyStatus"]

    assert status() == (group, "in-sync")
    rds.modify_db_parameter_group(
        DBParameterGroupName=group,
        Parameters=[{"ParameterName": "performance_schema", "ParameterValue": "1", "ApplyMethod": "pending-reboot"}],
    )
    assert status() == (group, "pending-reboot")
    rds.reboot_db_instance(DBInstanceIdentifier="db-1")
    assert status() == (group, "in-sync")


def test_aurora_member_default_instance_group_is_named_for_the_family(aws) -> None:
    """AWS: an Aurora MySQL 3 instance without a DB parameter group uses default.aurora-mysql8.0."""
    rds = aws("rds")
    _aurora(rds, None, members=("db-1",))
    groups = rds.describe_db_instances(DBInstanceIdentifier="db-1")["DBInstances"][0]["DBParameterGroups"]
    assert groups == [{"DBParameterGroupName": "default.aurora-mysql8.0", "ParameterApplyStatus": "in-sync"}]


# ---------------------------------------------------------------- helpers for other patches


def test_effective_parameter_and_writer_sync_helpers(twin, aws) -> None:
    """The helpers that rds_clusters uses read AWS's state: the group's value (user's, else engine default) and
    whether the writer has applied its group."""
    from moto.rds.models import rds_backends

    from twin.patches.rds_parameters import effective_cluster_parameter, writer_parameters_in_sync

    rds = aws("rds")
    group = _cluster_group(rds)
    _aurora(rds, group, members=("db-1",))
    cluster = rds_backends["123456789012"]["us-east-2"].clusters["orders"]
    assert (effective_cluster_parameter(cluster, "binlog_format"), writer_parameters_in_sync(cluster)) == ("OFF", True)
    _set(rds, group, "binlog_format", "MIXED")
    assert (effective_cluster_parameter(cluster, "binlog_format"), writer_parameters_in_sync(cluster)) == (
        "MIXED",
        False,
    )
    assert effective_cluster_parameter(cluster, "no_such_parameter") is None


def test_patches_are_the_ones_installed(twin) -> None:
    """Guard: no other patch module replaced the same moto attributes (the registry installs only the first)."""
    from moto.rds.models import DBCluster, DBInstance
    from moto.rds.responses import RDSResponse

    from twin.patches import rds_parameters

    assert RDSResponse.modify_db_cluster_parameter_group is rds_parameters.modify_db_cluster_parameter_group
    assert RDSResponse.describe_db_cluster_parameters is rds_parameters.describe_db_cluster_parameters
    assert DBCluster.db_cluster_members.fget is rds_parameters._db_cluster_members
    assert DBInstance.db_parameter_group_status_list.fget is rds_parameters._db_parameter_group_status_list


def test_describe_unknown_parameter_group_fails_not_found(aws) -> None:
    """AWS: DescribeDBParameterGroups and DescribeDBParameters of a name that does not exist fail
    DBParameterGroupNotFound (moto answered an empty list, which broke amazon.aws.rds_instance_param_group)."""
    rds = aws("rds")
    for call in (rds.describe_db_parameter_groups, rds.describe_db_parameters):
        with pytest.raises(ClientError) as excinfo:
            call(DBParameterGroupName="nowhere")
        assert _error(excinfo) == ("DBParameterGroupNotFound", "DBParameterGroup not found: nowhere")
    _instance_group(rds, "Mixed-Case")
    assert (
        rds.describe_db_parameter_groups(DBParameterGroupName="Mixed-Case")["DBParameterGroups"][0][
            "DBParameterGroupName"
        ]
        == "mixed-case"
    )
