"""rds_global_cluster: create, no-op, add member, remove member, delete, check mode and diff.

The tests run the module's functions (and main() whole) with real boto3 clients against the in-process twin
(tests/conftest.py); a version without SupportsGlobalDatabases, which the twin does not offer, uses a mocked client.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any
from unittest import mock

import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper

from ansible_collections.xyz.aws_database.plugins.modules import rds_global_cluster as rgc
from tests.unit.plugins.modules.conftest import Run, RunModule

PRIMARY_REGION = "us-east-2"
SECONDARY_REGION = "us-west-2"
ENGINE_VERSION = "8.0.mysql_aurora.3.08.2"
GLOBAL_ID = "orders-global"
ARN_PREFIX = "arn:aws:rds:{region}:123456789012:cluster:{name}"


def _arn(region: str, name: str) -> str:
    return ARN_PREFIX.format(region=region, name=name)


def _params(**overrides: Any) -> dict[str, Any]:
    """The module's parameters as AnsibleModule hands them over: every option, defaults filled in."""
    params = {name: spec.get("default") for name, spec in rgc.argument_spec().items()}
    params.update(global_cluster_identifier=GLOBAL_ID, wait_delay=1, wait_timeout=30)
    params.update(overrides)
    return params


def _secondary(name: str = "orders-west", region: str = SECONDARY_REGION, **extra: Any) -> dict[str, Any]:
    return {"db_cluster_identifier": name, "region": region, **extra}


@pytest.fixture
def clients(clean_twin: Any) -> rgc.RdsClients:
    def factory(region: str) -> Any:
        return RetryingBotoClientWrapper(clean_twin.client("rds", region=region), AWSRetry.jittered_backoff())

    return rgc.RdsClients(factory, PRIMARY_REGION)


@pytest.fixture
def primary(clean_twin: Any) -> dict[str, Any]:
    """An Aurora MySQL cluster in the primary region, the source of the global database."""
    rds = clean_twin.client("rds", region=PRIMARY_REGION)
    return rds.create_db_cluster(
        DBClusterIdentifier="orders",
        Engine="aurora-mysql",
        EngineVersion=ENGINE_VERSION,
        MasterUsername="admin",
        MasterUserPassword="password123",
    )["DBCluster"]


@pytest.fixture
def mutations(clean_twin: Any) -> Callable[[], Callable[[], dict[str, int]]]:
    """mutations() marks now; calling the result gives the mutating actions since then ({"rds:Action": count})."""

    def mark() -> Callable[[], dict[str, int]]:
        since = clean_twin.requests()["last_seq"]

        def count() -> dict[str, int]:
            entries = clean_twin.requests(since=since)["entries"]
            found: dict[str, int] = {}
            for entry in entries:
                if entry["mutating"]:
                    key = f"{entry['service']}:{entry['action']}"
                    found[key] = found.get(key, 0) + 1
            return found

        return count

    return mark


def _ensure(clients: rgc.RdsClients, check_mode: bool = False, **overrides: Any) -> dict[str, Any]:
    return rgc.ensure_global_cluster(clients, _params(**overrides), check_mode).result(diff=True)


def _describe(clean_twin: Any) -> dict[str, Any]:
    rds = clean_twin.client("rds", region=PRIMARY_REGION)
    return rds.describe_global_clusters(GlobalClusterIdentifier=GLOBAL_ID)["GlobalClusters"][0]


def _membership(result: dict[str, Any]) -> list[tuple[str, bool, list[str]]]:
    members = result["global_cluster"]["global_cluster_members"]
    return [(m["db_cluster_arn"], m["is_writer"], m["readers"]) for m in members]


def _global_database(clients: rgc.RdsClients, primary: dict[str, Any]) -> dict[str, Any]:
    return _ensure(clients, source_db_cluster_identifier=primary["DBClusterArn"], secondary_clusters=[_secondary()])


# ---------------------------------------------------------------- create and no-op


def test_create_from_the_primary_cluster(clients, primary, clean_twin) -> None:
    result = _ensure(clients, source_db_cluster_identifier=primary["DBClusterArn"], deletion_protection=False)
    assert result["changed"] is True
    created = result["global_cluster"]
    assert created["global_cluster_identifier"] == GLOBAL_ID
    assert (created["engine"], created["engine_version"]) == ("aurora-mysql", ENGINE_VERSION)
    assert created["global_cluster_members"] == [
        {"db_cluster_arn": primary["DBClusterArn"], "is_writer": True, "readers": []}
    ]
    assert result["primary_cluster_arn"] == primary["DBClusterArn"]
    assert result["secondary_cluster_arns"] == []
    assert _describe(clean_twin)["GlobalClusterMembers"][0]["IsWriter"] is True


