"""AWS Security Hub Foundational Security Best Practices (FSBP) controls that apply to the site, read through boto3.

`evaluate(session_factory, prefix, regions)` reads every resource whose name starts with `prefix` in each region
(Aurora clusters and instances, Redshift clusters, ElastiCache replication groups and cache clusters, EC2 instances)
and evaluates each control as Security Hub defines it, with Security Hub's default parameters. A control passes when
every resource in its scope complies; it is "excepted" when the non-compliant resources are all explained by the
exception documented for it in docs/security-controls.md (the one place where exceptions and their reasons live; the
checker only verifies that each excepted resource is still in the documented situation); otherwise it fails. A
control with no resource in scope fails: the site builds every kind of resource these controls evaluate.

    python -m tests.reliability.fsbp --prefix xyz-prodlike [--region us-east-2 --region us-west-2]

prints one line per control and a total, and exits 1 when a control failed.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import boto3

Status = Literal["passed", "failed", "excepted"]
DOC = Path(__file__).resolve().parents[2] / "docs" / "security-controls.md"
DEFAULT_REGIONS = ("us-east-2", "us-west-2")

# Security Hub's default parameters.
RDS_BACKUP_RETENTION_MINIMUM = 7  # RDS.11 backupRetentionMinimum
REDSHIFT_SNAPSHOT_RETENTION_MINIMUM = 7  # Redshift.3 MinRetentionPeriod
ELASTICACHE_SNAPSHOT_RETENTION_MINIMUM = 1  # ElastiCache.1 snapshotRetentionPeriod
# RDS.9: the logs each engine must publish to CloudWatch Logs (Aurora's exports are set on the DB cluster).
RDS_REQUIRED_LOG_EXPORTS = {
    "aurora-mysql": frozenset({"audit", "error", "general", "slowquery"}),
    "aurora-postgresql": frozenset({"postgresql"}),
    "mysql": frozenset({"audit", "error", "general", "slowquery"}),
    "postgres": frozenset({"postgresql", "upgrade"}),
}
RDS_DEFAULT_PORTS = {"aurora-mysql": 3306, "mysql": 3306, "aurora-postgresql": 5432, "postgres": 5432}
RDS_DEFAULT_ADMIN = "admin"  # RDS.24
REDSHIFT_DEFAULT_ADMIN = "awsuser"  # Redshift.8
CASE_STUDY_PORT = 3306  # /work/shared/seed/case-study.md: port 3306 in the security group rules


class Session(Protocol):
    def client(self, service_name: str) -> Any: ...


SessionFactory = Callable[[str], Session]


@dataclass(frozen=True)
class ResourceCheck:
    """One resource a control evaluated: its identifier, region, verdict and the fields the verdict rests on."""

    resource: str
    region: str
    compliant: bool
    evidence: Mapping[str, Any]


@dataclass(frozen=True)
class ControlResult:
    control_id: str
    title: str
    status: Status
    resources: tuple[ResourceCheck, ...]
    reason: str = ""  # the documented reason of an exception, or what failed

    def line(self) -> str:
        head = f"{self.status:<9}{self.control_id:<16}{self.title} [{len(self.resources)} checked]"
        return f"{head}: {self.reason}" if self.reason else head


@dataclass(frozen=True)
class Resource:
    kind: str
    identifier: str
    region: str
    data: Mapping[str, Any]


@dataclass
class Inventory:
    """Every resource in scope, by kind (db_cluster, db_instance, redshift_cluster, cache_replication_group,
    cache_cluster, ec2_instance)."""

    resources: dict[str, list[Resource]] = field(default_factory=dict)

    def add(self, kind: str, identifier: str, region: str, data: Mapping[str, Any]) -> None:
        self.resources.setdefault(kind, []).append(Resource(kind, identifier, region, data))

    def of(self, kinds: Sequence[str]) -> list[Resource]:
        return [resource for kind in kinds for resource in self.resources.get(kind, [])]


Check = Callable[[Mapping[str, Any]], tuple[bool, dict[str, Any]]]


@dataclass(frozen=True)
class Control:
    control_id: str
    title: str
    kinds: tuple[str, ...]
    check: Check


# ---------------------------------------------------------------------------------------------------- reading


def _pages(client: Any, operation: str, key: str, **params: Any) -> Iterator[dict[str, Any]]:
    for page in client.get_paginator(operation).paginate(**params):
        yield from page.get(key, [])


def _named(items: Iterable[dict[str, Any]], name_field: str, prefix: str) -> list[dict[str, Any]]:
    return [item for item in items if str(item.get(name_field, "")).startswith(prefix)]


def _parameter(parameters: Iterable[dict[str, Any]], name: str) -> str | None:
    for parameter in parameters:
        if parameter.get("ParameterName") == name:
            value = parameter.get("ParameterValue")
            return None if value is None else str(value)
    return None


def _cluster_parameter(rds: Any, group: str, name: str) -> str | None:
    """A parameter of a DB cluster parameter group (None when the group leaves it unset)."""
    return _parameter(
        _pages(rds, "describe_db_cluster_parameters", "Parameters", DBClusterParameterGroupName=group), name
    )


def _read_rds(session: Session, region: str, prefix: str, inventory: Inventory) -> None:
    rds = session.client("rds")
    clusters = {}
    for cluster in _named(_pages(rds, "describe_db_clusters", "DBClusters"), "DBClusterIdentifier", prefix):
        group = cluster.get("DBClusterParameterGroup", "")
        data = {**cluster, "binlog_format": _cluster_parameter(rds, group, "binlog_format") if group else None}
        clusters[cluster["DBClusterIdentifier"]] = data
        inventory.add("db_cluster", cluster["DBClusterIdentifier"], region, data)
    for instance in _named(_pages(rds, "describe_db_instances", "DBInstances"), "DBInstanceIdentifier", prefix):
        data = {**instance, "_cluster": clusters.get(instance.get("DBClusterIdentifier", ""), {})}
        inventory.add("db_instance", instance["DBInstanceIdentifier"], region, data)


def _read_redshift(session: Session, region: str, prefix: str, inventory: Inventory) -> None:
    redshift = session.client("redshift")
    for cluster in _named(_pages(redshift, "describe_clusters", "Clusters"), "ClusterIdentifier", prefix):
        identifier = cluster["ClusterIdentifier"]
        groups = [group["ParameterGroupName"] for group in cluster.get("ClusterParameterGroups", [])]
        parameters = (
            list(_pages(redshift, "describe_cluster_parameters", "Parameters", ParameterGroupName=groups[0]))
            if groups
            else []
        )
        logging = redshift.describe_logging_status(ClusterIdentifier=identifier)
        logging.pop("ResponseMetadata", None)
        data = {**cluster, "require_ssl": _parameter(parameters, "require_ssl"), "LoggingStatus": logging}
        inventory.add("redshift_cluster", identifier, region, data)


def _read_elasticache(session: Session, region: str, prefix: str, inventory: Inventory) -> None:
    elasticache = session.client("elasticache")
    groups = _pages(elasticache, "describe_replication_groups", "ReplicationGroups")
    for group in _named(groups, "ReplicationGroupId", prefix):
        inventory.add("cache_replication_group", group["ReplicationGroupId"], region, group)
    for cluster in _named(_pages(elasticache, "describe_cache_clusters", "CacheClusters"), "CacheClusterId", prefix):
        inventory.add("cache_cluster", cluster["CacheClusterId"], region, cluster)


def _name_tag(instance: Mapping[str, Any]) -> str:
    return next((tag["Value"] for tag in instance.get("Tags", []) if tag["Key"] == "Name"), "")


def _read_ec2(session: Session, region: str, prefix: str, inventory: Inventory) -> None:
    ec2 = session.client("ec2")
    filters = [
        {"Name": "tag:Name", "Values": [f"{prefix}*"]},
        {"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]},
    ]
    for reservation in _pages(ec2, "describe_instances", "Reservations", Filters=filters):
        for instance in reservation["Instances"]:
            if _name_tag(instance).startswith(prefix):
                inventory.add("ec2_instance", f"{_name_tag(instance)} ({instance['InstanceId']})", region, instance)


def collect(session_factory: SessionFactory, prefix: str, regions: Sequence[str]) -> Inventory:
    inventory = Inventory()
    for region in regions:
        session = session_factory(region)
        for read in (_read_rds, _read_redshift, _read_elasticache, _read_ec2):
            read(session, region, prefix, inventory)
    return inventory


# ---------------------------------------------------------------------------------------------------- checks


def _is(name: str, expected: Any) -> Check:
    def check(data: Mapping[str, Any]) -> tuple[bool, dict[str, Any]]:
        return data.get(name) == expected, {name: data.get(name)}

    return check


def _at_least(name: str, minimum: int) -> Check:
    def check(data: Mapping[str, Any]) -> tuple[bool, dict[str, Any]]:
        value = data.get(name)
        return isinstance(value, int) and value >= minimum, {name: value, "minimum": minimum}

    return check


def _is_not(name: str, forbidden: str) -> Check:
    def check(data: Mapping[str, Any]) -> tuple[bool, dict[str, Any]]:
        value = data.get(name)
        return bool(value) and value != forbidden, {name: value}

    return check


def _instance_log_exports(data: Mapping[str, Any]) -> tuple[bool, dict[str, Any]]:
    """RDS.9. Aurora's CloudWatch Logs exports are managed by the DB cluster (CreateDBInstance's
    EnableCloudwatchLogsExports does not apply to Aurora): an Aurora instance publishes what its cluster exports."""
    engine = str(data.get("Engine", ""))
    cluster = data.get("_cluster") or {}
    source = cluster if engine.startswith("aurora") else data
    exports = sorted(source.get("EnabledCloudwatchLogsExports", []))
    required = RDS_REQUIRED_LOG_EXPORTS.get(engine, frozenset())
    evidence = {
        "Engine": engine,
        "EnabledCloudwatchLogsExports": exports,
        "from": f"cluster {cluster.get('DBClusterIdentifier')}" if source is cluster else "instance",
        "required": sorted(required),
    }
    return bool(required) and required <= set(exports), evidence


def _audit_log_export(data: Mapping[str, Any]) -> tuple[bool, dict[str, Any]]:
    """RDS.34 (Aurora MySQL clusters only; another engine is out of its scope and passes)."""
    exports = sorted(data.get("EnabledCloudwatchLogsExports", []))
    engine = data.get("Engine")
    return engine != "aurora-mysql" or "audit" in exports, {"Engine": engine, "EnabledCloudwatchLogsExports": exports}


def _backtracking(data: Mapping[str, Any]) -> tuple[bool, dict[str, Any]]:
    evidence = {
        "BacktrackWindow": data.get("BacktrackWindow"),
        "binlog_format": data.get("binlog_format"),
        "ReplicationSourceIdentifier": data.get("ReplicationSourceIdentifier"),
    }
    return bool(data.get("BacktrackWindow")), evidence


def _instance_port(data: Mapping[str, Any]) -> int | None:
    """The port the DB instance listens on: DbInstancePort, or its endpoint's port when that is 0 (Aurora). The twin
    points endpoints at its data plane's ports (twin/patches/wiring.py), so DbInstancePort comes first."""
    return data.get("DbInstancePort") or (data.get("Endpoint") or {}).get("Port")


