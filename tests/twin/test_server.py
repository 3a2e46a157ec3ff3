"""The control plane itself: the version check, the port check, the request log."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest

from twin import server

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_refuses_another_moto_version(monkeypatch: pytest.MonkeyPatch) -> None:
    import moto

    monkeypatch.setattr(moto, "__version__", "5.1.0")
    with pytest.raises(server.TwinStartError, match=r"written for moto 5\.2\.5, but moto 5\.1\.0 is installed"):
        server.check_moto_version()


def test_refuses_a_taken_port() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        with pytest.raises(server.TwinStartError, match=rf"port {port} on 127\.0\.0\.1 is taken"):
            server.check_port_free(port)


def test_a_port_left_in_time_wait_by_an_earlier_twin_is_free() -> None:
    """Right after a twin stops, its port keeps connections in TIME_WAIT; only a listener makes it taken."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = listener.accept()
    accepted.close()  # the server's side closes first: its end of the connection stays in TIME_WAIT
    client.close()
    listener.close()
    server.check_port_free(port)


def test_request_log_counts_actions_and_mutations(clean_twin) -> None:
    aws = clean_twin.client
    rds = aws("rds")
    rds.describe_db_clusters()
    rds.create_db_subnet_group(DBSubnetGroupName="logged", DBSubnetGroupDescription="d", SubnetIds=_subnets(aws))
    ec2_calls = 2  # the two CreateSubnet calls of _subnets (CreateVpc comes on top)
    summary = clean_twin.requests()
    assert summary["per_action"]["rds:DescribeDBClusters"] == 1
    assert summary["per_action"]["rds:CreateDBSubnetGroup"] == 1
    assert summary["per_action"]["ec2:CreateSubnet"] == ec2_calls
    assert summary["mutating"] == 1 + ec2_calls + 1
    entry = next(e for e in summary["entries"] if e["action"] == "DescribeDBClusters")
    assert entry["region"] == "us-east-2"
    assert entry["mutating"] is False
    assert entry["status"] == 200


def test_request_log_tells_apart_the_callers_by_their_access_key(clean_twin) -> None:
    """Runs sharing the twin are told apart by the access key id that signs their calls (any key is accepted)."""

    def client(access_key: str) -> Any:
        return boto3.client(
            "rds",
            region_name="us-east-2",
            endpoint_url=clean_twin.endpoint,
            aws_access_key_id=access_key,
            aws_secret_access_key="testing",
        )

    client("AKIDRUNA").describe_db_clusters()
    client("AKIDRUNB").create_db_cluster_parameter_group(
        DBClusterParameterGroupName="by-b", DBParameterGroupFamily="aurora-mysql8.0", Description="d"
    )
    clean_twin.client("rds").describe_db_clusters()
    everything = clean_twin.requests()
    with urllib.request.urlopen(f"{clean_twin.endpoint}/_twin/requests?caller=AKIDRUNB", timeout=5) as response:
        only_b = json.load(response)
    assert everything["total"] == 3
    assert [entry["caller"] for entry in everything["entries"]] == ["AKIDRUNA", "AKIDRUNB", "testing"]
    assert only_b["per_action"] == {"rds:CreateDBClusterParameterGroup": 1}
    assert only_b["mutating"] == 1
    assert only_b["last_seq"] == everything["last_seq"]


def _subnets(aws) -> list[str]:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    return [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=f"us-east-2{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate("ab")
    ]


def test_down_stops_the_twins_whose_state_lies_under_its_own(tmp_path: Path) -> None:
    """make test's lanes keep their state in .local/lanes/N: `make local-down` must not orphan their processes."""
    lane_run = tmp_path / "lanes" / "2" / "run"
    lane_run.mkdir(parents=True)
    sleeper = subprocess.Popen(["sleep", "120"], start_new_session=True)
    try:
        (lane_run / "twin.pid").write_text(f"{sleeper.pid}\n")
        result = subprocess.run(
            [sys.executable, "-m", "twin", "down"],
            cwd=REPO_ROOT,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "TWIN_LOCAL_DIR": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        # `twin down` stops a lane's twin with SIGTERM; wait raises TimeoutExpired when the process was left running.
        assert sleeper.wait(timeout=20) == -signal.SIGTERM, "the lane's process was not stopped by twin down"
        assert not tmp_path.exists()
    finally:
        if sleeper.poll() is None:
            sleeper.kill()
