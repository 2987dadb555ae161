"""Where pages run: a local process pool, or Ray actors (on this machine or a cluster).

Both take a stream of `PageTask`s and yield one result dict per task as pages finish, with a
bounded number in flight: tasks are `(path, page)`, so memory stays flat however large the box.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import socket
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import Any, Protocol

from digitize.errors import DigitizeError
from digitize.pages import PageTask, failure, init_worker, process_task
from ocr.engine import EngineConfig

log = logging.getLogger(__name__)

IN_FLIGHT_PER_WORKER = 2
MAX_ACTOR_RESTARTS = 3  # a killed actor comes back (its model reloaded) this many times
TASK_RETRIES = 1  # Ray re-runs the page on the restarted actor once ...
PAGE_ATTEMPTS = 3  # ... and we send it to another live actor, up to this many submissions in all
READY_TIMEOUT = 120.0  # seconds for the actors to be placed and load the model


class PageEngine(Protocol):
    name: str
    workers: int  # as many as actually run (a Ray pool is sized from the cluster)
    notes: list[str]  # what the operator should know about the run (a pool made smaller, an actor lost)

    def run(self, tasks: Iterable[PageTask]) -> Iterator[dict[str, Any]]: ...

    def close(self) -> None: ...


class LocalEngine:
    """A process pool; each worker loads the OCR model once (the pool's initializer)."""

    name = "local"

    def __init__(self, config: EngineConfig, workers: int = 1) -> None:
        self.config = config
        self.notes: list[str] = []
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

    Ray's own machinery keeps a run going when a node or an actor dies: each actor is restarted up
    to `MAX_ACTOR_RESTARTS` times and retries the page it was working on (`max_task_retries`); a
    page whose actor is gone for good is sent to a live actor, `PAGE_ATTEMPTS` times in all, and
    only then journalled as failed. The pool is sized from the cluster's CPUs, never larger: more
    actors than CPUs would wait forever to be scheduled.
    """

    name = "ray"

    def __init__(
        self,
        config: EngineConfig,
        workers: int = 1,
        address: str | None = None,
        *,
        ready_timeout: float = READY_TIMEOUT,
    ) -> None:
        try:
            import ray
        except ImportError as exc:
            raise DigitizeError(
                "Ray is not installed: pip install 'huren[ray]' / 未安装 Ray", code="ray_missing"
            ) from exc
        self._ray = ray
        self.config = config
        self.notes: list[str] = []
        self._started = False
        if not ray.is_initialized():
            try:
                if address:
                    ray.init(address=address, log_to_driver=False)
                else:
                    ray.init(num_cpus=max(1, workers), include_dashboard=False, log_to_driver=False)
            except Exception as exc:  # ConnectionError, AuthenticationError, a timeout: Ray's words, not a disk error
                where = address or "a local Ray"
                raise DigitizeError(
                    f"无法连接 Ray 集群 {where} / cannot reach the Ray cluster at {where}: {_first_line(exc)}",
                    code="ray_unreachable",
                ) from exc
            self._started = True
        cpus = int(ray.cluster_resources().get("CPU", 0))
        self.workers = max(1, min(workers, cpus))
        if workers > self.workers:
            self.notes.append(
                f"集群只有 {cpus} 个 CPU，按 {self.workers} 个 worker 运行 / the cluster has {cpus} CPU(s): "
                f"running {self.workers} actor(s), not the {workers} asked for"
            )
            log.warning(self.notes[-1])
        actor_cls: Any = ray.remote(num_cpus=1, max_restarts=MAX_ACTOR_RESTARTS, max_task_retries=TASK_RETRIES)(
            _PageActor
        )
        actors = [actor_cls.remote(config) for _ in range(self.workers)]
        self._actors = self._ready(actors, ready_timeout, cpus)

    def _ready(self, actors: list[Any], timeout: float, cpus: int) -> list[Any]:
        """The actors that came up within `timeout`; none at all is an error that says what is missing."""
        ray = self._ray
        probes = {actor.where.remote(): actor for actor in actors}
        done, waiting = ray.wait(list(probes), num_returns=len(probes), timeout=timeout)
        ready = []
        for ref in done:
            try:
                ray.get(ref)
                ready.append(probes[ref])
            except Exception as exc:
                self.notes.append(f"a Ray actor failed to start: {_first_line(exc)}")
        for ref in waiting:
            ray.kill(probes[ref])
        if waiting:
            free = ray.available_resources().get("CPU", 0)
            self.notes.append(
                f"{len(waiting)} 个 worker 在 {timeout:.0f} 秒内未能启动 / {len(waiting)} actor(s) could not be "
                f"placed within {timeout:.0f} s (cluster CPUs: {cpus}, free: {free:g}); running on {len(ready)}"
            )
            log.warning(self.notes[-1])
        if not ready:
            raise DigitizeError(
                f"Ray 集群上没有可用的 worker / no Ray actor could start: {'; '.join(self.notes) or 'no CPU free'}",
                code="ray_unschedulable",
            )
        return ready

    def run(self, tasks: Iterable[PageTask]) -> Iterator[dict[str, Any]]:
        ray = self._ray
        from ray.exceptions import ActorDiedError, RayActorError

        idle = list(self._actors) * IN_FLIGHT_PER_WORKER
        pending: dict[Any, tuple[PageTask, Any]] = {}
        attempts: dict[str, int] = {}
        retry: list[PageTask] = []
        it = iter(tasks)
        exhausted = False
        while True:
            while idle and (retry or not exhausted):
                task = retry.pop() if retry else next(it, None)
                if task is None:
                    exhausted = True
                    break
                actor = idle.pop()
                attempts[task.key] = attempts.get(task.key, 0) + 1
                pending[actor.process.remote(task)] = (task, actor)
            if not pending:
                if not idle:  # every actor is gone for good: the rest fail, with the reason
                    for task in [*retry, *it]:
                        yield failure(
                            task, "ray_no_actors", "Ray 集群上已没有可用的 worker / no live Ray actor is left"
                        )
                return
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                task, actor = pending.pop(ref)
                try:
                    result = ray.get(ref)
                except RayActorError as exc:
                    if isinstance(exc, ActorDiedError) and actor in self._actors:
                        # its restarts are used up: it leaves the rotation, the page goes to a live actor
                        self._actors.remove(actor)
                        idle = [a for a in idle if a is not actor]
                        self.notes.append(f"a Ray actor died for good: {_first_line(exc)}")
                    elif actor in self._actors:
                        idle.append(actor)
                    if attempts[task.key] < PAGE_ATTEMPTS:
                        retry.append(task)
                    else:
                        yield failure(
                            task,
                            "worker_error",
                            f"处理该页的 worker 连续 {PAGE_ATTEMPTS} 次异常退出 / the page's worker died "
                            f"{PAGE_ATTEMPTS} times: {_first_line(exc)}",
                        )
                    continue
                except Exception as exc:
                    idle.append(actor)
                    yield failure(task, "worker_error", f"{type(exc).__name__}: {_first_line(exc)}")
                    continue
                idle.append(actor)
                yield result

    def close(self) -> None:
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors = []
        if self._started:
            self._ray.shutdown()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


class _PageActor:
    """Holds the model; sizes its threads from the CPUs Ray gave it on its own node."""

    def __init__(self, config: EngineConfig) -> None:
        import ray

        context = ray.get_runtime_context()
        if not config.threads:
            config = replace(config, threads=max(1, int(context.get_assigned_resources().get("CPU", 1))))
        init_worker(config)
        self.config = config
        self._where = {
            "node": context.get_node_id(),
            "actor": context.get_actor_id(),
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "threads": config.threads,
        }

    def where(self) -> dict[str, Any]:
        return self._where

    def process(self, task: PageTask) -> dict[str, Any]:
        return {**process_task(task, self.config), "worker": self._where}


def make_engine(kind: str, config: EngineConfig, *, workers: int, address: str | None = None) -> PageEngine:
    if kind == "local":
        return LocalEngine(config, workers)
    if kind == "ray":
        return RayEngine(config, workers, address)
    raise DigitizeError(f"unknown engine {kind!r} (local | ray)", code="engine_unknown")
