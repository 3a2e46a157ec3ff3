"""The whole local environment as `make local-up` starts it: the endpoints the API returns reach real servers.

One `python -m twin up` per session in a temporary local dir on free ports (control plane wired to its data plane),
driven through boto3 as a user would, then `python -m twin down`, after which none of its processes may live.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import boto3
import psycopg
import pymysql
import pytest
import redis
from botocore.config import Config

pytestmark = pytest.mark.dataplane

PORT_VARIABLES = (
    "TWIN_PORT",
    "TWIN_MYSQL_WRITER_PORT",
    "TWIN_MYSQL_READER_PORT",
    "TWIN_MYSQL_REPLICA_PORT",
    "TWIN_REDIS_PORT",
    "TWIN_POSTGRES_PORT",
)
READ_ONLY_ERROR = 1290
ACCESS_DENIED = 1045


def _free_ports(count: int) -> list[int]:
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def _run_twin(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "twin", *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )


def _read_env(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").partition("=")
            values[name] = value
    return values


class Local:
    def __init__(self, env: dict[str, str], local_dir: Path) -> None:
        self.env = env
        self.local_dir = local_dir
        self.values = _read_env(local_dir / "env.sh")

    def client(self, service: str, region: str = "us-east-2") -> Any:
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.values["AWS_ENDPOINT_URL"],
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 2, "mode": "standard"}),
        )

    @property
    def ca(self) -> str:
        return self.values["TWIN_CA_FILE"]

    def pids(self) -> list[int]:
        return [int(path.read_text()) for path in (self.local_dir / "run").glob("*.pid")]


@pytest.fixture(scope="module")
def local() -> Iterator[Local]:
    local_dir = Path(tempfile.mkdtemp(prefix="twin-wiring-", dir="/tmp"))
    local_dir.chmod(0o755)  # PostgreSQL runs as an unprivileged user and must reach its data dir
    env = {**os.environ, "TWIN_LOCAL_DIR": str(local_dir), "PYTHONPATH": str(Path(__file__).parents[2])}
    env.update(dict(zip(PORT_VARIABLES, map(str, _free_ports(len(PORT_VARIABLES))), strict=True)))
    started = _run_twin(env, "up")
    assert started.returncode == 0, started.stdout + started.stderr
    environment = Local(env, local_dir)
    pids = environment.pids()
    try:
        yield environment
    finally:
        stopped = _run_twin(env, "down")
        still_alive = [pid for pid in pids if _alive(pid)]
        shutil.rmtree(local_dir, ignore_errors=True)
        assert stopped.returncode == 0, stopped.stderr
        assert still_alive == [], f"processes left running after `twin down`: {still_alive}"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _mysql(local: Local, port: int, user: str, password: str) -> pymysql.Connection:
    return pymysql.connect(
        host="127.0.0.1",
        port=port,
        user=user,
        password=password,
        ssl_ca=local.ca,
        ssl_verify_identity=True,
        connect_timeout=5,
        autocommit=True,
    )


def _aurora(local: Local, name: str, password: str) -> dict[str, Any]:
    rds = local.client("rds")
    rds.create_db_cluster_parameter_group(
        DBClusterParameterGroupName=f"{name}-binlog", DBParameterGroupFamily="aurora-mysql8.0", Description="binlog"
    )
    rds.modify_db_cluster_parameter_group(
        DBClusterParameterGroupName=f"{name}-binlog",
        Parameters=[{"ParameterName": "binlog_format", "ParameterValue": "MIXED", "ApplyMethod": "pending-reboot"}],
    )
    cluster = rds.create_db_cluster(
        DBClusterIdentifier=name,
        Engine="aurora-mysql",
        MasterUsername="xyzadmin",
        MasterUserPassword=password,
        DBClusterParameterGroupName=f"{name}-binlog",
    )["DBCluster"]
    for index in (1, 2):
        rds.create_db_instance(
            DBInstanceIdentifier=f"{name}-{index}",
            DBClusterIdentifier=name,
            Engine="aurora-mysql",
            DBInstanceClass="db.r6g.large",
        )
    return cluster


def _instances(local: Local, cluster_id: str, region: str = "us-east-2") -> list[dict[str, Any]]:
    rds = local.client("rds", region)
    members = rds.describe_db_clusters(DBClusterIdentifier=cluster_id)["DBClusters"][0]["DBClusterMembers"]
    return [
        rds.describe_db_instances(DBInstanceIdentifier=member["DBInstanceIdentifier"])["DBInstances"][0] | member
        for member in members
    ]


def test_writer_replica_reader_and_password_change(local: Local) -> None:
    """A row written through the writer endpoint as the master user is read through the cross-region replica's
    endpoint within 5 s; the reader and the replica refuse writes; a changed master password replaces the old one."""
    name = f"wired-{uuid.uuid4().hex[:6]}"
    password, new_password = "first-Passw0rd", "second-Passw0rd"
    cluster = _aurora(local, name, password)
    assert cluster["Endpoint"] == "127.0.0.1"
    assert cluster["Port"] == int(local.values["TWIN_MYSQL_WRITER_PORT"])

    replica = local.client("rds", "us-west-2").create_db_cluster(
        DBClusterIdentifier=f"{name}-replica",
        Engine="aurora-mysql",
        ReplicationSourceIdentifier=cluster["DBClusterArn"],
    )["DBCluster"]
    assert replica["Port"] == int(local.values["TWIN_MYSQL_REPLICA_PORT"])

    marker = uuid.uuid4().hex
    with closing(_mysql(local, cluster["Port"], "xyzadmin", password)) as writer, writer.cursor() as cursor:
        cursor.execute("CREATE DATABASE IF NOT EXISTS wiring")
        cursor.execute("CREATE TABLE IF NOT EXISTS wiring.marks (id VARCHAR(40) PRIMARY KEY, at DOUBLE)")
        cursor.execute("INSERT INTO wiring.marks VALUES (%s, %s)", (marker, time.time()))

    deadline = time.monotonic() + 5
    seen = None
    while time.monotonic() < deadline and seen is None:
        with closing(_mysql(local, replica["Port"], "xyzadmin", password)) as conn, conn.cursor() as cursor:
            cursor.execute("SELECT id FROM wiring.marks WHERE id = %s", (marker,))
            seen = cursor.fetchone()
        time.sleep(0.1)
    assert seen == (marker,), "the row did not reach the replica within 5 s"

    readers = [member for member in _instances(local, name) if not member["IsClusterWriter"]]
    reader_port = readers[0]["Endpoint"]["Port"]
    assert reader_port == int(local.values["TWIN_MYSQL_READER_PORT"])
    for port in (reader_port, replica["Port"]):
        with closing(_mysql(local, port, "xyzadmin", password)) as conn, conn.cursor() as cursor:
            with pytest.raises(pymysql.err.OperationalError) as refused:
                cursor.execute("INSERT INTO wiring.marks VALUES (%s, 0)", (uuid.uuid4().hex,))
            assert refused.value.args[0] == READ_ONLY_ERROR

    local.client("rds").modify_db_cluster(
        DBClusterIdentifier=name, MasterUserPassword=new_password, ApplyImmediately=True
    )
    _mysql(local, cluster["Port"], "xyzadmin", new_password).close()
    with pytest.raises(pymysql.err.OperationalError) as denied:
        _mysql(local, cluster["Port"], "xyzadmin", password)
    assert denied.value.args[0] == ACCESS_DENIED


def test_managed_master_password_is_the_secrets(local: Local) -> None:
    """AWS: with ManageMasterUserPassword the secret holds the master username and the password that logs in."""
    rds = local.client("rds")
    cluster = rds.create_db_cluster(
        DBClusterIdentifier=f"managed-{uuid.uuid4().hex[:6]}",
        Engine="aurora-mysql",
        MasterUsername="xyzowner",
        ManageMasterUserPassword=True,
    )["DBCluster"]
    secret = local.client("secretsmanager").get_secret_value(SecretId=cluster["MasterUserSecret"]["SecretArn"])
    credentials = json.loads(secret["SecretString"])
    assert credentials["username"] == "xyzowner"
    _mysql(local, cluster["Port"], "xyzowner", credentials["password"]).close()


def test_redshift_endpoint_accepts_the_master_user_into_dev(local: Local) -> None:
    """The Redshift endpoint accepts the cluster's master user into database dev, over TLS verified by the CA."""
    cluster = local.client("redshift").create_cluster(
        ClusterIdentifier=f"wired-{uuid.uuid4().hex[:6]}",
        NodeType="ra3.large",
        ClusterType="single-node",
        MasterUsername="xyzanalyst",
        MasterUserPassword="Analyst-Passw0rd",
    )["Cluster"]
    endpoint = local.client("redshift").describe_clusters(ClusterIdentifier=cluster["ClusterIdentifier"])["Clusters"][
        0
    ]["Endpoint"]
    assert endpoint["Port"] == int(local.values["TWIN_POSTGRES_PORT"])
    with psycopg.connect(
        host=endpoint["Address"],
        port=endpoint["Port"],
        user="xyzanalyst",
        password="Analyst-Passw0rd",
        dbname="dev",
        sslmode="verify-ca",
        sslrootcert=local.ca,
        connect_timeout=5,
    ) as conn:
        assert conn.execute("SELECT current_database(), current_user").fetchone() == ("dev", "xyzanalyst")


