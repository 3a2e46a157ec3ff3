"""Each role's tag works alone on the converged twin (run two at a time: they change nothing)."""

from __future__ import annotations

import pytest

from tests.conftest import Twin
from tests.integration.site_lifecycle import ansible_playbook, running_twin, site_tags


@pytest.fixture(scope="module")
def site_twin() -> Twin:
    return running_twin()


@pytest.mark.parametrize("tag", site_tags())
def test_each_role_tag_works_alone_on_the_converged_twin(site_twin: Twin, tag: str) -> None:
    recap, output = ansible_playbook("playbooks/site.yml", "-i", "inventories/local", "--tags", tag)
    assert recap["rc"] == 0, output[-4000:]
    assert recap["changed"] == 0, f"--tags {tag} changed {recap['changed']} tasks:\n{output[-4000:]}"
