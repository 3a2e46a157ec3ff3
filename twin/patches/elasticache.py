"""ElastiCache: where moto 5.2.5 departs from AWS, for the calls this collection makes.

Departures patched here (each has a test in tests/twin/test_elasticache.py):
- cache parameter groups (create, describe, modify, reset, delete, describe_cache_parameters,
  describe_engine_default_parameters) answer HTTP 500 in moto; here they have AWS's lifecycle, the immutable
  `default.<family>` groups and one table of engine defaults (`ENGINE_DEFAULTS`);
- delete_cache_subnet_group answers 500; here it deletes, refused while a cluster uses the group;
- cache subnet groups report `SubnetAvailabilityZone: {}`; here they carry the subnet's zone;
- create_replication_group builds one member whatever NumCacheClusters says and accepts any input; here it builds
  the primary and its replicas (each also a cache cluster), spreads them over the zones, and validates as AWS does;
- modify_replication_group ignores most of its input; here it applies it, with AWS's AUTH token strategies, and
  Engine: a Redis OSS group is upgraded in place to Valkey (Engine valkey with a Valkey EngineVersion; AWS offers no
  way back, nor to another engine);
- a cache cluster (a replication group's member too) created without CacheSubnetGroupName shows none; AWS puts it
  in the subnet group named `default`;
- modify_cache_cluster answers 500; here it applies what AWS applies (community.aws.elasticache's second run);
- delete_replication_group and delete_cache_cluster leave `deleting` forever; here the answer says `deleting`
  and the resource is gone from the next read (final snapshot and RetainPrimaryCluster as AWS);
- cache clusters lack CacheNodes, CacheSecurityGroups, SecurityGroups, CacheParameterGroup and
  PendingModifiedValues; here they have them (CacheNodes only with ShowCacheNodeInfo, as AWS).

A replication group keeps the AUTH tokens that currently open a connection in `auth_tokens` (newest last) and
`auth_token_optional` (a ROTATE from no token leaves unauthenticated connections allowed); the API never returns
them. They are for the twin's data plane.
"""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass, field
from typing import Any

from moto.core.responses import ActionResult, EmptyResult, PaginatedResult
from moto.core.utils import utcnow
from moto.elasticache.models import CacheCluster, CacheSubnetGroup, ElastiCacheBackend, ReplicationGroup
from moto.elasticache.responses import ElastiCacheResponse
from moto.utilities.utils import get_partition

from twin.patches._registry import adds, original, replaces
from twin.patches.errors import InvalidParameterCombination, InvalidParameterValue, TwinServiceError
from twin.timeline import TIMELINE

# --------------------------------------------------------------------------------------------------------------------
# Data: engine versions, families and the engine defaults of a cache parameter group.

ENGINE_FAMILIES: tuple[tuple[str, str, str], ...] = (
    # engine, accepted EngineVersion (regular expression), cache parameter group family
    ("redis", r"5\.0(\.\d+)?", "redis5.0"),
    ("redis", r"6\.(0|2|x)(\.\d+)?", "redis6.x"),
    ("redis", r"7\.[01](\.\d+)?", "redis7"),
    ("valkey", r"7\.2(\.\d+)?", "valkey7"),
    ("valkey", r"8\.[01](\.\d+)?", "valkey8"),
)
FAMILY_MINIMUM_ENGINE_VERSION = {
    "redis5.0": "5.0.0",
    "redis6.x": "6.0.0",
    "redis7": "7.0.0",
    "valkey7": "7.2.0",
    "valkey8": "8.0.0",
}
DEFAULT_ENGINE_VERSION = {"redis": "7.1", "valkey": "8.0"}
LATEST_PATCH = {"5.0": "5.0.6", "6.0": "6.0.5", "6.2": "6.2.6", "6.x": "6.2.6", "7.0": "7.0.7", "7.1": "7.1.0"}
CLUSTER_ON_SUFFIX = ".cluster.on"
MAX_PARAMETERS_PER_MODIFY = 20
MAX_CACHE_CLUSTERS = 6  # cluster mode disabled: a primary and up to five replicas
DEFAULT_PORT = 6379
DEFAULT_SUBNET_GROUP = "default"  # AWS's cache subnet group of the default VPC, used when none is named
DEFAULT_SNAPSHOT_WINDOW = "05:00-06:00"
DEFAULT_MAINTENANCE_WINDOW = "sun:07:00-sun:08:00"
AUTH_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9!&#$^<>-]{16,128}")
MAXMEMORY_POLICIES = (
    "volatile-lru,allkeys-lru,volatile-lfu,allkeys-lfu,volatile-random,allkeys-random,volatile-ttl,noeviction"
)


@dataclass(frozen=True)
class ParameterSpec:
    """One engine default, as describe_engine_default_parameters lists it.

    `at_creation`: AWS lists the parameter as not modifiable in the engine defaults and the default groups; in a
    group of your own it can be changed only while no cluster uses the group ("Changes take effect: at creation").
    """

    name: str
    value: str | None
    data_type: str
    allowed: str | None
    modifiable: bool
    change_type: str
    description: str
    at_creation: bool = False


_P = ParameterSpec
ENGINE_DEFAULTS: tuple[ParameterSpec, ...] = (
    _P("activedefrag", "no", "string", "yes,no", True, "immediate", "Enabled active memory defragmentation"),
    _P("activerehashing", "yes", "string", "yes,no", True, "requires-reboot", "Apply rehashing or not.", True),
    _P(
        "appendfsync",
        "everysec",
        "string",
        "always,everysec,no",
        False,
        "immediate",
        "fsync policy for AOF persistence",
    ),
    _P("appendonly", "no", "string", "yes,no", False, "immediate", "Enable Redis persistence."),
    _P(
        "close-on-replica-write",
        "yes",
        "string",
        "yes,no",
        True,
        "immediate",
        "If enabled, clients who attempt to write to a read-only replica will be disconnected. "
        "Applicable to 2.8.23 and higher.",
    ),
    _P("cluster-enabled", "no", "string", "yes,no", True, "requires-reboot", "Enable cluster mode", True),
    _P("databases", "16", "integer", "1-1200000", True, "requires-reboot", "Set the number of databases.", True),
    _P(
        "lazyfree-lazy-eviction",
        "no",
        "string",
        "yes,no",
        True,
        "immediate",
        "Perform an asynchronous delete on evictions",
    ),
    _P(
        "lazyfree-lazy-expire",
        "no",
        "string",
        "yes,no",
        True,
        "immediate",
        "Perform an asynchronous delete on expired keys",
    ),
    _P(
        "lazyfree-lazy-server-del",
        "no",
        "string",
        "yes,no",
        True,
        "immediate",
        "Perform an asynchronous delete on key updates",
    ),
    _P(
        "lua-time-limit",
        "5000",
        "integer",
        "5000",
        False,
        "immediate",
        "Max execution time of a Lua script in milliseconds. 0 for unlimited execution without warnings.",
    ),
    _P("maxclients", "65000", "integer", "1-65000", False, "requires-reboot", "The maximum number of Redis clients."),
    _P("maxmemory-policy", "volatile-lru", "string", MAXMEMORY_POLICIES, True, "immediate", "Max memory policy."),
    _P("maxmemory-samples", "3", "integer", "1-", True, "immediate", "Max memory samples."),
    _P(
        "notify-keyspace-events",
        None,
        "string",
        None,
        True,
        "immediate",
        "The keyspace events for Redis to notify Pub/Sub clients about. By default all notifications are disabled",
    ),
    _P(
        "reserved-memory-percent",
        "25",
        "integer",
        "0-100",
        True,
        "immediate",
        "The percent of memory reserved for non-cache memory usage. You may want to increase this parameter for "
        "nodes with read replicas, AOF enabled, etc, to reduce swap usage.",
    ),
    _P(
        "slowlog-log-slower-than",
        "10000",
        "integer",
        "-",
        True,
        "immediate",
        "The execution time, in microseconds, to exceed in order for the command to get logged. Note that a "
        "negative number disables the slow log, while a value of zero forces the logging of every command.",
    ),
    _P("slowlog-max-len", "128", "integer", "0-", True, "immediate", "The length of the slow log."),
    _P(
        "tcp-keepalive",
        "300",
        "integer",
        "0-",
        True,
        "immediate",
        "If non-zero, send ACKs every given number of seconds.",
    ),
    _P(
        "timeout",
        "0",
        "integer",
        "0,20-",
        True,
        "immediate",
        "Close connection if client is idle for a given number of seconds, or never if 0.",
    ),
)
PARAMETERS_BY_NAME = {spec.name: spec for spec in ENGINE_DEFAULTS}

