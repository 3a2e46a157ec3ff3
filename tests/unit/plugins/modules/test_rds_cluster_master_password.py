"""Unit tests of xyz.aws_database.rds_cluster_master_password with mocked boto3 clients (no network)."""

from __future__ import annotations

from typing import Any
from unittest.mock import MagicMock

import boto3
import botocore.waiter
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from ansible_collections.xyz.aws_database.plugins.modules import rds_cluster_master_password as module_under_test

CLUSTER_ID = "xyz-test-aurora"
CLUSTER_ARN = f"arn:aws:rds:us-east-2:123456789012:cluster:{CLUSTER_ID}"
SECRET_ARN = "arn:aws:secretsmanager:us-east-2:123456789012:secret:rds!cluster-0000-AbCdEf"
KEY_ARN = "arn:aws:kms:us-east-2:123456789012:key/11111111-2222-3333-4444-555555555555"
OTHER_KEY_ARN = "arn:aws:kms:us-east-2:123456789012:key/99999999-8888-7777-6666-555555555555"
PASSWORD = "Vaulted-Passw0rd"

CREATE = {
    "engine": "aurora-mysql",
    "engine_version": "8.0.mysql_aurora.3.08.2",
    "master_username": "xyzadmin",
    "database_name": None,
    "db_subnet_group_name": "xyz-test-aurora",
    "vpc_security_group_ids": ["sg-0123456789abcdef0"],
    "db_cluster_parameter_group_name": "xyz-test-aurora-cluster",
    "port": None,
    "backup_retention_period": 2,
    "preferred_backup_window": "07:00-08:00",
    "preferred_maintenance_window": "sun:08:30-sun:09:30",
    "storage_encrypted": True,
    "kms_key_id": None,
    "copy_tags_to_snapshot": True,
    "deletion_protection": False,
    "enable_cloudwatch_logs_exports": ["audit", "error", "slowquery"],
    "enable_iam_database_authentication": None,
    "tags": {"Project": "xyz-database"},
}


def cluster(managed: bool, key: str = KEY_ARN, status: str = "available") -> dict[str, Any]:
    description: dict[str, Any] = {
        "DBClusterIdentifier": CLUSTER_ID,
        "DBClusterArn": CLUSTER_ARN,
        "Status": status,
        "MasterUsername": "xyzadmin",
        "Engine": "aurora-mysql",
    }
    if managed:
        description["MasterUserSecret"] = {"SecretArn": SECRET_ARN, "SecretStatus": "active", "KmsKeyId": key}
    return description


def not_found() -> ClientError:
    error = {"Error": {"Code": "DBClusterNotFoundFault", "Message": f"DBCluster {CLUSTER_ID} not found."}}
    return ClientError(error, "DescribeDBClusters")


class FakeModule:
    """What the module's functions use of AnsibleAWSModule: params, check_mode, _diff and client()."""

    def __init__(self, params: dict[str, Any], rds: MagicMock, kms: MagicMock, check_mode: bool = False) -> None:
        self.params = {
            "db_cluster_identifier": CLUSTER_ID,
            "master_user_secret_kms_key_id": None,
            "master_user_password": None,
            "rotate_master_user_password": False,
            "create": None,
            "wait": False,
            "wait_timeout": 1800,
            **params,
        }
        self.check_mode = check_mode
        self._diff = True
        self._clients = {"rds": rds, "kms": kms}

    def client(self, service: str, retry_decorator: Any = None) -> MagicMock:
        return self._clients[service]


def rds_client(*descriptions: dict[str, Any] | None) -> MagicMock:
    """An RDS client whose DescribeDBClusters answers these descriptions in turn (None: the cluster is absent)."""
    client = MagicMock()
    answers: list[Any] = [not_found() if d is None else {"DBClusters": [d]} for d in descriptions]
    client.describe_db_clusters.side_effect = answers
    client.create_db_cluster.return_value = {"DBCluster": cluster(True, status="creating")}
    client.modify_db_cluster.return_value = {"DBCluster": cluster(True, status="modifying")}
    return client


def kms_client(arns: dict[str, str] | None = None) -> MagicMock:
    """A KMS client whose DescribeKey resolves key ids and aliases to these ARNs (an ARN resolves to itself)."""
    arns = arns or {}
    client = MagicMock()
    client.describe_key.side_effect = lambda KeyId: {"KeyMetadata": {"Arn": arns.get(KeyId, KeyId)}}
    return client


