"""The patch layer: one module per AWS service, one patch per measured departure of moto from AWS.

Every patch follows AWS's documented behaviour (see ../shared/docs and tests/twin), never a role's convenience.
"""

from __future__ import annotations

import importlib

from twin.patches._registry import Patch, install

PATCH_MODULES = (
    "twin.patches.ec2",
    "twin.patches.rds_parameters",
    "twin.patches.rds_instances",
    "twin.patches.rds_clusters",
    "twin.patches.rds_integrations",
    "twin.patches.redshift",
    "twin.patches.elasticache",
    "twin.patches.kms",
    "twin.patches.monitoring",
    # After the service modules: it times their actions (time mode, twin.timeline).
    "twin.patches.time_mode",
    # Installed last: it wraps the service patches above to point endpoints at the data plane.
    "twin.patches.wiring",
)


def apply_all() -> list[Patch]:
    """Import every patch module and install its patches into moto (idempotent)."""
    for name in PATCH_MODULES:
        importlib.import_module(name)
    return install()
