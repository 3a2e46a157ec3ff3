#!/usr/bin/python

# Copyright: XYZ Corporation
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: rds_cluster_master_password
version_added: 0.1.0
short_description: Keep an Aurora DB cluster's master user password in an RDS-managed secret, or stop doing so
description:
  - Turns on or off the management of a DB cluster's master user password by RDS in AWS Secrets Manager
    (C(ManageMasterUserPassword) of C(ModifyDBCluster)), chooses the KMS key of that secret when management starts
    (C(MasterUserSecretKmsKeyId)), and rotates the secret on request (C(RotateMasterUserPassword)).
  - When the cluster does not exist and O(create) is given, creates it with an RDS-managed password
    (C(CreateDBCluster) with C(ManageMasterUserPassword)), so that no password goes over the wire;
    RDS generates it and keeps it in the secret. M(amazon.aws.rds_cluster) cannot ask for a managed password,
    and it needs a password to create a cluster; run it after this module to keep the cluster's other settings.
  - When the cluster exists, O(create) is ignored; this module changes nothing but the master password's management.
  - Passwords are never compared (AWS does not return them). O(master_user_password) is sent only when management
    is turned off, because AWS then needs the password the master user keeps.
author:
  - XYZ Corporation database platform team (@xyz-corp)
options:
  db_cluster_identifier:
    description:
      - The DB cluster identifier.
    type: str
    required: true
    aliases: [cluster_id]
  manage_master_user_password:
    description:
      - V(true) keeps the master user password in a secret that RDS generates, owns and can rotate.
      - V(false) keeps it out of Secrets Manager; turning management off needs O(master_user_password),
        and RDS deletes its secret.
    type: bool
    required: true
  master_user_secret_kms_key_id:
    description:
      - The KMS key (key ARN, key id, alias ARN or alias name) that encrypts the secret, used when management starts
        (or when O(create) creates the cluster). Without it, AWS uses the C(aws/secretsmanager) key.
      - AWS cannot change the key of a secret it already manages. When the cluster's secret uses another key,
        the module fails and changes nothing.
      - Only with O(manage_master_user_password=true).
    type: str
  master_user_password:
    description:
      - The password the master user keeps when management is turned off (8 to 41 printable ASCII characters,
        none of V(/), V("), V(@) or a space). Sent only when the cluster's password is managed now and
        O(manage_master_user_password=false); ignored otherwise.
    type: str
  rotate_master_user_password:
    description:
      - Rotate the managed secret now (applied immediately, as AWS requires). Always a change.
      - Only with O(manage_master_user_password=true). Ignored when management starts in the same run
        (RDS has just generated a new password).
    type: bool
    default: false
  create:
    description:
      - Creation parameters of C(CreateDBCluster), used only when the cluster does not exist; the module then creates
        it with an RDS-managed master password. Only with O(manage_master_user_password=true).
      - Without O(create), a cluster that does not exist is an error.
    type: dict
    suboptions:
      engine:
        description: The database engine, for example V(aurora-mysql).
        type: str
        required: true
      engine_version:
        description: The engine version.
        type: str
      master_username:
        description: The master user's name.
        type: str
        required: true
      database_name:
        description: A database to create with the cluster.
        type: str
      db_subnet_group_name:
        description: The DB subnet group.
        type: str
      vpc_security_group_ids:
        description: The VPC security groups.
        type: list
        elements: str
      db_cluster_parameter_group_name:
        description: The DB cluster parameter group.
        type: str
      port:
        description: The port; AWS's default for the engine when omitted.
        type: int
      backup_retention_period:
        description: Days of automated backups (1 to 35).
        type: int
      preferred_backup_window:
        description: Daily backup window, V(hh24:mi-hh24:mi) in UTC.
        type: str
      preferred_maintenance_window:
        description: Weekly maintenance window, V(ddd:hh24:mi-ddd:hh24:mi) in UTC.
        type: str
      storage_encrypted:
        description: Encrypt the storage.
        type: bool
      kms_key_id:
        description: The KMS key of the storage encryption.
        type: str
      copy_tags_to_snapshot:
        description: Copy the cluster's tags to its snapshots.
        type: bool
      deletion_protection:
        description: Protect the cluster from deletion.
        type: bool
      enable_cloudwatch_logs_exports:
        description: Log types to export to CloudWatch Logs.
        type: list
        elements: str
      enable_iam_database_authentication:
        description: Map IAM identities to database accounts.
        type: bool
      tags:
        description: Tags of the cluster.
        type: dict
  wait:
    description:
      - Wait until the cluster is available and its secret active after a change.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait.
    type: int
    default: 1800
notes:
  - AWS does not support an RDS-managed password on a read replica cluster or a secondary cluster of a global
    database.
  - In check mode the module reads the cluster (and, for a KMS key comparison, the keys) but changes nothing;
    it reports what would change.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Create an Aurora MySQL cluster whose master password RDS generates and keeps in Secrets Manager
  xyz.aws_database.rds_cluster_master_password:
    region: us-east-2
    db_cluster_identifier: xyz-prod-aurora
    manage_master_user_password: true
    master_user_secret_kms_key_id: alias/xyz-prod-secrets
    create:
      engine: aurora-mysql
      engine_version: 8.0.mysql_aurora.3.08.2
      master_username: xyzadmin
      db_subnet_group_name: xyz-prod-aurora
      vpc_security_group_ids: [sg-0123456789abcdef0]
      storage_encrypted: true
      backup_retention_period: 2
    wait: false

- name: Move an existing cluster's password into an RDS-managed secret
  xyz.aws_database.rds_cluster_master_password:
    region: us-east-2
    db_cluster_identifier: xyz-prod-aurora
    manage_master_user_password: true

- name: Rotate the managed secret now
  xyz.aws_database.rds_cluster_master_password:
    region: us-east-2
    db_cluster_identifier: xyz-prod-aurora
    manage_master_user_password: true
    rotate_master_user_password: true

- name: Take the password back from Secrets Manager (the master user keeps this one)
  xyz.aws_database.rds_cluster_master_password:
    region: us-east-2
    db_cluster_identifier: xyz-prod-aurora
    manage_master_user_password: false
    master_user_password: "{{ vault_aurora_master_password }}"
  no_log: true
"""

RETURN = r"""
created:
  description: Whether the module created the cluster (or would have, in check mode).
  returned: always
  type: bool
  sample: false
rotated:
  description: Whether the module rotated the managed secret (or would have, in check mode).
  returned: always
  type: bool
  sample: false
cluster:
  description:
    - The cluster's master password settings after the run; in check mode, what they would be.
    - Values AWS has not decided yet (the ARN of a secret still to be created) are absent.
  returned: always
  type: dict
  contains:
    db_cluster_identifier:
      description: The DB cluster identifier.
      type: str
      sample: xyz-prod-aurora
    db_cluster_arn:
      description: The DB cluster ARN.
      type: str
      sample: arn:aws:rds:us-east-2:123456789012:cluster:xyz-prod-aurora
    status:
      description: The cluster's status.
      type: str
      sample: available
    master_username:
      description: The master user's name.
      type: str
      sample: xyzadmin
    manage_master_user_password:
      description: Whether RDS manages the master user password in Secrets Manager.
      type: bool
      sample: true
    master_user_secret:
      description: The RDS-managed secret; absent when the password is not managed.
      type: dict
      returned: when the password is managed
      contains:
        secret_arn:
          description: The secret's ARN.
          type: str
          sample: arn:aws:secretsmanager:us-east-2:123456789012:secret:rds!cluster-8f2c1e0b-AbCdEf
        secret_status:
          description: The secret's status (creating, active, rotating, impaired).
          type: str
          sample: active
        kms_key_id:
          description: The KMS key that encrypts the secret.
          type: str
          sample: arn:aws:kms:us-east-2:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
"""

from copy import deepcopy
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.rds import AnsibleRDSError, RDSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.waiter import BaseWaiterFactory, custom_waiter_config

from ansible_collections.xyz.aws_database.plugins.module_utils.modules import (
    THROTTLING_CODES,
    AnsibleXyzAWSModule,
    aws_retry,
)

# CreateDBCluster's parameter for each suboption of `create` (tags are converted separately).
CREATE_PARAMETERS = {
    "engine": "Engine",
    "engine_version": "EngineVersion",
    "master_username": "MasterUsername",
    "database_name": "DatabaseName",
    "db_subnet_group_name": "DBSubnetGroupName",
    "vpc_security_group_ids": "VpcSecurityGroupIds",
    "db_cluster_parameter_group_name": "DBClusterParameterGroupName",
    "port": "Port",
    "backup_retention_period": "BackupRetentionPeriod",
    "preferred_backup_window": "PreferredBackupWindow",
    "preferred_maintenance_window": "PreferredMaintenanceWindow",
    "storage_encrypted": "StorageEncrypted",
    "kms_key_id": "KmsKeyId",
    "copy_tags_to_snapshot": "CopyTagsToSnapshot",
    "deletion_protection": "DeletionProtection",
    "enable_cloudwatch_logs_exports": "EnableCloudwatchLogsExports",
    "enable_iam_database_authentication": "EnableIAMDatabaseAuthentication",
}

# A cluster in these states takes no modification until it is available again.
BUSY_STATES = ("creating", "modifying", "backing-up", "upgrading", "renaming", "resetting-master-credentials")


class ClusterErrorHandler(RDSErrorHandler):
    @classmethod
    def _is_missing(cls) -> type[Exception]:
        # DescribeDBClusters answers DBClusterNotFoundFault for an unknown identifier.
        return is_boto3_error_code(["DBClusterNotFoundFault", "DBClusterNotFound"])


class AnsibleKMSLookupError(AnsibleAWSError):
    pass


class KMSErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleKMSLookupError


def _fail_on_cluster_status(status: str) -> dict[str, str]:
    return {"state": "failure", "matcher": "pathAny", "expected": status, "argument": "DBClusters[].Status"}


class ClusterWaiterFactory(BaseWaiterFactory):
    @property
    def _waiter_model_data(self) -> dict[str, Any]:
        settled = (
            "DBClusters[0].Status == 'available' && "
            "(DBClusters[0].MasterUserSecret == `null` || DBClusters[0].MasterUserSecret.SecretStatus == 'active')"
        )
        return {
            "cluster_password_settled": {
                "operation": "DescribeDBClusters",
                "delay": 15,
                "maxAttempts": 120,
                "acceptors": [
                    {"state": "success", "matcher": "path", "expected": True, "argument": settled},
                    _fail_on_cluster_status("deleting"),
                    _fail_on_cluster_status("failed"),
                    _fail_on_cluster_status("inaccessible-encryption-credentials"),
                    {"state": "retry", "matcher": "error", "expected": "DBClusterNotFoundFault"},
                ],
            },
        }


@ClusterErrorHandler.list_error_handler("describe the DB cluster")
@aws_retry()
def describe_cluster(client: Any, identifier: str) -> dict[str, Any] | None:
    clusters = client.describe_db_clusters(DBClusterIdentifier=identifier)["DBClusters"]
    return clusters[0] if clusters else None


@KMSErrorHandler.common_error_handler("describe the KMS key")
@aws_retry()
def key_arn(client: Any, key_id: str) -> str:
    return client.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]


@RDSErrorHandler.common_error_handler("create the DB cluster")
@aws_retry()
def create_cluster(client: Any, request: dict[str, Any]) -> dict[str, Any]:
    return client.create_db_cluster(**request)["DBCluster"]


@RDSErrorHandler.common_error_handler("modify the DB cluster's master user password")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["InvalidDBClusterStateFault", *THROTTLING_CODES])
def modify_cluster(client: Any, request: dict[str, Any]) -> dict[str, Any]:
    return client.modify_db_cluster(**request)["DBCluster"]


@RDSErrorHandler.common_error_handler("wait for the DB cluster and its master user secret")
def wait_settled(client: Any, identifier: str, timeout: int) -> None:
    waiter = ClusterWaiterFactory().get_waiter(client, "cluster_password_settled")
    waiter.wait(DBClusterIdentifier=identifier, WaiterConfig=custom_waiter_config(timeout=timeout, default_pause=15))


def password_state(cluster: dict[str, Any] | None) -> dict[str, Any]:
    """What the module manages of a cluster, in the shape of the `cluster` return value."""
    if not cluster:
        return {}
    secret = cluster.get("MasterUserSecret")
    state = {
        "db_cluster_identifier": cluster.get("DBClusterIdentifier"),
        "db_cluster_arn": cluster.get("DBClusterArn"),
        "status": cluster.get("Status"),
        "master_username": cluster.get("MasterUsername"),
        "manage_master_user_password": bool(secret),
    }
    if secret:
        state["master_user_secret"] = {
            "secret_arn": secret.get("SecretArn"),
            "secret_status": secret.get("SecretStatus"),
            "kms_key_id": secret.get("KmsKeyId"),
        }
    return {key: value for key, value in state.items() if value is not None}


def diff_view(state: dict[str, Any], rotated: bool = False) -> dict[str, Any]:
    """The part of a state that a --diff shows: whether the cluster exists, who keeps the password, its key."""
    if not state:
        return {"cluster": "absent"}
    view = {
        "cluster": "present",
        "manage_master_user_password": state["manage_master_user_password"],
    }
    secret = state.get("master_user_secret")
    if secret:
        view["master_user_secret_kms_key_id"] = secret.get("kms_key_id", "(AWS default: aws/secretsmanager)")
    if rotated:
        view["master_user_secret_rotation"] = "rotated now"
    return view


def validate_params(params: dict[str, Any]) -> None:
    manage = params["manage_master_user_password"]
    if not manage:
        for option in ("master_user_secret_kms_key_id", "create"):
            if params.get(option):
                raise AnsibleRDSError(message=f"{option} needs manage_master_user_password=true")
        if params["rotate_master_user_password"]:
            raise AnsibleRDSError(message="rotate_master_user_password needs manage_master_user_password=true")


def creation_request(params: dict[str, Any]) -> dict[str, Any]:
    create = params["create"]
    request = {"DBClusterIdentifier": params["db_cluster_identifier"], "ManageMasterUserPassword": True}
    for option, parameter in CREATE_PARAMETERS.items():
        if create.get(option) is not None:
            request[parameter] = create[option]
    if params.get("master_user_secret_kms_key_id"):
        request["MasterUserSecretKmsKeyId"] = params["master_user_secret_kms_key_id"]
    if create.get("tags"):
        request["Tags"] = ansible_dict_to_boto3_tag_list(create["tags"])
    return request


def predicted_creation(params: dict[str, Any]) -> dict[str, Any]:
    secret = {"secret_status": "creating"}
    if params.get("master_user_secret_kms_key_id"):
        secret["kms_key_id"] = params["master_user_secret_kms_key_id"]
    return {
        "db_cluster_identifier": params["db_cluster_identifier"],
        "status": "creating",
        "master_username": params["create"]["master_username"],
        "manage_master_user_password": True,
        "master_user_secret": secret,
    }


def ensure_created(module: Any, client: Any) -> tuple[dict[str, Any], dict[str, bool]]:
    """The cluster does not exist: create it with a managed password, or say why not."""
    params = module.params
    if not params["manage_master_user_password"] or not params.get("create"):
        raise AnsibleRDSError(
            message=(
                f"DB cluster {params['db_cluster_identifier']} does not exist: give `create` (with "
                "manage_master_user_password=true) to create it with an RDS-managed password, "
                "or create it first with amazon.aws.rds_cluster"
            )
        )
    if module.check_mode:
        return predicted_creation(params), {"changed": True, "created": True}
    create_cluster(client, creation_request(params))
    return password_state(describe_cluster(client, params["db_cluster_identifier"])), {"changed": True, "created": True}


def same_key(kms: Any, wanted: str, current: str) -> bool:
    return wanted == current or key_arn(kms, wanted) == key_arn(kms, current)


def modification_request(params: dict[str, Any], before: dict[str, Any], kms: Any) -> dict[str, Any] | None:
    """The ModifyDBCluster call that brings an existing cluster to the wanted password management, if any."""
    identifier = params["db_cluster_identifier"]
    managed = before["manage_master_user_password"]
    wanted_key = params.get("master_user_secret_kms_key_id")
    if params["manage_master_user_password"] and not managed:
        request = {"DBClusterIdentifier": identifier, "ManageMasterUserPassword": True, "ApplyImmediately": True}
        if wanted_key:
            request["MasterUserSecretKmsKeyId"] = wanted_key
        return request
    if params["manage_master_user_password"]:
        current_key = before["master_user_secret"].get("kms_key_id")
        if wanted_key and current_key and not same_key(kms, wanted_key, current_key):
            raise AnsibleRDSError(
                message=(
                    f"the master user secret of {identifier} is encrypted with {current_key}, not {wanted_key}: "
                    "AWS cannot change the KMS key of a secret it manages (turn management off with "
                    "master_user_password, then on again with the new key)"
                )
            )
        if params["rotate_master_user_password"]:
            return {"DBClusterIdentifier": identifier, "RotateMasterUserPassword": True, "ApplyImmediately": True}
        return None
    if not managed:
        return None
    if not params.get("master_user_password"):
        raise AnsibleRDSError(
            message=(
                f"RDS manages the master user password of {identifier}: turning that off needs "
                "master_user_password (the password the master user keeps)"
            )
        )
    return {
        "DBClusterIdentifier": identifier,
        "ManageMasterUserPassword": False,
        "MasterUserPassword": params["master_user_password"],
        "ApplyImmediately": True,
    }


def predicted_modification(before: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    after = deepcopy(before)
    after["status"] = "modifying"
    if request.get("ManageMasterUserPassword") is True:
        after["manage_master_user_password"] = True
        after["master_user_secret"] = {"secret_status": "creating"}
        if request.get("MasterUserSecretKmsKeyId"):
            after["master_user_secret"]["kms_key_id"] = request["MasterUserSecretKmsKeyId"]
    elif request.get("ManageMasterUserPassword") is False:
        after["manage_master_user_password"] = False
        after.pop("master_user_secret", None)
    elif request.get("RotateMasterUserPassword"):
        after["master_user_secret"]["secret_status"] = "rotating"
    return after


def ensure_modified(
    module: Any, client: Any, kms: Any, cluster: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, bool]]:
    params = module.params
    before = password_state(cluster)
    request = modification_request(params, before, kms)
    if request is None:
        return before, {"changed": False}
    flags = {"changed": True, "rotated": bool(request.get("RotateMasterUserPassword"))}
    if module.check_mode:
        return predicted_modification(before, request), flags
    if params["wait"] and before.get("status") in BUSY_STATES:
        wait_settled(client, params["db_cluster_identifier"], params["wait_timeout"])
    modify_cluster(client, request)
    return password_state(describe_cluster(client, params["db_cluster_identifier"])), flags


def ensure(module: Any) -> dict[str, Any]:
    params = module.params
    validate_params(params)
    client = module.client("rds", retry_decorator=aws_retry())
    kms = module.client("kms", retry_decorator=aws_retry())
    cluster = describe_cluster(client, params["db_cluster_identifier"])
    before = password_state(cluster)
    if cluster is None:
        after, flags = ensure_created(module, client)
    else:
        after, flags = ensure_modified(module, client, kms, cluster)
    if flags["changed"] and params["wait"] and not module.check_mode:
        wait_settled(client, params["db_cluster_identifier"], params["wait_timeout"])
        after = password_state(describe_cluster(client, params["db_cluster_identifier"]))
    rotated = flags.get("rotated", False)
    result = {
        "changed": flags["changed"],
        "created": flags.get("created", False),
        "rotated": rotated,
        "cluster": after,
    }
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {"before": diff_view(before), "after": diff_view(after, rotated=rotated)}
    return result


def main() -> None:
    create_options = {
        "engine": {"type": "str", "required": True},
        "engine_version": {"type": "str"},
        "master_username": {"type": "str", "required": True},
        "database_name": {"type": "str"},
        "db_subnet_group_name": {"type": "str"},
        "vpc_security_group_ids": {"type": "list", "elements": "str"},
        "db_cluster_parameter_group_name": {"type": "str"},
        "port": {"type": "int"},
        "backup_retention_period": {"type": "int"},
        "preferred_backup_window": {"type": "str"},
        "preferred_maintenance_window": {"type": "str"},
        "storage_encrypted": {"type": "bool"},
        "kms_key_id": {"type": "str"},
        "copy_tags_to_snapshot": {"type": "bool"},
        "deletion_protection": {"type": "bool"},
        "enable_cloudwatch_logs_exports": {"type": "list", "elements": "str"},
        "enable_iam_database_authentication": {"type": "bool"},
        "tags": {"type": "dict"},
    }
    argument_spec = {
        "db_cluster_identifier": {"type": "str", "required": True, "aliases": ["cluster_id"]},
        "manage_master_user_password": {"type": "bool", "required": True, "no_log": False},
        "master_user_secret_kms_key_id": {"type": "str"},
        "master_user_password": {"type": "str", "no_log": True},
        "rotate_master_user_password": {"type": "bool", "default": False, "no_log": False},
        "create": {"type": "dict", "options": create_options},
        "wait": {"type": "bool", "default": True},
        "wait_timeout": {"type": "int", "default": 1800},
    }
    module = AnsibleXyzAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        module.exit_json(**ensure(module))
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
