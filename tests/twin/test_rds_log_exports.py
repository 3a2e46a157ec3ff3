"""Aurora's CloudWatch Logs exports in the twin behave as AWS documents (moto 5.2.5 ignores the modification)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ENGINE_VERSION = "8.0.mysql_aurora.3.08.2"


def test_modify_db_cluster_changes_the_log_exports(aws: Callable[..., Any]) -> None:
    """AWS ModifyDBCluster: CloudwatchLogsExportConfiguration's EnableLogTypes are added to the cluster's
    EnabledCloudwatchLogsExports and its DisableLogTypes removed, applied at once (ApplyImmediately has no effect)."""
    rds = aws("rds")
    rds.create_db_cluster(
        DBClusterIdentifier="logs",
        Engine="aurora-mysql",
        EngineVersion=ENGINE_VERSION,
        MasterUsername="xyzadmin",
        MasterUserPassword="password123",
        EnableCloudwatchLogsExports=["audit", "error", "slowquery"],
    )

    modified = rds.modify_db_cluster(
        DBClusterIdentifier="logs",
        CloudwatchLogsExportConfiguration={"EnableLogTypes": ["general"], "DisableLogTypes": ["slowquery"]},
    )["DBCluster"]

    assert sorted(modified["EnabledCloudwatchLogsExports"]) == ["audit", "error", "general"]
    cluster = rds.describe_db_clusters(DBClusterIdentifier="logs")["DBClusters"][0]
    assert sorted(cluster["EnabledCloudwatchLogsExports"]) == ["audit", "error", "general"]
