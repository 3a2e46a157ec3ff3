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
        self.scale = scale

    def configure(self, scale: float) -> None:
        if scale < 0:
            raise ValueError(f"time_scale must be 0 or more, got {scale}")
        with self._lock:
            self.scale = scale
            if scale == 0:
                self._schedules.clear()

    def schedule(self, key: str, phases: Sequence[tuple[str, str]]) -> None:
        """Start `phases` now for `key`: each is (state, duration key of TYPICAL_AWS_SECONDS)."""
        with self._lock:
            if self.scale == 0:
                self._schedules.pop(key, None)
                return
            self._schedules[key] = _Schedule(
                started=time.monotonic(),
                phases=[(state, TYPICAL_AWS_SECONDS[duration] * self.scale) for state, duration in phases],
            )

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


TIMELINE = Timeline()