def run(params: dict[str, Any], rds: MagicMock, kms: MagicMock | None = None, check: bool = False) -> dict[str, Any]:
    return module_under_test.ensure(FakeModule(params, rds, kms or kms_client(), check_mode=check))


# --- create --------------------------------------------------------------------------------------------------------


def test_creates_the_cluster_with_a_managed_password_and_no_password_on_the_wire() -> None:
    rds = rds_client(None, cluster(True, status="creating"))
    result = run({"manage_master_user_password": True, "create": CREATE}, rds)

    request = rds.create_db_cluster.call_args.kwargs
    assert request["DBClusterIdentifier"] == CLUSTER_ID
    assert request["ManageMasterUserPassword"] is True
    assert "MasterUserPassword" not in request
    assert "Port" not in request  # omitted: AWS's default for the engine
    assert "MasterUserSecretKmsKeyId" not in request
    assert request["Engine"] == "aurora-mysql"
    assert request["MasterUsername"] == "xyzadmin"
    assert request["StorageEncrypted"] is True
    assert request["BackupRetentionPeriod"] == 2
    assert request["EnableCloudwatchLogsExports"] == ["audit", "error", "slowquery"]
    assert request["Tags"] == [{"Key": "Project", "Value": "xyz-database"}]
    assert result["changed"] is True
    assert result["created"] is True
    assert result["cluster"]["master_user_secret"]["secret_arn"] == SECRET_ARN
    assert result["diff"] == {
        "before": {"cluster": "absent"},
        "after": {"cluster": "present", "manage_master_user_password": True, "master_user_secret_kms_key_id": KEY_ARN},
    }
    rds.modify_db_cluster.assert_not_called()


def test_creation_passes_the_secret_key_and_a_non_default_port() -> None:
    rds = rds_client(None, cluster(True, status="creating"))
    params = {
        "manage_master_user_password": True,
        "master_user_secret_kms_key_id": "alias/xyz-secrets",
        "create": {**CREATE, "port": 3307},
    }
    run(params, rds)

    request = rds.create_db_cluster.call_args.kwargs
    assert request["MasterUserSecretKmsKeyId"] == "alias/xyz-secrets"
    assert request["Port"] == 3307


def test_creation_in_check_mode_predicts_and_calls_nothing() -> None:
    rds = rds_client(None)
    kms = kms_client()
    params = {"manage_master_user_password": True, "master_user_secret_kms_key_id": "alias/xyz", "create": CREATE}
    result = run(params, rds, kms, check=True)

    rds.create_db_cluster.assert_not_called()
    kms.describe_key.assert_not_called()  # the key may be created later in the same run
    assert result["changed"] is True
    assert result["created"] is True
    assert result["cluster"] == {
        "db_cluster_identifier": CLUSTER_ID,
        "status": "creating",
        "master_username": "xyzadmin",
        "manage_master_user_password": True,
        "master_user_secret": {"secret_status": "creating", "kms_key_id": "alias/xyz"},
    }
    assert result["diff"]["before"] == {"cluster": "absent"}
    assert result["diff"]["after"]["master_user_secret_kms_key_id"] == "alias/xyz"


def test_an_absent_cluster_without_create_is_an_error() -> None:
    with pytest.raises(AnsibleAWSError, match="does not exist: give `create`"):
        run({"manage_master_user_password": True}, rds_client(None))


def test_an_absent_cluster_is_never_created_with_a_password() -> None:
    rds = rds_client(None)
    with pytest.raises(AnsibleAWSError, match="does not exist"):
        run({"manage_master_user_password": False, "master_user_password": PASSWORD}, rds)
    rds.create_db_cluster.assert_not_called()


# --- no-op ---------------------------------------------------------------------------------------------------------


def test_a_managed_cluster_stays_as_it_is() -> None:
    rds = rds_client(cluster(True))
    result = run({"manage_master_user_password": True, "create": CREATE}, rds)

    rds.create_db_cluster.assert_not_called()
    rds.modify_db_cluster.assert_not_called()
    assert result["changed"] is False
    assert result["created"] is False
    assert result["diff"]["before"] == result["diff"]["after"]