# --------------------------------------------------------------------------------------------------------------------
# Errors (codes from botocore's elasticache service model; messages as AWS words them where known).


def _parameter_group_not_found(name: str, wording: str = "describe") -> TwinServiceError:
    if wording == "describe":
        return TwinServiceError("CacheParameterGroupNotFound", f"CacheParameterGroup {name} not found.")
    return TwinServiceError("CacheParameterGroupNotFound", f"CacheParameterGroup not found: {name}")


def _subnet_group_not_found(name: str) -> TwinServiceError:
    return TwinServiceError("CacheSubnetGroupNotFoundFault", f"CacheSubnetGroup {name} not found.")


def _replication_group_not_found(group_id: str) -> TwinServiceError:
    return TwinServiceError("ReplicationGroupNotFoundFault", f"Replication group {group_id} not found.")


def _cache_cluster_not_found(cluster_id: str) -> TwinServiceError:
    return TwinServiceError("CacheClusterNotFound", f"Cache cluster {cluster_id} not found.")


# --------------------------------------------------------------------------------------------------------------------
# States: immediate by default; in the twin's time mode (twin.timeline) a replication group and its member clusters
# are `creating`, `modifying` or `deleting` for AWS's typical durations, scaled.

AVAILABLE = "available"
CREATING = "creating"
MODIFYING = "modifying"
DELETING = "deleting"
PHASE_DURATIONS = {  # keys of twin.timeline.TYPICAL_AWS_SECONDS
    CREATING: "elasticache.replication_group.creating",
    MODIFYING: "elasticache.replication_group.modifying",
    DELETING: "elasticache.replication_group.deleting",
}


def begin_phase(group: ReplicationGroup, state: str) -> None:
    """The group (and its members) show `state` for AWS's typical duration times the time scale."""
    TIMELINE.schedule(group.arn, [(state, PHASE_DURATIONS[state])])


def _group_status(self: ReplicationGroup) -> str:
    return TIMELINE.state(self.arn, self.__dict__.get("twin_settled_status", AVAILABLE))


def _set_group_status(self: ReplicationGroup, value: str) -> None:
    self.__dict__["twin_settled_status"] = value


def _cluster_status(self: CacheCluster) -> str:
    settled = self.__dict__.get("twin_settled_status", AVAILABLE)
    key = self.__dict__.get("twin_timeline_key")
    return TIMELINE.state(key, settled) if key else settled


def _set_cluster_status(self: CacheCluster, value: str) -> None:
    self.__dict__["twin_settled_status"] = value


adds(ReplicationGroup, "status")(property(_group_status, _set_group_status))
adds(CacheCluster, "cache_cluster_status")(property(_cluster_status, _set_cluster_status))


# --------------------------------------------------------------------------------------------------------------------
# Engine versions and families.


def family_for(engine: str, engine_version: str) -> str:
    """The cache parameter group family of an engine version; InvalidParameterCombination when AWS has none."""
    for family_engine, pattern, family in ENGINE_FAMILIES:
        if family_engine == engine and re.fullmatch(pattern, engine_version):
            return family
    raise InvalidParameterCombination(f"Cannot find version {engine_version} for {engine}")


def _family_or_none(engine: str, engine_version: str) -> str | None:
    try:
        return family_for(engine, engine_version)
    except InvalidParameterCombination:
        return None


def full_engine_version(engine_version: str) -> str:
    """The version a node runs for a requested EngineVersion ("6.2" -> "6.2.6", "7.1" -> "7.1.0")."""
    if engine_version.count(".") >= 2:
        return engine_version
    return LATEST_PATCH.get(engine_version, f"{engine_version}.0")


def _region_short(region: str) -> str:
    parts = region.split("-")
    return parts[0] + "".join(part[0] for part in parts[1:-1]) + parts[-1]


def _random_token() -> str:
    return "".join(random.choices(string.ascii_lowercase + string.digits, k=6))


# --------------------------------------------------------------------------------------------------------------------
# Cache parameter groups: the model and the default groups.


@dataclass
class TwinCacheParameterGroup:
    """A cache parameter group; attributes are read by moto's serializer (CacheParameterGroup shape)."""

    cache_parameter_group_name: str
    cache_parameter_group_family: str
    description: str
    arn: str
    is_global: bool = False
    is_default: bool = False
    values: dict[str, str] = field(default_factory=dict)  # parameters set by the user

    def value_of(self, spec: ParameterSpec) -> str | None:
        return self.values.get(spec.name, self._default_value(spec))

    def _default_value(self, spec: ParameterSpec) -> str | None:
        if spec.name == "cluster-enabled" and self.cache_parameter_group_name.endswith(CLUSTER_ON_SUFFIX):
            return "yes"
        return spec.value


def _group_arn(backend: ElastiCacheBackend, name: str) -> str:
    partition = get_partition(backend.region_name)
    return f"arn:{partition}:elasticache:{backend.region_name}:{backend.account_id}:parametergroup:{name}"


def _default_groups(backend: ElastiCacheBackend) -> list[TwinCacheParameterGroup]:
    groups = []
    for family in FAMILY_MINIMUM_ENGINE_VERSION:
        for suffix, description in (
            ("", f"Default parameter group for {family}"),
            (CLUSTER_ON_SUFFIX, f"Customized default parameter group for {family} with cluster mode on"),
        ):
            name = f"default.{family}{suffix}"
            groups.append(
                TwinCacheParameterGroup(name, family, description, _group_arn(backend, name), is_default=True)
            )
    return groups


def _user_groups(backend: ElastiCacheBackend) -> dict[str, TwinCacheParameterGroup]:
    """The account's own groups, kept on moto's backend (so moto's reset clears them)."""
    return backend.__dict__.setdefault("twin_cache_parameter_groups", {})


def find_parameter_group(backend: ElastiCacheBackend, name: str) -> TwinCacheParameterGroup | None:
    name = name.lower()
    for group in _default_groups(backend):
        if group.cache_parameter_group_name == name:
            return group
    return _user_groups(backend).get(name)


def _get_parameter_group(backend: ElastiCacheBackend, name: str, wording: str = "describe") -> TwinCacheParameterGroup:
    group = find_parameter_group(backend, name)
    if group is None:
        raise _parameter_group_not_found(name, wording)
    return group


def _group_in_use(backend: ElastiCacheBackend, name: str) -> bool:
    purge_finished_deletions(backend)
    clusters = backend.cache_clusters.values()
    groups = backend.replication_groups.values()
    return any(getattr(item, "cache_parameter_group_name", None) == name for item in [*clusters, *groups])