def _not_default_port(data: Mapping[str, Any]) -> tuple[bool, dict[str, Any]]:
    port, engine = _instance_port(data), data.get("Engine")
    default = RDS_DEFAULT_PORTS.get(str(engine))
    evidence = {
        "Engine": engine,
        "DbInstancePort": data.get("DbInstancePort"),
        "Endpoint.Port": (data.get("Endpoint") or {}).get("Port"),
        "engine default": default,
    }
    return port is not None and port != default, evidence


def _redshift_ssl(data: Mapping[str, Any]) -> tuple[bool, dict[str, Any]]:
    groups = [group.get("ParameterGroupName") for group in data.get("ClusterParameterGroups", [])]
    value = data.get("require_ssl")
    return str(value).lower() == "true", {"ClusterParameterGroup": groups[0] if groups else None, "require_ssl": value}


def _redshift_logging(data: Mapping[str, Any]) -> tuple[bool, dict[str, Any]]:
    status = data.get("LoggingStatus") or {}
    fields = ("LoggingEnabled", "LogDestinationType", "LogExports", "BucketName")
    evidence = {name: status.get(name) for name in fields if status.get(name) is not None}
    return status.get("LoggingEnabled") is True, evidence


def _redshift_kms(data: Mapping[str, Any]) -> tuple[bool, dict[str, Any]]:
    encrypted, key = data.get("Encrypted"), data.get("KmsKeyId")
    return encrypted is True and bool(key), {"Encrypted": encrypted, "KmsKeyId": key}


