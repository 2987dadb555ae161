"""Read latency of the service under attack and under load, on loopback (issue 14).

    .venv/bin/python bench/bench_api_load.py [--seconds 10] [--flooders 32] [--readers 4] [--ocr-apps 3]
                                             [--nice 10,0] [--tarpit 2,0] [--rounds 2] [--worker-process]

Starts `uvicorn` on 127.0.0.1 over a fresh SQLite database in a temporary directory (the sample
registry imported, a few users, one screened application), then measures the reads an applicant and a
reviewer poll — `GET /applications/{id}/status`, `GET /applications` — in four phases, each bounded:

1. quiet: nothing else runs;
2. login flood: `--flooders` clients send wrong passwords (a known name and unknown ones) as fast as
   they can, with the default throttle (per account and per address);
3. login flood, counts off: the same with the per-name and per-address counts disabled, so only the
   process's login gate (at most `HUREN_LOGIN_CONCURRENCY` argon2 hashes at once, an address that finds
   no free slot waits) stands between the flood and the CPU;
4. OCR: `--ocr-apps` applications of scanned images screened by the server's worker thread while the
   readers poll (the OCR engine takes both cores).

Prints p50 / p95 / p99 / max of the reads per phase, what the flooders got back, and in phase 4 the
server's CPU seconds by thread niceness (the OCR engine's threads should sit at `HUREN_BACKGROUND_NICE`).
`--nice 10,0 --rounds 2` runs everything (a fresh database each time) with the setting at 10, at 0, at
10, at 0: background work niced or not, interleaved.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLES = ROOT / "samples" / "documents"
PASSWORD = "correct horse battery"
FORM: dict[str, Any] = {
    "name": "韦秀旻", "gender": "女", "id_number": "330106198805233941", "cert_number": "沪注计20233781", "level": 2,
    "issuing_authority": "上海市市场监督管理局", "valid_from": "2023-06-22", "valid_until": "2028-06-21",
    "categories": ["力学"],
}  # fmt: skip
DATA_KEY = secrets.token_hex(32)  # one for the bench and every server it starts
SCANS = ("asm_001.jpg", "asm_002.jpg", "asm_003.jpg", "form_001.jpg")  # the OCR path, not a text layer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(env: dict[str, str]) -> dict[str, str]:
    """Users and the registry in the database the server will open; returns bearer tokens by name."""
    from api import auth
    from db import open_database
    from huren import sealed
    from matching.importer import import_files
    from matching.store import RegistryStore

    sealed.configure(env["HUREN_DATA_KEY"])  # the server's key
    engine = open_database(env["HUREN_DATABASE_URL"])
    import_files(RegistryStore(engine), [SAMPLES / "registry.csv"])
    tokens = {}
    with engine.begin() as conn:
        for name, role, scope in (("alice", "applicant", {}), ("rita", "reviewer", {"area": "qingpu"})):
            _, tokens[name] = auth.create_user(conn, name, role, password=PASSWORD, **scope)
        for i in range(8):
            _, tokens[f"ocr{i}"] = auth.create_user(conn, f"ocr{i}", "applicant")
    engine.dispose()
    return tokens


def forget_failures(env: dict[str, str]) -> None:
    """A phase starts with no failed logins counted (the throttle table is the database's)."""
    import sqlite3

    with sqlite3.connect(env["HUREN_DATABASE_URL"].split("///", 1)[1]) as db:
        db.execute("DELETE FROM api_login_throttle")


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    code = (
        "import uvicorn; from api.app import create_app; "
        f"uvicorn.run(create_app(), host='127.0.0.1', port={port}, log_level='warning')"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def application(base: str, token: str, files: list[Path]) -> str:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as c:
        app_id = c.post("/api/v1/applications", json={"area": "qingpu", "form": FORM}).raise_for_status().json()["id"]
        for f in files:
            with f.open("rb") as fh:
                c.post(f"/api/v1/applications/{app_id}/documents", files={"file": (f.name, fh)}).raise_for_status()
        c.post(f"/api/v1/applications/{app_id}/submit").raise_for_status()
    return str(app_id)


def readers(base: str, tokens: dict[str, str], app_id: str, n: int, stop: threading.Event) -> list[float]:
    """`n` clients polling status (applicant) and the list (reviewer), 20 ms apart; latencies in ms."""
    latencies: list[float] = []
    lock = threading.Lock()

    def poll(i: int) -> None:
        who, path = (
            ("alice", f"/api/v1/applications/{app_id}/status") if i % 2 == 0 else ("rita", "/api/v1/applications")
        )
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {tokens[who]}"}, timeout=60) as c:
            while not stop.is_set():
                t0 = time.perf_counter()
                r = c.get(path)
                ms = (time.perf_counter() - t0) * 1000
                if r.status_code != 200:
                    raise SystemExit(f"read answered {r.status_code}: {r.text[:200]}")
                with lock:
                    latencies.append(ms)
                stop.wait(0.02)

    threads = [threading.Thread(target=poll, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def flood(base: str, n: int, stop: threading.Event) -> Counter[int]:
    """`n` clients sending wrong passwords as fast as the server answers."""
    answers: Counter[int] = Counter()
    lock = threading.Lock()

    def attack(i: int) -> None:
        with httpx.Client(base_url=base, timeout=120) as c:
            while not stop.is_set():
                name = "rita" if i % 2 == 0 else f"guess-{secrets.token_hex(3)}"
                r = c.post("/api/v1/auth/login", json={"name": name, "password": "wrong password"})
                with lock:
                    answers[r.status_code] += 1

    threads = [threading.Thread(target=attack, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def phase(seconds: float, base: str, tokens: dict[str, str], app_id: str, n_readers: int, *, flooders: int = 0,
          until: Any = None) -> tuple[list[float], Counter[int]]:  # fmt: skip
    stop = threading.Event()
    result: dict[str, Any] = {}
    read = threading.Thread(target=lambda: result.setdefault("reads", readers(base, tokens, app_id, n_readers, stop)))
    attack = threading.Thread(target=lambda: result.setdefault("flood", flood(base, flooders, stop)))
    read.start()
    if flooders:
        attack.start()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (until is not None and until()):
        time.sleep(0.1)
    stop.set()
    read.join()
    if flooders:
        attack.join()
    return result["reads"], result.get("flood", Counter())


def report(name: str, ms: list[float], answers: Counter[int]) -> None:
    q = statistics.quantiles(ms, n=100, method="inclusive")
    extra = f"  logins answered: {dict(sorted(answers.items()))}" if answers else ""
    print(f"{name:<28} reads {len(ms):>5}  p50 {q[49]:7.1f} ms  p95 {q[94]:7.1f} ms  p99 {q[98]:7.1f} ms  "
          f"max {max(ms):7.1f} ms{extra}", flush=True)  # fmt: skip


def environment(
    tmp: Path, *, throttle: bool, worker: bool, nice: int | None = None, tarpit: float | None = None
) -> dict[str, str]:
    """The server's `HUREN_*` settings: the database and data under `tmp`, the throttle on or off."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HUREN_DATA_DIR": str(tmp / "data"),
        "HUREN_DATABASE_URL": f"sqlite:///{tmp / 'huren.sqlite3'}",
        "HUREN_CERT_SECRET": "bench",
        "HUREN_VERIFY_BASE_URL": "https://huren.test",  # `huren worker` refuses to start without it
        "HUREN_AS_OF": "2025-06-01",
        "HUREN_WORKER": "true" if worker else "false",
        "HUREN_WORKER_POLL_SECONDS": "0.2",
        "HUREN_DATA_KEY": DATA_KEY,
    }
    if nice is not None:
        env["HUREN_BACKGROUND_NICE"] = str(nice)
    if tarpit is not None:
        env["HUREN_LOGIN_TARPIT_SECONDS"] = str(tarpit)
    if not throttle:
        env |= {"HUREN_LOGIN_FREE_FAILURES": "1000000000", "HUREN_LOGIN_ADDRESS_FREE_FAILURES": "1000000000"}
    return env


def cpu_by_nice(pid: int) -> dict[int, float]:
    """CPU seconds the server's threads have used so far, by their niceness (Linux /proc; else empty)."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    used: dict[int, float] = {}
    for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the thread ended
            continue
        nice, cpu = int(fields[16]), (int(fields[11]) + int(fields[12])) / ticks  # fields 19, 14 + 15
        used[nice] = used.get(nice, 0.0) + cpu
    return used


def run(args: argparse.Namespace, nice: int | None, tarpit: float | None = None) -> None:
    """The four phases against a fresh database, the server at `HUREN_BACKGROUND_NICE=nice` and
    `HUREN_LOGIN_TARPIT_SECONDS=tarpit` (None: the setting's default)."""
    tag = "".join(f"[{k} {v:g}] " for k, v in (("nice", nice), ("tarpit", tarpit)) if v is not None)
    tmp = Path(tempfile.mkdtemp(prefix="huren-bench-api-"))
    server: subprocess.Popen[bytes] | None = None
    worker_proc: subprocess.Popen[bytes] | None = None
    try:
        tokens = prepare(environment(tmp, throttle=True, worker=False))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        for label, throttle, worker in (("throttle on", True, False), ("throttle off", False, True)):
            in_process = worker and not args.worker_process
            env = environment(tmp, throttle=throttle, worker=in_process, nice=nice, tarpit=tarpit)
            forget_failures(env)
            server = start_server(env, port)
            if worker and args.worker_process:  # `huren serve --no-worker` + `huren worker`, as deploy/ runs them
                worker_proc = subprocess.Popen([sys.executable, "-m", "huren", "worker"], env=env, cwd=ROOT,
                                               stderr=(tmp / "worker.log").open("wb"))  # fmt: skip
            app_id = application(base, tokens["alice"], [SAMPLES / "idf_004.pdf"])
            if label == "throttle on":
                report(tag + "1 quiet", *phase(args.seconds, base, tokens, app_id, args.readers))
                report(
                    tag + "2 login flood",
                    *phase(args.seconds, base, tokens, app_id, args.readers, flooders=args.flooders),
                )
            else:
                reads, answers = phase(args.seconds, base, tokens, app_id, args.readers, flooders=args.flooders)
                report(tag + "3 login flood, counts off", reads, answers)
                scans = [SAMPLES / name for name in SCANS]
                ids = [application(base, tokens[f"ocr{i}"], scans) for i in range(args.ocr_apps)]
                done = _screened(base, tokens, ids)
                before = cpu_by_nice(server.pid)
                reads, _ = phase(args.seconds * 6, base, tokens, app_id, args.readers, until=done)
                after = cpu_by_nice(server.pid)
                report(tag + "4 OCR screening", reads, Counter())
                cpu = {n: round(after[n] - before.get(n, 0.0), 1) for n in sorted(after) if after[n] > before.get(n, 0)}
                print(f"  OCR applications screened during phase 4: {done.count()}/{len(ids)}; "
                      f"server CPU s by thread niceness: {cpu}", flush=True)  # fmt: skip
            server.terminate()
            server.wait(30)
            server = None
            if worker_proc is not None:
                worker_proc.terminate()
                worker_proc.wait(60)
                worker_proc = None
    finally:
        for proc in (server, worker_proc):
            if proc is not None:
                proc.kill()
        if args.keep_worker_log and (tmp / "worker.log").exists():
            print((tmp / "worker.log").read_text(errors="replace")[-2000:])
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--flooders", type=int, default=32)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--ocr-apps", type=int, default=3, help="applications of scans screened in phase 4")
    parser.add_argument(
        "--nice", default="", help="HUREN_BACKGROUND_NICE values to compare, e.g. 10,0 (default: the setting's)"
    )
    parser.add_argument(
        "--tarpit", default="", help="HUREN_LOGIN_TARPIT_SECONDS values to compare, e.g. 2,0 (default: the setting's)"
    )
    parser.add_argument(
        "--worker-process", action="store_true",
        help="screen in a `huren worker` process beside `serve --no-worker` (as deploy/ runs it), not in the server",
    )  # fmt: skip
    parser.add_argument("--keep-worker-log", action="store_true", help="print the worker process's log at the end")
    parser.add_argument("--rounds", type=int, default=1, help="times the --nice × --tarpit values run, interleaved")
    args = parser.parse_args()
    nices: list[int | None] = [int(v) for v in args.nice.split(",") if v.strip()] or [None]
    tarpits: list[float | None] = [float(v) for v in args.tarpit.split(",") if v.strip()] or [None]
    for _ in range(args.rounds):
        for nice in nices:
            for tarpit in tarpits:
                run(args, nice, tarpit)


class _screened:
    """Whether every OCR application has left the queue (checked at most twice a second)."""

    def __init__(self, base: str, tokens: dict[str, str], ids: list[str]) -> None:
        self.base, self.tokens, self.ids = base, tokens, ids
        self.finished = 0
        self.checked = 0.0

    def count(self) -> int:
        finished = 0
        for i, app_id in enumerate(self.ids):
            r = httpx.get(
                f"{self.base}/api/v1/applications/{app_id}/status",
                headers={"Authorization": f"Bearer {self.tokens[f'ocr{i}']}"},
                timeout=60,
            )
            finished += r.json()["state"] not in ("queued", "screening")
        return finished

    def __call__(self) -> bool:
        if time.monotonic() - self.checked < 0.5:
            return False
        self.checked = time.monotonic()
        self.finished = self.count()
        return self.finished == len(self.ids)


if __name__ == "__main__":
    main()