def _parameter_view(spec: ParameterSpec, family: str, group: TwinCacheParameterGroup | None) -> dict[str, Any]:
    """One Parameter as AWS lists it: of a group of your own, or (group None or a default group) the defaults."""
    own_group = group is not None and not group.is_default
    user_set = own_group and spec.name in group.values
    view: dict[str, Any] = {
        "ParameterName": spec.name,
        "ParameterValue": group.value_of(spec) if group is not None else spec.value,
        "Description": spec.description,
        "Source": "user" if user_set else "system",
        "DataType": spec.data_type,
        "AllowedValues": spec.allowed,
        "IsModifiable": spec.modifiable and (own_group or not spec.at_creation),
        "MinimumEngineVersion": FAMILY_MINIMUM_ENGINE_VERSION[family],
        "ChangeType": spec.change_type,
    }
    return {key: item for key, item in view.items() if item is not None}


def _integer_allowed(allowed: str, value: str) -> bool:
    if not re.fullmatch(r"-?\d+", value):
        return False
    number = int(value)
    for token in allowed.split(","):
        if re.fullmatch(r"-?\d+", token):
            if number == int(token):
                return True
            continue
        bounds = re.fullmatch(r"(\d*)-(\d*)", token)
        if bounds and (not bounds[1] or number >= int(bounds[1])) and (not bounds[2] or number <= int(bounds[2])):
            return True
    return False


def value_allowed(spec: ParameterSpec, value: str) -> bool:
    if spec.allowed is None:
        return True
    if spec.data_type == "integer":
        return _integer_allowed(spec.allowed, value)
    return value in spec.allowed.split(",")


def _check_new_value(backend: ElastiCacheBackend, group: TwinCacheParameterGroup, name: str, value: str) -> None:
    spec = PARAMETERS_BY_NAME.get(name)
    if spec is None:
        raise InvalidParameterValue(f"Could not find parameter with name: {name}")
    if not spec.modifiable or (spec.at_creation and _group_in_use(backend, group.cache_parameter_group_name)):
        raise InvalidParameterValue(f"The parameter {name} cannot be modified.")
    if not value_allowed(spec, value):
        raise InvalidParameterValue(
            f"Value ({value}) for parameter {name} is invalid. Must be a value in {{{spec.allowed}}}."
        )


def _own_group(backend: ElastiCacheBackend, name: str | None, action: str) -> TwinCacheParameterGroup:
    """A group the caller may change: it exists and is not one of the account's default groups."""
    if not name:
        raise InvalidParameterValue("The parameter CacheParameterGroupName must be provided and must not be blank.")
    group = _get_parameter_group(backend, name)
    if group.is_default:
        if action == "delete":
            raise TwinServiceError(
                "InvalidCacheParameterGroupState", f"Default CacheParameterGroup cannot be deleted: {group.arn}"
            )
        raise InvalidParameterValue(f"Cannot {action} a default parameter group: {group.cache_parameter_group_name}")
    return group


def _name_values(params: dict[str, Any]) -> list[dict[str, Any]]:
    values = params.get("ParameterNameValues") or []
    return [item for item in values if isinstance(item, dict) and item.get("ParameterName")]


@adds(ElastiCacheResponse, "create_cache_parameter_group")
def create_cache_parameter_group(self: ElastiCacheResponse) -> ActionResult:
    """AWS: a new group is a copy of the family's default group; unknown family -> InvalidParameterValue."""
    backend = self.elasticache_backend
    params = self._get_params()
    name = str(params.get("CacheParameterGroupName") or "").lower()
    family = str(params.get("CacheParameterGroupFamily") or "")
    if family not in FAMILY_MINIMUM_ENGINE_VERSION:
        raise InvalidParameterValue(f"The parameter CacheParameterGroupFamily {family} is not a valid family.")
    if not re.fullmatch(r"[a-z](?!.*--)[a-z0-9-]{0,254}(?<!-)", name):
        raise InvalidParameterValue(
            "Parameter group name must begin with a letter, contain only ASCII letters, digits and hyphens, "
            "and must not end with a hyphen or contain two consecutive hyphens."
        )
    if find_parameter_group(backend, name) is not None:
        raise TwinServiceError("CacheParameterGroupAlreadyExists", f"Parameter group {name} already exists")
    group = TwinCacheParameterGroup(name, family, str(params.get("Description") or ""), _group_arn(backend, name))
    _user_groups(backend)[name] = group
    if params.get("Tags"):
        backend.tagging_service.tag_resource(group.arn, params["Tags"])
    return ActionResult({"CacheParameterGroup": group})


@adds(ElastiCacheResponse, "describe_cache_parameter_groups")
def describe_cache_parameter_groups(self: ElastiCacheResponse) -> ActionResult:
    """AWS: the account's default groups and its own; a named group that does not exist -> NotFound."""
    backend = self.elasticache_backend
    name = self._get_param("CacheParameterGroupName")
    if name:
        groups = [_get_parameter_group(backend, name)]
    else:
        groups = [*_default_groups(backend), *_user_groups(backend).values()]
    return PaginatedResult({"CacheParameterGroups": groups})


@adds(ElastiCacheResponse, "describe_cache_parameters")
def describe_cache_parameters(self: ElastiCacheResponse) -> ActionResult:
    """AWS: every parameter of the group with its value and metadata; Source filters user/system."""
    group = _get_parameter_group(self.elasticache_backend, self._get_param("CacheParameterGroupName") or "")
    source = self._get_param("Source")
    family = group.cache_parameter_group_family
    views = [_parameter_view(spec, family, group) for spec in ENGINE_DEFAULTS]
    if source:
        views = [view for view in views if view["Source"] == source]
    return PaginatedResult({"Parameters": views, "CacheNodeTypeSpecificParameters": []})


@adds(ElastiCacheResponse, "describe_engine_default_parameters")
def describe_engine_default_parameters(self: ElastiCacheResponse) -> ActionResult:
    """AWS: the family's engine defaults (Source system); an unknown family -> InvalidParameterValue."""
    family = self._get_param("CacheParameterGroupFamily") or ""
    if family not in FAMILY_MINIMUM_ENGINE_VERSION:
        raise InvalidParameterValue(f"The parameter CacheParameterGroupFamily {family} is not a valid family.")
    views = [_parameter_view(spec, family, None) for spec in ENGINE_DEFAULTS]
    defaults = {"CacheParameterGroupFamily": family, "Parameters": views, "CacheNodeTypeSpecificParameters": []}
    return PaginatedResult({"EngineDefaults": defaults})


@adds(ElastiCacheResponse, "modify_cache_parameter_group")
def modify_cache_parameter_group(self: ElastiCacheResponse) -> ActionResult:
    """AWS: sets 1-20 parameters, each known, modifiable and within AllowedValues; default groups are read-only."""
    backend = self.elasticache_backend
    params = self._get_params()
    group = _own_group(backend, params.get("CacheParameterGroupName"), "modify")
    changes = _name_values(params)
    if not changes or len(changes) > MAX_PARAMETERS_PER_MODIFY:
        raise InvalidParameterValue(
            f"ParameterNameValues must name between 1 and {MAX_PARAMETERS_PER_MODIFY} parameters to modify."
        )
    for change in changes:
        _check_new_value(backend, group, change["ParameterName"], str(change.get("ParameterValue", "")))
    for change in changes:
        group.values[change["ParameterName"]] = str(change.get("ParameterValue", ""))
    return ActionResult({"CacheParameterGroupName": group.cache_parameter_group_name})


