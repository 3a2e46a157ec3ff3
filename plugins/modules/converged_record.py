#!/usr/bin/python

# Copyright: XYZ Corporation
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: converged_record
version_added: 0.1.0
short_description: The record of a converged site run, kept in SSM Parameter Store, and the drift check against it
description:
  - A site run that converged every role records, in one SSM parameter, a salted digest of its inputs, a fingerprint
    of every resource it built as AWS describes it, and the facts the roles published.
  - O(state=query) compares a new run with that record. It reads the record (one call), and only when the inputs are
    the same, each resource of the record, once, in batches (one describe call per kind of resource and region where
    the API takes a list). The run is in sync when the inputs are the same and every resource is described as it
    was recorded; the site then skips its roles and publishes the recorded facts.
  - What a fingerprint covers is the resource's description without its times (every timestamp AWS returns) and
    without an alarm's state, which changes by itself. A resource changed outside the site, or gone, is drift.
  - O(state=absent) deletes the record. The site does it before its roles run, so that a run cut short leaves no
    record and the next run runs every role.
author:
  - XYZ Corporation database team (@xyz)
options:
  name:
    description: The SSM parameter that holds the record.
    type: str
    required: true
  state:
    description:
      - V(query) compares with the record (read-only), V(present) records, V(absent) deletes the record.
    type: str
    choices: [query, present, absent]
    default: query
  inputs_digest:
    description:
      - The digest of the run's inputs (M(xyz.aws_database.inputs_digest) lookup). It is stored salted and stretched
        (PBKDF2-HMAC-SHA256), never as given. Required with O(state=query) and O(state=present).
    type: str
  resources:
    description:
      - With O(state=present), the resources to record. Each RDS cluster brings its DB subnet group and its cluster
        parameter group's parameters, each Redshift cluster its subnet group and its audit logging.
      - An alarm or an event subscription may be listed in every region the site uses; it is recorded in those it
        exists in.
    type: list
    elements: dict
    default: []
    suboptions:
      region:
        description: The resource's region.
        type: str
        required: true
      kind:
        description: What it is.
        type: str
        required: true
        choices: [vpc, subnet, security_group, instance, db_cluster, db_instance, db_cluster_parameter_group,
                  db_parameter_group, event_subscription, redshift_cluster, replication_group, alarm, topic, secret]
      id:
        description: Its identifier, name or ARN, as its describe call takes it.
        type: str
        required: true
  facts:
    description: With O(state=present), the facts to publish when a later run is in sync. Nothing secret.
    type: dict
    default: {}
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Compare this run with the record of the last converged one
  xyz.aws_database.converged_record:
    name: /xyz/aws_database/xyz-dev/converged
    inputs_digest: "{{ __xyz_inputs_digest }}"
    region: us-east-2
  register: record

- name: Record the converged run
  xyz.aws_database.converged_record:
    name: /xyz/aws_database/xyz-dev/converged
    state: present
    inputs_digest: "{{ __xyz_inputs_digest }}"
    resources:
      - {region: us-east-2, kind: db_cluster, id: xyz-dev-aurora}
      - {region: us-east-2, kind: db_instance, id: xyz-dev-aurora-1}
    facts:
      aurora_writer_endpoint: "{{ aurora_writer_endpoint }}"
    region: us-east-2
"""

RETURN = r"""
exists:
  description: Whether a record exists (after the change, with O(state=present) or O(state=absent)).
  returned: always
  type: bool
in_sync:
  description: With O(state=query), whether the run's inputs and every recorded resource are as recorded.
  returned: always
  type: bool
drift:
  description: With O(state=query), why the run is not in sync, one line each; empty when it is.
  returned: always
  type: list
  elements: str
  sample: ["us-east-2 db_cluster xyz-dev-aurora: described differently than at 2026-11-29T07:02:11Z"]
recorded_at:
  description: When the record was written (UTC, ISO 8601); empty without a record.
  returned: always
  type: str
resources:
  description: How many resources the record holds.
  returned: always
  type: int
calls:
  description: How many AWS calls the module made (SSM included).
  returned: always
  type: int
facts:
  description: The recorded facts, when the run is in sync; otherwise empty.
  returned: always
  type: dict