def test_replication_group_endpoint_requires_its_auth_token(local: Local) -> None:
    """The replication group's AUTH token is Redis's password: a client without it is refused, one with it served."""
    elasticache = local.client("elasticache")
    token = "cache-token-" + uuid.uuid4().hex
    group = elasticache.create_replication_group(
        ReplicationGroupId=f"wired-{uuid.uuid4().hex[:6]}",
        ReplicationGroupDescription="wiring",
        Engine="redis",
        CacheNodeType="cache.t4g.micro",
        NumCacheClusters=2,
        AutomaticFailoverEnabled=True,
        MultiAZEnabled=True,
        TransitEncryptionEnabled=True,
        AtRestEncryptionEnabled=True,
        AuthToken=token,
    )["ReplicationGroup"]
    described = elasticache.describe_replication_groups(ReplicationGroupId=group["ReplicationGroupId"])
    primary = described["ReplicationGroups"][0]["NodeGroups"][0]["PrimaryEndpoint"]
    assert primary["Port"] == int(local.values["TWIN_REDIS_PORT"])

    def connect(password: str | None) -> redis.Redis:
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        return redis.Redis(
            host=primary["Address"],
            port=primary["Port"],
            password=password,
            ssl=True,
            ssl_ca_certs=local.ca,
            retry=Retry(NoBackoff(), 0),
            socket_timeout=5,
        )

    with pytest.raises(redis.exceptions.AuthenticationError):
        connect(None).ping()
    client = connect(token)
    assert client.set("wiring", "ok")
    assert client.get("wiring") == b"ok"