@adds(ElastiCacheResponse, "reset_cache_parameter_group")
def reset_cache_parameter_group(self: ElastiCacheResponse) -> ActionResult:
    """AWS: ResetAllParameters or named parameters (not both) go back to the family's defaults."""
    backend = self.elasticache_backend
    params = self._get_params()
    group = _own_group(backend, params.get("CacheParameterGroupName"), "reset")
    reset_all = str(params.get("ResetAllParameters", "")).lower() == "true"
    names = [item["ParameterName"] for item in _name_values(params)]
    if reset_all and names:
        raise InvalidParameterCombination("ResetAllParameters and ParameterNameValues cannot be used together.")
    if not reset_all and not names:
        raise InvalidParameterValue("At least one parameter name must be specified unless ResetAllParameters is true.")
    unknown = [name for name in names if name not in PARAMETERS_BY_NAME]
    if unknown:
        raise InvalidParameterValue(f"Could not find parameter with name: {unknown[0]}")
    for name in names or list(group.values):
        group.values.pop(name, None)
    return ActionResult({"CacheParameterGroupName": group.cache_parameter_group_name})


@adds(ElastiCacheResponse, "delete_cache_parameter_group")
def delete_cache_parameter_group(self: ElastiCacheResponse) -> ActionResult:
    """AWS: deletes a group of your own that no cluster uses; default groups cannot be deleted."""
    backend = self.elasticache_backend
    group = _own_group(backend, self._get_param("CacheParameterGroupName"), "delete")
    name = group.cache_parameter_group_name
    if _group_in_use(backend, name):
        raise TwinServiceError(
            "InvalidCacheParameterGroupState",
            f"One or more cache clusters are still members of this parameter group {name}, "
            "so the group cannot be deleted.",
        )
    del _user_groups(backend)[name]
    return EmptyResult()


@replaces(ElastiCacheBackend, "list_tags_for_resource")
def list_tags_for_resource(self: ElastiCacheBackend, arn: str) -> dict[str, list[dict[str, str]]]:
    """AWS: parameter group ARNs are taggable resources too (moto's ARN check leaves them out)."""
    if re.match(r"^arn:[a-z-]+:elasticache:[^:]*:\d*:parametergroup:.+$", arn):
        return self.tagging_service.list_tags_for_resource(arn)
    return original(ElastiCacheBackend, "list_tags_for_resource")(self, arn)


# --------------------------------------------------------------------------------------------------------------------
# Cache subnet groups.


@replaces(CacheSubnetGroup, "__init__")
def _cache_subnet_group_init(self: CacheSubnetGroup, *args: Any, **kwargs: Any) -> None:
    """AWS: each subnet of the group carries SubnetAvailabilityZone {Name: <its zone>}."""
    original(CacheSubnetGroup, "__init__")(self, *args, **kwargs)
    for subnet in self.subnets:
        zone = subnet.pop("subnet_availability_zone", None) or subnet.pop("Subnet_availability_zone", None)
        subnet["subnet_availability_zone"] = {"Name": zone} if isinstance(zone, str) else zone


def subnet_group_zones(backend: ElastiCacheBackend, name: str | None) -> list[str]:
    """The availability zones of a cache subnet group, sorted; [] without a group."""
    if not name:
        return []
    group = backend.cache_subnet_groups.get(name.lower()) or backend.cache_subnet_groups.get(name)
    if group is None:
        raise _subnet_group_not_found(name)
    zones = {(subnet.get("subnet_availability_zone") or {}).get("Name") for subnet in group.subnets}
    return sorted(zone for zone in zones if zone)


@adds(ElastiCacheResponse, "delete_cache_subnet_group")
def delete_cache_subnet_group(self: ElastiCacheResponse) -> ActionResult:
    """AWS: deletes the group; CacheSubnetGroupInUse while a cache cluster or replication group uses it."""
    backend = self.elasticache_backend
    name = self._get_param("CacheSubnetGroupName") or ""
    key = name if name in backend.cache_subnet_groups else name.lower()
    if key not in backend.cache_subnet_groups:
        raise _subnet_group_not_found(name)
    purge_finished_deletions(backend)
    users = [*backend.cache_clusters.values(), *backend.replication_groups.values()]
    if any(getattr(user, "cache_subnet_group_name", None) == key for user in users):
        raise TwinServiceError(
            "CacheSubnetGroupInUse", f"Cache subnet group {key} is currently in use by a cache cluster."
        )
    group = backend.cache_subnet_groups.pop(key)
    backend.tagging_service.delete_all_tags_for_resource(group.arn)
    return EmptyResult()


# --------------------------------------------------------------------------------------------------------------------
# Cache clusters: the fields AWS always returns, and deletion that finishes.


@replaces(CacheCluster, "__init__")
def _cache_cluster_init(self: CacheCluster, *args: Any, **kwargs: Any) -> None:
    """AWS: a cluster has an engine version, a parameter group, a zone, windows and a node endpoint."""
    original(CacheCluster, "__init__")(self, *args, **kwargs)
    region = kwargs.get("region_name") or "us-east-1"
    self.engine = (self.engine or "redis").lower()
    if self.engine in DEFAULT_ENGINE_VERSION:
        requested = self.engine_version or DEFAULT_ENGINE_VERSION[self.engine]
        family = _family_or_none(self.engine, requested)
        self.engine_version = full_engine_version(requested)
        self.cache_parameter_group_name = self.cache_parameter_group_name or (family and f"default.{family}")
        self.num_cache_nodes = getattr(self, "num_cache_nodes", None) or 1
        self.replication_group_id = kwargs.get("replication_group_id")
        self.snapshot_window = kwargs.get("snapshot_window") or DEFAULT_SNAPSHOT_WINDOW
    self.preferred_availability_zone = self.preferred_availability_zone or f"{region}a"
    self.cache_subnet_group_name = self.cache_subnet_group_name or DEFAULT_SUBNET_GROUP
    self.preferred_maintenance_window = self.preferred_maintenance_window or DEFAULT_MAINTENANCE_WINDOW
    self.auto_minor_version_upgrade = self.auto_minor_version_upgrade is not False
    self.transit_encryption_enabled = bool(self.transit_encryption_enabled)
    self.at_rest_encryption_enabled = False
    self.transit_encryption_mode = "required" if self.transit_encryption_enabled else None
    self.pending_modified_values: dict[str, Any] = {}
    self.twin_node_address = (
        f"{self.cache_cluster_id}.{_random_token()}.0001.{_region_short(region)}.cache.amazonaws.com"
    )


@adds(CacheCluster, "cache_nodes")
@property
def _cluster_cache_nodes(self: CacheCluster) -> list[dict[str, Any]]:
    return [
        {
            "CacheNodeId": f"{index:04d}",
            "CacheNodeStatus": self.cache_cluster_status,
            "CacheNodeCreateTime": self.cache_cluster_create_time,
            "Endpoint": {"Address": self.twin_node_address, "Port": self.port},
            "ParameterGroupStatus": "in-sync",
            "CustomerAvailabilityZone": self.preferred_availability_zone,
        }
        for index in range(1, (getattr(self, "num_cache_nodes", None) or 1) + 1)
    ]


@adds(CacheCluster, "cache_security_groups")
@property
def _cluster_cache_security_groups(self: CacheCluster) -> list[dict[str, str]]:
    return [{"CacheSecurityGroupName": name, "Status": "active"} for name in self.cache_security_group_names or []]


@adds(CacheCluster, "security_groups")
@property
def _cluster_security_groups(self: CacheCluster) -> list[dict[str, str]]:
    return [{"SecurityGroupId": group_id, "Status": "active"} for group_id in self.security_group_ids or []]


@adds(CacheCluster, "cache_parameter_group")
@property
def _cluster_cache_parameter_group(self: CacheCluster) -> dict[str, Any] | None:
    if not self.cache_parameter_group_name:
        return None
    return {
        "CacheParameterGroupName": self.cache_parameter_group_name,
        "ParameterApplyStatus": "in-sync",
        "CacheNodeIdsToReboot": [],
    }


