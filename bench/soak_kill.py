"""`kill -9` soak: the server and the worker die at random while applicants upload and the worker screens and issues.

    .venv/bin/python bench/soak_kill.py [--kills 100] [--clients 2] [--seed 1] [--keep DIR]

Starts `huren serve --no-worker` and one `huren worker` over a fresh SQLite database in a temporary
directory (the sample registry imported), and `--clients` applicants who file applications in a loop
(create → upload a PDF → submit; half of them approvable, half refused). A killer sends SIGKILL to the
server or the worker (chosen at random) every 0.3–3 s and starts it again, `--kills` times. Then the
killing stops, the applicants stop, and the worker is left to finish the queue.

Checked afterwards, from the database and the files (a failed check exits 1):
- every application and document the service acknowledged (201) exists; every document row's file is on
  disk with the recorded SHA-256; no document row without its file;
- every submitted application was screened exactly once (one screening per screening job, one
  `application.screened` audit entry per screening), no job is left queued or running;
- every approved application has exactly one certificate (recognition row, number on the application, PDF
  on disk, one `certificate.issue` audit entry); no certificate belongs to another application;
- `huren audit verify` passes on the whole chain.

Printed: kills by victim and by what the worker was doing at that moment (idle, screening, issuing),
applications and documents, client retries, and the checks. A client that gets no answer (the server
died under it) retries after the server is back; a retried upload or creation may then store the same
thing twice — that is the client's doing, so the checks count what was acknowledged, not what was tried.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "documents"
APPROVABLE = SAMPLES / "bundle_001.pdf"
REFUSED = SAMPLES / "idf_004.pdf"
FORM: dict[str, Any] = {
    "name": "韦秀旻", "gender": "女", "id_number": "330106198805233941", "title": "工程师", "education": "本科",
    "phone": "13800000000", "cert_number": "沪注计20233781", "level": 2,
    "issuing_authority": "上海市市场监督管理局", "valid_from": "2023-06-22", "valid_until": "2028-06-21",
    "categories": ["力学"], "current_employer": "上海青浦示范计量服务有限公司",
    "former_employer": "上海青松计量技术服务有限公司",
}  # fmt: skip
FINAL = {"approved", "rejected", "review"}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def huren(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "huren", *args], env=env, cwd=ROOT, input=stdin, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"huren {' '.join(args)} failed ({done.returncode}): {done.stderr[-800:]}")
    return done.stdout


def token_of(output: str) -> str:
    """The bearer token `huren user create` prints once (the longest word of its output)."""
    return max(output.split(), key=len)


class Proc:
    """A process the killer may SIGKILL; `start()` brings it back."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(self.argv, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        self.starts += 1

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Ledger:
    """What the service acknowledged to the applicants."""

    apps: set[str] = field(default_factory=set)
    docs: dict[str, str] = field(default_factory=dict)  # document id → application id
    submitted: set[str] = field(default_factory=set)
    retries: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


def call(
    client: httpx.Client, ledger: Ledger, step: str, stop: threading.Event, **request: Any
) -> httpx.Response | None:
    """One request, retried while the server is down; None when the soak ends first."""
    while not stop.is_set():
        try:
            r = client.request(**request)
        except httpx.TransportError:
            with ledger.lock:
                ledger.retries[step] += 1
            stop.wait(0.3)
            continue
        if r.status_code >= 500:
            raise SystemExit(f"{step}: the service answered {r.status_code}: {r.text[:300]}")
        return r
    return None


def applicant(base: str, token: str, ledger: Ledger, stop: threading.Event, rng: random.Random) -> None:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
        while not stop.is_set():
            r = call(c, ledger, "create", stop, method="POST", url="/api/v1/applications",
                     json={"area": "qingpu", "form": FORM})  # fmt: skip
            if r is None:
                return
            if r.status_code != 201:
                raise SystemExit(f"create answered {r.status_code}: {r.text[:300]}")
            app_id = r.json()["id"]
            with ledger.lock:
                ledger.apps.add(app_id)
            pdf = APPROVABLE if rng.random() < 0.5 else REFUSED
            files = {"file": (pdf.name, pdf.read_bytes(), "application/pdf")}
            r = call(c, ledger, "upload", stop, method="POST", url=f"/api/v1/applications/{app_id}/documents",
                     files=files)  # fmt: skip
            if r is None:
                return
            if r.status_code in (200, 201):  # 200: the same file again after a lost answer is the stored one
                with ledger.lock:
                    ledger.docs[r.json()["id"]] = app_id
            else:
                raise SystemExit(f"upload answered {r.status_code}: {r.text[:300]}")
            r = call(c, ledger, "submit", stop, method="POST", url=f"/api/v1/applications/{app_id}/submit")
            if r is None:
                return
            if r.status_code == 202 or (r.status_code == 409 and r.json().get("code") == "not_submittable"):
                with ledger.lock:
                    ledger.submitted.add(app_id)
            else:
                raise SystemExit(f"submit answered {r.status_code}: {r.text[:300]}")
            stop.wait(rng.uniform(0.0, 0.5))


