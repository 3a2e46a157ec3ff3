"""The local twin of AWS: moto in server mode, a patch layer, a request log and (later) a data plane.

Kept out of the built collection (galaxy.yml build_ignore); it exists for `inventories/local` and the tests.
"""

MOTO_VERSION = "5.2.5"
DEFAULT_PORT = 4566
DEFAULT_REGION = "us-east-2"
