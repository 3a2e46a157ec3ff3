"""Interruption: the site killed at seeded random points, each followed by a re-run that must converge.

The first run builds the prod-like site on an emptied twin; the next ones alternately apply and take back a change
in every role (tests/reliability/changes.yml: binlog_format among them, which reboots the writer), so each killed run
is in the middle of real work. A point is a task of the run, drawn from a seed (RELIABILITY_SEED), plus a random
delay inside it; the whole process group gets SIGKILL, as when the machine running Ansible dies. Before the kill a
row is written on the writer whenever it answers. After each re-run: rc=0, no resource exists twice, every resource
of the reference build is there and nothing more, and every row written so far is still on the writer.

RELIABILITY_INTERRUPTIONS sets the number of points (10 in `make reliability`, fewer where CI time is short). The
last case compares the end state with the throttled build's (test_1_throttling.py): faults must not change it.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections.abc import Callable
from typing import Any

import pymysql
import pytest
from botocore.exceptions import ClientError

from tests.conftest import Twin
from tests.reliability import suite

INTERRUPTIONS = int(os.environ.get("RELIABILITY_INTERRUPTIONS", "10"))
SEED = int(os.environ.get("RELIABILITY_SEED", "20261128"))
CHANGES = ("-e", "@tests/reliability/changes.yml")
TASK_HEADER = "TASK ["


def _write_mark(twin: Twin, note: str) -> bool:
    """Write a row on the writer; False when there is no writer to write to yet."""
    try:
        connection = suite.writer(twin)
    except (KeyError, IndexError, pymysql.MySQLError, ClientError):
        return False
    with connection, connection.cursor() as cursor:
        cursor.execute("CREATE DATABASE IF NOT EXISTS reliability")
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS reliability.marks (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(200))"
        )
        cursor.execute("INSERT INTO reliability.marks (note) VALUES (%s)", (note,))
    return True


def _marks(twin: Twin) -> list[str]:
    with suite.writer(twin) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT note FROM reliability.marks ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def _killed_run(name: str, arguments: tuple[str, ...], task: int, delay: float, before_kill: Callable[[], Any]) -> str:
    """Run the prod-like site, SIGKILL it `delay` seconds into its `task`-th task; the task it was killed in."""
    process = subprocess.Popen(
        [suite.PLAYBOOK, *suite.PROD_LIKE, *arguments],
        cwd=suite.ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    lines, seen, killed_in = [], 0, ""
    for line in process.stdout:
        lines.append(line)
        if line.startswith(TASK_HEADER):
            seen += 1
            if seen == task:
                killed_in = line.strip().strip("*").strip()
                before_kill()
                time.sleep(delay)
                os.killpg(process.pid, signal.SIGKILL)
                break
    process.wait(timeout=60)
    lines += process.stdout.readlines()
    suite.LOGS.mkdir(parents=True, exist_ok=True)
    (suite.LOGS / f"{name}.log").write_text("".join(lines))
    return killed_in


@pytest.fixture(scope="module")
def series(site_twin: Twin) -> dict[str, Any]:
    """What the points share: the random source, the rows written, the reference build, the runs' task counts."""
    site_twin.reset()
    return {"random": random.Random(SEED), "marks": [], "reference": None, "tasks": {}}


@pytest.mark.parametrize("point", range(1, INTERRUPTIONS + 1))
def test_a_killed_run_converges_when_run_again(
    point: int, site_twin: Twin, series: dict[str, Any], record_property: Callable[[str, Any], None]
) -> None:
    applying = point % 2 == 0  # 1 builds, 2 applies the change, 3 takes it back, ...
    arguments = CHANGES if applying else ()
    kind = "change" if applying else ("build" if point == 1 else "take back")
    rng: random.Random = series["random"]
    expected_tasks = series["tasks"].get(kind) or series["tasks"].get("take back") or 600
    task, delay = max(2, int(rng.uniform(0.02, 0.95) * expected_tasks)), round(rng.uniform(0.0, 2.0), 2)
    note = f"point {point}: written before the kill in task {task}"
    written: list[bool] = []

    killed_in = _killed_run(
        f"5-point-{point}-killed", arguments, task, delay, lambda: written.append(_write_mark(site_twin, note))
    )
    assert killed_in, f"the run ended before its task {task}: no interruption happened"
    if written and written[0]:
        series["marks"].append(note)

    recap, output = suite.run_site(f"5-point-{point}-rerun", *arguments)
    assert recap["rc"] == 0, f"the re-run after a kill in {killed_in} failed:\n{output[-4000:]}"
    series["tasks"]["change" if applying else "take back"] = output.count(f"\n{TASK_HEADER}")
    state = suite.end_state(site_twin)
    assert suite.duplicates(state) == []
    present = {kind_: sorted(names) for kind_, names in state.items()}
    if series["reference"] is None:
        series["reference"] = present
    assert present == series["reference"], "resources differ from the first converged run"
    if series["marks"]:
        assert _marks(site_twin) == series["marks"], "a row written before an interruption is gone"
    record_property(
        "figure",
        f"{kind} run killed {delay}s into task {task} ({killed_in}); re-run changed={recap['changed']}; "
        f"{len(series['marks'])} rows kept",
    )


def test_the_throttled_build_ends_where_a_build_without_faults_ends(
    site_twin: Twin, series: dict[str, Any], record_property: Callable[[str, Any], None]
) -> None:
    if INTERRUPTIONS % 2 == 0:  # the last point applied the change: take it back without interruption
        recap, output = suite.run_site("5-take-back")
        assert recap["rc"] == 0, output[-4000:]
    # make test builds the throttled site on another twin at the same time: wait for its end state there.
    throttled = suite.wait_for_state(suite.THROTTLED_STATE, float(os.environ.get("RELIABILITY_STATE_WAIT", "0")))
    if throttled is None:
        pytest.skip("no throttled build to compare with: run test_1_throttling.py first")
    difference = suite.state_diff(throttled, suite.end_state(site_twin))
    assert difference == "", difference[:6000]
    resources = sum(len(names) for names in throttled.values())
    record_property("figure", f"{resources} resources described alike, generated ids and times aside")
