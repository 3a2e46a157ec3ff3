"""RDS parameter groups as AWS keeps them: engine defaults, validation, and pending-reboot state.

AWS behaviour implemented here (moto 5.2.5 departs on each point):
- A new custom DB cluster / DB parameter group holds its family's engine defaults (Source engine-default or
  system, with ApplyType, DataType, AllowedValues, IsModifiable, ApplyMethod). DescribeEngineDefault(Cluster)
  Parameters answer with them; Describe(DB|DBCluster)Parameters honour Source, MaxRecords and Marker.
- Modify(DB|DBCluster)ParameterGroup rejects unknown names, non-modifiable parameters, values outside
  AllowedValues, `immediate` on a static parameter, more than 20 parameters and default groups; a changed parameter
  has Source=user. Reset(DB|DBCluster)ParameterGroup puts engine defaults back.
- A change that waits for a reboot (a static parameter, or ApplyMethod pending-reboot) leaves every instance using
  the group `pending-reboot` (DBClusterMembers[].DBClusterParameterGroupStatus, DBParameterGroups[].
  ParameterApplyStatus) until that instance is rebooted; dynamic changes applied `immediate` keep it `in-sync`.
  Attaching another group to a cluster or instance also waits for a reboot.

State lives on moto's own objects: a group counts its changes that wait for a reboot (`twin_reboot_revision`),
and an instance remembers the (group name, revision) it last applied (`twin_applied_cluster_parameters`,
`twin_applied_parameters`), recorded when it is created or rebooted (`mark_parameters_applied`).
Only the families in ENGINE_DEFAULTS are modelled; groups of other families keep moto's behaviour.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from moto.core.responses import ActionResult
from moto.rds.models import DBCluster, DBClusterParameterGroup, DBInstance, DBParameterGroup
from moto.rds.responses import RDSResponse

from twin.patches._registry import adds, original, replaces
from twin.patches.errors import InvalidParameterCombination, InvalidParameterValue, TwinServiceError

IN_SYNC = "in-sync"
PENDING_REBOOT = "pending-reboot"
IMMEDIATE = "immediate"
STATIC = "static"
DYNAMIC = "dynamic"
ENGINE_DEFAULT = "engine-default"
SYSTEM = "system"
USER = "user"

CLUSTER = "cluster"
INSTANCE = "instance"

REVISION_ATTR = "twin_reboot_revision"
APPLIED_CLUSTER_ATTR = "twin_applied_cluster_parameters"
APPLIED_INSTANCE_ATTR = "twin_applied_parameters"

MAX_PARAMETERS_PER_MODIFY = 20
DEFAULT_MAX_RECORDS = 100
_RANGE = re.compile(r"(-?\d+(?:\.\d+)?)-(-?\d+(?:\.\d+)?)")


class ParameterDefault(NamedTuple):
    """One engine default parameter of a family, as DescribeEngineDefault(Cluster)Parameters lists it."""

    name: str
    value: str | None  # None: AWS shows no ParameterValue (the engine's own default applies)
    apply_type: str
    data_type: str
    allowed: str | None
    description: str
    modifiable: bool = True
    source: str = ENGINE_DEFAULT


P = ParameterDefault

_CHARSETS = (
    "big5,dec8,cp850,hp8,koi8r,latin1,latin2,swe7,ascii,ujis,sjis,hebrew,tis620,euckr,koi8u,gb2312,greek,cp1250,"
    "gbk,latin5,armscii8,utf8,ucs2,cp866,keybcs2,macce,macroman,cp852,latin7,utf8mb4,cp1251,utf16,cp1256,cp1257,"
    "utf32,binary,geostd8,cp932,eucjpms,utf16le,gb18030"
)
_COLLATIONS = (
    "armscii8_general_ci,ascii_bin,ascii_general_ci,big5_chinese_ci,binary,cp1250_general_ci,cp1251_general_ci,"
    "cp1256_general_ci,cp1257_general_ci,cp850_general_ci,cp852_general_ci,cp866_general_ci,cp932_japanese_ci,"
    "dec8_swedish_ci,eucjpms_japanese_ci,euckr_korean_ci,gb18030_chinese_ci,gb2312_chinese_ci,gbk_chinese_ci,"
    "geostd8_general_ci,greek_general_ci,hebrew_general_ci,hp8_english_ci,keybcs2_general_ci,koi8r_general_ci,"
    "koi8u_general_ci,latin1_bin,latin1_general_ci,latin1_general_cs,latin1_german1_ci,latin1_swedish_ci,"
    "latin2_general_ci,latin5_turkish_ci,latin7_general_ci,macce_general_ci,macroman_general_ci,sjis_japanese_ci,"
    "swe7_swedish_ci,tis620_thai_ci,ucs2_general_ci,ujis_japanese_ci,utf16_general_ci,utf16le_general_ci,"
    "utf32_general_ci,utf8_bin,utf8_general_ci,utf8_unicode_ci,utf8mb4_0900_ai_ci,utf8mb4_0900_as_ci,"
    "utf8mb4_0900_as_cs,utf8mb4_0900_bin,utf8mb4_bin,utf8mb4_general_ci,utf8mb4_unicode_520_ci,utf8mb4_unicode_ci"
)
_TIME_ZONES = (
    "Africa/Cairo,Africa/Casablanca,Africa/Harare,Africa/Monrovia,Africa/Nairobi,Africa/Tripoli,Africa/Windhoek,"
    "America/Araguaina,America/Asuncion,America/Bogota,America/Buenos_Aires,America/Caracas,America/Chihuahua,"
    "America/Cuiaba,America/Denver,America/Fortaleza,America/Guatemala,America/Halifax,America/Manaus,"
    "America/Matamoros,America/Monterrey,America/Montevideo,America/Phoenix,America/Santiago,America/Tijuana,"
    "Asia/Amman,Asia/Ashgabat,Asia/Baghdad,Asia/Baku,Asia/Bangkok,Asia/Beirut,Asia/Calcutta,Asia/Damascus,"
    "Asia/Dhaka,Asia/Irkutsk,Asia/Jerusalem,Asia/Kabul,Asia/Karachi,Asia/Kathmandu,Asia/Krasnoyarsk,Asia/Magadan,"
    "Asia/Muscat,Asia/Novosibirsk,Asia/Riyadh,Asia/Seoul,Asia/Shanghai,Asia/Singapore,Asia/Taipei,Asia/Tehran,"
    "Asia/Tokyo,Asia/Ulaanbaatar,Asia/Vladivostok,Asia/Yakutsk,Asia/Yerevan,Atlantic/Azores,Australia/Adelaide,"
    "Australia/Brisbane,Australia/Darwin,Australia/Hobart,Australia/Perth,Australia/Sydney,Brazil/East,"
    "Canada/Newfoundland,Canada/Saskatchewan,Europe/Amsterdam,Europe/Athens,Europe/Dublin,Europe/Helsinki,"
    "Europe/Istanbul,Europe/Kaliningrad,Europe/Moscow,Europe/Paris,Europe/Prague,Europe/Sarajevo,Pacific/Auckland,"
    "Pacific/Fiji,Pacific/Guam,Pacific/Honolulu,Pacific/Samoa,US/Alaska,US/Central,US/East-Indiana,US/Eastern,"
    "US/Pacific,UTC"
)

# Logging parameters that Aurora MySQL accepts in both the DB cluster and the DB parameter group.
_AURORA_MYSQL8_LOGGING = (
    P("general_log", None, DYNAMIC, "boolean", "0,1", "Whether the general query log is enabled"),
    P("log_output", "FILE", DYNAMIC, "string", "TABLE,FILE,NONE", "Controls where to store query logs", source=SYSTEM),
    P("long_query_time", None, DYNAMIC, "float", "0-31536000", "Defines what MySQL considers long queries"),
    P("slow_query_log", None, DYNAMIC, "boolean", "0,1", "Enable or disable the slow query log"),
)

_AURORA_MYSQL8_CLUSTER = (
    *_AURORA_MYSQL8_LOGGING,
    P("aurora_binlog_replication_max_yield_seconds", None, DYNAMIC, "integer", "0-36000",
      "Seconds the binary log dump thread waits for the current binlog file to be filled"),
    P("aurora_enhanced_binlog", "0", STATIC, "boolean", "0,1",
      "Enables the enhanced binlog, which writes binary and transaction logs to storage in parallel"),
    P("aurora_load_from_s3_role", None, DYNAMIC, "string", None,
      "IAM role ARN used to load data from AWS S3"),
    P("aurora_select_into_s3_role", None, DYNAMIC, "string", None,
      "IAM role ARN used to select data into AWS S3"),
    P("auto_increment_increment", None, DYNAMIC, "integer", "1-65535",
      "Intended for use with master-to-master replication, and can be used to control the operation of "
      "AUTO_INCREMENT columns"),
    P("auto_increment_offset", None, DYNAMIC, "integer", "1-65535",
      "Determines the starting point for the AUTO_INCREMENT column value"),
    P("aws_default_lambda_role", None, DYNAMIC, "string", None, "IAM role ARN used to invoke AWS Lambda"),
    P("binlog_backup", "1", STATIC, "boolean", "0,1", "Whether binary logs are included in backups"),
    P("binlog_checksum", None, DYNAMIC, "string", "NONE,CRC32",
      "Causes the master to write a checksum for each event in the binary log"),
    P("binlog_format", "OFF", STATIC, "string", "ROW,STATEMENT,MIXED,OFF", "Binary logging format for replication"),
    P("binlog_replication_globaldb", "1", STATIC, "boolean", "0,1",
      "Whether binary logs are replicated to the secondary clusters of a global database"),
    P("binlog_row_image", None, DYNAMIC, "string", "full,minimal,noblob",
      "Whether to log full or minimal rows (row-based replication)"),
    P("binlog_row_metadata", None, DYNAMIC, "string", "full,minimal",
      "Controls how much table metadata is written to the binary log with row-based logging"),
    P("binlog_row_value_options", None, DYNAMIC, "string", "PARTIAL_JSON",
      "Enables binary logging of partial JSON updates for row-based replication"),
    P("binlog_transaction_compression", None, DYNAMIC, "string", "ON,OFF",
      "Enables compression for transactions that are written to binary log files"),
    P("character_set_client", None, DYNAMIC, "string", _CHARSETS,
      "The character set for statements that arrive from the client"),
    P("character_set_connection", None, DYNAMIC, "string", _CHARSETS,
      "The character set used for literals that do not have a character set introducer"),
    P("character_set_database", None, DYNAMIC, "string", _CHARSETS, "The character set used by the default database"),
    P("character_set_results", None, DYNAMIC, "string", _CHARSETS,
      "The character set used for returning query results to the client"),
    P("character_set_server", None, DYNAMIC, "string", _CHARSETS, "The server's default character set"),
    P("collation_connection", None, DYNAMIC, "string", _COLLATIONS, "The collation of the connection character set"),
    P("collation_server", None, DYNAMIC, "string", _COLLATIONS, "The server's default collation"),
    P("enforce_gtid_consistency", None, STATIC, "string", "OFF,ON,WARN",
      "Prevents execution of statements that cannot be logged in a transactionally safe manner"),
    P("event_scheduler", None, DYNAMIC, "string", "ON,OFF", "Indicate whether the Event Scheduler is enabled"),
    P("gtid-mode", None, STATIC, "string", "OFF,OFF_PERMISSIVE,ON_PERMISSIVE,ON",
      "Controls whether GTID based logging is enabled and what type of transactions the logs can contain"),
    P("innodb_autoinc_lock_mode", None, STATIC, "integer", "0-2",
      "The locking mode to use for generating auto-increment values"),
    P("innodb_lock_wait_timeout", None, DYNAMIC, "integer", "1-1073741824",
      "Timeout in seconds an innodb transaction may wait for a row lock before giving up"),
    P("innodb_print_all_deadlocks", None, DYNAMIC, "boolean", "0,1",
      "Record information about all deadlocks in the error log"),
    P("lower_case_table_names", None, STATIC, "integer", "0,1", "Affects how table and database names are stored"),
    P("require_secure_transport", None, DYNAMIC, "boolean", "ON,OFF",
      "Whether client connections to the server are required to use some form of secure transport"),
    P("server_audit_events", None, DYNAMIC, "list",
      "CONNECT,QUERY,QUERY_DCL,QUERY_DDL,QUERY_DML,QUERY_DML_NO_SELECT,TABLE",
      "Specifies the types of events to log in the advanced audit log"),
    P("server_audit_excl_users", None, DYNAMIC, "string", None,
      "Users whose activity is excluded from the advanced audit log"),
    P("server_audit_incl_users", None, DYNAMIC, "string", None,
      "Users whose activity is included in the advanced audit log"),
    P("server_audit_logging", None, DYNAMIC, "boolean", "0,1", "Enables or disables the advanced audit log"),
    P("server_id", None, STATIC, "integer", "1-4294967295",
      "The server ID, used in replication to give each master and slave a unique identity",
      modifiable=False, source=SYSTEM),
    P("time_zone", None, DYNAMIC, "string", _TIME_ZONES, "The server's time zone"),
    P("tls_version", None, STATIC, "list", "TLSv1.2,TLSv1.3", "TLS versions the server permits for connections"),
)  # fmt: skip

_AURORA_MYSQL8_INSTANCE = (
    *_AURORA_MYSQL8_LOGGING,
    P("autocommit", None, DYNAMIC, "boolean", "0,1", "Sets the autocommit mode"),
    P("innodb_buffer_pool_size", "{DBInstanceClassMemory*3/4}", STATIC, "integer", "5242880-18446744073709551615",
      "The size in bytes of the memory buffer innodb uses to cache data and indexes of its tables", source=SYSTEM),
    P("log_bin_trust_function_creators", None, DYNAMIC, "boolean", "0,1",
      "Enforces restrictions on stored functions and triggers when binary logging is enabled"),
    P("max_allowed_packet", None, DYNAMIC, "integer", "1024-1073741824",
      "This value by default is small, to catch large (possibly incorrect) packets. Must be increased if using "
      "large BLOB columns or long strings. As big as largest BLOB."),
    P("max_connections",
      "GREATEST({log(DBInstanceClassMemory/805306368)*45},{log(DBInstanceClassMemory/8187281408)*1000})",
      DYNAMIC, "integer", "1-16000", "The number of simultaneous client connections allowed.", source=SYSTEM),
    P("performance_schema", None, STATIC, "boolean", "0,1", "Enables or disables the Performance Schema"),
    P("sql_mode", None, DYNAMIC, "list",
      "ALLOW_INVALID_DATES,ANSI_QUOTES,ERROR_FOR_DIVISION_BY_ZERO,HIGH_NOT_PRECEDENCE,IGNORE_SPACE,"
      "NO_AUTO_VALUE_ON_ZERO,NO_BACKSLASH_ESCAPES,NO_DIR_IN_CREATE,NO_ENGINE_SUBSTITUTION,NO_UNSIGNED_SUBTRACTION,"
      "NO_ZERO_DATE,NO_ZERO_IN_DATE,ONLY_FULL_GROUP_BY,PAD_CHAR_TO_FULL_LENGTH,PIPES_AS_CONCAT,REAL_AS_FLOAT,"
      "STRICT_ALL_TABLES,STRICT_TRANS_TABLES,TIME_TRUNCATE_FRACTIONAL,ANSI,TRADITIONAL",
      "Current SQL Server Mode."),
    P("table_open_cache", "{LEAST(DBInstanceClassMemory/1179121,6000)}", DYNAMIC, "integer", "1-524288",
      "The number of open tables for all threads. Increasing this value increases the number of file descriptors "
      "that mysqld requires.", source=SYSTEM),
    P("transaction_isolation", None, DYNAMIC, "string",
      "READ-UNCOMMITTED,READ-COMMITTED,REPEATABLE-READ,SERIALIZABLE", "Sets the default transaction isolation level."),
    P("wait_timeout", None, DYNAMIC, "integer", "1-31536000",
      "The number of seconds the server waits for activity on a non-interactive TCP/IP or UNIX file connection "
      "before closing it."),
)  # fmt: skip

# The one table: (kind of group, family) -> that family's engine defaults.
ENGINE_DEFAULTS: dict[tuple[str, str], tuple[ParameterDefault, ...]] = {
    (CLUSTER, "aurora-mysql8.0"): _AURORA_MYSQL8_CLUSTER,
    (INSTANCE, "aurora-mysql8.0"): _AURORA_MYSQL8_INSTANCE,
}
SUPPORTED_ENGINE_MODES = {(CLUSTER, "aurora-mysql8.0"): ["provisioned"]}


# ---------------------------------------------------------------- the engine defaults


def engine_defaults(kind: str, family: str | None) -> tuple[ParameterDefault, ...]:
    """The engine defaults of a family, sorted by name as AWS lists them (empty for a family the twin lacks)."""
    return tuple(sorted(ENGINE_DEFAULTS.get((kind, family or ""), ()), key=lambda row: row.name))


def default_entry(kind: str, family: str, row: ParameterDefault) -> dict[str, Any]:
    """A Parameter structure for an engine default, as a new group holds it."""
    entry: dict[str, Any] = {"ParameterName": row.name}
    if row.value is not None:
        entry["ParameterValue"] = row.value
    entry.update(
        Description=row.description,
        Source=row.source,
        ApplyType=row.apply_type,
        DataType=row.data_type,
        IsModifiable=row.modifiable,
        ApplyMethod=PENDING_REBOOT,
    )
    if row.allowed is not None:
        entry["AllowedValues"] = row.allowed
    if (kind, family) in SUPPORTED_ENGINE_MODES:
        entry["SupportedEngineModes"] = list(SUPPORTED_ENGINE_MODES[(kind, family)])
    return entry


def engine_default_entries(kind: str, family: str) -> list[dict[str, Any]]:
    return [default_entry(kind, family, row) for row in engine_defaults(kind, family)]


def engine_default(kind: str, family: str | None, name: str) -> str | None:
    """The engine default value of `name` in `family`, or None when AWS shows none (or the twin lacks it)."""
    return next((row.value for row in engine_defaults(kind, family) if row.name == name), None)


def _seed(group: Any, kind: str, family: str | None) -> None:
    for entry in engine_default_entries(kind, family or ""):
        group.parameters.setdefault(entry["ParameterName"], entry)


@replaces(DBClusterParameterGroup, "__init__")
def _cluster_group_init(self: Any, *args: Any, **kwargs: Any) -> None:
    """AWS: a new DB cluster parameter group holds its family's engine defaults."""
    original(DBClusterParameterGroup, "__init__")(self, *args, **kwargs)
    _seed(self, CLUSTER, self.db_parameter_group_family)


