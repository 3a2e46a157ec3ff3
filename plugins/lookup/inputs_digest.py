# Copyright: XYZ Corporation
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: inputs_digest
version_added: 0.1.0
author:
  - XYZ Corporation database team (@xyz)
short_description: A digest of a run's inputs, the variables of the given prefixes and this collection's code
description:
  - Returns the SHA-256 of the variables whose names start with one of O(prefixes) (each templated where it can be;
    one that refers to a fact a later role publishes counts as written) and of every file under the collection's
    C(roles), C(playbooks) and C(plugins) folders and its C(galaxy.yml).
  - The site's drift check (M(xyz.aws_database.converged_record)) keeps it, salted and stretched, with the record of
    a converged run. The same inputs give the same digest; another value of any variable, or another version of the
    collection, gives another.
  - Secrets among the variables enter the digest, never the output. Set the task that keeps the digest C(no_log).
options:
  prefixes:
    description: The variable name prefixes, such as V(aurora_).
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Keep the digest of this run's inputs
  ansible.builtin.set_fact:
    __xyz_inputs_digest: "{{ lookup('xyz.aws_database.inputs_digest', prefixes=['xyz_', 'aurora_']) }}"
  no_log: true
"""

RETURN = r"""
_raw:
  description: The hexadecimal SHA-256, one element.
  type: list
  elements: str
"""

import hashlib
import json
from pathlib import Path
from typing import Any

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase

CODE_FOLDERS = ("roles", "playbooks", "plugins")


def code_digest(root: Path) -> str:
    """SHA-256 over the relative name and the contents of every file of the collection's code under `root`."""
    digest = hashlib.sha256()
    files = [root / "galaxy.yml"] + [
        path
        for folder in CODE_FOLDERS
        for path in (root / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    ]
    for path in sorted(file for file in files if file.exists()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def inputs_digest(values: dict[str, Any], code: str) -> str:
    """SHA-256 of the variables (name and value, in name order) and the code's digest."""
    text = json.dumps({"code": code, "variables": values}, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class LookupModule(LookupBase):
    def run(self, terms: list[Any], variables: dict[str, Any] | None = None, **kwargs: Any) -> list[str]:
        self.set_options(var_options=variables, direct=kwargs)
        prefixes = tuple(self.get_option("prefixes"))
        values: dict[str, Any] = {}
        for name, raw in (variables or {}).items():
            if not name.startswith(prefixes):
                continue
            try:
                values[name] = self._templar.template(raw)
            except AnsibleError:
                values[name] = raw  # it names a fact a later role publishes: the variable counts as written
        return [inputs_digest(values, code_digest(Path(__file__).resolve().parents[2]))]
