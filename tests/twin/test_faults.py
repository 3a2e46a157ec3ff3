"""Fault mode: throttling answered as each AWS service answers it, reproducible from a seed."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

THROTTLING_BY_SERVICE = {
    "rds": ("describe_db_clusters", {}, "Throttling"),
    "redshift": ("describe_clusters", {}, "Throttling"),
    "elasticache": ("describe_replication_groups", {}, "Throttling"),
    "ec2": ("describe_vpcs", {}, "RequestLimitExceeded"),
    "kms": ("list_keys", {}, "ThrottlingException"),
    "secretsmanager": ("list_secrets", {}, "ThrottlingException"),
    "cloudwatch": ("describe_alarms", {}, "Throttling"),
    "sns": ("list_topics", {}, "Throttling"),
}


@pytest.mark.parametrize("service", sorted(THROTTLING_BY_SERVICE))
def test_each_service_throttles_with_its_own_error(clean_twin, service: str) -> None:
    """AWS: query services answer Throttling, EC2 RequestLimitExceeded, JSON services ThrottlingException."""
    operation, arguments, code = THROTTLING_BY_SERVICE[service]
    clean_twin.configure(fault_rate=1.0, fault_seed=1)
    client = clean_twin.client(service)
    try:
        with pytest.raises(ClientError) as error:
            getattr(client, operation)(**arguments)
    finally:
        clean_twin.configure(fault_rate=0.0)
    assert error.value.response["Error"]["Code"] == code
    assert clean_twin.requests()["entries"][-1]["fault"] == code


def test_standard_retry_mode_completes_100_calls_at_20_percent(clean_twin) -> None:
    """A boto3 client in standard retry mode (3 attempts) gets through 100 calls when 20% are throttled."""
    settings = clean_twin.configure(fault_rate=0.2, fault_seed=42)
    assert settings["fault_rate"] == 0.2
    rds = clean_twin.client("rds", retries={"max_attempts": 5, "mode": "standard"})
    try:
        for _ in range(100):
            rds.describe_db_clusters()
        injected = clean_twin.configure()["faults_injected"]
    finally:
        clean_twin.configure(fault_rate=0.0)
    summary = clean_twin.requests()
    throttled = [entry for entry in summary["entries"] if entry["fault"]]
    assert len(throttled) == injected
    assert 10 <= injected <= 40, f"expected about 20 throttled of about 125 calls, got {injected}"
    assert summary["total"] == 100 + injected


def test_the_same_seed_throttles_the_same_calls(clean_twin) -> None:
    def pattern() -> list[bool]:
        clean_twin.configure(fault_rate=0.3, fault_seed=7)
        rds = clean_twin.client("rds", retries={"max_attempts": 1, "mode": "standard"})
        outcome = []
        for _ in range(20):
            try:
                rds.describe_db_clusters()
                outcome.append(False)
            except ClientError:
                outcome.append(True)
        clean_twin.configure(fault_rate=0.0)
        return outcome

    assert pattern() == pattern()
    assert any(pattern())


def test_config_rejects_an_unknown_setting_and_a_bad_rate(twin) -> None:
    import urllib.error

    with pytest.raises(urllib.error.HTTPError) as error:
        twin.configure(fault_rate=1.5)
    assert error.value.code == 400
    with pytest.raises(urllib.error.HTTPError):
        twin.configure(chaos=True)
