"""A DB cluster created without a cluster parameter group uses its family's default group, as AWS documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ENGINE_VERSION = "8.0.mysql_aurora.3.08.2"


def test_cluster_without_a_group_uses_the_family_default(aws: Callable[..., Any]) -> None:
    """AWS CreateDBCluster: without DBClusterParameterGroupName the cluster uses the default DB cluster parameter group
    of its engine version's family (default.aurora-mysql8.0 for Aurora MySQL 3), which DescribeDBClusterParameters
    reads with the engine defaults (binlog_format OFF). moto 5.2.5 named default.aurora8.0, a group it does not have."""
    rds = aws("rds")
    rds.create_db_cluster(
        DBClusterIdentifier="plain",
        Engine="aurora-mysql",
        EngineVersion=ENGINE_VERSION,
        MasterUsername="xyzadmin",
        MasterUserPassword="password123",
    )

    cluster = rds.describe_db_clusters(DBClusterIdentifier="plain")["DBClusters"][0]
    assert cluster["DBClusterParameterGroup"] == "default.aurora-mysql8.0"
    pages = rds.get_paginator("describe_db_cluster_parameters").paginate(
        DBClusterParameterGroupName="default.aurora-mysql8.0"
    )
    parameters = {p["ParameterName"]: p for page in pages for p in page["Parameters"]}
    assert parameters["binlog_format"]["ParameterValue"] == "OFF"
    assert parameters["binlog_format"]["Source"] == "engine-default"