def worker_activity(db: Path) -> str:
    """What the worker is doing now: the kind of the job it holds, or idle."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            row = conn.execute("SELECT kind FROM api_jobs WHERE state = 'running' LIMIT 1").fetchone()
    except sqlite3.Error:
        return "unknown"
    return {"screen": "screening", "reissue": "issuing"}.get(row[0], row[0]) if row else "idle"


def wait_healthy(base: str, proc: Proc, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.proc and proc.proc.poll() is not None:
            raise SystemExit(f"{proc.name} exited with {proc.proc.returncode}; see {proc.log}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not come up")


def check(db: Path, data: Path, ledger: Ledger, env: dict[str, str]) -> list[str]:
    """Every invariant the module docstring names; the failures, as sentences."""
    failures: list[str] = []
    conn = sqlite3.connect(db)
    q = lambda sql, *a: conn.execute(sql, a).fetchall()  # noqa: E731
    apps = dict(q("SELECT id, state FROM api_applications"))
    for app_id in sorted(ledger.apps - apps.keys()):
        failures.append(f"application {app_id} was acknowledged and is gone")
    docs = {r[0]: r[1:] for r in q("SELECT id, application_id, storage_name, sha256 FROM api_documents")}
    for doc_id in sorted(ledger.docs.keys() - docs.keys()):
        failures.append(f"document {doc_id} was acknowledged and is gone")
    for doc_id, (_, storage_name, sha) in docs.items():
        path = data / "files" / storage_name
        if not path.exists():
            failures.append(f"document {doc_id}: its file {storage_name} is missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != sha:
            failures.append(f"document {doc_id}: its file does not have the recorded SHA-256")
    open_jobs = q("SELECT id, kind, state FROM api_jobs WHERE state IN ('queued', 'running')")
    failures += [f"job {j} ({kind}) left {state}" for j, kind, state in open_jobs]
    screen_jobs = Counter(a for (a,) in q("SELECT application_id FROM api_jobs WHERE kind = 'screen'"))
    screened = Counter(a for (a,) in q("SELECT application_id FROM api_screenings"))
    audited = Counter(a for (a,) in q("SELECT target FROM api_audit_log WHERE action = 'application.screened'"))
    for app_id in sorted(ledger.submitted):
        if apps.get(app_id) not in FINAL:
            failures.append(f"application {app_id} submitted but left {apps.get(app_id)}")
        if not (screened[app_id] == screen_jobs[app_id] == audited[app_id] >= 1):
            failures.append(
                f"application {app_id}: {screen_jobs[app_id]} screening job(s), {screened[app_id]} screening(s), "
                f"{audited[app_id]} audit entr(ies)"
            )
    numbers = dict(q("SELECT id, certificate_number FROM api_applications WHERE state = 'approved'"))
    recognitions = Counter(a for (a,) in q("SELECT application_id FROM recognitions WHERE application_id IS NOT NULL"))
    issued = Counter(a for (a,) in q("SELECT target FROM api_audit_log WHERE action = 'certificate.issue'"))
    owner = dict(q("SELECT number, application_id FROM recognitions"))
    pdfs = dict(q("SELECT number, pdf_path FROM recognitions"))
    for app_id, number in numbers.items():
        if not number:
            failures.append(f"approved application {app_id} has no certificate")
            continue
        if recognitions[app_id] != 1 or issued[app_id] != 1:
            failures.append(
                f"application {app_id}: {recognitions[app_id]} recognitions, {issued[app_id]} issue entries"
            )
        if owner.get(number) != app_id:
            failures.append(f"application {app_id} shows certificate {number}, which belongs to {owner.get(number)}")
        pdf = pdfs.get(number)
        if not pdf or not Path(pdf).exists():
            failures.append(f"certificate {number}: its PDF is missing")
    conn.close()
    verify = subprocess.run([sys.executable, "-m", "huren", "audit", "verify"], env=env, cwd=ROOT,
                            capture_output=True, text=True)  # fmt: skip
    if verify.returncode != 0:
        failures.append(f"huren audit verify failed: {(verify.stdout + verify.stderr)[-500:]}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--min-gap", type=float, default=0.3, help="seconds between kills, at least")
    parser.add_argument("--max-gap", type=float, default=3.0, help="seconds between kills, at most")
    parser.add_argument("--keep", type=Path, help="run in this directory and keep it (default: a temporary one)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="huren-soak-"))
    tmp.mkdir(parents=True, exist_ok=True)
    db, data = tmp / "huren.sqlite3", tmp / "data"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HUREN_DATA_DIR": str(data),
        "HUREN_DATABASE_URL": f"sqlite:///{db}",
        "HUREN_CERT_SECRET": "soak",
        "HUREN_VERIFY_BASE_URL": "https://huren.test",
        "HUREN_AS_OF": "2025-06-01",
        "HUREN_JOB_LEASE_SECONDS": "5",
        "HUREN_WORKER_POLL_SECONDS": "0.2",
        "HUREN_MAX_APPLICATIONS_PER_DAY": "100000",
    }
    huren(env, "registry", "import", str(SAMPLES / "registry.csv"), "--actor", "soak")
    tokens = [token_of(huren(env, "user", "create", f"soak{i}", "--role", "applicant")) for i in range(args.clients)]
    server = Proc("server", [sys.executable, "-m", "huren", "serve", "--no-worker", "--port", str(port)], env,
                  tmp / "server.log")  # fmt: skip
    worker = Proc("worker", [sys.executable, "-m", "huren", "worker"], env, tmp / "worker.log")
    server.start()
    worker.start()
    wait_healthy(base, server)
    ledger = Ledger()
    stop = threading.Event()
    failed: list[BaseException] = []

    def run(i: int) -> None:
        try:
            applicant(base, tokens[i], ledger, stop, random.Random(args.seed * 100 + i))
        except BaseException as exc:  # a 5xx or an unexpected answer ends the soak
            failed.append(exc)
            stop.set()

    clients = [threading.Thread(target=run, args=(i,)) for i in range(args.clients)]
    for t in clients:
        t.start()
    kills: Counter[str] = Counter()
    started = time.monotonic()
    try:
        for n in range(args.kills):
            if stop.wait(rng.uniform(args.min_gap, args.max_gap)):
                break
            victim = server if rng.random() < 0.5 else worker
            doing = worker_activity(db)
            victim.kill()
            kills[f"{victim.name} while worker {doing}"] += 1
            victim.start()
            if victim is server:
                wait_healthy(base, server)
            print(f"\rkill {n + 1}/{args.kills}: {victim.name} (worker {doing})  applications {len(ledger.apps)}",
                  end="", file=sys.stderr, flush=True)  # fmt: skip
        print(file=sys.stderr)
        stop.set()
        for t in clients:
            t.join()
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:  # the worker finishes the queue, no more kills
            with sqlite3.connect(db, timeout=30) as conn:
                left = conn.execute("SELECT count(*) FROM api_jobs WHERE state IN ('queued', 'running')").fetchone()[0]
            if not left:
                break
            if worker.proc and worker.proc.poll() is not None:
                raise SystemExit(f"the worker exited with {worker.proc.returncode}; see {worker.log}")
            time.sleep(1)
    finally:
        stop.set()
        server.stop()
        worker.stop()
    if failed:
        raise failed[0]
    failures = check(db, data, ledger, env)
    with sqlite3.connect(db) as conn:
        states = Counter(s for (s,) in conn.execute("SELECT state FROM api_applications"))
        certs = conn.execute("SELECT count(*) FROM recognitions").fetchone()[0]
    summary = {
        "kills": sum(kills.values()),
        "kills_by_victim_and_moment": dict(sorted(kills.items())),
        "seconds": round(time.monotonic() - started),
        "applications_acknowledged": len(ledger.apps),
        "documents_acknowledged": len(ledger.docs),
        "submitted": len(ledger.submitted),
        "application_states": dict(sorted(states.items())),
        "certificates": certs,
        "client_retries": dict(ledger.retries),
        "failures": failures,
        "directory": str(tmp),
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
