"""Patches for KMS key lifecycle calls: every KeyId parameter accepts a key ID or a key ARN, as AWS does.

moto 5.2.5 looks keys up by raw ID in DisableKey, EnableKey, CancelKeyDeletion and ScheduleKeyDeletion, so a key ARN
(what amazon.aws.kms_key passes) ends in an HTTP 500 KeyError. tests/twin/test_kms.py states each AWS behaviour.
An AWS managed key (alias aws/<service>, which moto creates on first use as AWS does) has KeyManager AWS.
"""

from __future__ import annotations

import json
from typing import Any

from moto.kms.models import Key, KmsBackend
from moto.kms.responses import KmsResponse

from twin.patches._registry import original, replaces
from twin.patches.errors import TwinServiceError

PENDING_WINDOW_DEFAULT = 30
PENDING_WINDOW_MIN = 7
PENDING_WINDOW_MAX = 30


def _key(backend: KmsBackend, key_id: str) -> Key:
    return backend.keys[backend.get_key_id(key_id)]


def _not_pending_deletion(key: Key) -> None:
    if key.key_state == "PendingDeletion":
        raise TwinServiceError("KMSInvalidStateException", f"{key.arn} is pending deletion.")


@replaces(KmsBackend, "disable_key")
def disable_key(self: KmsBackend, key_id: str) -> None:
    """DisableKey takes a key ID or key ARN; a key pending deletion is KMSInvalidStateException."""
    key = _key(self, key_id)
    _not_pending_deletion(key)
    original(KmsBackend, "disable_key")(self, key.id)


@replaces(KmsBackend, "enable_key")
def enable_key(self: KmsBackend, key_id: str) -> None:
    """EnableKey takes a key ID or key ARN; a key pending deletion is KMSInvalidStateException."""
    key = _key(self, key_id)
    _not_pending_deletion(key)
    original(KmsBackend, "enable_key")(self, key.id)


@replaces(KmsBackend, "cancel_key_deletion")
def cancel_key_deletion(self: KmsBackend, key_id: str) -> None:
    """CancelKeyDeletion takes a key ID or key ARN; it applies only to a key pending deletion."""
    key = _key(self, key_id)
    if key.key_state != "PendingDeletion":
        raise TwinServiceError("KMSInvalidStateException", f"{key.arn} is not pending deletion.")
    original(KmsBackend, "cancel_key_deletion")(self, key.id)


@replaces(KmsBackend, "schedule_key_deletion")
def schedule_key_deletion(self: KmsBackend, key_id: str, pending_window_in_days: int) -> float:
    """ScheduleKeyDeletion takes a key ID or key ARN; scheduling a key already pending deletion is refused."""
    key = _key(self, key_id)
    _not_pending_deletion(key)
    return original(KmsBackend, "schedule_key_deletion")(self, key.id, pending_window_in_days)


@replaces(KmsBackend, "replicate_key")
def replicate_key(self: KmsBackend, key_id: str, replica_region: str) -> Key:
    """ReplicateKey takes a key ID or key ARN of a multi-Region primary key."""
    return original(KmsBackend, "replicate_key")(self, self.get_key_id(key_id), replica_region)


def _pending_window(response: KmsResponse) -> int:
    days = response._get_param("PendingWindowInDays")
    if days is None:
        return PENDING_WINDOW_DEFAULT
    days = int(days)
    if days < PENDING_WINDOW_MIN:
        bound = f"greater than or equal to {PENDING_WINDOW_MIN}"
    elif days > PENDING_WINDOW_MAX:
        bound = f"less than or equal to {PENDING_WINDOW_MAX}"
    else:
        return days
    raise TwinServiceError(
        "ValidationException",
        f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to satisfy constraint: "
        f"Member must have value {bound}",
    )


@replaces(KmsResponse, "schedule_key_deletion")
def schedule_key_deletion_response(self: KmsResponse) -> str:
    """The response names the key by its ARN and carries KeyState PendingDeletion and PendingWindowInDays; the
    window must be 7 to 30 days (moto accepted any value and answered DeletionDate null)."""
    key_id = self._get_param("KeyId")
    days = _pending_window(self)
    self._validate_cmk_id(key_id)
    deletion_date = self.kms_backend.schedule_key_deletion(key_id, days)
    key = _key(self.kms_backend, key_id)
    result: dict[str, Any] = {
        "KeyId": key.arn,
        "DeletionDate": deletion_date,
        "KeyState": key.key_state,
        "PendingWindowInDays": days,
    }
    return json.dumps(result)


@replaces(KmsResponse, "cancel_key_deletion")
def cancel_key_deletion_response(self: KmsResponse) -> str:
    """The response names the key by its ARN (moto echoed the KeyId as given)."""
    key_id = self._get_param("KeyId")
    self._validate_cmk_id(key_id)
    self.kms_backend.cancel_key_deletion(key_id)
    return json.dumps({"KeyId": _key(self.kms_backend, key_id).arn})


@replaces(KmsBackend, "_generate_default_keys")
def generate_default_keys(self: KmsBackend, alias_name: str) -> str | None:
    """The key of an AWS managed alias (aws/rds, aws/secretsmanager...) is managed by AWS: KeyManager AWS."""
    key_id = original(KmsBackend, "_generate_default_keys")(self, alias_name)
    if key_id is not None:
        self.keys[key_id].key_manager = "AWS"
    return key_id


# The keys behind alias/aws/<service> (alias/aws/ebs, made by EC2 for an encrypted volume without a key) are AWS
# managed keys: DescribeKey reports KeyManager AWS (moto: CUSTOMER, as for a key the account created).
@replaces(KmsBackend, "create_alias")
def create_alias(self: KmsBackend, target_key_id: str, alias_name: str) -> None:
    original(KmsBackend, "create_alias")(self, target_key_id, alias_name)
    if alias_name.startswith("alias/aws/"):
        self.describe_key(target_key_id).key_manager = "AWS"