def test_create_accepts_the_primary_identifier_in_the_module_region(clients, primary) -> None:
    result = _ensure(clients, source_db_cluster_identifier="orders")
    assert result["primary_cluster_arn"] == primary["DBClusterArn"]


def test_create_empty_from_engine(clients, clean_twin) -> None:
    result = _ensure(clients, engine="aurora-mysql", engine_version=ENGINE_VERSION)
    assert result["changed"] is True
    assert result["global_cluster"]["global_cluster_members"] == []
    assert result["primary_cluster_arn"] is None
    assert _describe(clean_twin)["EngineVersion"] == ENGINE_VERSION


def test_second_run_changes_nothing(clients, primary, mutations) -> None:
    first = _global_database(clients, primary)
    since = mutations()
    again = _global_database(clients, primary)
    assert again["changed"] is False
    assert since() == {}
    assert again["global_cluster"] == first["global_cluster"]
    assert again["diff"]["before"] == again["diff"]["after"]


# ---------------------------------------------------------------- add a member


def test_add_secondary_cluster_in_its_region(clients, primary, clean_twin, mutations) -> None:
    _ensure(clients, source_db_cluster_identifier=primary["DBClusterArn"])
    since = mutations()
    result = _ensure(
        clients,
        source_db_cluster_identifier=primary["DBClusterArn"],
        secondary_clusters=[_secondary(tags={"team": "db"})],
    )
    west_arn = _arn(SECONDARY_REGION, "orders-west")
    assert result["changed"] is True
    assert since() == {"rds:CreateDBCluster": 1}
    assert result["secondary_cluster_arns"] == [west_arn]
    members = {m["db_cluster_arn"]: m for m in result["global_cluster"]["global_cluster_members"]}
    assert members[primary["DBClusterArn"]]["readers"] == [west_arn]
    assert members[west_arn]["is_writer"] is False
    west = clean_twin.client("rds", region=SECONDARY_REGION).describe_db_clusters(DBClusterIdentifier="orders-west")
    created = west["DBClusters"][0]
    assert created["GlobalClusterIdentifier"] == GLOBAL_ID
    assert created["TagList"] == [{"Key": "team", "Value": "db"}]


def test_secondary_is_created_publishing_its_logs(clients, primary, clean_twin) -> None:
    """The secondary publishes the listed logs from its creation (rds_cluster cannot add them later: it drops
    EnableCloudwatchLogsExports from its modify options)."""
    _ensure(
        clients,
        source_db_cluster_identifier=primary["DBClusterArn"],
        secondary_clusters=[_secondary(enable_cloudwatch_logs_exports=["audit", "error", "general", "slowquery"])],
    )
    west = clean_twin.client("rds", region=SECONDARY_REGION).describe_db_clusters(DBClusterIdentifier="orders-west")
    assert sorted(west["DBClusters"][0]["EnabledCloudwatchLogsExports"]) == ["audit", "error", "general", "slowquery"]


def test_secondary_is_created_without_credentials(primary, clean_twin) -> None:
    sent: list[tuple[str, dict[str, Any]]] = []

    def factory(region: str) -> Any:
        client = clean_twin.client("rds", region=region)
        client.meta.events.register(
            "provide-client-params.rds.CreateDBCluster", lambda params, **_: sent.append((region, dict(params)))
        )
        return RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff())

    _global_database(rgc.RdsClients(factory, PRIMARY_REGION), primary)
    assert sent == [
        (
            SECONDARY_REGION,
            {
                "DBClusterIdentifier": "orders-west",
                "GlobalClusterIdentifier": GLOBAL_ID,
                "Engine": "aurora-mysql",
                "EngineVersion": ENGINE_VERSION,
            },
        )
    ]


def test_create_and_add_secondary_in_one_run(clients, primary) -> None:
    result = _global_database(clients, primary)
    assert result["changed"] is True
    assert result["primary_cluster_arn"] == primary["DBClusterArn"]
    assert result["secondary_cluster_arns"] == [_arn(SECONDARY_REGION, "orders-west")]