@replaces(DBParameterGroup, "__init__")
def _group_init(self: Any, *args: Any, **kwargs: Any) -> None:
    """AWS: a new DB parameter group holds its family's engine defaults."""
    original(DBParameterGroup, "__init__")(self, *args, **kwargs)
    _seed(self, INSTANCE, self.family)


# ---------------------------------------------------------------- families and effective values


def engine_family(engine: str, engine_version: str) -> str:
    """The parameter group family of an engine version: aurora-mysql + 8.0.mysql_aurora.3.05.2 -> aurora-mysql8.0."""
    parts = str(engine_version).split(".")
    if "mysql_aurora" in parts or engine in ("aurora-mysql", "mysql", "mariadb"):
        return f"{engine.lower()}{'.'.join(parts[:2])}"
    return f"{engine.lower()}{parts[0]}"


def cluster_family(cluster: Any) -> str:
    return engine_family(cluster.engine, cluster.engine_version)


@replaces(DBInstance, "default_db_parameter_group_details")
def _default_db_parameter_group_details(self: Any) -> tuple[str, str]:
    """AWS: an Aurora MySQL 3 instance's default DB parameter group is default.aurora-mysql8.0."""
    if "mysql_aurora" not in str(self.engine_version):
        return original(DBInstance, "default_db_parameter_group_details")(self)
    family = engine_family(self.engine, self.engine_version)
    return family, f"default.{family}"


