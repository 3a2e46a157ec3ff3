"""inputs_digest: the same inputs give the same digest; another value, another variable or other code, another one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

from ansible_collections.xyz.aws_database.plugins.lookup import inputs_digest as lookup

PREFIXES = ["xyz_", "aurora_"]
VARIABLES = {
    "xyz_name_prefix": "xyz-unit",
    "aurora_cluster_identifier": "{{ xyz_name_prefix }}-aurora",
    "aurora_vpc_security_group_ids": "{{ network_vpcs['us-east-2'].security_group_ids.aurora }}",  # published later
    "inventory_hostname": "localhost",
}


def _digest(variables: dict[str, Any]) -> str:
    loader = DataLoader()
    plugin = lookup.LookupModule(loader=loader, templar=Templar(loader=loader, variables=variables))
    # The options come from DOCUMENTATION once the plugin loader registered it; here they are given directly.
    plugin.set_options = lambda var_options=None, direct=None: None
    plugin.get_option = {"prefixes": PREFIXES}.__getitem__
    return plugin.run([], variables=variables)[0]


def test_the_same_inputs_give_the_same_digest() -> None:
    assert _digest(dict(VARIABLES)) == _digest(dict(VARIABLES))
    assert len(_digest(dict(VARIABLES))) == 64


def test_another_value_of_a_variable_gives_another_digest() -> None:
    assert _digest({**VARIABLES, "xyz_name_prefix": "xyz-other"}) != _digest(VARIABLES)


def test_a_new_variable_of_a_prefix_counts_and_others_do_not() -> None:
    assert _digest({**VARIABLES, "aurora_backup_retention_period": 7}) != _digest(VARIABLES)
    assert _digest({**VARIABLES, "ansible_check_mode": True, "network_vpcs": {}}) == _digest(VARIABLES)


def test_the_code_counts(tmp_path: Path) -> None:
    (tmp_path / "roles" / "aurora" / "defaults").mkdir(parents=True)
    defaults = tmp_path / "roles" / "aurora" / "defaults" / "main.yml"
    defaults.write_text("aurora_backup_retention_period: 2\n")
    before = lookup.code_digest(tmp_path)
    defaults.write_text("aurora_backup_retention_period: 3\n")
    assert lookup.code_digest(tmp_path) != before
    assert lookup.inputs_digest({"xyz_a": 1}, before) != lookup.inputs_digest(
        {"xyz_a": 1}, lookup.code_digest(tmp_path)
    )
