"""Time mode: resources pass through AWS's states for AWS's typical durations, multiplied by a time scale.

Off by default (scale 0: every change is immediate, as stock moto). With TWIN_TIME_SCALE=s (or PUT /_twin/config
{"time_scale": s}) one second of AWS time lasts s seconds here: 1/60 makes an AWS minute last one second.
Patches ask `TIMELINE.state(key, settled)` for a resource's current state: a state of the phases scheduled for it,
or `settled` once they are over. Durations come from TYPICAL_AWS_SECONDS, the table in docs/twin-time-mode.md.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

# Typical AWS durations, in seconds of AWS time (see docs/twin-time-mode.md for the sources and the ranges).
TYPICAL_AWS_SECONDS: dict[str, float] = {
    "rds.cluster.creating": 120,
    "rds.cluster.modifying": 60,
    "rds.cluster.deleting": 120,
    "rds.replica_cluster.creating": 900,
    "rds.instance.creating": 480,
    "rds.instance.backing-up": 120,
    "rds.instance.modifying": 120,
    "rds.instance.rebooting": 60,
    "rds.instance.deleting": 300,
    "rds.global_cluster.creating": 60,
    "rds.integration.creating": 1200,
    "rds.integration.deleting": 300,
    "redshift.cluster.creating": 420,
    "redshift.cluster.modifying": 300,
    "redshift.cluster.rebooting": 120,
    "redshift.cluster.deleting": 180,
    "elasticache.replication_group.creating": 600,
    "elasticache.replication_group.modifying": 300,
    "elasticache.replication_group.deleting": 300,
    "ec2.instance.pending": 30,
    "ec2.instance.shutting-down": 30,
}


@dataclass
class _Schedule:
    started: float
    phases: list[tuple[str, float]] = field(default_factory=list)


class Timeline:
    def __init__(self, scale: float = 0.0) -> None:
        self._lock = threading.Lock()
        self._schedules: dict[str, _Schedule] = {}
        # Every schedule since the last reset, for benchmarks' timelines: (key, wall-clock start, [(state, seconds)]).
        self._history: list[tuple[str, float, list[tuple[str, float]]]] = []
        self.scale = scale

    def configure(self, scale: float) -> None:
        if scale < 0:
            raise ValueError(f"time_scale must be 0 or more, got {scale}")
        with self._lock:
            self.scale = scale
            if scale == 0:
                self._schedules.clear()
                self._history.clear()

    def schedule(self, key: str, phases: Sequence[tuple[str, str]]) -> None:
        """Start `phases` now for `key`: each is (state, duration key of TYPICAL_AWS_SECONDS)."""
        with self._lock:
            if self.scale == 0:
                self._schedules.pop(key, None)
                return
            schedule = _Schedule(
                started=time.monotonic(),
                phases=[(state, TYPICAL_AWS_SECONDS[duration] * self.scale) for state, duration in phases],
            )
            self._schedules[key] = schedule
            self._history.append((key, time.time(), list(schedule.phases)))

    def state(self, key: str, settled: str) -> str:
        """The state `key` is in now: a scheduled phase's, or `settled` when none is running."""
        with self._lock:
            schedule = self._schedules.get(key)
            if schedule is None:
                return settled
            elapsed = time.monotonic() - schedule.started
            for state, seconds in schedule.phases:
                if elapsed < seconds:
                    return state
                elapsed -= seconds
            del self._schedules[key]
            return settled

    def busy(self, key: str) -> bool:
        return self.state(key, "") != ""

    def forget(self, key: str) -> None:
        with self._lock:
            self._schedules.pop(key, None)

    def settings(self) -> dict[str, float]:
        return {"time_scale": self.scale}

    def history(self) -> dict[str, object]:
        """Every phase scheduled since time mode was last turned on: key, state, wall-clock start and end (epoch s).

        A schedule that a later one for the same key replaced (a modify during creation, say) ends where it began.
        """
        with self._lock:
            entries = list(self._history)
        phases: list[dict[str, object]] = []
        next_start: dict[int, float] = {}
        last_seen: dict[str, int] = {}
        for index, (key, started, _) in enumerate(entries):
            if key in last_seen:
                next_start[last_seen[key]] = started
            last_seen[key] = index
        for index, (key, started, scheduled) in enumerate(entries):
            cut = next_start.get(index, float("inf"))
            begin = started
            for state, seconds in scheduled:
                end = min(begin + seconds, cut)
                if end > begin:
                    phases.append({"key": key, "state": state, "start": begin, "end": end})
                begin += seconds
        return {"time_scale": self.scale, "now": time.time(), "phases": phases}


TIMELINE = Timeline()