def _cluster_group(cluster: Any) -> Any | None:
    return cluster.backend.db_cluster_parameter_groups.get(cluster.parameter_group)


def effective_cluster_parameter(cluster: Any, name: str) -> str | None:
    """The value of `name` in the cluster's DB cluster parameter group: the user's value, else the engine default.

    None when the group sets no value and the family's engine default has none (or is unknown to the twin).
    """
    group = _cluster_group(cluster)
    family = cluster_family(cluster)
    if group is not None:
        entry = group.parameters.get(name)  # dict.get: moto's defaultdict would grow an empty entry on []
        if entry and entry.get("ParameterValue") is not None:
            return str(entry["ParameterValue"])
        family = group.db_parameter_group_family
    return engine_default(CLUSTER, family, name)


# ---------------------------------------------------------------- pending-reboot state


def _revision(group: Any | None) -> int:
    return getattr(group, REVISION_ATTR, 0)


def cluster_group_state(cluster: Any) -> tuple[str, int]:
    """What a member of `cluster` must have applied to be in sync: the group's name and its reboot revision."""
    return cluster.parameter_group, _revision(_cluster_group(cluster))


def _instance_group_state(instance: Any) -> tuple[str, int]:
    group = instance.db_parameter_groups()[0]
    return group.name, _revision(group)


