"""rds_parameters_info: engine defaults of a family and the parameters of one group, every page, a missing group.

The RDS client is a real botocore client with a Stubber: no network.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.xyz.aws_database.plugins.modules import rds_parameters_info as rpi

FAMILY = "aurora-mysql8.0"
BINLOG = {
    "ParameterName": "binlog_format",
    "ParameterValue": "OFF",
    "Source": "engine-default",
    "ApplyType": "static",
    "DataType": "string",
    "AllowedValues": "ROW,STATEMENT,MIXED,OFF",
    "IsModifiable": True,
    "ApplyMethod": "pending-reboot",
}
LONG_QUERY_TIME = {
    "ParameterName": "long_query_time",
    "Source": "engine-default",
    "ApplyType": "dynamic",
    "DataType": "float",
    "AllowedValues": "0-31536000",
    "IsModifiable": True,
    "ApplyMethod": "pending-reboot",
}


@pytest.fixture
def rds() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client("rds", region_name="us-east-2", aws_access_key_id="testing", aws_secret_access_key="testing")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def _module(**params: Any) -> mock.Mock:
    module = mock.Mock()
    module.params = {"group_type": "cluster", "family": None, "name": None, "source": None, **params}
    return module


def test_cluster_engine_defaults_follow_every_page(rds: tuple[Any, Stubber]) -> None:
    client, stubber = rds
    stubber.add_response(
        "describe_engine_default_cluster_parameters",
        {"EngineDefaults": {"DBParameterGroupFamily": FAMILY, "Parameters": [BINLOG], "Marker": "1"}},
        {"DBParameterGroupFamily": FAMILY},
    )
    stubber.add_response(
        "describe_engine_default_cluster_parameters",
        {"EngineDefaults": {"DBParameterGroupFamily": FAMILY, "Parameters": [LONG_QUERY_TIME]}},
        {"DBParameterGroupFamily": FAMILY, "Marker": "1"},
    )
    assert rpi.engine_default_parameters(client, "cluster", FAMILY) == [BINLOG, LONG_QUERY_TIME]


def test_instance_engine_defaults_use_describe_engine_default_parameters(rds: tuple[Any, Stubber]) -> None:
    client, stubber = rds
    stubber.add_response(
        "describe_engine_default_parameters",
        {"EngineDefaults": {"DBParameterGroupFamily": FAMILY, "Parameters": [LONG_QUERY_TIME]}},
        {"DBParameterGroupFamily": FAMILY},
    )
    assert rpi.engine_default_parameters(client, "instance", FAMILY) == [LONG_QUERY_TIME]


def test_cluster_group_parameters_of_one_source(rds: tuple[Any, Stubber]) -> None:
    client, stubber = rds
    user_binlog = {**BINLOG, "ParameterValue": "MIXED", "Source": "user"}
    stubber.add_response(
        "describe_db_cluster_parameters",
        {"Parameters": [user_binlog]},
        {"DBClusterParameterGroupName": "xyz-dev-aurora-cluster", "Source": "user"},
    )
    assert rpi.group_parameters(client, "cluster", "xyz-dev-aurora-cluster", "user") == [user_binlog]


def test_missing_group_gives_none(rds: tuple[Any, Stubber]) -> None:
    client, stubber = rds
    stubber.add_client_error(
        "describe_db_parameters",
        service_error_code="DBParameterGroupNotFound",
        service_message="DBParameterGroup not found: nope",
        http_status_code=404,
        expected_params={"DBParameterGroupName": "nope"},
    )
    assert rpi.group_parameters(client, "instance", "nope", None) is None


def test_describe_a_group_in_snake_case(rds: tuple[Any, Stubber]) -> None:
    client, stubber = rds
    stubber.add_response(
        "describe_db_parameters",
        {"Parameters": [LONG_QUERY_TIME]},
        {"DBParameterGroupName": "xyz-dev-aurora-instance"},
    )
    module = _module(group_type="instance", name="xyz-dev-aurora-instance")
    module.client.return_value = client
    result = rpi.describe(module)
    assert result["changed"] is False
    assert result["exists"] is True
    assert result["parameters"][0]["parameter_name"] == "long_query_time"
    assert result["parameters"][0]["apply_type"] == "dynamic"
    assert "parameter_value" not in result["parameters"][0]


def test_describe_a_missing_group(rds: tuple[Any, Stubber]) -> None:
    client, stubber = rds
    stubber.add_client_error(
        "describe_db_cluster_parameters",
        service_error_code="DBParameterGroupNotFound",
        service_message="DBClusterParameterGroup not found: nope",
        http_status_code=404,
    )
    module = _module(name="nope")
    module.client.return_value = client
    assert rpi.describe(module) == {"changed": False, "exists": False, "parameters": []}


def test_describe_a_family(rds: tuple[Any, Stubber]) -> None:
    client, stubber = rds
    stubber.add_response(
        "describe_engine_default_cluster_parameters",
        {"EngineDefaults": {"DBParameterGroupFamily": FAMILY, "Parameters": [BINLOG]}},
        {"DBParameterGroupFamily": FAMILY},
    )
    module = _module(family=FAMILY)
    module.client.return_value = client
    result = rpi.describe(module)
    assert result["exists"] is True
    assert result["parameters"][0]["allowed_values"] == "ROW,STATEMENT,MIXED,OFF"