"""

import base64
import contextlib
import datetime
import hashlib
import json
import os
import zlib
from collections.abc import Callable
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.xyz.aws_database.plugins.module_utils.modules import AnsibleXyzAWSModule, aws_retry

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

FORMAT = "z1:"  # zlib, then base64, of the record's JSON
STANDARD_TIER_LIMIT = 4096
ADVANCED_TIER_LIMIT = 8192
PBKDF2_ROUNDS = 200_000
# Parts of a description that change by themselves: an alarm's state, whether Redshift's next snapshot is on time,
# request metadata.
VOLATILE = frozenset(
    {"ResponseMetadata", "StateValue", "StateReason", "StateReasonData", "ExpectedNextSnapshotScheduleTimeStatus"}
)

Describer = Callable[[Callable[[str], Any], list[str]], dict[str, Any]]


class RecordErrorHandler(AWSErrorHandler):
    @classmethod
    def _is_missing(cls) -> type[Exception]:
        return is_boto3_error_code("ParameterNotFound")


def _missing(error: Exception) -> bool:
    """Whether an AWS error says the resource does not exist (each service names it its own way)."""
    code = getattr(error, "response", {}).get("Error", {}).get("Code", "")
    return code.endswith(("NotFound", "NotFoundFault", "NotFoundException"))


def _keyed(items: list[dict[str, Any]], key: str, wanted: list[str]) -> dict[str, Any]:
    return {item[key]: item for item in items if item[key] in wanted}


def _vpcs(client: Callable[[str], Any], ids: list[str]) -> dict[str, Any]:
    return _keyed(client("ec2").describe_vpcs(VpcIds=ids, aws_retry=True)["Vpcs"], "VpcId", ids)


def _subnets(client: Callable[[str], Any], ids: list[str]) -> dict[str, Any]:
    return _keyed(client("ec2").describe_subnets(SubnetIds=ids, aws_retry=True)["Subnets"], "SubnetId", ids)


def _security_groups(client: Callable[[str], Any], ids: list[str]) -> dict[str, Any]:
    groups = client("ec2").describe_security_groups(GroupIds=ids, aws_retry=True)["SecurityGroups"]
    return _keyed(groups, "GroupId", ids)


def _instances(client: Callable[[str], Any], ids: list[str]) -> dict[str, Any]:
    reservations = client("ec2").describe_instances(InstanceIds=ids, aws_retry=True)["Reservations"]
    return _keyed([item for reservation in reservations for item in reservation["Instances"]], "InstanceId", ids)


def _db_clusters(client: Callable[[str], Any], ids: list[str]) -> dict[str, Any]:
    filters = [{"Name": "db-cluster-id", "Values": ids}]
    return _keyed(
        client("rds").describe_db_clusters(Filters=filters, aws_retry=True)["DBClusters"], "DBClusterIdentifier", ids
    )


def _db_instances(client: Callable[[str], Any], ids: list[str]) -> dict[str, Any]:
    filters = [{"Name": "db-instance-id", "Values": ids}]
    instances = client("rds").describe_db_instances(Filters=filters, aws_retry=True)["DBInstances"]
    return _keyed(instances, "DBInstanceIdentifier", ids)


def _db_subnet_groups(client: Callable[[str], Any], ids: list[str]) -> dict[str, Any]:
    groups = client("rds").describe_db_subnet_groups(aws_retry=True)["DBSubnetGroups"]
    return _keyed(groups, "DBSubnetGroupName", ids)


def _user_parameters(operation: str, name_key: str) -> Describer:
    """Each group's parameters that differ from the engine's defaults (Source=user), one call a group."""

    def describe(client: Callable[[str], Any], ids: list[str]) -> dict[str, Any]:
        found = {}
        for name in ids:
            try:
                answer = getattr(client("rds"), operation)(**{name_key: name}, Source="user", aws_retry=True)
            except botocore.exceptions.ClientError as error:
                if not _missing(error):
                    raise
                continue
            found[name] = answer["Parameters"]
        return found

    return describe


def _event_subscriptions(client: Callable[[str], Any], ids: list[str]) -> dict[str, Any]:
    subscriptions = client("rds").describe_event_subscriptions(aws_retry=True)["EventSubscriptionsList"]
    return _keyed(subscriptions, "CustSubscriptionId", ids)


def _redshift_clusters(client: Callable[[str], Any], ids: list[str]) -> dict[str, Any]:
    return _keyed(client("redshift").describe_clusters(aws_retry=True)["Clusters"], "ClusterIdentifier", ids)


def _redshift_subnet_groups(client: Callable[[str], Any], ids: list[str]) -> dict[str, Any]:
    groups = client("redshift").describe_cluster_subnet_groups(aws_retry=True)["ClusterSubnetGroups"]
    return _keyed(groups, "ClusterSubnetGroupName", ids)


def _redshift_logging(client: Callable[[str], Any], ids: list[str]) -> dict[str, Any]:
    return {name: client("redshift").describe_logging_status(ClusterIdentifier=name, aws_retry=True) for name in ids}


def _replication_groups(client: Callable[[str], Any], ids: list[str]) -> dict[str, Any]:
    groups = client("elasticache").describe_replication_groups(aws_retry=True)["ReplicationGroups"]
    return _keyed(groups, "ReplicationGroupId", ids)


def _alarms(client: Callable[[str], Any], ids: list[str]) -> dict[str, Any]:
    return _keyed(
        client("cloudwatch").describe_alarms(AlarmNames=ids, aws_retry=True)["MetricAlarms"], "AlarmName", ids
    )


def _topics(client: Callable[[str], Any], ids: list[str]) -> dict[str, Any]:
    return {arn: client("sns").get_topic_attributes(TopicArn=arn, aws_retry=True)["Attributes"] for arn in ids}


def _secrets(client: Callable[[str], Any], ids: list[str]) -> dict[str, Any]:
    return {arn: client("secretsmanager").describe_secret(SecretId=arn, aws_retry=True) for arn in ids}


# kind -> how to describe a batch of them (one call for the batch where the API takes a list or lists all)
DESCRIBERS: dict[str, Describer] = {
    "vpc": _vpcs,
    "subnet": _subnets,
    "security_group": _security_groups,
    "instance": _instances,
    "db_cluster": _db_clusters,
    "db_instance": _db_instances,
    "db_subnet_group": _db_subnet_groups,
    "db_cluster_parameter_group": _user_parameters("describe_db_cluster_parameters", "DBClusterParameterGroupName"),
    "db_parameter_group": _user_parameters("describe_db_parameters", "DBParameterGroupName"),
    "event_subscription": _event_subscriptions,
    "redshift_cluster": _redshift_clusters,
    "redshift_subnet_group": _redshift_subnet_groups,
    "redshift_logging": _redshift_logging,
    "replication_group": _replication_groups,
    "alarm": _alarms,
    "topic": _topics,
    "secret": _secrets,
}
KINDS = ["vpc", "subnet", "security_group", "instance", "db_cluster", "db_instance", "db_cluster_parameter_group",
         "db_parameter_group", "event_subscription", "redshift_cluster", "replication_group", "alarm", "topic",
         "secret"]  # fmt: skip
# Kinds the site names without their region (alarms, event subscriptions): recorded in the regions they are found in.
ANY_REGION = frozenset({"alarm", "event_subscription"})
# What a described resource brings along: kind -> [(the kind it brings, the field that names it)].
BROUGHT = {
    "db_cluster": [("db_subnet_group", "DBSubnetGroup"), ("db_cluster_parameter_group", "DBClusterParameterGroup")],
    "redshift_cluster": [
        ("redshift_subnet_group", "ClusterSubnetGroupName"),
        ("redshift_logging", "ClusterIdentifier"),
    ],
}


def _normalise(value: Any) -> Any:
    """A description without its times and volatile fields, lists in a stable order."""
    if isinstance(value, dict):
        return {
            key: _normalise(item)
            for key, item in sorted(value.items())
            if key not in VOLATILE and not isinstance(item, (datetime.datetime, datetime.date))
        }
    if isinstance(value, list):
        return sorted((_normalise(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    return value


def fingerprint(description: Any) -> str:
    text = json.dumps(_normalise(description), sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def resource_key(region: str, kind: str, identifier: str) -> str:
    return f"{region} {kind} {identifier}"


class Reader:
    """Describes resources in batches, counting its calls, a client per service and region."""

    def __init__(self, module: AnsibleXyzAWSModule) -> None:
        self.module = module
        self.clients: dict[tuple[str, str], Any] = {}
        self.calls = 0

    def client(self, region: str) -> Callable[[str], Any]:
        def get(service: str) -> Any:
            self.calls += 1  # each get is followed by one call
            if (service, region) not in self.clients:
                self.clients[service, region] = self.module.client(service, region=region, retry_decorator=aws_retry())
            return self.clients[service, region]

        return get

    def fingerprints(self, resources: list[dict[str, str]]) -> dict[str, str | None]:
        """Each resource's fingerprint (None when it does not exist), with what each brings along."""
        batches: dict[tuple[str, str], list[str]] = {}
        for resource in resources:
            batch = batches.setdefault((resource["region"], resource["kind"]), [])
            if resource["id"] not in batch:
                batch.append(resource["id"])
        found: dict[str, str | None] = {}
        while batches:
            (region, kind), ids = batches.popitem()
            try:
                described = DESCRIBERS[kind](self.client(region), ids)
            except botocore.exceptions.ClientError as error:
                if not _missing(error):
                    raise
                described = {}  # a batch with one missing resource fails whole: each counts as missing
            for identifier in ids:
                item = described.get(identifier)
                found[resource_key(region, kind, identifier)] = None if item is None else fingerprint(item)
                for brought_kind, field in BROUGHT.get(kind, []) if item else []:
                    name = item.get(field)
                    key = resource_key(region, brought_kind, name)
                    if name and key not in found and name not in batches.get((region, brought_kind), []):
                        batches.setdefault((region, brought_kind), []).append(name)
        return found