def mark_parameters_applied(instance: Any) -> None:
    """The instance has applied its groups as they are now (it was just created or rebooted)."""
    setattr(instance, APPLIED_INSTANCE_ATTR, _instance_group_state(instance))
    if getattr(instance, "cluster", None) is not None:
        setattr(instance, APPLIED_CLUSTER_ATTR, cluster_group_state(instance.cluster))


def _status(instance: Any, attr: str, current: tuple[str, int]) -> str:
    applied = getattr(instance, attr, None)
    if applied is None:  # made by a path the twin does not hook: it starts from the group it was given
        setattr(instance, attr, current)
        return IN_SYNC
    return IN_SYNC if tuple(applied) == current else PENDING_REBOOT


def member_cluster_parameter_status(member: Any) -> str:
    """DBClusterMembers[].DBClusterParameterGroupStatus of one Aurora member instance."""
    return _status(member, APPLIED_CLUSTER_ATTR, cluster_group_state(member.cluster))


def writer_parameters_in_sync(cluster: Any) -> bool:
    """True when the cluster's writer instance has its DB cluster parameter group in sync (False with no writer)."""
    members = cluster.members  # moto designates a writer on this read
    writer = next((member for member in members if member.is_cluster_writer), None)
    return writer is not None and member_cluster_parameter_status(writer) == IN_SYNC


