"""Zero-ETL integrations (Aurora / RDS to Amazon Redshift), which moto 5.2.5 does not implement (HTTP 500).

AWS behaviour implemented here:
- CreateIntegration (IntegrationName, SourceArn, TargetArn, optional KMSKeyId, AdditionalEncryptionContext,
  DataFilter, Description, Tags) answers the Integration with Status `creating`; it is `active` afterwards (the
  twin finishes at once). The source must exist in the region called (else DBClusterNotFoundFault or
  DBInstanceNotFoundFault); the target must be a Redshift namespace ARN (and, for a provisioned cluster the twin
  knows, an existing one); AdditionalEncryptionContext needs KMSKeyId; a name in use fails
  IntegrationAlreadyExistsFault.
- DescribeIntegrations lists the region's integrations, or one by IntegrationIdentifier (unknown ->
  IntegrationNotFoundFault), with filters.
- ModifyIntegration changes IntegrationName, DataFilter, Description (answer `modifying`, then `active`).
- DeleteIntegration answers Status `deleting`; the integration is then gone.
- AdditionalEncryptionContext keeps its keys as given (KMS encryption context is case-sensitive; moto's parser
  snake-cased them: Purpose -> purpose). ListTagsForResource, AddTagsToResource and RemoveTagsFromResource take an
  integration's ARN (moto: "Invalid resource name"; an unknown one is IntegrationNotFoundFault).
In time mode (twin.timeline) `creating` and `deleting` last AWS's typical durations, scaled; otherwise they end at once.
"""

from __future__ import annotations

import copy
import re
import uuid
from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.rds.models import RDSBackend, rds_backends
from moto.rds.responses import RDSResponse
from moto.redshift.models import redshift_backends

from twin.patches._registry import adds, original, replaces
from twin.patches.errors import InvalidParameterCombination, InvalidParameterValue, TwinServiceError
from twin.timeline import TIMELINE

STORE_ATTR = "twin_integrations"  # kept on moto's regional RDSBackend, so a twin reset empties it
GONE = "gone"  # the settled state of a deleted integration: it is dropped on the next read
NAME_PATTERN = re.compile(r"^[a-zA-Z][a-zA-Z0-9]*(-[a-zA-Z0-9]+)*$")
SOURCE_ARN = re.compile(
    r"^arn:aws[a-z\-]*:rds(-[a-z]*)?:(?P<region>[a-z0-9\-]*):(?P<account>[0-9]*):(?P<kind>cluster|db):"
    r"(?P<name>[a-z][a-z0-9]*(-[a-z0-9]+)*)$"
)
PROVISIONED_NAMESPACE = re.compile(
    r"^arn:aws[a-z\-]*:redshift:(?P<region>[a-z0-9\-]+):(?P<account>\d{12}):namespace:[0-9a-f\-]{36}$"
)
INTEGRATION_ARN = re.compile(r"^arn:aws[a-z\-]*:rds:(?P<region>[a-z0-9\-]+):(?P<account>\d{12}):integration:.+$")
SERVERLESS_NAMESPACE = re.compile(r"^arn:aws[a-z\-]*:redshift-serverless:[a-z0-9\-]+:\d{12}:namespace/[0-9a-f\-]{36}$")
# Filter names the twin understands; the RDS API reference names none for DescribeIntegrations.
FILTER_FIELDS = {
    "integration-identifier": ("integration_id", "integration_arn", "integration_name"),
    "integration-name": ("integration_name",),
    "source-arn": ("source_arn",),
    "target-arn": ("target_arn",),
    "status": ("status",),
}


class IntegrationAlreadyExistsFault(TwinServiceError):
    def __init__(self, name: str) -> None:
        super().__init__("IntegrationAlreadyExistsFault", f"Integration {name} already exists.")


class IntegrationNotFoundFault(TwinServiceError):
    def __init__(self, identifier: str) -> None:
        super().__init__("IntegrationNotFoundFault", f"Integration {identifier} not found.")


class DBClusterNotFoundFault(TwinServiceError):
    def __init__(self, identifier: str) -> None:
        super().__init__("DBClusterNotFoundFault", f"DBCluster {identifier} not found.")


class DBInstanceNotFoundFault(TwinServiceError):
    def __init__(self, identifier: str) -> None:
        super().__init__("DBInstanceNotFound", f"DBInstance {identifier} not found.")


class InvalidIntegrationStateFault(TwinServiceError):
    def __init__(self, identifier: str, status: str) -> None:
        super().__init__("InvalidIntegrationStateFault", f"Integration {identifier} is in {status} state.")


