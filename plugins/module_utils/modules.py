# Copyright: XYZ Corporation
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The AnsibleAWSModule of xyz.aws_database: amazon.aws's, with this collection's name in the user agent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.common import set_collection_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

XYZ_AWS_DATABASE_COLLECTION_NAME = "xyz.aws_database"
XYZ_AWS_DATABASE_COLLECTION_VERSION = "0.1.0"


class AnsibleXyzAWSModule(AnsibleAWSModule):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        set_collection_info(
            collection_name=XYZ_AWS_DATABASE_COLLECTION_NAME,
            collection_version=XYZ_AWS_DATABASE_COLLECTION_VERSION,
        )


# AWSRetry knows the throttling codes of EC2 and the query services; the JSON services (Application Auto Scaling, KMS,
# Secrets Manager) answer ThrottlingException, which it would not retry.
THROTTLING_CODES = ["ThrottlingException"]


def aws_retry() -> Callable[..., Any]:
    """The retry decorator of this collection's clients: jittered backoff on every throttling code AWS sends."""
    return AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES)