def _db_cluster_members(self: Any) -> list[dict[str, Any]]:
    """AWS: each member shows whether it has applied the cluster parameter group (in-sync / pending-reboot)."""
    return [
        {
            "DBInstanceIdentifier": member.db_instance_identifier,
            "IsClusterWriter": member.is_cluster_writer,
            "DBClusterParameterGroupStatus": member_cluster_parameter_status(member),
            "PromotionTier": member.promotion_tier,
        }
        for member in self.members
    ]


def _db_parameter_group_status_list(self: Any) -> list[dict[str, Any]]:
    """AWS: DBParameterGroups[].ParameterApplyStatus is pending-reboot until the instance applies the group."""
    group = self.db_parameter_groups()[0]
    status = _status(self, APPLIED_INSTANCE_ATTR, (group.name, _revision(group)))
    return [{"DBParameterGroupName": group.name, "ParameterApplyStatus": status}]


replaces(DBCluster, "db_cluster_members")(property(_db_cluster_members))
replaces(DBInstance, "db_parameter_group_status_list")(property(_db_parameter_group_status_list))


# ---------------------------------------------------------------- modify and reset


def _is_formula(value: str) -> bool:
    return "{" in value or value.upper().startswith(("GREATEST(", "LEAST(", "SUM("))


def _choice_allows(choice: str, item: str, data_type: str) -> bool:
    bounds = _RANGE.fullmatch(choice)
    if bounds is None:
        return item.lower() == choice.lower()
    number = float if data_type == "float" else int
    try:
        return number(bounds.group(1)) <= number(item) <= number(bounds.group(2))
    except ValueError:
        return False