class Integration:
    """One zero-ETL integration; attributes are the snake_case of botocore's Integration shape."""

    def __init__(self, backend: RDSBackend, params: Any) -> None:
        self.integration_id = str(uuid.uuid4())
        self.integration_arn = (
            f"arn:aws:rds:{backend.region_name}:{backend.account_id}:integration:{self.integration_id}"
        )
        self.integration_name = params["IntegrationName"]
        self.source_arn = params["SourceArn"]
        self.target_arn = params["TargetArn"]
        self.kms_key_id = params.get("KMSKeyId")
        self.additional_encryption_context = _as_given(params.get("AdditionalEncryptionContext"))
        self.data_filter = params.get("DataFilter")
        self.description = params.get("Description")
        self.tags: list[dict[str, str]] = []
        self.add_tags(params.get("Tags") or [])
        self.create_time = utcnow()
        self.errors: list[dict[str, str]] = []
        self.deleting = False
        self.answered_status: str | None = None
        TIMELINE.schedule(self.timeline_key, [("creating", "rds.integration.creating")])

    @property
    def timeline_key(self) -> str:
        return f"rds.integration:{self.integration_arn}"

    def get_tags(self) -> list[dict[str, str]]:
        return self.tags

    def add_tags(self, tags: list[Any]) -> list[dict[str, str]]:
        added = [{"Key": tag["Key"], "Value": tag.get("Value", "")} for tag in tags]
        keys = {tag["Key"] for tag in added}
        self.tags = [tag for tag in self.tags if tag["Key"] not in keys] + added
        return self.tags

    def remove_tags(self, tag_keys: list[str]) -> None:
        self.tags = [tag for tag in self.tags if tag["Key"] not in tag_keys]

    @property
    def status(self) -> str:
        if self.answered_status:
            return self.answered_status
        return TIMELINE.state(self.timeline_key, GONE if self.deleting else "active")

    def start_deleting(self) -> None:
        self.deleting = True
        TIMELINE.schedule(self.timeline_key, [("deleting", "rds.integration.deleting")])

    def in_state(self, status: str) -> Integration:
        """The answer of an action: the state it starts, whether or not the twin has already finished it."""
        answer = copy.copy(self)
        answer.answered_status = status
        return answer


def _as_given(value: Any) -> Any:
    """A map parameter with its keys as the caller wrote them (moto's parser hands over snake_case keys)."""
    original_dict = getattr(value, "original_dict", None)
    return original_dict() if callable(original_dict) else value


def integrations_of(backend: RDSBackend) -> dict[str, Integration]:
    """The region's integrations by id (created on first use), without those whose deletion has ended."""
    store = getattr(backend, STORE_ATTR, None)
    if store is None:
        store = {}
        setattr(backend, STORE_ATTR, store)
    for integration_id, integration in list(store.items()):
        if integration.status == GONE:
            del store[integration_id]
    return store


def find_integration(backend: RDSBackend, identifier: str) -> Integration:
    """An integration named by its id, its ARN or its name."""
    for integration in integrations_of(backend).values():
        if identifier in (integration.integration_id, integration.integration_arn, integration.integration_name):
            return integration
    raise IntegrationNotFoundFault(identifier)


def _check_name(backend: RDSBackend, name: str) -> None:
    if not NAME_PATTERN.match(name) or len(name) > 63:
        raise InvalidParameterValue(
            f"The parameter IntegrationName is not valid: {name}. It must be 1 to 63 letters, digits or hyphens, "
            "start with a letter, and not end with a hyphen or contain two consecutive hyphens."
        )
    if any(existing.integration_name == name for existing in integrations_of(backend).values()):
        raise IntegrationAlreadyExistsFault(name)


def _check_source(backend: RDSBackend, source_arn: str) -> None:
    match = SOURCE_ARN.match(source_arn)
    if not match:
        raise InvalidParameterValue(
            f"The parameter SourceArn is not a valid DB cluster or DB instance ARN: {source_arn}"
        )
    here = (match["region"], match["account"]) == (backend.region_name, backend.account_id)
    if match["kind"] == "cluster" and not (here and match["name"] in backend.clusters):
        raise DBClusterNotFoundFault(source_arn)
    if match["kind"] == "db" and not (here and match["name"] in backend.databases):
        raise DBInstanceNotFoundFault(source_arn)


