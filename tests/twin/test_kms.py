"""KMS key lifecycle in the twin behaves as AWS KMS does: every KeyId accepts a key ID or a key ARN.

twin/patches/kms.py implements the departures from moto 5.2.5 that these tests state.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def _key(aws: Any, region: str = "us-east-2") -> dict[str, Any]:
    return aws("kms", region=region).create_key(Description="twin")["KeyMetadata"]


def _state(aws: Any, key_id: str, region: str = "us-east-2") -> str:
    return aws("kms", region=region).describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"]


def _code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


@pytest.mark.parametrize("region", ["us-east-2", "us-west-2"])
def test_schedule_key_deletion_accepts_the_key_arn(aws, region: str) -> None:
    """AWS: ScheduleKeyDeletion takes a key ID or key ARN (moto: HTTP 500 KeyError on the ARN); the response names
    the key by its ARN with KeyState PendingDeletion, the DeletionDate and PendingWindowInDays."""
    key = _key(aws, region)
    answer = aws("kms", region=region).schedule_key_deletion(KeyId=key["Arn"], PendingWindowInDays=7)
    assert answer["KeyId"] == key["Arn"]
    assert (answer["KeyState"], answer["PendingWindowInDays"]) == ("PendingDeletion", 7)
    assert answer["DeletionDate"]
    assert _state(aws, key["KeyId"], region) == "PendingDeletion"


def test_pending_window_defaults_to_30_days_and_is_bounded(aws) -> None:
    """AWS: PendingWindowInDays defaults to 30 and must be 7 to 30 (ValidationException); moto accepted any value
    and answered DeletionDate null."""
    kms = aws("kms")
    key = _key(aws)
    for days in (6, 31):
        with pytest.raises(ClientError) as excinfo:
            kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=days)
        assert _code(excinfo) == "ValidationException"
    assert _state(aws, key["KeyId"]) == "Enabled"
    assert kms.schedule_key_deletion(KeyId=key["KeyId"])["PendingWindowInDays"] == 30


def test_disable_and_enable_accept_the_key_arn(aws) -> None:
    """AWS: DisableKey and EnableKey take a key ID or key ARN (moto: HTTP 500 KeyError on the ARN)."""
    kms = aws("kms")
    key = _key(aws)
    kms.disable_key(KeyId=key["Arn"])
    assert _state(aws, key["KeyId"]) == "Disabled"
    kms.enable_key(KeyId=key["Arn"])
    assert _state(aws, key["KeyId"]) == "Enabled"


def test_cancel_key_deletion_accepts_the_key_arn(aws) -> None:
    """AWS: CancelKeyDeletion takes a key ID or key ARN, answers with the key ARN and leaves the key Disabled."""
    kms = aws("kms")
    key = _key(aws)
    kms.schedule_key_deletion(KeyId=key["Arn"], PendingWindowInDays=7)
    assert kms.cancel_key_deletion(KeyId=key["Arn"])["KeyId"] == key["Arn"]
    assert _state(aws, key["KeyId"]) == "Disabled"


def test_a_key_pending_deletion_is_in_an_invalid_state(aws) -> None:
    """AWS: scheduling, disabling or enabling a key that is pending deletion is KMSInvalidStateException (moto
    re-scheduled or re-enabled it); cancelling a key not pending deletion is refused the same way."""
    kms = aws("kms")
    key = _key(aws)
    with pytest.raises(ClientError) as excinfo:
        kms.cancel_key_deletion(KeyId=key["Arn"])
    assert _code(excinfo) == "KMSInvalidStateException"
    kms.schedule_key_deletion(KeyId=key["Arn"], PendingWindowInDays=7)
    for call in (kms.schedule_key_deletion, kms.disable_key, kms.enable_key):
        with pytest.raises(ClientError) as excinfo:
            call(KeyId=key["Arn"])
        assert _code(excinfo) == "KMSInvalidStateException"
        assert excinfo.value.response["Error"]["Message"] == f"{key['Arn']} is pending deletion."
    assert _state(aws, key["KeyId"]) == "PendingDeletion"


def test_the_default_ebs_key_is_aws_managed(aws) -> None:
    """The key EC2 makes for an encrypted volume without a key (alias/aws/ebs) is an AWS managed key."""
    ec2 = aws("ec2")
    ec2.create_volume(AvailabilityZone="us-east-2a", Size=8, Encrypted=True)
    metadata = aws("kms").describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]
    assert metadata["KeyManager"] == "AWS"
    assert _key(aws)["KeyManager"] == "CUSTOMER"