def value_allowed(value: str, data_type: str, allowed: str | None) -> bool:
    """Whether `value` is within a parameter's AllowedValues (a list of choices and ranges such as 0-36000)."""
    if not allowed or (data_type == "integer" and _is_formula(value)):
        return True
    items = [item.strip() for item in value.split(",")] if data_type == "list" else [value]
    choices = allowed.split(",")
    return all(any(_choice_allows(choice, item, data_type) for choice in choices) for item in items)


def _needs_reboot(current: dict[str, Any], apply_method: str | None) -> bool:
    return current.get("ApplyType") == STATIC or apply_method != IMMEDIATE


def _check_change(current: dict[str, Any] | None, requested: dict[str, Any]) -> None:
    name = requested.get("ParameterName")
    if current is None:
        raise InvalidParameterValue(f"Could not find parameter with name: {name}")
    if not current.get("IsModifiable", True):
        raise InvalidParameterValue(f"The parameter {name} cannot be modified.")
    value = requested.get("ParameterValue")
    allowed = current.get("AllowedValues")
    if value is not None and not value_allowed(str(value), current.get("DataType", "string"), allowed):
        raise InvalidParameterValue(f"Invalid parameter value: {value} for: {name} allowed values are: {allowed}")
    if requested.get("ApplyMethod") == IMMEDIATE and current.get("ApplyType") == STATIC:
        raise InvalidParameterCombination("cannot use immediate apply method for static parameter")