def test_a_groups_token_stays_valid_when_another_group_comes_and_goes(local: Local) -> None:
    """AWS: every replication group has its own nodes and AUTH tokens, so creating or deleting another group leaves
    a group's token valid. The twin's one Redis accepts the tokens of every live group that requires AUTH, and
    forgets a deleted group's token."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    elasticache = local.client("elasticache")
    tokens, ids = {}, {}
    for name in ("first", "second"):
        tokens[name], ids[name] = f"{name}-token-" + uuid.uuid4().hex, f"{name}-{uuid.uuid4().hex[:6]}"
        elasticache.create_replication_group(
            ReplicationGroupId=ids[name],
            ReplicationGroupDescription="two groups",
            Engine="valkey",
            CacheNodeType="cache.t4g.micro",
            NumCacheClusters=2,
            AutomaticFailoverEnabled=True,
            MultiAZEnabled=True,
            TransitEncryptionEnabled=True,
            AtRestEncryptionEnabled=True,
            AuthToken=tokens[name],
        )
    port = int(local.values["TWIN_REDIS_PORT"])

    def ping(password: str) -> bool:
        client = redis.Redis(
            host="127.0.0.1",
            port=port,
            password=password,
            ssl=True,
            ssl_ca_certs=local.ca,
            retry=Retry(NoBackoff(), 0),
            socket_timeout=5,
        )
        try:
            return bool(client.ping())
        except redis.exceptions.AuthenticationError:
            return False
        finally:
            client.close()

    assert ping(tokens["first"])
    assert ping(tokens["second"])
    elasticache.delete_replication_group(ReplicationGroupId=ids["second"])
    assert ping(tokens["first"])
    assert not ping(tokens["second"])


def test_redshift_require_ssl_follows_the_clusters_parameter_group(local: Local) -> None:
    """require_ssl (redshift-1.0 default false) refuses connections without TLS once a cluster's group sets it."""
    redshift = local.client("redshift")
    for earlier in redshift.describe_clusters()["Clusters"]:  # the one PostgreSQL follows every live cluster
        redshift.delete_cluster(ClusterIdentifier=earlier["ClusterIdentifier"], SkipFinalClusterSnapshot=True)
    name = f"wired-ssl-{uuid.uuid4().hex[:6]}"
    redshift.create_cluster_parameter_group(
        ParameterGroupName=name, ParameterGroupFamily="redshift-1.0", Description="TLS optional"
    )
    redshift.create_cluster(
        ClusterIdentifier=name,
        NodeType="ra3.large",
        ClusterType="single-node",
        MasterUsername="xyzplain",
        MasterUserPassword="Plain-Passw0rd",
        ClusterParameterGroupName=name,
    )
    port = int(local.values["TWIN_POSTGRES_PORT"])

    def plain() -> Any:
        return psycopg.connect(
            host="127.0.0.1",
            port=port,
            user="xyzplain",
            password="Plain-Passw0rd",
            dbname="dev",
            sslmode="disable",
            connect_timeout=5,
        )

    try:
        with plain() as conn:
            assert not conn.info.pgconn.ssl_in_use
        redshift.modify_cluster_parameter_group(
            ParameterGroupName=name, Parameters=[{"ParameterName": "require_ssl", "ParameterValue": "true"}]
        )
        with pytest.raises(psycopg.OperationalError, match="no encryption"):
            plain()
    finally:
        redshift.delete_cluster(ClusterIdentifier=name, SkipFinalClusterSnapshot=True)
    with plain() as conn:
        assert not conn.info.pgconn.ssl_in_use


def test_redshift_managed_admin_password_is_the_secrets(local: Local) -> None:
    """AWS: with ManageMasterPassword the secret redshift!<cluster>-<user> holds the password that logs in."""
    redshift = local.client("redshift")
    cluster = redshift.create_cluster(
        ClusterIdentifier=f"managed-{uuid.uuid4().hex[:6]}",
        NodeType="ra3.large",
        ClusterType="single-node",
        MasterUsername="xyzkeeper",
        ManageMasterPassword=True,
    )["Cluster"]
    secret = local.client("secretsmanager").get_secret_value(SecretId=cluster["MasterPasswordSecretArn"])
    credentials = json.loads(secret["SecretString"])
    endpoint = redshift.describe_clusters(ClusterIdentifier=cluster["ClusterIdentifier"])["Clusters"][0]["Endpoint"]
    with psycopg.connect(
        host=endpoint["Address"],
        port=endpoint["Port"],
        user="xyzkeeper",
        password=credentials["password"],
        dbname="dev",
        sslmode="verify-ca",
        sslrootcert=local.ca,
        connect_timeout=5,
    ) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("xyzkeeper",)
