"""The teardown refuses without its confirmation, then removes everything; check mode on the fresh twin."""

from __future__ import annotations

import pytest

from tests.conftest import Twin
from tests.integration.site_lifecycle import REGIONS, ansible_playbook, left_behind, mutating_since, running_twin


@pytest.fixture(scope="module")
def site_twin() -> Twin:
    return running_twin()


def test_teardown_refuses_without_confirmation_before_any_call(site_twin: Twin) -> None:
    since = site_twin.requests(0)["last_seq"]
    recap, output = ansible_playbook("playbooks/teardown.yml", "-i", "inventories/local", "-e", "confirm_teardown=prod")
    assert recap["rc"] != 0
    assert "-e confirm_teardown=local" in output
    assert site_twin.requests(since)["entries"] == [], "the refused teardown sent requests"


def test_teardown_leaves_nothing_behind(site_twin: Twin) -> None:
    assert any(left_behind(site_twin, region) for region in REGIONS), "the site built nothing to remove"
    recap, output = ansible_playbook(
        "playbooks/teardown.yml", "-i", "inventories/local", "-e", "confirm_teardown=local"
    )
    assert recap["rc"] == 0, output[-4000:]
    left = [resource for region in REGIONS for resource in left_behind(site_twin, region)]
    assert left == [], f"the teardown left {len(left)} resources behind: {left}"


def test_check_mode_on_a_fresh_twin_shows_what_would_be_built_without_a_change(site_twin: Twin) -> None:
    since = site_twin.requests(0)["last_seq"]
    recap, output = ansible_playbook("playbooks/site.yml", "-i", "inventories/local", "--check", "--diff")
    assert recap["rc"] == 0, output[-4000:]
    assert recap["changed"] > 0, "check mode on a fresh twin must show what it would build"
    assert mutating_since(site_twin, since) == []