def _known_namespaces(region: str, account: str) -> set[str] | None:
    """Namespace ARNs of the provisioned Redshift clusters, or None when the twin's Redshift does not expose them."""
    clusters = list(redshift_backends[account][region].clusters.values())
    arns = {getattr(cluster, "cluster_namespace_arn", None) for cluster in clusters}
    if clusters and arns == {None}:
        return None
    return {arn for arn in arns if arn}


def _check_target(target_arn: str) -> None:
    if SERVERLESS_NAMESPACE.match(target_arn):
        return  # moto has no Redshift Serverless to look the namespace up in
    match = PROVISIONED_NAMESPACE.match(target_arn)
    if not match:
        raise InvalidParameterValue(
            f"The parameter TargetArn is not a valid Amazon Redshift namespace ARN: {target_arn}"
        )
    known = _known_namespaces(match["region"], match["account"])
    if known is not None and target_arn not in known:
        # AWS's code for an unknown target is not documented; the twin refuses it as an invalid value.
        raise InvalidParameterValue(f"The Amazon Redshift namespace {target_arn} does not exist.")


@adds(RDSResponse, "create_integration")
def create_integration(self: RDSResponse) -> ActionResult:
    """CreateIntegration: validated, answered `creating`, then `active`."""
    params = self.params
    _check_name(self.backend, params["IntegrationName"])
    _check_source(self.backend, params["SourceArn"])
    _check_target(params["TargetArn"])
    if params.get("AdditionalEncryptionContext") and not params.get("KMSKeyId"):
        raise InvalidParameterCombination("AdditionalEncryptionContext can only be specified with KMSKeyId.")
    integration = Integration(self.backend, params)
    if integration.kms_key_id:
        integration.kms_key_id = self.backend._validate_kms_key(integration.kms_key_id)
    integrations_of(self.backend)[integration.integration_id] = integration
    return ActionResult(integration.in_state("creating"))


def _matches(integration: Integration, filters: dict[str, list[str]]) -> bool:
    return all(
        any(getattr(integration, field) in values for field in FILTER_FIELDS[name]) for name, values in filters.items()
    )


@adds(RDSResponse, "describe_integrations")
def describe_integrations(self: RDSResponse) -> ActionResult:
    """DescribeIntegrations: one by IntegrationIdentifier, or the region's, narrowed by filters."""
    identifier = self.params.get("IntegrationIdentifier")
    if identifier:
        return ActionResult({"Integrations": [find_integration(self.backend, identifier)]})
    filters = {f["Name"]: f["Values"] for f in self.params.get("Filters", []) or []}
    unknown = sorted(set(filters) - set(FILTER_FIELDS))
    if unknown:
        raise InvalidParameterValue(f"Unrecognized filter name: {unknown[0]}")
    found = [i for i in integrations_of(self.backend).values() if _matches(i, filters)]
    return ActionResult({"Integrations": found})


@adds(RDSResponse, "modify_integration")
def modify_integration(self: RDSResponse) -> ActionResult:
    """ModifyIntegration: a new name (unique), data filter or description; answered `modifying`, then `active`."""
    integration = find_integration(self.backend, self.params["IntegrationIdentifier"])
    if integration.status != "active":
        raise InvalidIntegrationStateFault(self.params["IntegrationIdentifier"], integration.status)
    new_name = self.params.get("IntegrationName")
    if new_name and new_name != integration.integration_name:
        _check_name(self.backend, new_name)
        integration.integration_name = new_name
    if self.params.get("DataFilter") is not None:
        integration.data_filter = self.params["DataFilter"]
    if self.params.get("Description") is not None:
        integration.description = self.params["Description"]
    return ActionResult(integration.in_state("modifying"))


@adds(RDSResponse, "delete_integration")
def delete_integration(self: RDSResponse) -> ActionResult:
    """DeleteIntegration: answered `deleting`; the integration is then gone."""
    integration = find_integration(self.backend, self.params["IntegrationIdentifier"])
    if integration.deleting:
        raise InvalidIntegrationStateFault(self.params["IntegrationIdentifier"], integration.status)
    integration.start_deleting()
    return ActionResult(integration.in_state("deleting"))


@replaces(RDSBackend, "_get_resource_for_tagging")
def get_resource_for_tagging(self: RDSBackend, arn: str) -> Any:
    """Tagging calls take an integration's ARN (arn:aws:rds:<region>:<account>:integration:<id>)."""
    match = INTEGRATION_ARN.match(arn or "")
    if match:
        return find_integration(rds_backends[match["account"]][match["region"]], arn)
    return original(RDSBackend, "_get_resource_for_tagging")(self, arn)