def _cache_subnet_group(data: Mapping[str, Any]) -> tuple[bool, dict[str, Any]]:
    name = data.get("CacheSubnetGroupName")
    return bool(name) and name != "default", {"CacheSubnetGroupName": name}


def _imdsv2(data: Mapping[str, Any]) -> tuple[bool, dict[str, Any]]:
    tokens = (data.get("MetadataOptions") or {}).get("HttpTokens")
    return tokens == "required", {"MetadataOptions.HttpTokens": tokens}


def _no_public_ip(data: Mapping[str, Any]) -> tuple[bool, dict[str, Any]]:
    address = data.get("PublicIpAddress")
    return not address, {"PublicIpAddress": address}


INSTANCES = ("db_instance",)
CLUSTERS = ("db_cluster",)
REDSHIFT = ("redshift_cluster",)
GROUPS = ("cache_replication_group",)
CACHE_CLUSTERS = ("cache_cluster",)
EC2 = ("ec2_instance",)

CONTROLS: tuple[Control, ...] = (
    Control("RDS.2", "RDS DB instances should prohibit public access", INSTANCES, _is("PubliclyAccessible", False)),
    Control(
        "RDS.3", "RDS DB instances should have encryption at-rest enabled", INSTANCES, _is("StorageEncrypted", True)
    ),
    Control("RDS.7", "RDS clusters should have deletion protection enabled", CLUSTERS, _is("DeletionProtection", True)),
    Control("RDS.9", "RDS DB instances should publish logs to CloudWatch Logs", INSTANCES, _instance_log_exports),
    Control(
        "RDS.11",
        "RDS instances should have automatic backups enabled",
        INSTANCES,
        _at_least("BackupRetentionPeriod", RDS_BACKUP_RETENTION_MINIMUM),
    ),
    Control("RDS.14", "Amazon Aurora clusters should have backtracking enabled", CLUSTERS, _backtracking),
    Control(
        "RDS.15", "RDS DB clusters should be configured for multiple Availability Zones", CLUSTERS, _is("MultiAZ", True)
    ),
    Control(
        "RDS.16",
        "RDS DB clusters should be configured to copy tags to snapshots",
        CLUSTERS,
        _is("CopyTagsToSnapshot", True),
    ),
    Control(
        "RDS.23",
        "RDS instances should not use a database engine default port",
        INSTANCES,
        _not_default_port,
    ),
    Control(
        "RDS.24",
        "RDS database clusters should use a custom administrator username",
        CLUSTERS,
        _is_not("MasterUsername", RDS_DEFAULT_ADMIN),
    ),
    Control("RDS.27", "RDS DB clusters should be encrypted at rest", CLUSTERS, _is("StorageEncrypted", True)),
    Control(
        "RDS.34", "Aurora MySQL DB clusters should publish audit logs to CloudWatch Logs", CLUSTERS, _audit_log_export
    ),
    Control(
        "Redshift.1",
        "Amazon Redshift clusters should prohibit public access",
        REDSHIFT,
        _is("PubliclyAccessible", False),
    ),
    Control(
        "Redshift.2", "Connections to Amazon Redshift clusters should be encrypted in transit", REDSHIFT, _redshift_ssl
    ),
    Control(
        "Redshift.3",
        "Amazon Redshift clusters should have automatic snapshots enabled",
        REDSHIFT,
        _at_least("AutomatedSnapshotRetentionPeriod", REDSHIFT_SNAPSHOT_RETENTION_MINIMUM),
    ),
    Control("Redshift.4", "Amazon Redshift clusters should have audit logging enabled", REDSHIFT, _redshift_logging),
    Control(
        "Redshift.7", "Redshift clusters should use enhanced VPC routing", REDSHIFT, _is("EnhancedVpcRouting", True)
    ),
    Control(
        "Redshift.8",
        "Amazon Redshift clusters should not use the default Admin username",
        REDSHIFT,
        _is_not("MasterUsername", REDSHIFT_DEFAULT_ADMIN),
    ),
    Control("Redshift.10", "Redshift clusters should be encrypted at rest", REDSHIFT, _redshift_kms),
    Control(
        "ElastiCache.1",
        "ElastiCache (Redis OSS) clusters should have automatic backups scheduled",
        GROUPS,
        _at_least("SnapshotRetentionLimit", ELASTICACHE_SNAPSHOT_RETENTION_MINIMUM),
    ),
    Control(
        "ElastiCache.2",
        "ElastiCache clusters should have automatic minor version upgrades enabled",
        CACHE_CLUSTERS,
        _is("AutoMinorVersionUpgrade", True),
    ),
    Control(
        "ElastiCache.3",
        "ElastiCache replication groups should have automatic failover enabled",
        GROUPS,
        _is("AutomaticFailover", "enabled"),
    ),
    Control(
        "ElastiCache.4",
        "ElastiCache replication groups should be encrypted at rest",
        GROUPS,
        _is("AtRestEncryptionEnabled", True),
    ),
    Control(
        "ElastiCache.5",
        "ElastiCache replication groups should be encrypted in transit",
        GROUPS,
        _is("TransitEncryptionEnabled", True),
    ),
    Control(
        "ElastiCache.7",
        "ElastiCache clusters should not use the default subnet group",
        CACHE_CLUSTERS,
        _cache_subnet_group,
    ),
    Control("EC2.8", "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)", EC2, _imdsv2),
    Control("EC2.9", "Amazon EC2 instances should not have a public IPv4 address", EC2, _no_public_ip),
)