def stretched(inputs_digest: str, salt: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", inputs_digest.encode(), bytes.fromhex(salt), PBKDF2_ROUNDS).hex()


def encode(record: dict[str, Any]) -> str:
    text = json.dumps(record, sort_keys=True, separators=(",", ":"))
    return FORMAT + base64.b64encode(zlib.compress(text.encode(), 9)).decode()


def decode(value: str) -> dict[str, Any] | None:
    if not value.startswith(FORMAT):
        return None
    try:
        return json.loads(zlib.decompress(base64.b64decode(value[len(FORMAT) :])))
    except (ValueError, zlib.error):
        return None


@RecordErrorHandler.list_error_handler("read the record", default_value=None)
def read_record(ssm: Any, name: str) -> dict[str, Any] | None:
    value = ssm.get_parameter(Name=name, aws_retry=True)["Parameter"]["Value"]
    return decode(value) or {}


@RecordErrorHandler.common_error_handler("write the record")
def write_record(ssm: Any, name: str, record: dict[str, Any]) -> None:
    value = encode(record)
    if len(value) > ADVANCED_TIER_LIMIT:
        raise AnsibleAWSError(
            message=f"The record is {len(value)} characters, more than SSM takes ({ADVANCED_TIER_LIMIT})."
        )
    tier = "Standard" if len(value) <= STANDARD_TIER_LIMIT else "Advanced"
    ssm.put_parameter(Name=name, Value=value, Type="String", Tier=tier, Overwrite=True, aws_retry=True)


@RecordErrorHandler.deletion_error_handler("delete the record")
def delete_record(ssm: Any, name: str) -> bool:
    ssm.delete_parameter(Name=name, aws_retry=True)
    return True


def _summary(record: dict[str, Any] | None) -> dict[str, Any]:
    return {"recorded_at": record.get("at", ""), "resources": len(record.get("resources", {}))} if record else {}


def query(module: AnsibleXyzAWSModule, ssm: Any) -> dict[str, Any]:
    """Whether the run is in sync with the record: the same inputs, every resource described as recorded."""
    record = read_record(ssm, module.params["name"])
    result = {"changed": False, "exists": record is not None, "in_sync": False, "facts": {}, "calls": 1}
    result.update({"recorded_at": "", "resources": 0, **_summary(record)})
    if not record or "salt" not in record:
        return {**result, "drift": ["no record of a converged run"]}
    if stretched(module.params["inputs_digest"], record["salt"]) != record.get("digest"):
        return {**result, "drift": ["the inputs differ from the recorded run's (variables or the collection's code)"]}
    describer = Reader(module)
    recorded: dict[str, str] = record["resources"]
    resources = [dict(zip(("region", "kind", "id"), key.split(" ", 2), strict=True)) for key in recorded]
    now = describer.fingerprints([resource for resource in resources if resource["kind"] in KINDS])
    drift = [
        f"{key}: {'gone' if now.get(key) is None else 'described differently'} since {record['at']}"
        for key, value in sorted(recorded.items())
        if now.get(key) != value
    ]
    result.update(in_sync=not drift, drift=drift, calls=1 + describer.calls)
    if not drift:
        result["facts"] = record.get("facts", {})
    return result


def present(module: AnsibleXyzAWSModule, ssm: Any) -> dict[str, Any]:
    """Record the converged run, unless the record says the same already."""
    name = module.params["name"]
    describer = Reader(module)
    found = describer.fingerprints(module.params["resources"])
    missing = sorted(key for key, value in found.items() if value is None and key.split(" ")[1] not in ANY_REGION)
    now = {key: value for key, value in found.items() if value is not None}
    old = read_record(ssm, name)
    if missing:
        module.warn(f"Not recorded, because these do not exist: {', '.join(missing)}. The next run runs every role.")
        return {"changed": False, "exists": old is not None, "in_sync": False, "drift": missing, "facts": {},
                "calls": 1 + describer.calls, **_summary(old)}  # fmt: skip
    same = bool(
        old
        and "salt" in old
        and stretched(module.params["inputs_digest"], old["salt"]) == old.get("digest")
        and old.get("resources") == now
        and old.get("facts") == module.params["facts"]
    )
    result = {"exists": True, "in_sync": True, "drift": [], "facts": {}, "calls": 1 + describer.calls}
    if same:
        return {**result, "changed": False, **_summary(old)}
    salt = os.urandom(16).hex()
    at = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    record = {"at": at, "salt": salt, "digest": stretched(module.params["inputs_digest"], salt)}
    record.update(resources=now, facts=module.params["facts"])
    if not module.check_mode:
        write_record(ssm, name, record)
        result["calls"] += 1
    return {**result, "changed": True, **_summary(record), "diff": {"before": _summary(old), "after": _summary(record)}}


def absent(module: AnsibleXyzAWSModule, ssm: Any) -> dict[str, Any]:
    old = read_record(ssm, module.params["name"])
    result = {
        "exists": False,
        "in_sync": False,
        "drift": [],
        "facts": {},
        "calls": 1,
        "recorded_at": "",
        "resources": 0,
    }
    if old is None:
        return {**result, "changed": False}
    if not module.check_mode:
        delete_record(ssm, module.params["name"])
        result["calls"] += 1
    return {**result, "changed": True, "diff": {"before": _summary(old), "after": {}}}


def run(module: AnsibleXyzAWSModule) -> dict[str, Any]:
    ssm = module.client("ssm", retry_decorator=aws_retry())
    state = module.params["state"]
    if state == "query":
        return query(module, ssm)
    if state == "present":
        return present(module, ssm)
    return absent(module, ssm)


def main() -> None:
    module = AnsibleXyzAWSModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "state": {"type": "str", "choices": ["query", "present", "absent"], "default": "query"},
            "inputs_digest": {"type": "str", "no_log": True},
            "resources": {
                "type": "list",
                "elements": "dict",
                "default": [],
                "options": {
                    "region": {"type": "str", "required": True},
                    "kind": {"type": "str", "required": True, "choices": KINDS},
                    "id": {"type": "str", "required": True},
                },
            },
            "facts": {"type": "dict", "default": {}},
        },
        required_if=[["state", "query", ["inputs_digest"]], ["state", "present", ["inputs_digest"]]],
        supports_check_mode=True,
    )
    try:
        module.exit_json(**run(module))
    except AnsibleAWSError as error:
        module.fail_json_aws_error(error)
    except botocore.exceptions.ClientError as error:
        module.fail_json_aws(error, msg="Could not describe a recorded resource")


if __name__ == "__main__":
    main()
