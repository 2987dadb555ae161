"""Lower CPU priority (niceness) for background work, so that interactive requests win the cores.

Pre-screening (OCR takes every core it is given) and password hashing (argon2, a core for ~100 ms) run
at `HUREN_BACKGROUND_NICE`; reads keep the normal priority. On Linux niceness belongs to a thread and
a thread starts with its creator's, so the worker thread lowers its own before it loads the OCR engine
(whose pools it creates, niced in turn), and the hashing threads lower theirs when they start. Elsewhere
(no per-thread niceness) nothing changes.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_NICE = 19


def lower_this_thread(nice: int) -> bool:
    """Raise the calling thread's niceness to `nice` (never lower it; 0 = leave it); True when set."""
    if nice <= 0 or not sys.platform.startswith("linux"):
        return False
    tid = threading.get_native_id()
    try:
        if os.getpriority(os.PRIO_PROCESS, tid) < nice:
            os.setpriority(os.PRIO_PROCESS, tid, min(nice, MAX_NICE))
    except OSError as exc:  # a sandbox may refuse it: run at the normal priority
        log.warning("could not lower the priority of thread %s: %s", tid, exc)
        return False
    return True


def lower_this_process(nice: int) -> bool:
    """Raise every thread's niceness to `nice` (`huren worker`: all of it is background work), the
    threads started at import (numeric libraries' pools) included; elsewhere than Linux, `os.nice`."""
    if nice <= 0:
        return False
    if not sys.platform.startswith("linux"):
        try:
            current = os.nice(0)
            os.nice(max(0, min(nice, MAX_NICE) - current))
        except (OSError, AttributeError):
            return False
        return True
    done = True
    for task in os.listdir("/proc/self/task"):
        try:
            tid = int(task)
            if os.getpriority(os.PRIO_PROCESS, tid) < nice:
                os.setpriority(os.PRIO_PROCESS, tid, min(nice, MAX_NICE))
        except (OSError, ValueError):  # the thread ended, or a sandbox refuses it
            done = False
    return done


def thread_nice(tid: int) -> int:
    """The niceness of thread `tid` of this process (Linux: field 19 of /proc/self/task/<tid>/stat)."""
    with open(f"/proc/self/task/{tid}/stat", encoding="ascii") as f:
        stat = f.read()
    return int(stat.rsplit(")", 1)[1].split()[16])  # fields after "(comm)" start at field 3


class BackgroundPool:
    """A few threads at `nice` that run blocking CPU work for callers (who wait for the result)."""

    def __init__(self, threads: int, nice: int, name: str) -> None:
        self.nice = nice
        self._executor = ThreadPoolExecutor(max(1, threads), thread_name_prefix=name, initializer=self._start)
        self.native_ids: set[int] = set()

    def _start(self) -> None:
        self.native_ids.add(threading.get_native_id())
        lower_this_thread(self.nice)

    def run(self, fn: Callable[..., T], *args: object) -> T:
        return self._executor.submit(fn, *args).result()

    def close(self) -> None:
        self._executor.shutdown(wait=False)
