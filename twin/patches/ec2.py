"""EC2 departures.

DescribeRegions: AWS applies the `region-name`, `endpoint` and `opt-in-status` filters, answers only the regions of
the caller's partition (a commercial account sees no us-gov-* or cn-* region) and rejects unknown RegionNames with
InvalidParameterValue. moto ignores Filters and lists every partition.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.responses.availability_zones_and_regions import AvailabilityZonesAndRegions

from twin.patches._registry import replaces
from twin.patches.errors import InvalidParameterValue

_OTHER_PARTITIONS = ("us-gov-", "cn-", "us-iso", "eu-isoe-")
_REGION_FILTERS = {"region-name": "name", "endpoint": "endpoint", "opt-in-status": "opt_in_status"}


def _matches(region: Any, filters: list[dict[str, Any]]) -> bool:
    for region_filter in filters:
        attribute = _REGION_FILTERS.get(region_filter["Name"])
        if attribute is None:
            raise InvalidParameterValue(f"The filter '{region_filter['Name']}' is invalid")
        if getattr(region, attribute) not in region_filter.get("Values", []):
            return False
    return True


@replaces(AvailabilityZonesAndRegions, "describe_regions")
def describe_regions(self: AvailabilityZonesAndRegions) -> ActionResult:
    self.error_on_dryrun()
    region_names: list[str] = self._get_param("RegionNames", [])
    filters: list[dict[str, Any]] = self._get_param("Filters", [])
    regions = [region for region in self.ec2_backend.regions if not region.name.startswith(_OTHER_PARTITIONS)]
    known = {region.name for region in regions}
    unknown = [name for name in region_names if name not in known]
    if unknown:
        raise InvalidParameterValue(f"Invalid region names: {', '.join(unknown)}")
    if region_names:
        regions = [region for region in regions if region.name in region_names]
    return ActionResult({"Regions": [region for region in regions if _matches(region, filters)]})