def validated_changes(group: Any, kind: str, family: str | None, requested: list[dict[str, Any]]) -> bool:
    """Check a Modify request against the group as AWS does; True when a change waits for a reboot.

    Each requested parameter is marked Source=user. A family the twin has no table for is not checked.
    """
    if len(requested) > MAX_PARAMETERS_PER_MODIFY:
        raise InvalidParameterCombination("Cannot modify more than 20 parameters in a single request")
    if group.name.startswith("default."):
        raise InvalidParameterValue("Cannot modify a default parameter group.")
    if not engine_defaults(kind, family):
        return any(change.get("ApplyMethod") != IMMEDIATE for change in requested)
    needs_reboot = False
    for change in requested:
        current = group.parameters.get(change.get("ParameterName"))
        _check_change(current, change)
        needs_reboot |= _needs_reboot(current or {}, change.get("ApplyMethod"))
        change["Source"] = USER
    return needs_reboot


def _bump_revision(group: Any) -> None:
    setattr(group, REVISION_ATTR, _revision(group) + 1)


def _requested(response: Any) -> list[dict[str, Any]]:
    return [parameter.original_dict() for parameter in response.params.get("Parameters", [])]


@replaces(RDSResponse, "modify_db_cluster_parameter_group")
def modify_db_cluster_parameter_group(self: Any) -> ActionResult:
    """AWS: validated changes, Source=user, and members pending-reboot after a change that waits for a reboot."""
    name = self.params.get("DBClusterParameterGroupName")
    group = self.backend.describe_db_cluster_parameter_groups(name)[0]
    requested = _requested(self)
    needs_reboot = validated_changes(group, CLUSTER, group.db_parameter_group_family, requested)
    self.backend.modify_db_cluster_parameter_group(name, requested)
    if needs_reboot:
        _bump_revision(group)
    return ActionResult({"DBClusterParameterGroupName": group.name})


def _db_parameter_group(backend: Any, name: str | None) -> Any:
    groups = backend.describe_db_parameter_groups({"db_parameter_group_name": (name or "").lower()})
    if not groups:
        raise TwinServiceError("DBParameterGroupNotFound", f"DBParameterGroup not found: {name}")
    return groups[0]


@replaces(RDSResponse, "describe_db_parameter_groups")
def describe_db_parameter_groups(self: Any) -> ActionResult:
    """AWS: DescribeDBParameterGroups of a name that does not exist fails DBParameterGroupNotFound (moto: [])."""
    name = self.params.get("DBParameterGroupName")
    if name:
        return ActionResult({"DBParameterGroups": [_db_parameter_group(self.backend, name)]})
    return original(RDSResponse, "describe_db_parameter_groups")(self)


@replaces(RDSResponse, "modify_db_parameter_group")
def modify_db_parameter_group(self: Any) -> ActionResult:
    """AWS: validated changes, Source=user, and instances pending-reboot after a change that waits for a reboot."""
    group = _db_parameter_group(self.backend, self.params.get("DBParameterGroupName"))
    requested = _requested(self)
    needs_reboot = validated_changes(group, INSTANCE, group.family, requested)
    self.backend.modify_db_parameter_group(group.name, requested)
    if needs_reboot:
        _bump_revision(group)
    return ActionResult({"DBParameterGroupName": group.name})


def reset_parameters(group: Any, kind: str, family: str | None, names: list[str] | None) -> None:
    """Put engine defaults back (all when `names` is None); a static parameter's reset waits for a reboot."""
    defaults = {entry["ParameterName"]: entry for entry in engine_default_entries(kind, family or "")}
    chosen = list(group.parameters) if names is None else names
    needs_reboot = False
    for name in chosen:
        if name not in group.parameters:
            raise InvalidParameterValue(f"Could not find parameter with name: {name}")
        if name in defaults and group.parameters[name].get("Source") != USER:
            continue
        needs_reboot |= group.parameters[name].get("ApplyType") == STATIC
        if name in defaults:
            group.parameters[name] = defaults[name]
        else:
            del group.parameters[name]
    if needs_reboot:
        _bump_revision(group)