class _WithoutCacheNodes:
    """A cache cluster as describe_cache_clusters shows it without ShowCacheNodeInfo: no CacheNodes."""

    cache_nodes = None

    def __init__(self, cluster: CacheCluster) -> None:
        self._cluster = cluster

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cluster, name)


@replaces(ElastiCacheResponse, "describe_cache_clusters")
def describe_cache_clusters(self: ElastiCacheResponse) -> ActionResult:
    """AWS: CacheNodes only with ShowCacheNodeInfo; ShowCacheClustersNotInReplicationGroups leaves members out."""
    purge_finished_deletions(self.elasticache_backend)
    clusters = self.elasticache_backend.describe_cache_clusters(cache_cluster_id=self._get_param("CacheClusterId"))
    if self._get_bool_param("ShowCacheClustersNotInReplicationGroups"):
        clusters = [cluster for cluster in clusters if not getattr(cluster, "replication_group_id", None)]
    if not self._get_bool_param("ShowCacheNodeInfo"):
        clusters = [_WithoutCacheNodes(cluster) for cluster in clusters]
    return PaginatedResult({"CacheClusters": clusters})


def _modify_cluster_nodes(cluster: CacheCluster, params: dict[str, Any]) -> None:
    """CacheNodeType and EngineVersion: now with ApplyImmediately, else pending until the maintenance window."""
    changes = {}
    if params.get("CacheNodeType"):
        changes["CacheNodeType"] = params["CacheNodeType"]
    if params.get("EngineVersion"):
        changes["EngineVersion"] = full_engine_version(params["EngineVersion"])
    if not _flag(params, "ApplyImmediately"):
        cluster.pending_modified_values.update(changes)
        return
    cluster.cache_node_type = changes.get("CacheNodeType", cluster.cache_node_type)
    cluster.engine_version = changes.get("EngineVersion", cluster.engine_version)


def _checked_cluster_parameter_group(
    backend: ElastiCacheBackend, cluster: CacheCluster, params: dict[str, Any]
) -> str | None:
    """Validate a ModifyCacheCluster request of a Valkey or Redis OSS cluster; the parameter group it ends with."""
    if cluster.engine not in DEFAULT_ENGINE_VERSION:
        return params.get("CacheParameterGroupName") or cluster.cache_parameter_group_name
    nodes = params.get("NumCacheNodes")
    if nodes is not None and int(nodes) != 1:
        raise InvalidParameterValue(
            "A Valkey or Redis OSS cache cluster has exactly one node: NumCacheNodes must be 1."
        )
    family = family_for(cluster.engine, params.get("EngineVersion") or cluster.engine_version)
    if params.get("CacheParameterGroupName"):
        return _resolve_parameter_group(backend, params["CacheParameterGroupName"], family)
    return cluster.cache_parameter_group_name


@adds(ElastiCacheResponse, "modify_cache_cluster")
def modify_cache_cluster(self: ElastiCacheResponse) -> ActionResult:
    """AWS: applies security groups, parameter group, windows, snapshot retention, minor upgrades, node type and
    engine version to a cache cluster (a Valkey or Redis OSS cluster has exactly one node)."""
    backend = self.elasticache_backend
    params = self._get_params()
    cluster = backend.cache_clusters.get(params.get("CacheClusterId") or "")
    if cluster is None:
        raise _cache_cluster_not_found(params.get("CacheClusterId") or "")
    cluster.cache_parameter_group_name = _checked_cluster_parameter_group(backend, cluster, params)
    renamed = {
        "SecurityGroupIds": "security_group_ids",
        "CacheSecurityGroupNames": "cache_security_group_names",
        "PreferredMaintenanceWindow": "preferred_maintenance_window",
        "SnapshotWindow": "snapshot_window",
        "SnapshotRetentionLimit": "snapshot_retention_limit",
        "NotificationTopicArn": "notification_topic_arn",
    }
    for param, attribute in renamed.items():
        if params.get(param) is not None:
            setattr(cluster, attribute, params[param])
    if _flag(params, "AutoMinorVersionUpgrade") is not None:
        cluster.auto_minor_version_upgrade = _flag(params, "AutoMinorVersionUpgrade")
    _modify_cluster_nodes(cluster, params)
    return ActionResult({"CacheCluster": _WithoutCacheNodes(cluster)})


def _final_snapshot(
    backend: ElastiCacheBackend, name: str | None, group_id: str | None = None, cluster_id: str | None = None
) -> None:
    if name:
        backend.create_snapshot(
            snapshot_name=name, replication_group_id=group_id, cache_cluster_id=cluster_id, kms_key_id=None, tags=None
        )


def _check_member_deletable(backend: ElastiCacheBackend, cluster: CacheCluster) -> None:
    group = backend.replication_groups.get(getattr(cluster, "replication_group_id", None) or "")
    if group is None:
        return
    members = group.member_clusters
    if cluster.cache_cluster_id == members[0]:
        reason = "it is the primary node of replication group"
    elif group.multi_az == "enabled":
        reason = "Multi-AZ is enabled on replication group"
    elif len(members) == 2 and group.automatic_failover == "enabled":
        reason = "it is the last read replica of replication group"
    else:
        return
    raise TwinServiceError(
        "InvalidCacheClusterState",
        f"Cache cluster {cluster.cache_cluster_id} cannot be deleted: {reason} {group.replication_group_id}.",
    )


def _remove_member(backend: ElastiCacheBackend, cluster: CacheCluster) -> None:
    group = backend.replication_groups.get(getattr(cluster, "replication_group_id", None) or "")
    if group is None:
        return
    group.member_clusters.remove(cluster.cache_cluster_id)
    for node_group in group.node_groups:
        node_group["node_group_members"] = [
            member
            for member in node_group["node_group_members"]
            if member["cache_cluster_id"] != cluster.cache_cluster_id
        ]


@replaces(ElastiCacheResponse, "delete_cache_cluster")
def delete_cache_cluster(self: ElastiCacheResponse) -> ActionResult:
    """AWS: the answer shows `deleting`, then the cluster is gone; FinalSnapshotIdentifier keeps a snapshot."""
    backend = self.elasticache_backend
    cluster_id = self._get_param("CacheClusterId") or ""
    cluster = backend.cache_clusters.get(cluster_id)
    if cluster is None:
        raise _cache_cluster_not_found(cluster_id)
    _check_member_deletable(backend, cluster)
    _final_snapshot(backend, self._get_param("FinalSnapshotIdentifier"), cluster_id=cluster_id)
    cluster.cache_cluster_status = DELETING
    _remove_member(backend, cluster)
    del backend.cache_clusters[cluster_id]
    backend.tagging_service.delete_all_tags_for_resource(cluster.arn)
    return ActionResult({"CacheCluster": _WithoutCacheNodes(cluster)})


# --------------------------------------------------------------------------------------------------------------------
# Replication groups (cluster mode disabled): validation, members, endpoints.


def check_auth_token(token: str | None, transit_encryption: bool) -> None:
    """AWS: AUTH needs in-transit encryption; 16-128 printable characters, non-alphanumerics only !&#$^<>-."""
    if token is None:
        return
    if not transit_encryption:
        raise InvalidParameterValue("The AUTH token is only supported when encryption-in-transit is enabled")
    if not AUTH_TOKEN_PATTERN.fullmatch(token):
        raise InvalidParameterValue("Invalid AuthToken provided.")


def _check_failover(failover: bool, multi_az: bool, members: int, creating: bool) -> None:
    if failover and members < 2:
        if creating:
            raise InvalidParameterCombination(
                "When using automatic failover, there must be at least 2 cache clusters in the replication group."
            )
        raise InvalidParameterCombination(
            "Replication group must have at least one read replica to enable autofailover."
        )
    if multi_az and not failover:
        raise InvalidParameterCombination("Multi-AZ can only be enabled when automatic failover is enabled.")


