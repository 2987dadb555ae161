"""Where pages run: a local process pool, or Ray actors (on this machine or a cluster).

Both take a stream of `PageTask`s and yield one result dict per task as pages finish, with a
bounded number in flight: tasks are `(path, page)`, so memory stays flat however large the box.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from digitize.errors import DigitizeError
from digitize.pages import PageTask, failure, init_worker, process_task
from ocr.engine import EngineConfig

IN_FLIGHT_PER_WORKER = 2


class PageEngine(Protocol):
    name: str

    def run(self, tasks: Iterable[PageTask]) -> Iterator[dict[str, Any]]: ...

    def close(self) -> None: ...


class LocalEngine:
    """A process pool; each worker loads the OCR model once (the pool's initializer)."""

    name = "local"

    def __init__(self, config: EngineConfig, workers: int = 1) -> None:
        self.config = config
        self.workers = max(1, workers)
        # forkserver: the parent runs a progress thread, and fork with threads running can deadlock
        methods = multiprocessing.get_all_start_methods()
        self._context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=self._context, initializer=init_worker, initargs=(self.config,)
        )

    def run(self, tasks: Iterable[PageTask]) -> Iterator[dict[str, Any]]:
        limit = self.workers * IN_FLIGHT_PER_WORKER
        pending: dict[Future[dict[str, Any]], PageTask] = {}
        it = iter(tasks)
        exhausted = False
        self._pool = self._pool or self._new_pool()
        while True:
            while not exhausted and len(pending) < limit:
                task = next(it, None)
                if task is None:
                    exhausted = True
                    break
                pending[self._pool.submit(process_task, task, self.config)] = task
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                task = pending.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    # a worker died (out of memory, a crash in native code): that page fails, the run goes on
                    broken = True
                    yield failure(task, "worker_crashed", "处理进程异常退出 / the worker process died on this page")
                except Exception as exc:
                    yield failure(task, "worker_error", f"{type(exc).__name__}: {exc}")
            if broken:
                # the pool is unusable: the other pages in flight are retried on a fresh one
                retry = list(pending.values())
                pending.clear()
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()
                for task in retry:
                    pending[self._pool.submit(process_task, task, self.config)] = task

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class RayEngine:
    """Ray actors holding the OCR model; results stream back as they finish.

    With `address` the run joins an existing cluster (paths must then be readable by every node,
    e.g. a shared scan folder); without it a local Ray is started for the run and stopped after.
    """

    name = "ray"

    def __init__(self, config: EngineConfig, workers: int = 1, address: str | None = None) -> None:
        try:
            import ray
        except ImportError as exc:
            raise DigitizeError(
                "Ray is not installed: pip install 'huren[ray]' / 未安装 Ray", code="ray_missing"
            ) from exc
        self._ray = ray
        self.config = config
        self.workers = max(1, workers)
        self._started = False
        if not ray.is_initialized():
            if address:
                ray.init(address=address, log_to_driver=False)
            else:
                ray.init(num_cpus=self.workers, include_dashboard=False, log_to_driver=False)
            self._started = True
        actor_cls: Any = ray.remote(num_cpus=1)(_PageActor)
        self._actors: list[Any] = [actor_cls.remote(config) for _ in range(self.workers)]

    def run(self, tasks: Iterable[PageTask]) -> Iterator[dict[str, Any]]:
        ray = self._ray
        limit = self.workers * IN_FLIGHT_PER_WORKER
        idle = list(self._actors) * IN_FLIGHT_PER_WORKER
        pending: dict[Any, tuple[PageTask, Any]] = {}
        it = iter(tasks)
        exhausted = False
        while True:
            while not exhausted and len(pending) < limit and idle:
                task = next(it, None)
                if task is None:
                    exhausted = True
                    break
                actor = idle.pop()
                pending[actor.process.remote(task)] = (task, actor)
            if not pending:
                return
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                task, actor = pending.pop(ref)
                idle.append(actor)
                try:
                    yield ray.get(ref)
                except Exception as exc:  # an actor died: the page fails, Ray restarts nothing for us
                    yield failure(task, "worker_error", f"{type(exc).__name__}: {exc}")

    def close(self) -> None:
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors = []
        if self._started:
            self._ray.shutdown()


class _PageActor:
    def __init__(self, config: EngineConfig) -> None:
        init_worker(config)
        self.config = config

    def process(self, task: PageTask) -> dict[str, Any]:
        return process_task(task, self.config)


def make_engine(kind: str, config: EngineConfig, *, workers: int, address: str | None = None) -> PageEngine:
    if kind == "local":
        return LocalEngine(config, workers)
    if kind == "ray":
        return RayEngine(config, workers, address)
    raise DigitizeError(f"unknown engine {kind!r} (local | ray)", code="engine_unknown")