def _reset_names(response: Any) -> list[str] | None:
    if response.params.get("ResetAllParameters"):
        return None
    return [change["ParameterName"] for change in _requested(response)]


@adds(RDSResponse, "reset_db_cluster_parameter_group")
def reset_db_cluster_parameter_group(self: Any) -> ActionResult:
    """AWS ResetDBClusterParameterGroup: the named (or all) parameters go back to the engine defaults."""
    group = self.backend.describe_db_cluster_parameter_groups(self.params.get("DBClusterParameterGroupName"))[0]
    reset_parameters(group, CLUSTER, group.db_parameter_group_family, _reset_names(self))
    return ActionResult({"DBClusterParameterGroupName": group.name})


@adds(RDSResponse, "reset_db_parameter_group")
def reset_db_parameter_group(self: Any) -> ActionResult:
    """AWS ResetDBParameterGroup: the named (or all) parameters go back to the engine defaults."""
    group = _db_parameter_group(self.backend, self.params.get("DBParameterGroupName"))
    reset_parameters(group, INSTANCE, group.family, _reset_names(self))
    return ActionResult({"DBParameterGroupName": group.name})


# ---------------------------------------------------------------- describe


def _page(response: Any, parameters: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str | None]:
    """One page of parameters (MaxRecords, default 100) and the Marker of the next, as AWS paginates them."""
    source = response.params.get("Source")
    if source:
        parameters = [parameter for parameter in parameters if parameter.get("Source") == source]
    marker = str(response.params.get("Marker") or "0")
    start = int(marker) if marker.isdigit() else 0
    size = int(response.params.get("MaxRecords") or DEFAULT_MAX_RECORDS)
    end = start + size
    return parameters[start:end], (str(end) if end < len(parameters) else None)


def _parameters_result(response: Any, parameters: list[dict[str, Any]]) -> ActionResult:
    page, marker = _page(response, parameters)
    result: dict[str, Any] = {"Parameters": page}
    if marker is not None:
        result["Marker"] = marker
    return ActionResult(result)


@replaces(RDSResponse, "describe_db_cluster_parameters")
def describe_db_cluster_parameters(self: Any) -> ActionResult:
    """AWS: the group's parameters, filtered by Source (engine-default / system / user), paginated."""
    group = self.backend.describe_db_cluster_parameter_groups(self.params.get("DBClusterParameterGroupName"))[0]
    parameters = [{"ParameterName": name, **values} for name, values in group.parameters.items()]
    return _parameters_result(self, parameters)


@replaces(RDSResponse, "describe_db_parameters")
def describe_db_parameters(self: Any) -> ActionResult:
    """AWS: the group's parameters, filtered by Source (engine-default / system / user), paginated."""
    group = _db_parameter_group(self.backend, self.params.get("DBParameterGroupName"))
    parameters = [{"ParameterName": name, **values} for name, values in group.parameters.items()]
    return _parameters_result(self, parameters)


def _engine_defaults_result(response: Any, kind: str) -> dict[str, Any]:
    family = response.params.get("DBParameterGroupFamily")
    page, marker = _page(response, engine_default_entries(kind, family))
    defaults: dict[str, Any] = {"DBParameterGroupFamily": family, "Parameters": page}
    if marker is not None:
        defaults["Marker"] = marker
    return {"EngineDefaults": defaults}


@adds(RDSResponse, "describe_engine_default_cluster_parameters")
def describe_engine_default_cluster_parameters(self: Any) -> ActionResult:
    """AWS DescribeEngineDefaultClusterParameters: the family's DB cluster engine defaults."""
    return ActionResult(_engine_defaults_result(self, CLUSTER))


@adds(RDSResponse, "describe_engine_default_parameters")
def describe_engine_default_parameters(self: Any) -> ActionResult:
    """AWS DescribeEngineDefaultParameters: the family's DB instance engine defaults."""
    return ActionResult(_engine_defaults_result(self, INSTANCE))