def _resolve_parameter_group(backend: ElastiCacheBackend, name: str | None, family: str) -> str:
    if not name:
        return f"default.{family}"
    group = _get_parameter_group(backend, name, wording="create")
    if group.cache_parameter_group_family != family:
        raise InvalidParameterCombination(
            f"Expected a parameter group of family {family} but found one of family "
            f"{group.cache_parameter_group_family}"
        )
    return group.cache_parameter_group_name


def _member_count(kwargs: dict[str, Any]) -> int:
    azs = kwargs.get("preferred_cache_cluster_azs") or []
    if kwargs.get("num_cache_clusters"):
        count = int(kwargs["num_cache_clusters"])
    elif azs:
        count = len(azs)
    else:
        count = int(kwargs.get("replicas_per_node_group") or 0) + 1
    if not 1 <= count <= MAX_CACHE_CLUSTERS:
        raise InvalidParameterValue(f"NumCacheClusters must be between 1 and {MAX_CACHE_CLUSTERS}.")
    if azs and len(azs) != count:
        raise InvalidParameterValue("The number of PreferredCacheClusterAZs must equal the value of NumCacheClusters.")
    return count


def _check_transit_mode(mode: str | None, transit_encryption: bool) -> None:
    if mode and not transit_encryption:
        raise InvalidParameterCombination("TransitEncryptionMode requires TransitEncryptionEnabled to be true.")


def _cluster_mode_enabled(backend: ElastiCacheBackend, kwargs: dict[str, Any]) -> bool:
    if kwargs.get("cluster_mode") == "enabled" or int(kwargs.get("num_node_groups") or 1) > 1:
        return True
    group = find_parameter_group(backend, kwargs.get("cache_parameter_group_name") or "")
    return bool(group and group.value_of(PARAMETERS_BY_NAME["cluster-enabled"]) == "yes")


@dataclass
class _Layout:
    """Where the members of a cluster-mode-disabled group live."""

    group_id: str
    zones: list[str]
    domain: str
    port: int

    def member_id(self, index: int) -> str:
        return f"{self.group_id}-{index + 1:03d}"

    def member_address(self, index: int) -> str:
        return f"{self.member_id(index)}.{self.domain}"


def _layout(backend: ElastiCacheBackend, group: ReplicationGroup, count: int, kwargs: dict[str, Any]) -> _Layout:
    preferred = list(kwargs.get("preferred_cache_cluster_azs") or [])
    pool = subnet_group_zones(backend, kwargs.get("cache_subnet_group_name")) or [
        f"{backend.region_name}{letter}" for letter in "abc"
    ]
    zones = preferred or [pool[index % len(pool)] for index in range(count)]
    domain = f"{group.replication_group_id}.{_random_token()}.{_region_short(backend.region_name)}.cache.amazonaws.com"
    return _Layout(group.replication_group_id, zones, domain, int(group.port or DEFAULT_PORT))


def _node_group(layout: _Layout) -> dict[str, Any]:
    members = [
        {
            "cache_cluster_id": layout.member_id(index),
            "cache_node_id": "0001",
            "read_endpoint": {"address": layout.member_address(index), "port": layout.port},
            "preferred_availability_zone": zone,
            "current_role": "primary" if index == 0 else "replica",
        }
        for index, zone in enumerate(layout.zones)
    ]
    return {
        "node_group_id": "0001",
        "status": "available",
        "primary_endpoint": {"address": f"master.{layout.domain}", "port": layout.port},
        "reader_endpoint": {"address": f"replica.{layout.domain}", "port": layout.port},
        "node_group_members": members,
    }


def _member_cluster(backend: ElastiCacheBackend, group: ReplicationGroup, layout: _Layout, index: int) -> CacheCluster:
    cluster = CacheCluster(
        account_id=backend.account_id,
        region_name=backend.region_name,
        cache_cluster_id=layout.member_id(index),
        cache_node_type=group.cache_node_type,
        replication_group_id=group.replication_group_id,
        az_mode="single-az",
        preferred_availability_zone=layout.zones[index],
        num_cache_nodes=1,
        engine=group.engine,
        engine_version=group.engine_version,
        cache_parameter_group_name=group.cache_parameter_group_name,
        cache_subnet_group_name=group.cache_subnet_group_name,
        transit_encryption_enabled=group.transit_encryption_enabled,
        network_type=group.network_type,
        ip_discovery=group.ip_discovery,
        snapshot_name=None,
        preferred_maintenance_window=group.preferred_maintenance_window,
        port=layout.port,
        notification_topic_arn=group.notification_topic_arn,
        auto_minor_version_upgrade=group.auto_minor_version_upgrade,
        snapshot_retention_limit=group.snapshot_retention_limit,
        snapshot_window=group.snapshot_window,
        auth_token=None,
        outpost_mode=None,
        preferred_outpost_arn=None,
        preferred_availability_zones=None,
        cache_security_group_names=group.cache_security_group_names,
        security_group_ids=group.security_group_ids,
        tags=None,
        snapshot_arns=None,
        preferred_outpost_arns=None,
        log_delivery_configurations=[],
        cache_node_ids_to_remove=None,
        cache_node_ids_to_reboot=None,
    )
    cluster.twin_node_address = layout.member_address(index)
    cluster.twin_timeline_key = group.arn
    cluster.cache_cluster_create_time = group.replication_group_create_time
    return cluster


def sync_members(backend: ElastiCacheBackend, group: ReplicationGroup) -> None:
    """Copy the group's settings to its member clusters (AWS shows them on every member)."""
    for member_id in group.member_clusters:
        cluster = backend.cache_clusters.get(member_id)
        if cluster is None:
            continue
        cluster.cache_node_type = group.cache_node_type
        cluster.engine = group.engine
        cluster.engine_version = group.engine_version
        cluster.cache_parameter_group_name = group.cache_parameter_group_name
        cluster.security_group_ids = list(group.security_group_ids or [])
        cluster.cache_security_group_names = list(group.cache_security_group_names or [])
        cluster.preferred_maintenance_window = group.preferred_maintenance_window
        cluster.auto_minor_version_upgrade = group.auto_minor_version_upgrade
        cluster.snapshot_retention_limit = group.snapshot_retention_limit
        cluster.snapshot_window = group.snapshot_window
        cluster.notification_topic_arn = group.notification_topic_arn
        cluster.auth_token_enabled = group.auth_token_enabled
        cluster.auth_token_last_modified_date = group.auth_token_last_modified_date
        cluster.transit_encryption_enabled = group.transit_encryption_enabled
        cluster.transit_encryption_mode = group.transit_encryption_mode
        cluster.at_rest_encryption_enabled = group.at_rest_encryption_enabled


def _snapshotting_cluster(group: ReplicationGroup) -> str | None:
    if not group.snapshot_retention_limit or not group.member_clusters:
        return None
    return group.member_clusters[-1]


def _settle_group(group: ReplicationGroup, kwargs: dict[str, Any], family: str) -> None:
    """The fields AWS fills in on create that moto leaves empty or wrong."""
    token = kwargs.get("auth_token")
    group.engine_version = full_engine_version(kwargs["engine_version"])
    group.cache_parameter_group_name = kwargs["cache_parameter_group_name"]
    group.twin_family = family
    group.snapshot_window = kwargs.get("snapshot_window") or DEFAULT_SNAPSHOT_WINDOW
    group.preferred_maintenance_window = kwargs.get("preferred_maintenance_window") or DEFAULT_MAINTENANCE_WINDOW
    group.auto_minor_version_upgrade = kwargs.get("auto_minor_version_upgrade") is not False
    group.security_group_ids = list(kwargs.get("security_group_ids") or [])
    group.cache_security_group_names = list(kwargs.get("cache_security_group_names") or [])
    group.transit_encryption_mode = (
        (kwargs.get("transit_encryption_mode") or "required") if group.transit_encryption_enabled else None
    )
    group.auth_tokens = [token] if token else []
    group.auth_token_optional = False
    group.pending_modified_values = {}
    group.snapshotting_cluster_id = _snapshotting_cluster(group)


