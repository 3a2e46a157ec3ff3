"""Registry of the patch layer: every departure from AWS is one function that replaces one moto attribute.

Importing a patch module changes nothing; `apply_all()` in `twin.patches` installs them, once each, in import order.
Patches may stack: a later module (time mode, wiring) may replace an attribute a service module already replaced,
and `original(owner, name)` called from a replacement gives the attribute that replacement itself replaced.
"""

from __future__ import annotations

import sys
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
_INSTALLED: set[int] = set()
_STACKS: dict[tuple[int, str], list[Patch]] = {}


def replaces(owner: Any, name: str) -> Callable[[Any], Any]:
    """Register the decorated function (or property) as the new `owner.name`."""

    def decorator(replacement: Any) -> Any:
        _PATCHES.append(Patch(owner=owner, name=name, replacement=replacement))
        return replacement

    return decorator


def adds(owner: Any, name: str) -> Callable[[Any], Any]:
    """Register an attribute that moto lacks (a missing action or model property)."""
    return replaces(owner, name)


def _code_of(replacement: Any) -> Any:
    function = replacement.fget if isinstance(replacement, property) else replacement
    return getattr(function, "__code__", None)


def original(owner: Any, name: str) -> Any:
    """The attribute that the calling replacement replaced (moto's, or a lower patch's when patches stack)."""
    stack = _STACKS.get((id(owner), name))
    if not stack:
        raise KeyError(f"{owner.__name__}.{name} is not patched")
    caller = sys._getframe(1).f_code
    for patch in reversed(stack):
        if _code_of(patch.replacement) is caller:
            return patch.original
    return stack[0].original


def install() -> list[Patch]:
    for patch in _PATCHES:
        if id(patch) in _INSTALLED:
            continue
        patch.original = patch.owner.__dict__.get(patch.name, getattr(patch.owner, patch.name, None))
        setattr(patch.owner, patch.name, patch.replacement)
        _STACKS.setdefault((id(patch.owner), patch.name), []).append(patch)
        _INSTALLED.add(id(patch))
    return [patch for stack in _STACKS.values() for patch in stack]