# ---------------------------------------------------------------- remove a member


def test_purge_removes_an_unlisted_secondary_which_stays_standalone(clients, primary, clean_twin, mutations) -> None:
    _global_database(clients, primary)
    since = mutations()
    result = _ensure(
        clients,
        source_db_cluster_identifier=primary["DBClusterArn"],
        secondary_clusters=[],
        purge_secondary_clusters=True,
    )
    assert result["changed"] is True
    assert since() == {"rds:RemoveFromGlobalCluster": 1}
    assert result["secondary_cluster_arns"] == []
    assert result["global_cluster"]["global_cluster_members"] == [
        {"db_cluster_arn": primary["DBClusterArn"], "is_writer": True, "readers": []}
    ]
    west = clean_twin.client("rds", region=SECONDARY_REGION).describe_db_clusters(DBClusterIdentifier="orders-west")
    assert "GlobalClusterIdentifier" not in west["DBClusters"][0]


def test_without_purge_unlisted_secondaries_stay(clients, primary, mutations) -> None:
    _global_database(clients, primary)
    since = mutations()
    result = _ensure(clients, source_db_cluster_identifier=primary["DBClusterArn"], secondary_clusters=[])
    assert result["changed"] is False
    assert since() == {}


# ---------------------------------------------------------------- delete


def test_delete_refuses_while_members_remain(clients, primary, mutations) -> None:
    _global_database(clients, primary)
    since = mutations()
    with pytest.raises(rgc.AnsibleRdsGlobalClusterError, match="remove_members: true") as raised:
        _ensure(clients, state="absent")
    assert primary["DBClusterArn"] in raised.value.message
    assert since() == {}


def test_delete_removes_members_first(clients, primary, clean_twin, mutations) -> None:
    _global_database(clients, primary)
    since = mutations()
    result = _ensure(clients, state="absent", remove_members=True)
    assert result["changed"] is True
    assert result["global_cluster"] == {}
    assert since() == {"rds:RemoveFromGlobalCluster": 2, "rds:DeleteGlobalCluster": 1}
    removals = [e["region"] for e in clean_twin.requests()["entries"] if e["action"] == "RemoveFromGlobalCluster"]
    assert removals == [SECONDARY_REGION, PRIMARY_REGION]  # the secondary first, each in its own region
    assert clean_twin.client("rds", region=PRIMARY_REGION).describe_global_clusters()["GlobalClusters"] == []
    again = _ensure(clients, state="absent", remove_members=True)
    assert again["changed"] is False


def test_delete_of_an_absent_global_cluster_changes_nothing(clients, mutations) -> None:
    since = mutations()
    assert _ensure(clients, state="absent")["changed"] is False
    assert since() == {}


# ---------------------------------------------------------------- check mode and diff


def test_check_mode_create_predicts_without_mutating(clients, primary, mutations) -> None:
    since = mutations()
    predicted = _ensure(
        clients,
        check_mode=True,
        source_db_cluster_identifier=primary["DBClusterArn"],
        secondary_clusters=[_secondary()],
    )
    assert since() == {}
    assert predicted["changed"] is True
    assert predicted["diff"]["before"] == {}
    real = _global_database(clients, primary)
    for key in ("global_cluster_arn", "engine", "engine_version", "storage_encrypted", "deletion_protection"):
        assert predicted["global_cluster"][key] == real["global_cluster"][key], key
    assert _membership(predicted) == _membership(real)
    assert predicted["secondary_cluster_arns"] == real["secondary_cluster_arns"]


def test_check_mode_remove_and_delete_predict_without_mutating(clients, primary, mutations) -> None:
    _global_database(clients, primary)
    since = mutations()
    purge = _ensure(
        clients,
        check_mode=True,
        source_db_cluster_identifier=primary["DBClusterArn"],
        purge_secondary_clusters=True,
    )
    delete = _ensure(clients, check_mode=True, state="absent", remove_members=True)
    assert since() == {}
    assert purge["changed"] is True
    assert purge["secondary_cluster_arns"] == []
    assert len(purge["diff"]["before"]["global_cluster_members"]) == 2
    assert len(purge["diff"]["after"]["global_cluster_members"]) == 1
    assert delete["changed"] is True
    assert delete["diff"]["after"] == {}
    assert delete["diff"]["before"]["global_cluster_identifier"] == GLOBAL_ID