def _validate_create(backend: ElastiCacheBackend, kwargs: dict[str, Any]) -> str:
    """AWS's checks on CreateReplicationGroup; fills in engine, version and parameter group; returns the family."""
    purge_finished_deletions(backend)
    if kwargs["replication_group_id"] in backend.replication_groups:
        raise TwinServiceError(
            "ReplicationGroupAlreadyExists", f"Replication group {kwargs['replication_group_id']} already exists."
        )
    engine = (kwargs.get("engine") or "redis").lower()
    kwargs["engine"] = engine
    kwargs["engine_version"] = kwargs.get("engine_version") or DEFAULT_ENGINE_VERSION.get(engine, "")
    family = family_for(engine, kwargs["engine_version"])
    requested_group = kwargs.get("cache_parameter_group_name")
    kwargs["cache_parameter_group_name"] = _resolve_parameter_group(backend, requested_group, family)
    subnet_group_zones(backend, kwargs.get("cache_subnet_group_name"))
    transit = bool(kwargs.get("transit_encryption_enabled"))
    check_auth_token(kwargs.get("auth_token"), transit)
    _check_transit_mode(kwargs.get("transit_encryption_mode"), transit)
    return family


def _build_members(backend: ElastiCacheBackend, group: ReplicationGroup, count: int, kwargs: dict[str, Any]) -> None:
    layout = _layout(backend, group, count, kwargs)
    group.node_groups = [_node_group(layout)]
    group.member_clusters = [layout.member_id(index) for index in range(count)]
    for index in range(count):
        backend.cache_clusters[layout.member_id(index)] = _member_cluster(backend, group, layout, index)


@replaces(ElastiCacheBackend, "create_replication_group")
def create_replication_group(self: ElastiCacheBackend, **kwargs: Any) -> ReplicationGroup:
    """AWS: validates its input, then builds NumCacheClusters members spread over the subnet group's zones."""
    family = _validate_create(self, kwargs)
    clustered = _cluster_mode_enabled(self, kwargs)
    count = 0 if clustered else _member_count(kwargs)
    if not clustered:
        failover, multi_az = bool(kwargs.get("automatic_failover_enabled")), bool(kwargs.get("multi_az_enabled"))
        _check_failover(failover, multi_az, count, creating=True)
    group = original(ElastiCacheBackend, "create_replication_group")(self, **kwargs)
    _settle_group(group, kwargs, family)
    if not clustered:
        _build_members(self, group, count, kwargs)
        group.snapshotting_cluster_id = _snapshotting_cluster(group)
        sync_members(self, group)
    begin_phase(group, CREATING)
    return group


def _remove_group(backend: ElastiCacheBackend, group: ReplicationGroup, retain_primary: bool) -> None:
    for index, member_id in enumerate(list(group.member_clusters)):
        cluster = backend.cache_clusters.get(member_id)
        if cluster is None:
            continue
        if retain_primary and index == 0:
            cluster.replication_group_id = None
            cluster.twin_timeline_key = None
            cluster.cache_cluster_status = AVAILABLE
            continue
        del backend.cache_clusters[member_id]
        backend.tagging_service.delete_all_tags_for_resource(cluster.arn)
    backend.replication_groups.pop(group.replication_group_id, None)
    backend.tagging_service.delete_all_tags_for_resource(group.arn)


def purge_finished_deletions(backend: ElastiCacheBackend) -> None:
    """Remove the replication groups whose `deleting` phase (time mode) is over."""
    for group in list(backend.replication_groups.values()):
        if group.__dict__.get("twin_deleting") and not TIMELINE.busy(group.arn):
            _remove_group(backend, group, bool(group.__dict__.get("twin_retain_primary")))


def _available_group(backend: ElastiCacheBackend, group_id: str) -> ReplicationGroup:
    """The replication group, which must be `available` (not creating, modifying or deleting) to be changed."""
    purge_finished_deletions(backend)
    group = backend.replication_groups.get(group_id)
    if group is None:
        raise _replication_group_not_found(group_id)
    if group.status != AVAILABLE:
        raise TwinServiceError(
            "InvalidReplicationGroupState", f"Replication group {group_id} is not in available state ({group.status})."
        )
    return group


@replaces(ElastiCacheResponse, "delete_replication_group")
def delete_replication_group(self: ElastiCacheResponse) -> ActionResult:
    """AWS: answers `deleting`, then the group and its clusters are gone (RetainPrimaryCluster keeps the primary).
    In time mode the group stays `deleting` for AWS's typical duration, scaled."""
    backend = self.elasticache_backend
    group = _available_group(backend, self._get_param("ReplicationGroupId") or "")
    _final_snapshot(backend, self._get_param("FinalSnapshotIdentifier"), group_id=group.replication_group_id)
    retain_primary = bool(self._get_bool_param("RetainPrimaryCluster"))
    group.status = DELETING
    for index, member_id in enumerate(group.member_clusters):
        cluster = backend.cache_clusters.get(member_id)
        if cluster is not None and not (retain_primary and index == 0):
            cluster.cache_cluster_status = DELETING
    begin_phase(group, DELETING)
    group.twin_deleting = True
    group.twin_retain_primary = retain_primary
    purge_finished_deletions(backend)
    return ActionResult({"ReplicationGroup": group})


@replaces(ElastiCacheBackend, "describe_replication_groups")
def describe_replication_groups(self: ElastiCacheBackend, replication_group_id: str | None = None) -> list[Any]:
    """AWS: a deleted group is gone (ReplicationGroupNotFoundFault) once its deletion is over."""
    purge_finished_deletions(self)
    return original(ElastiCacheBackend, "describe_replication_groups")(self, replication_group_id)


# --------------------------------------------------------------------------------------------------------------------
# modify_replication_group: everything AWS applies, validated first and applied together.


def _flag(params: dict[str, Any], name: str) -> bool | None:
    value = params.get(name)
    if value is None:
        return None
    return value if isinstance(value, bool) else str(value).lower() == "true"


@dataclass
class _AuthChange:
    tokens: list[str]
    optional: bool


def _auth_change(
    group: ReplicationGroup, params: dict[str, Any], transit: bool, mode: str | None
) -> _AuthChange | None:
    """AWS's AuthTokenUpdateStrategy: ROTATE (default) adds a token, keeping the previous one valid; SET makes the
    new token the only one (after a ROTATE, or as the first token); DELETE removes AUTH, only when moving to RBAC
    (UserGroupIdsToAdd) or while TransitEncryptionMode is preferred."""
    token = params.get("AuthToken")
    strategy = str(params.get("AuthTokenUpdateStrategy") or ("ROTATE" if token else "")).upper()
    if not strategy:
        return None
    if strategy == "DELETE":
        if not group.auth_tokens:
            raise InvalidParameterCombination("The replication group has no AUTH token to delete.")
        if not params.get("UserGroupIdsToAdd") and mode != "preferred":
            raise InvalidParameterCombination(
                "AuthTokenUpdateStrategy DELETE is allowed only when transitioning to RBAC (UserGroupIdsToAdd) "
                "or when TransitEncryptionMode is preferred."
            )
        return _AuthChange([], False)
    if not token:
        raise InvalidParameterValue(f"AuthToken must be provided with AuthTokenUpdateStrategy {strategy}.")
    check_auth_token(token, transit)
    if strategy == "ROTATE":
        return _AuthChange([*group.auth_tokens[-1:], token], not group.auth_tokens or group.auth_token_optional)
    rotating = len(group.auth_tokens) > 1 or group.auth_token_optional
    if group.auth_tokens and not rotating:
        raise InvalidParameterValue("AuthTokenUpdateStrategy SET is allowed only after ROTATE.")
    return _AuthChange([token], False)