# ---------------------------------------------------------------------------------------------------- exceptions


def _binlog_replication(data: Mapping[str, Any]) -> bool:
    """RDS.14: no backtracking on a cluster that takes part in binlog replication (the source has binary logging on
    in its cluster parameter group; the replica replicates from a source ARN)."""
    binlog_on = str(data.get("binlog_format") or "OFF").upper() != "OFF"
    return not data.get("BacktrackWindow") and (binlog_on or bool(data.get("ReplicationSourceIdentifier")))


def _case_study_port(data: Mapping[str, Any]) -> bool:
    """RDS.23: the port is the case study's 3306."""
    return _instance_port(data) == CASE_STUDY_PORT


# What the checker verifies for each exception docs/security-controls.md documents (its reason comes from there).
EXCEPTION_CONDITIONS: dict[str, Callable[[Mapping[str, Any]], bool]] = {
    "RDS.14": _binlog_replication,
    "RDS.23": _case_study_port,
}

_ROW = re.compile(r"^\|\s*(?P<control>[A-Za-z0-9]+\.\d+)\s*\|\s*(?P<reason>[^|]+?)\s*\|")


def documented_exceptions(doc: Path = DOC) -> dict[str, str]:
    """The exceptions table of docs/security-controls.md (section "## Exceptions"): control id -> reason."""
    exceptions: dict[str, str] = {}
    section = False
    for line in doc.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line.strip() == "## Exceptions"
        elif section and (match := _ROW.match(line)):
            exceptions[match["control"]] = match["reason"]
    if set(exceptions) != set(EXCEPTION_CONDITIONS):
        raise ValueError(
            f"{doc} documents exceptions {sorted(exceptions)}, the checker verifies {sorted(EXCEPTION_CONDITIONS)}"
        )
    return exceptions