def test_diff_shows_the_added_member(clients, primary) -> None:
    _ensure(clients, source_db_cluster_identifier=primary["DBClusterArn"])
    result = _ensure(clients, source_db_cluster_identifier=primary["DBClusterArn"], secondary_clusters=[_secondary()])
    before = [m["db_cluster_arn"] for m in result["diff"]["before"]["global_cluster_members"]]
    after = [m["db_cluster_arn"] for m in result["diff"]["after"]["global_cluster_members"]]
    assert before == [primary["DBClusterArn"]]
    assert after == [primary["DBClusterArn"], _arn(SECONDARY_REGION, "orders-west")]


def test_check_mode_add_member_predicts_without_mutating(clients, primary, clean_twin, mutations) -> None:
    _ensure(clients, source_db_cluster_identifier=primary["DBClusterArn"])
    since = mutations()
    source = primary["DBClusterArn"]
    wanted = [_secondary()]
    predicted = _ensure(clients, check_mode=True, source_db_cluster_identifier=source, secondary_clusters=wanted)
    assert since() == {}
    assert predicted["changed"] is True
    assert predicted["secondary_cluster_arns"] == [_arn(SECONDARY_REGION, "orders-west")]
    assert len(predicted["diff"]["before"]["global_cluster_members"]) == 1
    assert len(predicted["diff"]["after"]["global_cluster_members"]) == 2
    west = clean_twin.client("rds", region=SECONDARY_REGION).describe_db_clusters()["DBClusters"]
    assert west == []


def test_lifecycle_copes_with_throttling(clients, primary, clean_twin) -> None:
    """A third of the calls throttled (the twin's fault mode): retries and waiters carry the module through."""
    clean_twin.configure(fault_rate=0.3, fault_seed=5)
    try:
        created = _global_database(clients, primary)
        again = _global_database(clients, primary)
        deleted = _ensure(clients, state="absent", remove_members=True)
        injected = clean_twin.configure()["faults_injected"]
    finally:
        clean_twin.configure(fault_rate=0.0)
    assert (created["changed"], again["changed"], deleted["changed"]) == (True, False, True)
    assert injected > 0


@pytest.fixture
def time_scale(clean_twin: Any) -> Iterator[Callable[[float], Any]]:
    """The twin's time mode (AWS's typical durations, scaled); off again after the test."""
    yield lambda scale: clean_twin.configure(time_scale=scale)
    clean_twin.configure(time_scale=0.0)


def test_wait_until_the_new_secondary_is_available(clients, primary, clean_twin, time_scale) -> None:
    """In time mode a new cluster is `creating` for AWS's typical 120 s (scaled to 2.4 s here)."""
    time_scale(0.02)
    _global_database(clients, primary)
    west = clean_twin.client("rds", region=SECONDARY_REGION).describe_db_clusters(DBClusterIdentifier="orders-west")
    assert west["DBClusters"][0]["Status"] == "available"


def test_wait_timeout_fails_with_what_was_awaited(clients, primary, time_scale) -> None:
    """The global database exists; the new secondary stays `creating` (AWS's 120 s) longer than wait_timeout."""
    _ensure(clients, source_db_cluster_identifier=primary["DBClusterArn"])
    time_scale(1.0)
    with pytest.raises(rgc.AnsibleRdsGlobalClusterError, match="Timeout trying to wait for cluster orders-west"):
        _ensure(
            clients,
            source_db_cluster_identifier=primary["DBClusterArn"],
            secondary_clusters=[_secondary()],
            wait_timeout=2,
        )


def test_without_wait_the_secondary_is_left_creating(clients, primary, clean_twin, time_scale) -> None:
    _ensure(clients, source_db_cluster_identifier=primary["DBClusterArn"])
    time_scale(1.0)
    started = time.monotonic()
    result = _global_database_no_wait(clients, primary)
    assert time.monotonic() - started < 10
    assert result["secondary_cluster_arns"] == [_arn(SECONDARY_REGION, "orders-west")]
    west = clean_twin.client("rds", region=SECONDARY_REGION).describe_db_clusters(DBClusterIdentifier="orders-west")
    assert west["DBClusters"][0]["Status"] == "creating"