def _transit_change(group: ReplicationGroup, params: dict[str, Any]) -> tuple[bool, str | None]:
    """AWS: in-transit encryption is switched on in place with mode preferred, then set to required; it is
    switched off only from preferred, and only once AUTH is gone."""
    enabled = _flag(params, "TransitEncryptionEnabled")
    mode = params.get("TransitEncryptionMode")
    current = bool(group.transit_encryption_enabled)
    if enabled is True and not current and mode != "preferred":
        raise InvalidParameterCombination(
            "To enable in-transit encryption on an existing replication group, set TransitEncryptionMode to preferred."
        )
    if mode == "required" and not current and enabled is not False:
        raise InvalidParameterCombination(
            "TransitEncryptionMode must be set to preferred before it is set to required."
        )
    if mode and not (enabled if enabled is not None else current):
        raise InvalidParameterCombination("TransitEncryptionMode requires TransitEncryptionEnabled to be true.")
    if enabled is False and current and (group.transit_encryption_mode != "preferred" or group.auth_tokens):
        raise InvalidParameterCombination(
            "In-transit encryption can be disabled only when TransitEncryptionMode is preferred and AUTH is not used."
        )
    new_enabled = current if enabled is None else enabled
    return new_enabled, (mode or group.transit_encryption_mode) if new_enabled else None


def _new_engine(group: ReplicationGroup, params: dict[str, Any]) -> str:
    """Engine: Redis OSS may move to Valkey in place ("cross-engine upgrade"); nothing else changes engine."""
    engine = str(params.get("Engine") or group.engine).lower()
    if engine != group.engine and (group.engine, engine) != ("redis", "valkey"):
        raise InvalidParameterCombination(
            f"Cannot modify the engine of replication group {group.replication_group_id} from {group.engine} to "
            f"{engine}: only Redis OSS to Valkey is supported."
        )
    return engine


def _new_family(group: ReplicationGroup, params: dict[str, Any]) -> str:
    engine = _new_engine(group, params)
    version = params.get("EngineVersion")
    if engine != group.engine:
        return family_for(engine, version or group.engine_version)
    return family_for(group.engine, version) if version else group.twin_family


def _new_parameter_group(
    backend: ElastiCacheBackend, group: ReplicationGroup, params: dict[str, Any], family: str
) -> str:
    name = params.get("CacheParameterGroupName")
    if name:
        return _resolve_parameter_group(backend, name, family)
    current = find_parameter_group(backend, group.cache_parameter_group_name or "")
    if current is not None and current.cache_parameter_group_family != family:
        if current.is_default:
            return f"default.{family}"
        raise InvalidParameterCombination(
            f"Expected a parameter group of family {family} but found one of family "
            f"{current.cache_parameter_group_family}"
        )
    return group.cache_parameter_group_name


@dataclass
class _Modification:
    family: str
    parameter_group: str
    failover: bool
    multi_az: bool
    transit: bool
    transit_mode: str | None
    auth: _AuthChange | None


def _plan_modification(backend: ElastiCacheBackend, group: ReplicationGroup, params: dict[str, Any]) -> _Modification:
    family = _new_family(group, params)
    parameter_group = _new_parameter_group(backend, group, params, family)
    failover = _flag(params, "AutomaticFailoverEnabled")
    multi_az = _flag(params, "MultiAZEnabled")
    failover = group.automatic_failover == "enabled" if failover is None else failover
    multi_az = group.multi_az == "enabled" if multi_az is None else multi_az
    _check_failover(failover, multi_az, len(group.member_clusters), False)
    transit, mode = _transit_change(group, params)
    auth = _auth_change(group, params, transit, mode)
    return _Modification(family, parameter_group, failover, multi_az, transit, mode, auth)


def _apply_simple_settings(group: ReplicationGroup, params: dict[str, Any]) -> None:
    renamed = {
        "ReplicationGroupDescription": "description",
        "PreferredMaintenanceWindow": "preferred_maintenance_window",
        "SnapshotWindow": "snapshot_window",
        "NotificationTopicArn": "notification_topic_arn",
    }
    for param, attribute in renamed.items():
        if params.get(param) is not None:
            setattr(group, attribute, params[param])
    if params.get("SecurityGroupIds") is not None:
        group.security_group_ids = list(params["SecurityGroupIds"])
    if params.get("CacheSecurityGroupNames") is not None:
        group.cache_security_group_names = list(params["CacheSecurityGroupNames"])
    if params.get("SnapshotRetentionLimit") is not None:
        group.snapshot_retention_limit = int(params["SnapshotRetentionLimit"])
    if _flag(params, "AutoMinorVersionUpgrade") is not None:
        group.auto_minor_version_upgrade = _flag(params, "AutoMinorVersionUpgrade")
    if params.get("UserGroupIdsToAdd"):
        group.user_group_ids = [*group.user_group_ids, *params["UserGroupIdsToAdd"]]


def _apply_node_changes(backend: ElastiCacheBackend, group: ReplicationGroup, params: dict[str, Any]) -> None:
    """CacheNodeType and EngineVersion: now with ApplyImmediately, else pending until the maintenance window."""
    changes = {}
    if params.get("CacheNodeType"):
        changes["CacheNodeType"] = params["CacheNodeType"]
    if params.get("EngineVersion"):
        changes["EngineVersion"] = full_engine_version(params["EngineVersion"])
    if not changes:
        return
    if _flag(params, "ApplyImmediately"):
        group.cache_node_type = changes.get("CacheNodeType", group.cache_node_type)
        group.engine_version = changes.get("EngineVersion", group.engine_version)
        group.engine = _new_engine(group, params)  # a cross-engine upgrade goes with its engine version
        return
    for member_id in group.member_clusters:
        cluster = backend.cache_clusters.get(member_id)
        if cluster is not None:
            cluster.pending_modified_values.update(changes)


def _apply_modification(group: ReplicationGroup, plan: _Modification) -> None:
    group.twin_family = plan.family
    group.cache_parameter_group_name = plan.parameter_group
    group.automatic_failover = "enabled" if plan.failover else "disabled"
    group.multi_az = "enabled" if plan.multi_az else "disabled"
    group.transit_encryption_enabled = plan.transit
    group.transit_encryption_mode = plan.transit_mode
    if plan.auth is not None:
        group.auth_tokens = plan.auth.tokens
        group.auth_token_optional = plan.auth.optional
        group.auth_token_enabled = bool(plan.auth.tokens)
        group.auth_token_last_modified_date = utcnow()


@replaces(ElastiCacheResponse, "modify_replication_group")
def modify_replication_group(self: ElastiCacheResponse) -> ActionResult:
    """AWS: applies parameter group, AUTH token (ROTATE/SET/DELETE), security groups, snapshot and maintenance
    settings, failover, Multi-AZ, minor upgrades, node type and engine version; invalid input changes nothing."""
    backend = self.elasticache_backend
    params = self._get_params()
    group = _available_group(backend, params.get("ReplicationGroupId") or "")
    plan = _plan_modification(backend, group, params)
    _apply_modification(group, plan)
    _apply_simple_settings(group, params)
    _apply_node_changes(backend, group, params)
    group.snapshotting_cluster_id = _snapshotting_cluster(group)
    sync_members(backend, group)
    begin_phase(group, MODIFYING)
    return ActionResult({"ReplicationGroup": group})
