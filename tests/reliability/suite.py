"""What the reliability suite's tests share: the prod-like site, the twin's end state, duplicates, the writer, secrets.

The suite runs the site with the prod inventory's choices on the local twin (inventories/local plus
tests/reliability/prod-like.yml, prefix xyz-prodlike). Runs write their whole output to .local/reliability/, where a
failing case's log can be read in full.
"""

from __future__ import annotations

import datetime
import difflib
import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pymysql
import yaml

from tests.conftest import Twin
from tests.integration.site_lifecycle import LISTINGS, REGIONS, ROOT, ansible_playbook
from twin.dataplane.config import SERVERS

PREFIX = "xyz-prodlike"
PROD_LIKE = ("playbooks/site.yml", "-i", "inventories/local", "-e", "@tests/reliability/prod-like.yml")
LOGS = ROOT / ".local" / "reliability"
PLAYBOOK = str(ROOT / ".venv" / "bin" / "ansible-playbook")

# Identifiers AWS generates: two builds of the same inputs get different ones, so the end states compare without them.
GENERATED = [
    (re.compile(r"\b(vpc-cidr-assoc|vpc|subnet|sg|igw|rtb|acl|eni|i|vol|sgr|ami|key|snap)-[0-9a-f]{8,17}\b"), r"\1-*"),
    (re.compile(r"(:scalable-target/)[0-9a-z]+\b"), r"\1*"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<uuid>"),
    (re.compile(r"(:secret:[^:]+)-[A-Za-z0-9]{6}\b"), r"\1-*"),
    (re.compile(r"\bcluster-[A-Z0-9]{26}\b"), "cluster-*"),
    (re.compile(r"\bdb-[A-Z0-9]{26}\b"), "db-*"),
    (re.compile(r"\bkey-[0-9a-f]{17}\b"), "key-*"),
]
# Fields that differ between two builds of the same inputs by nature (times, request ids, fingerprints).
VOLATILE = frozenset(
    {
        "ResponseMetadata",
        "KeyFingerprint",
        "LatestRestorableTime",
        "EarliestRestorableTime",
        "StateTransitionReason",
        "AlarmConfigurationUpdatedTimestamp",
        "StateUpdatedTimestamp",
        "StateReason",
        "StateReasonData",
        "StateValue",
        "LaunchTime",
        "UsageOperationUpdateTime",
        "AttachTime",
        "NextMaintenanceWindowStartTime",
        "SubscriptionCreationTime",
        "ClusterCreateTime",
        "RestoreStatus",
        "ReservationId",
        "PrivateIpAddress",
        "PrivateDnsName",
        "NetworkInterfaces",
        "BlockDeviceMappings",
        "ClientToken",
        "SecretVersionsToStages",
        "LastChangedDate",
        "LastAccessedDate",
        "CreatedDate",
        "Owner",
        "HostedZoneId",
        "PrivateIPAddress",
        "PublicIPAddress",
        "Version",  # an SSM parameter's: how often the record was written
    }
)


def run_playbook(
    name: str, *arguments: str, env: dict[str, str] | None = None, timeout: int = 1500
) -> tuple[dict[str, int], str]:
    """Run ansible-playbook (site_lifecycle.ansible_playbook); its whole output goes to .local/reliability/."""
    LOGS.mkdir(parents=True, exist_ok=True)
    recap, output = ansible_playbook(*arguments, env=env, timeout=timeout)
    (LOGS / f"{name}.log").write_text(output)
    return recap, output


def run_site(
    name: str, *arguments: str, env: dict[str, str] | None = None, timeout: int = 1500
) -> tuple[dict[str, int], str]:
    """Run the prod-like site with extra arguments (run_playbook)."""
    return run_playbook(name, *PROD_LIKE, *arguments, env=env, timeout=timeout)


# The twin's data-plane servers, by the variable that holds each one's port. Every Aurora, Redshift and ElastiCache
# endpoint answers on one of them (AWS: 3306, 5439, 6379), and two twins run on different ports (make test's lanes),
# so an endpoint's port compares as the server it leads to.
DATA_PLANE_PORTS = {server.port_env: server.name for server in SERVERS.values()}


def _port(value: Any) -> Any:
    """A data-plane port as `<server port>`, any other value as it is."""
    servers = {os.environ.get(variable): name for variable, name in DATA_PLANE_PORTS.items()}
    name = servers.get(str(value)) if isinstance(value, int) and not isinstance(value, bool) else None
    return f"<{name} port>" if name else value


def _normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: _port(item) if key == "Port" else _normalise(item)
            for key, item in sorted(value.items())
            if key not in VOLATILE
        }
    if isinstance(value, list):
        return sorted((_normalise(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    if isinstance(value, datetime.datetime):
        return "<time>"
    if isinstance(value, str):
        for pattern, replacement in GENERATED:
            value = pattern.sub(replacement, value)
        return value
    return value


def _items(twin: Twin, region: str) -> Iterator[tuple[str, str, Any]]:
    """(kind, name, description) of every resource of every type the site creates in `region`."""
    for kind, service, call, key, name, counted, params in LISTINGS:
        for item in getattr(twin.client(service, region=region), call)(**params)[key]:
            if counted(item):
                yield kind, str(item[name]), item
    ec2 = twin.client("ec2", region=region)
    for reservation in ec2.describe_instances()["Reservations"]:
        for instance in reservation["Instances"]:
            if instance["State"]["Name"] != "terminated":
                tags = {tag["Key"]: tag["Value"] for tag in instance.get("Tags", [])}
                yield "ec2 instance", tags.get("Name", instance["InstanceId"]), instance
    kms = twin.client("kms", region=region)
    aliases = {alias.get("TargetKeyId"): alias["AliasName"] for alias in kms.list_aliases()["Aliases"]}
    for key in kms.list_keys()["Keys"]:
        metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        if metadata["KeyManager"] == "CUSTOMER" and metadata["KeyState"] != "PendingDeletion":
            yield "kms key", aliases.get(key["KeyId"], "(no alias)"), metadata


def _name_of(kind: str, name: str, item: dict[str, Any]) -> str:
    """The name a user knows a resource by: its Name tag where AWS generates the identifier."""
    if kind in {"vpc", "subnet"}:
        tags = {tag["Key"]: tag["Value"] for tag in item.get("Tags", [])}
        return tags.get("Name", "(no Name tag)")
    if kind == "security group":
        return f"{item['GroupName']} in {_normalise(item['VpcId'])}"
    return str(_normalise(name))


def end_state(twin: Twin) -> dict[str, Any]:
    """Every resource on the twin, both regions, as the user sees it: described, without generated ids and times."""
    state: dict[str, Any] = {}
    for region in REGIONS:
        for kind, name, item in _items(twin, region):
            state.setdefault(f"{region} {kind}", {}).setdefault(_name_of(kind, name, item), []).append(_normalise(item))
    return state


def duplicates(state: dict[str, Any]) -> list[str]:
    """Resources of an end state that exist more than once under the same name (a re-run created, not adopted)."""
    found = []
    for kind, names in state.items():
        found += [f"{kind} {name} x{len(items)}" for name, items in names.items() if len(items) > 1]
    return found


THROTTLED_STATE = LOGS / "throttled-end-state.json"


def save_state(path: Path, state: dict[str, Any]) -> None:
    """Keep an end state for a later case (the cases run in more than one pytest run: scripts/reliability)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state, indent=1, sort_keys=True, default=str))


def load_state(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text()) if path.exists() else None


def wait_for_state(path: Path, seconds: float) -> dict[str, Any] | None:
    """load_state, waiting up to `seconds` for the state to be saved; None at once when its build failed."""
    deadline = time.monotonic() + seconds
    while not path.exists() and not failure_mark(path).exists() and time.monotonic() < deadline:
        time.sleep(5)
    return load_state(path)


def failure_mark(path: Path) -> Path:
    """The file a build whose end state cannot be saved leaves instead (wait_for_state stops waiting)."""
    return path.with_suffix(".failed")


def state_diff(expected: dict[str, Any], actual: dict[str, Any]) -> str:
    """A unified diff of two end states, empty when they are equal."""
    left = json.dumps(expected, indent=1, sort_keys=True, default=str).splitlines()
    right = json.dumps(actual, indent=1, sort_keys=True, default=str).splitlines()
    return "\n".join(difflib.unified_diff(left, right, "expected", "found", lineterm="", n=2))


def writer(twin: Twin) -> pymysql.Connection:
    """A connection to the prod-like Aurora writer as its master user, with the password RDS manages."""
    cluster = twin.client("rds").describe_db_clusters(DBClusterIdentifier=f"{PREFIX}-aurora")["DBClusters"][0]
    secret = twin.client("secretsmanager").get_secret_value(SecretId=cluster["MasterUserSecret"]["SecretArn"])
    credentials = json.loads(secret["SecretString"])
    return pymysql.connect(
        host=cluster["Endpoint"],
        port=cluster["Port"],
        user=credentials["username"],
        password=credentials["password"],
        ssl_ca=os.environ["TWIN_CA_FILE"],
        connect_timeout=5,
        autocommit=True,
    )


def vault_values() -> dict[str, str]:
    """The local inventory's vaulted secrets, decrypted with its vault password file."""
    from ansible.parsing.vault import VaultLib, VaultSecret

    secret = VaultSecret((ROOT / "inventories/local/vault-password.txt").read_bytes().strip())
    vault = VaultLib([("local", secret)])
    text = vault.decrypt((ROOT / "inventories/local/group_vars/all/vault.yml").read_bytes())
    return {key: str(value) for key, value in yaml.safe_load(text).items()}


def managed_secrets(twin: Twin) -> dict[str, str]:
    """The passwords AWS generated for the prod-like Aurora and Redshift clusters, read from their secrets."""
    found = {}
    secrets = twin.client("secretsmanager")
    cluster = twin.client("rds").describe_db_clusters(DBClusterIdentifier=f"{PREFIX}-aurora")["DBClusters"][0]
    found["aurora master password (RDS-managed)"] = json.loads(
        secrets.get_secret_value(SecretId=cluster["MasterUserSecret"]["SecretArn"])["SecretString"]
    )["password"]
    redshift = twin.client("redshift").describe_clusters(ClusterIdentifier=f"{PREFIX}-redshift")["Clusters"][0]
    found["redshift admin password (Redshift-managed)"] = json.loads(
        secrets.get_secret_value(SecretId=redshift["MasterPasswordSecretArn"])["SecretString"]
    )["password"]
    return found
