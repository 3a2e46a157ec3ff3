"""AWS errors raised by patches.

They subclass moto's ServiceException from a module outside the `moto` package: moto's server only serialises
those as AWS errors (HTTP 400 with the service's error code) instead of answering 500.
"""

from __future__ import annotations

from moto.core.exceptions import ServiceException


class TwinServiceError(ServiceException):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)


class InvalidParameterValue(TwinServiceError):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidParameterValue", message)


class InvalidParameterCombination(TwinServiceError):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidParameterCombination", message)