# ---------------------------------------------------------------------------------------------------- evaluation


def evaluate_control(control: Control, inventory: Inventory, exceptions: Mapping[str, str]) -> ControlResult:
    resources = inventory.of(control.kinds)
    if not resources:
        scope = ", ".join(control.kinds)
        return ControlResult(control.control_id, control.title, "failed", (), f"no {scope} in scope")
    checks = []
    for resource in resources:
        compliant, evidence = control.check(resource.data)
        checks.append(ResourceCheck(resource.identifier, resource.region, compliant, evidence))
    failing = [resource for resource, check in zip(resources, checks, strict=True) if not check.compliant]
    result = tuple(checks)
    if not failing:
        return ControlResult(control.control_id, control.title, "passed", result)
    condition = EXCEPTION_CONDITIONS.get(control.control_id)
    if control.control_id in exceptions and condition and all(condition(resource.data) for resource in failing):
        return ControlResult(control.control_id, control.title, "excepted", result, exceptions[control.control_id])
    summary = "; ".join(
        f"{check.resource} ({check.region}): {dict(check.evidence)}" for check in checks if not check.compliant
    )
    return ControlResult(control.control_id, control.title, "failed", result, summary)


def default_session_factory(region: str) -> Session:
    """A boto3 session for the region; the endpoint comes from the environment (AWS_ENDPOINT_URL for the twin)."""
    return boto3.session.Session(region_name=region)


def evaluate(
    session_factory: SessionFactory = default_session_factory,
    prefix: str = "xyz-prodlike",
    regions: Sequence[str] = DEFAULT_REGIONS,
) -> list[ControlResult]:
    exceptions = documented_exceptions()
    inventory = collect(session_factory, prefix, regions)
    return [evaluate_control(control, inventory, exceptions) for control in CONTROLS]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", required=True, help="evaluate only resources whose names start with this")
    parser.add_argument("--region", action="append", dest="regions", help="a region (repeat); default both")
    arguments = parser.parse_args(argv)
    results = evaluate(default_session_factory, arguments.prefix, tuple(arguments.regions or DEFAULT_REGIONS))
    for result in results:
        print(result.line())
    counts = {status: sum(result.status == status for result in results) for status in ("passed", "excepted", "failed")}
    print(f"total: {len(results)} controls, " + ", ".join(f"{count} {status}" for status, count in counts.items()))
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
