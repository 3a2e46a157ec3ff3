"""Bad input fails before any AWS call, with a message that names the variable and what is allowed.

Each case of tests/reliability/bad_input/*.yml runs `playbooks/site.yml -i inventories/local --tags <tags>` with
its extra vars against the running local twin (`make local-up`); the run must fail, its output must contain the
expected text, and the twin's request log must show no mutating call made during the run.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.site_lifecycle import running_twin

ROOT = Path(__file__).resolve().parents[2]
CASES_DIR = Path(__file__).resolve().parent / "bad_input"


# make test (RELIABILITY_SUBSET=ci) runs the first cases of each file: 33 across every role and the site.
CI_CASES_PER_FILE = 4


def _cases() -> list[Any]:
    """Every case, or those of the files RELIABILITY_BAD_INPUT_FILES names (a comma-separated list of stems); with
    RELIABILITY_SUBSET=ci, the first CI_CASES_PER_FILE of each file."""
    wanted = [name for name in os.environ.get("RELIABILITY_BAD_INPUT_FILES", "").split(",") if name]
    unknown = [name for name in wanted if not (CASES_DIR / f"{name}.yml").exists()]
    if unknown:
        raise ValueError(f"RELIABILITY_BAD_INPUT_FILES names no file of {CASES_DIR}: {unknown}")
    cases = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        if wanted and path.stem not in wanted:
            continue
        listed = yaml.safe_load(path.read_text()) or []
        if os.environ.get("RELIABILITY_SUBSET") == "ci":
            listed = listed[:CI_CASES_PER_FILE]
        for case in listed:
            cases.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return cases


@pytest.mark.parametrize("case", _cases())
def test_bad_input_is_refused_before_any_change(case: dict[str, Any], tmp_path: Path) -> None:
    twin = running_twin()
    since = twin.requests(0)["last_seq"]
    # The run signs its calls with an access key of its own (the twin accepts any), so that calls of other runs on
    # the same twin do not count.
    caller = f"AKIDBADINPUT{uuid.uuid4().hex[:8].upper()}"
    extra_vars = tmp_path / "vars.json"
    extra_vars.write_text(json.dumps(case["vars"]))
    result = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "ansible-playbook"),
            "playbooks/site.yml",
            "-i",
            f"inventories/{case.get('inventory', 'local')}",
            "--tags",
            case["tags"],
            "-e",
            f"@{extra_vars}",
        ],
        cwd=ROOT,
        env={**os.environ, "AWS_ACCESS_KEY_ID": caller},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the run did not fail:\n{output[-3000:]}"
    assert case["expect"] in output, f"{case['expect']!r} not in the output:\n{output[-3000:]}"
    calls = twin.requests(since, caller)
    assert calls["total"] > 0, "no call of this run was found in the request log (the preflight reads the identity)"
    mutating = [f"{entry['service']}:{entry['action']}" for entry in calls["entries"] if entry["mutating"]]
    assert mutating == [], f"mutating calls were made before the input was refused: {mutating}"