def test_creation_from_a_source_waits_for_the_global_database_before_adding_the_secondary(
    clients, primary, clean_twin, time_scale
) -> None:
    """In time mode a global database made from a source cluster is `creating` first: the secondary is added after."""
    time_scale(0.02)
    result = _global_database(clients, primary)
    assert result["global_cluster"]["status"] == "available"
    entries = clean_twin.requests()["entries"]
    actions = [e["action"] for e in entries if e["action"] in ("CreateGlobalCluster", "CreateDBCluster")]
    assert actions[-2:] == ["CreateGlobalCluster", "CreateDBCluster"]


def _global_database_no_wait(clients: rgc.RdsClients, primary: dict[str, Any]) -> dict[str, Any]:
    return _ensure(
        clients, source_db_cluster_identifier=primary["DBClusterArn"], secondary_clusters=[_secondary()], wait=False
    )


# ---------------------------------------------------------------- validation before any mutating call


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"global_cluster_identifier": "1orders"}, "global_cluster_identifier must be 1 to 63"),
        ({"global_cluster_identifier": "orders--x"}, "two consecutive hyphens"),
        ({"wait_delay": 0}, "wait_delay must be at least 1"),
        ({"secondary_clusters": [_secondary(region="west")]}, r"secondary_clusters\[0\].region must be an AWS region"),
        (
            {"secondary_clusters": [_secondary("a"), _secondary("b")]},
            r"secondary_clusters\[1\].region us-west-2 is already the region of secondary_clusters\[0\]",
        ),
    ],
)
def test_bad_parameters_fail_before_any_call(overrides, message) -> None:
    with pytest.raises(rgc.AnsibleRdsGlobalClusterError, match=message):
        rgc.validate_params(_params(**overrides))


def test_unknown_engine_version_is_refused(clients, mutations) -> None:
    since = mutations()
    with pytest.raises(rgc.AnsibleRdsGlobalClusterError, match="is not an engine version AWS offers in us-east-2"):
        _ensure(clients, engine="aurora-mysql", engine_version="8.0.mysql_aurora.9.99.9")
    assert since() == {}


def test_version_without_global_database_support_is_refused() -> None:
    """DescribeDBEngineVersions says SupportsGlobalDatabases false: the module names the versions that support it."""
    versions = {
        "8.0.mysql_aurora.3.01.0": False,
        ENGINE_VERSION: True,
    }
    client = mock.MagicMock()

    def paginate(**filters: Any) -> Any:
        wanted = filters.get("EngineVersion")
        found = [
            {"Engine": "aurora-mysql", "EngineVersion": v, "SupportsGlobalDatabases": s}
            for v, s in versions.items()
            if wanted in (None, v)
        ]
        return mock.Mock(build_full_result=mock.Mock(return_value={"DBEngineVersions": found}))

    client.get_paginator.return_value.paginate.side_effect = paginate
    problem = rgc.engine_version_problem(client, "aurora-mysql", "8.0.mysql_aurora.3.01.0", PRIMARY_REGION)
    assert problem == (
        "aurora-mysql 8.0.mysql_aurora.3.01.0 does not support Aurora Global Database in us-east-2 "
        f"(SupportsGlobalDatabases is false); versions that do: {ENGINE_VERSION}"
    )
    assert rgc.engine_version_problem(client, "aurora-mysql", ENGINE_VERSION, PRIMARY_REGION) is None


def test_missing_source_cluster_is_refused(clients, mutations) -> None:
    since = mutations()
    with pytest.raises(rgc.AnsibleRdsGlobalClusterError, match="cluster nothere does not exist in us-east-2"):
        _ensure(clients, source_db_cluster_identifier=_arn(PRIMARY_REGION, "nothere"))
    assert since() == {}


def test_secondary_in_the_primary_region_is_refused(clients, primary, mutations) -> None:
    since = mutations()
    with pytest.raises(rgc.AnsibleRdsGlobalClusterError, match="at most one cluster per region"):
        _ensure(
            clients,
            source_db_cluster_identifier=primary["DBClusterArn"],
            secondary_clusters=[_secondary(region=PRIMARY_REGION)],
        )
    assert since() == {}


def test_existing_standalone_cluster_cannot_become_a_secondary(clients, primary, clean_twin, mutations) -> None:
    clean_twin.client("rds", region=SECONDARY_REGION).create_db_cluster(
        DBClusterIdentifier="orders-west",
        Engine="aurora-mysql",
        EngineVersion=ENGINE_VERSION,
        MasterUsername="admin",
        MasterUserPassword="password123",
    )
    since = mutations()
    with pytest.raises(rgc.AnsibleRdsGlobalClusterError, match="AWS cannot attach an existing cluster"):
        _global_database(clients, primary)
    assert since() == {}


