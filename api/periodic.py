"""Housekeeping threads of `huren serve`: a task run at start, every N seconds, and (optionally) at stop."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class Periodic:
    def __init__(self, name: str, seconds: float, task: Callable[[], Any], *, run_on_stop: bool = False) -> None:
        self.name = name
        self.seconds = seconds
        self.task = task
        self.run_on_stop = run_on_stop
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> None:
        try:
            self.task()
        except Exception:  # a full disk or a database away must not stop the service: logged, tried again
            log.exception("%s", self.name)

    def _loop(self) -> None:
        self.run_once()
        while not self._stop.wait(self.seconds):
            self.run_once()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name=f"huren-{self.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
        if self.run_on_stop:
            self.run_once()
