"""Registry of the patch layer: every departure from AWS is one function that replaces one moto attribute.

Importing a patch module changes nothing; `apply_all()` in `twin.patches` installs them, once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Patch:
    owner: Any
    name: str
    replacement: Any
    original: Any = None


_PATCHES: list[Patch] = []
_APPLIED: dict[tuple[int, str], Patch] = {}


def replaces(owner: Any, name: str) -> Callable[[Any], Any]:
    """Register the decorated function (or property) as the new `owner.name`."""

    def decorator(replacement: Any) -> Any:
        _PATCHES.append(Patch(owner=owner, name=name, replacement=replacement))
        return replacement

    return decorator


def adds(owner: Any, name: str) -> Callable[[Any], Any]:
    """Register an attribute that moto lacks (a missing action or model property)."""
    return replaces(owner, name)


def original(owner: Any, name: str) -> Any:
    """The moto attribute that a patch replaced, for patches that wrap rather than rewrite."""
    patch = _APPLIED.get((id(owner), name))
    if patch is None:
        raise KeyError(f"{owner.__name__}.{name} is not patched")
    return patch.original


def install() -> list[Patch]:
    for patch in _PATCHES:
        key = (id(patch.owner), patch.name)
        if key in _APPLIED:
            continue
        patch.original = patch.owner.__dict__.get(patch.name, getattr(patch.owner, patch.name, None))
        setattr(patch.owner, patch.name, patch.replacement)
        _APPLIED[key] = patch
    return list(_APPLIED.values())