def test_an_unmanaged_cluster_stays_as_it_is_and_the_password_is_not_sent() -> None:
    rds = rds_client(cluster(False))
    result = run({"manage_master_user_password": False, "master_user_password": PASSWORD}, rds)

    rds.modify_db_cluster.assert_not_called()
    assert result["changed"] is False
    assert result["cluster"]["manage_master_user_password"] is False
    assert "master_user_secret" not in result["cluster"]


def test_the_same_key_given_by_alias_is_no_change() -> None:
    rds = rds_client(cluster(True, key=KEY_ARN))
    kms = kms_client({"alias/xyz-secrets": KEY_ARN})
    result = run({"manage_master_user_password": True, "master_user_secret_kms_key_id": "alias/xyz-secrets"}, rds, kms)

    assert result["changed"] is False
    rds.modify_db_cluster.assert_not_called()


# --- modify --------------------------------------------------------------------------------------------------------


def test_turns_management_on_with_the_key() -> None:
    rds = rds_client(cluster(False), cluster(True, status="modifying"))
    params = {"manage_master_user_password": True, "master_user_secret_kms_key_id": "alias/xyz-secrets"}
    result = run(params, rds)

    rds.modify_db_cluster.assert_called_once_with(
        DBClusterIdentifier=CLUSTER_ID,
        ManageMasterUserPassword=True,
        MasterUserSecretKmsKeyId="alias/xyz-secrets",
        ApplyImmediately=True,
    )
    assert result["changed"] is True
    assert result["diff"]["before"] == {"cluster": "present", "manage_master_user_password": False}
    assert result["diff"]["after"]["manage_master_user_password"] is True


def test_turns_management_off_with_the_vaulted_password() -> None:
    rds = rds_client(cluster(True), cluster(False, status="modifying"))
    result = run({"manage_master_user_password": False, "master_user_password": PASSWORD}, rds)

    rds.modify_db_cluster.assert_called_once_with(
        DBClusterIdentifier=CLUSTER_ID,
        ManageMasterUserPassword=False,
        MasterUserPassword=PASSWORD,
        ApplyImmediately=True,
    )
    assert result["changed"] is True
    assert result["diff"]["after"] == {"cluster": "present", "manage_master_user_password": False}
    assert PASSWORD not in repr(result)


def test_turning_management_off_needs_a_password() -> None:
    rds = rds_client(cluster(True))
    with pytest.raises(AnsibleAWSError, match="turning that off needs master_user_password"):
        run({"manage_master_user_password": False}, rds)
    rds.modify_db_cluster.assert_not_called()


def test_rotates_the_secret_immediately() -> None:
    rds = rds_client(cluster(True), cluster(True))
    result = run({"manage_master_user_password": True, "rotate_master_user_password": True}, rds)

    rds.modify_db_cluster.assert_called_once_with(
        DBClusterIdentifier=CLUSTER_ID, RotateMasterUserPassword=True, ApplyImmediately=True
    )
    assert result["changed"] is True
    assert result["rotated"] is True
    assert result["diff"]["after"]["master_user_secret_rotation"] == "rotated now"


def test_turning_management_on_does_not_rotate_as_well() -> None:
    rds = rds_client(cluster(False), cluster(True))
    result = run({"manage_master_user_password": True, "rotate_master_user_password": True}, rds)

    assert "RotateMasterUserPassword" not in rds.modify_db_cluster.call_args.kwargs
    assert result["rotated"] is False


def test_another_key_on_a_managed_secret_is_refused() -> None:
    rds = rds_client(cluster(True, key=KEY_ARN))
    kms = kms_client({"alias/other": OTHER_KEY_ARN})
    with pytest.raises(AnsibleAWSError, match="cannot change the KMS key"):
        run({"manage_master_user_password": True, "master_user_secret_kms_key_id": "alias/other"}, rds, kms)
    rds.modify_db_cluster.assert_not_called()