def test_secondaries_of_an_empty_global_cluster_are_refused(clients, mutations) -> None:
    since = mutations()
    with pytest.raises(rgc.AnsibleRdsGlobalClusterError, match="has no primary"):
        _ensure(clients, engine="aurora-mysql", secondary_clusters=[_secondary()])
    assert since() == {}


def test_engine_change_of_an_existing_global_cluster_is_refused(clients, primary) -> None:
    _ensure(clients, source_db_cluster_identifier=primary["DBClusterArn"])
    with pytest.raises(rgc.AnsibleRdsGlobalClusterError, match="would need a new global database"):
        _ensure(clients, engine="aurora-postgresql")


def test_source_that_is_not_a_member_is_refused(clients, primary, clean_twin) -> None:
    _ensure(clients, engine="aurora-mysql", engine_version=ENGINE_VERSION)
    with pytest.raises(rgc.AnsibleRdsGlobalClusterError, match="is not a member of global cluster"):
        _ensure(clients, source_db_cluster_identifier=primary["DBClusterArn"])


# ---------------------------------------------------------------- deletion protection (ModifyGlobalCluster)


def test_deletion_protection_is_changed_in_place(clients, primary, clean_twin, mutations) -> None:
    _ensure(clients, source_db_cluster_identifier=primary["DBClusterArn"], deletion_protection=False)
    since = mutations()
    result = _ensure(clients, deletion_protection=True)
    assert result["changed"] is True
    assert since() == {"rds:ModifyGlobalCluster": 1}
    assert result["diff"]["before"]["deletion_protection"] is False
    assert result["diff"]["after"]["deletion_protection"] is True
    assert _describe(clean_twin)["DeletionProtection"] is True
    assert _ensure(clients, deletion_protection=True)["changed"] is False


def test_deletion_protection_in_check_mode(clients, primary, clean_twin, mutations) -> None:
    _ensure(clients, source_db_cluster_identifier=primary["DBClusterArn"], deletion_protection=False)
    since = mutations()
    result = _ensure(clients, check_mode=True, deletion_protection=True)
    assert since() == {}
    assert result["changed"] is True
    assert result["global_cluster"]["deletion_protection"] is True
    assert result["diff"]["before"]["deletion_protection"] is False
    assert _describe(clean_twin)["DeletionProtection"] is False


def test_protected_global_cluster_is_deleted_only_when_protection_is_lifted(clients, primary, mutations) -> None:
    _ensure(clients, source_db_cluster_identifier=primary["DBClusterArn"], deletion_protection=True)
    since = mutations()
    with pytest.raises(rgc.AnsibleRdsGlobalClusterError, match="set deletion_protection: false"):
        _ensure(clients, state="absent", remove_members=True)
    assert since() == {}
    result = _ensure(clients, state="absent", remove_members=True, deletion_protection=False)
    assert result["changed"] is True
    assert since() == {
        "rds:ModifyGlobalCluster": 1,
        "rds:RemoveFromGlobalCluster": 1,
        "rds:DeleteGlobalCluster": 1,
    }


# ---------------------------------------------------------------- the module entry point


@pytest.fixture
def run(run_module: RunModule) -> Run:
    """run(check_mode=False, **args): the module, main() whole, on the test global cluster against the clean twin."""
    return partial(run_module, rgc, region=PRIMARY_REGION, global_cluster_identifier=GLOBAL_ID, wait_delay=1)


def test_module_entry_point_check_mode_then_create(primary, run, mutations) -> None:
    since = mutations()
    checked = run(check_mode=True, source_db_cluster_identifier="orders")
    assert since() == {}
    assert checked["changed"] is True
    assert checked["diff"]["after"]["global_cluster_members"][0]["db_cluster_arn"] == primary["DBClusterArn"]
    created = run(source_db_cluster_identifier="orders")
    assert created["changed"] is True
    assert created["primary_cluster_arn"] == primary["DBClusterArn"]
    assert run(source_db_cluster_identifier="orders")["changed"] is False


def test_module_entry_point_rejects_engine_with_a_source(run) -> None:
    failed = run(source_db_cluster_identifier="orders", engine="aurora-mysql")
    assert failed["failed"] is True
    assert "mutually exclusive" in failed["msg"]
