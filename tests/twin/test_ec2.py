"""EC2 behaviour the site's preflight relies on."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def test_describe_regions_applies_the_region_name_filter(aws) -> None:
    """AWS: DescribeRegions with Filters=[region-name] answers only the named regions."""
    regions = aws("ec2").describe_regions(Filters=[{"Name": "region-name", "Values": ["us-east-2", "us-west-2"]}])
    assert sorted(region["RegionName"] for region in regions["Regions"]) == ["us-east-2", "us-west-2"]


def test_describe_regions_lists_only_the_callers_partition(aws) -> None:
    """AWS: a commercial account's DescribeRegions lists no GovCloud or China region."""
    names = [region["RegionName"] for region in aws("ec2").describe_regions()["Regions"]]
    assert "us-east-2" in names
    assert not [name for name in names if name.startswith(("us-gov-", "cn-"))]


def test_describe_regions_rejects_an_unknown_region_name(aws) -> None:
    """AWS: RegionNames with a region that does not exist is InvalidParameterValue."""
    with pytest.raises(ClientError) as error:
        aws("ec2").describe_regions(RegionNames=["us-east-2", "mars-north-1"])
    assert error.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert "mars-north-1" in error.value.response["Error"]["Message"]