def test_waits_for_a_busy_cluster_before_and_for_the_secret_after(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[str] = []
    monkeypatch.setattr(module_under_test, "wait_settled", lambda client, identifier, timeout: waits.append(identifier))
    rds = rds_client(cluster(False, status="backing-up"), cluster(True), cluster(True))
    run({"manage_master_user_password": True, "wait": True}, rds)

    assert waits == [CLUSTER_ID, CLUSTER_ID]
    rds.modify_db_cluster.assert_called_once()


# --- check mode and diff ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "before", "after_managed"),
    [
        ({"manage_master_user_password": True}, cluster(False), True),
        ({"manage_master_user_password": False, "master_user_password": PASSWORD}, cluster(True), False),
        ({"manage_master_user_password": True, "rotate_master_user_password": True}, cluster(True), True),
    ],
    ids=["turn on", "turn off", "rotate"],
)
def test_check_mode_predicts_from_a_copy_and_calls_nothing(
    params: dict[str, Any], before: dict[str, Any], after_managed: bool
) -> None:
    rds = rds_client(before)
    result = run(params, rds, check=True)

    rds.modify_db_cluster.assert_not_called()
    rds.create_db_cluster.assert_not_called()
    assert result["changed"] is True
    assert result["cluster"]["status"] == "modifying"
    assert result["cluster"]["manage_master_user_password"] is after_managed
    assert result["diff"]["before"] == module_under_test.diff_view(module_under_test.password_state(before))
    assert before["Status"] == "available"  # the description itself is left alone


def test_check_mode_on_an_unchanged_cluster_reports_no_change() -> None:
    rds = rds_client(cluster(True))
    result = run({"manage_master_user_password": True}, rds, check=True)

    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]


def test_no_diff_without_diff_mode() -> None:
    module = FakeModule({"manage_master_user_password": True}, rds_client(cluster(True)), kms_client())
    module._diff = False
    assert "diff" not in module_under_test.ensure(module)


# --- input ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"master_user_secret_kms_key_id": "alias/xyz"},
        {"create": CREATE},
        {"rotate_master_user_password": True},
    ],
    ids=["key", "create", "rotate"],
)
def test_options_of_a_managed_password_need_management(params: dict[str, Any]) -> None:
    rds = rds_client(cluster(False))
    with pytest.raises(AnsibleAWSError, match="needs manage_master_user_password=true"):
        run({"manage_master_user_password": False, **params}, rds)
    rds.describe_db_clusters.assert_not_called()


def test_main_reports_errors_through_fail_json_aws_error(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: dict[str, Any] = {}

    class StubModule(FakeModule):
        def __init__(self, argument_spec: dict[str, Any], supports_check_mode: bool) -> None:
            calls["argument_spec"] = argument_spec
            super().__init__({"manage_master_user_password": True}, rds_client(None), kms_client())

        def exit_json(self, **result: Any) -> None:
            calls["exit"] = result

        def fail_json_aws_error(self, error: AnsibleAWSError) -> None:
            calls["fail"] = error.message

    monkeypatch.setattr(module_under_test, "AnsibleXyzAWSModule", StubModule)
    module_under_test.main()

    assert "does not exist" in calls["fail"]
    assert "exit" not in calls
    assert calls["argument_spec"]["master_user_password"]["no_log"] is True


# --- the waiter, through botocore ------------------------------------------------------------------------------------


def test_the_waiter_waits_for_the_cluster_and_its_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(botocore.waiter.time, "sleep", lambda seconds: None)
    client = boto3.client("rds", region_name="us-east-2", aws_access_key_id="x", aws_secret_access_key="x")
    stubber = Stubber(client)
    for status, secret in [("modifying", "creating"), ("available", "creating"), ("available", "active")]:
        description = cluster(True, status=status)
        description["MasterUserSecret"]["SecretStatus"] = secret
        stubber.add_response("describe_db_clusters", {"DBClusters": [description]}, {"DBClusterIdentifier": CLUSTER_ID})
    with stubber:
        module_under_test.wait_settled(client, CLUSTER_ID, 60)
    stubber.assert_no_pending_responses()


def test_the_waiter_gives_up_on_a_deleting_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(botocore.waiter.time, "sleep", lambda seconds: None)
    client = boto3.client("rds", region_name="us-east-2", aws_access_key_id="x", aws_secret_access_key="x")
    stubber = Stubber(client)
    stubber.add_response("describe_db_clusters", {"DBClusters": [cluster(False, status="deleting")]})
    with stubber, pytest.raises(AnsibleAWSError, match="Timeout trying to wait for the DB cluster"):
        module_under_test.wait_settled(client, CLUSTER_ID, 60)
