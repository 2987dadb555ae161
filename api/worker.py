"""Pre-screening and reissue jobs from a table, run by a worker thread (`huren serve`) or `huren worker`.

A job is claimed by a conditional UPDATE (queued, or running with an expired lease) that stamps the
worker's id and a lease; a heartbeat thread renews the lease every third of `job_lease_seconds`
while the job runs (a long OCR page included), and the worker checks it between documents. A
worker killed mid-job stops the heartbeat, so after one lease (30 s by default) another worker (or
the restarted one) claims the job again. The queue is fair between applicants: the next job is the
one whose owner has had the fewest jobs in the last day before it (A1 B1 C1 A2 B2 …), so one
account's hundred submissions do not hold everybody else back. An idle poll only reads. The result is written only while the claim still holds (`claimed_by` = this worker, state
running) and `api_screenings.job_id` is unique: a job's result lands exactly once.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, func, insert, or_, select, update

from api import audit, states
from api.db import applications, documents, jobs, now_iso, reading, screenings
from api.observability import DECISIONS, SCREENING_SECONDS_PER_PAGE
from api.priority import lower_this_thread
from api.settings import Settings
from api.states import OUTCOME_STATE, AppState, JobState
from api.storage import FileStore
from api.typed_form import typed_form
from huren import clock
from huren.domain import DocType, Outcome
from matching.store import RegistryStore
from recognition.recognitions import RecognitionStore
from recognition.reissue import ReissueError, certificate_number, reissue
from recognition.screening import Screening, screen

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
FAIRNESS_WINDOW = timedelta(days=1)
CANDIDATES = 16  # jobs tried in fair order when other workers hold the first ones


class LeaseLost(Exception):
    """Another worker took the job over (our lease expired): drop our result."""


class Worker:
    def __init__(self, engine: Engine, settings: Settings, files: FileStore) -> None:
        self.engine = engine
        self.settings = settings
        self.files = files
        self.id = f"w-{secrets.token_hex(6)}"
        self.registry = RegistryStore(engine)
        self.recognitions = RecognitionStore(engine)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- claiming ---------------------------------------------------------------------------------

    def _claimable(self, now: float) -> Any:
        queued, running = jobs.c.state == JobState.QUEUED, jobs.c.state == JobState.RUNNING
        return or_(queued, and_(running, jobs.c.lease_until < now))

    def _next(self, now: float) -> Any:
        """The claimable job whose owner has had the fewest jobs in the window before it; oldest first."""
        since = (datetime.now(UTC) - FAIRNESS_WINDOW).isoformat(timespec="seconds")
        turn = func.row_number().over(partition_by=applications.c.owner_id, order_by=jobs.c.id).label("turn")
        ranked = (
            select(jobs.c.id, jobs.c.state, jobs.c.lease_until, turn)
            .join(applications, applications.c.id == jobs.c.application_id)
            .where(or_(jobs.c.created_at >= since, self._claimable(now)))
            .subquery()
        )
        claimable = or_(
            ranked.c.state == JobState.QUEUED, and_(ranked.c.state == JobState.RUNNING, ranked.c.lease_until < now)
        )
        return select(ranked.c.id).where(claimable).order_by(ranked.c.turn, ranked.c.id).limit(CANDIDATES)

    def claim(self) -> Any:
        """The next claimable job (fair between applicants), now ours; None when there is none."""
        now = time.time()
        with reading(self.engine) as conn:  # an idle poll takes no write lock
            if conn.execute(select(jobs.c.id).where(self._claimable(now)).limit(1)).first() is None:
                return None
        with self.engine.begin() as conn:
            # fair order first (a window function, which FOR UPDATE may not carry), then the first candidate
            # not locked by another worker: PostgreSQL workers each lock a different row (SKIP LOCKED)
            # instead of queueing behind the same one; SQLite has one writer at a time (BEGIN IMMEDIATE)
            found = None
            for candidate in conn.execute(self._next(now)).scalars().all():
                found = conn.execute(
                    select(jobs.c.id)
                    .where(jobs.c.id == candidate, self._claimable(now))
                    .with_for_update(skip_locked=True)
                ).first()
                if found is not None:
                    break
            if found is None:
                return None
            n = conn.execute(
                update(jobs)
                .where(jobs.c.id == found.id, self._claimable(now))
                .values(
                    state=JobState.RUNNING,
                    claimed_by=self.id,
                    lease_until=now + self.settings.job_lease_seconds,
                    attempts=jobs.c.attempts + 1,
                )
            ).rowcount
            if n != 1:
                return None
            job = conn.execute(select(jobs).where(jobs.c.id == found.id)).one()
            if job.kind == "screen":
                app = conn.execute(select(applications).where(applications.c.id == job.application_id)).one()
                if states.allowed(app.state, AppState.SCREENING):  # from queued; a job taken over is screening already
                    conn.execute(
                        update(applications)
                        .where(applications.c.id == app.id)
                        .values(state=AppState.SCREENING, version=app.version + 1, updated_at=now_iso())
                    )
                    audit.append(conn, "worker", "application.screening", app.id, job=job.id, attempt=job.attempts)
            return job

    def renew(self, job: Any) -> None:
        with self.engine.begin() as conn:
            n = conn.execute(
                update(jobs)
                .where(jobs.c.id == job.id, jobs.c.claimed_by == self.id, jobs.c.state == JobState.RUNNING)
                .values(lease_until=time.time() + self.settings.job_lease_seconds)
            ).rowcount
        if n != 1:
            raise LeaseLost(job.id)

    def _finish(self, conn: Any, job: Any, state: JobState = JobState.DONE, error: str | None = None) -> None:
        n = conn.execute(
            update(jobs)
            .where(jobs.c.id == job.id, jobs.c.claimed_by == self.id, jobs.c.state == JobState.RUNNING)
            .values(state=state, finished_at=now_iso(), lease_until=None, error=error)
        ).rowcount
        if n != 1:
            raise LeaseLost(job.id)

    # --- running ----------------------------------------------------------------------------------

    def run_once(self) -> bool:
        """Claim and run one job; False when the queue is empty."""
        job = self.claim()
        if job is None:
            return False
        try:
            with self._heartbeat(job):
                if job.kind == "screen":
                    self.screen(job)
                else:
                    self.issue(job)
        except LeaseLost:
            log.warning("job %s: lease lost, result dropped", job.id)
        except Exception as exc:  # a bug or a broken file: retry, then hand over to a person
            log.exception("job %s failed", job.id)
            self._failed(job, f"{type(exc).__name__}: {exc}")
        return True

    @contextmanager
    def _heartbeat(self, job: Any) -> Iterator[None]:
        """Renew the job's lease every third of a lease while the body runs (one page may take long)."""
        stop = threading.Event()
        interval = max(self.settings.job_lease_seconds / 3, 0.01)

        def beat() -> None:
            while not stop.wait(interval):
                try:
                    self.renew(job)
                except LeaseLost:
                    return  # finished, or taken over: the body notices at its next check
                except Exception:  # the database away for a moment: try again at the next beat
                    log.warning("job %s: heartbeat failed", job.id, exc_info=True)

        thread = threading.Thread(target=beat, name=f"huren-heartbeat-{job.id}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    def run_until_idle(self, max_jobs: int = 1000) -> int:
        done = 0
        while done < max_jobs and self.run_once():
            done += 1
        return done

    def _failed(self, job: Any, error: str) -> None:
        with self.engine.begin() as conn:
            if job.attempts < MAX_ATTEMPTS:
                conn.execute(
                    update(jobs)
                    .where(jobs.c.id == job.id, jobs.c.claimed_by == self.id)
                    .values(state=JobState.QUEUED, claimed_by=None, lease_until=None, error=error[:2000])
                )
                return
            self._finish(conn, job, JobState.FAILED, error[:2000])
            if job.kind == "screen":
                app = conn.execute(select(applications).where(applications.c.id == job.application_id)).one()
                if not states.allowed(app.state, AppState.REVIEW):  # not screening any more: nothing to hand over
                    log.warning("job %s failed for good; application %s is %s", job.id, app.id, app.state)
                    return
                conn.execute(
                    update(applications)
                    .where(applications.c.id == app.id)
                    .values(state=AppState.REVIEW, version=app.version + 1, updated_at=now_iso())
                )
                audit.append(conn, "worker", "application.screening_failed", app.id, job=job.id, state=AppState.REVIEW)

    def as_of(self) -> date:
        """The decision's date: HUREN_AS_OF when set (tests, re-runs), else today in the zone's time (北京时间)."""
        return date.fromisoformat(self.settings.as_of) if self.settings.as_of else clock.today(self.settings.timezone)

    def screen(self, job: Any) -> None:
        """Extraction → matching → decision for the application's documents; all evidence stored."""
        with self.engine.connect() as conn:
            docs = list(
                conn.execute(
                    select(documents)
                    .where(documents.c.application_id == job.application_id, documents.c.active.is_(True))
                    .order_by(documents.c.created_at, documents.c.id)
                )
            )
            form = conn.execute(select(applications.c.form).where(applications.c.id == job.application_id)).scalar()
        files: dict[str, Path] = {}
        sources: dict[str, str] = {}
        for doc in docs:
            label = _unique_label(doc.filename, sources)
            sources[label] = doc.id
            files[label] = self.files.path(doc.storage_name)
        started = time.perf_counter()
        result = screen(
            files,
            self.registry,
            self.as_of(),
            self.settings.engine_config(),
            declared=[typed_form(form or {})],  # what was declared, checked against the scans
            sources=sources,
            before_each=lambda: self.renew(job),
        )
        decision = result.decision
        pages = len(result.documents) - 1  # the first is the typed form, not a page
        if pages:
            SCREENING_SECONDS_PER_PAGE.observe((time.perf_counter() - started) / pages)
        DECISIONS.labels(decision.outcome).inc()
        payload = result.to_json()
        state = OUTCOME_STATE[decision.outcome]
        with self.engine.begin() as conn:
            self._finish(conn, job)
            conn.execute(
                insert(screenings).values(
                    application_id=job.application_id,
                    job_id=job.id,
                    outcome=decision.outcome,
                    result=payload,
                    created_at=now_iso(),
                )
            )
            app = conn.execute(select(applications).where(applications.c.id == job.application_id)).one()
            if app.state != AppState.SCREENING:  # changed meanwhile (cannot, documents are locked): keep the evidence
                return
            states.move(app.state, state)
            conn.execute(
                update(applications)
                .where(applications.c.id == app.id)
                .values(
                    state=state,
                    auto_outcome=decision.outcome,
                    decided_by="system" if state != AppState.REVIEW else None,
                    decision=None,
                    reupload=None,
                    version=app.version + 1,
                    updated_at=now_iso(),
                )
            )
            audit.append(
                conn,
                "worker",
                "application.screened",
                app.id,
                job=job.id,
                outcome=decision.outcome,
                state=state,
                reasons=[r.code for r in decision.reasons],
            )
            if state == AppState.APPROVED:
                conn.execute(
                    insert(jobs).values(
                        application_id=app.id, kind="reissue", state=JobState.QUEUED, created_at=now_iso()
                    )
                )

    def issue(self, job: Any) -> None:
        """The zone certificate for an approved application (reviewer approvals stand over the rules)."""
        with self.engine.connect() as conn:
            app = conn.execute(select(applications).where(applications.c.id == job.application_id)).one()
            screening = conn.execute(
                select(screenings).where(screenings.c.application_id == app.id).order_by(screenings.c.id.desc())
            ).first()
        if app.state != AppState.APPROVED or app.certificate_number or screening is None:
            with self.engine.begin() as conn:
                self._finish(conn, job)
            return
        stored = Screening.from_json(screening.result)
        decision = stored.decision  # what the rules decided then, on the evidence stored with it
        if app.decided_by != "system":  # a reviewer approved what the rules doubted or refused: theirs stands
            decision = dataclasses.replace(decision, outcome=Outcome.APPROVE)
        number: str | None = None
        error: str | None = None
        try:
            number = (
                self._already_issued(app.id)
                or reissue(
                    decision,
                    stored.result,
                    area=app.area,
                    out_dir=Path(self.settings.data_dir) / "certificates",
                    base_url=self.settings.verify_base_url or "",
                    issued_on=self.as_of(),  # the same day `huren reissue` would print
                    secret_key=self.settings.cert_secret,
                    cjk_font=self.settings.cert_font,
                    serif_font=self.settings.cert_serif_font,
                    store=self.recognitions,
                    application_id=app.id,
                    confirmed_employer=(app.decision or {}).get("confirmed_employer"),
                    holder_photo=self._holder_photo(app.id, stored),
                ).number
            )
        except ReissueError as exc:
            error = exc.code
        with self.engine.begin() as conn:
            self._finish(conn, job, JobState.DONE if number else JobState.FAILED, error)
            conn.execute(
                update(applications)
                .where(applications.c.id == app.id)
                .values(certificate_number=number, certificate_error=error, updated_at=now_iso())
            )
            action = "certificate.issue" if number else "certificate.failed"
            audit.append(conn, "worker", action, app.id, job=job.id, number=number, error=error)

    def _holder_photo(self, app_id: str, screening: Screening) -> bytes | None:
        """The portrait from the application's ID card front, read from the stored upload (as `huren reissue` does)."""
        from recognition.holder_photo import photo_from_file

        with reading(self.engine) as conn:
            stored = dict(
                conn.execute(
                    select(documents.c.id, documents.c.storage_name).where(documents.c.application_id == app_id)
                ).all()
            )
        for extraction in screening.documents:
            name = stored.get(screening.sources.get(extraction.source, ""))
            if extraction.doc_type is not DocType.ID_CARD_FRONT or name is None:
                continue
            photo = photo_from_file(dataclasses.replace(extraction, source=str(self.files.path(name))))
            if photo:
                return photo
        return None

    def _already_issued(self, application_id: str) -> str | None:
        """The certificate an earlier run of this application's job recorded before it died (never another's)."""
        recognition = self.recognitions.for_application(application_id)
        if recognition is None or recognition.revoked_on is not None:  # a withdrawn one is never handed out again
            return None
        return recognition.number

    # --- the thread -------------------------------------------------------------------------------

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name=f"huren-worker-{self.id}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        lower_this_thread(self.settings.background_nice)  # before the OCR engine's pools: they inherit it
        self.serve()

    def serve(self, stop: threading.Event | None = None) -> None:
        """Run jobs until `stop` is set; the job in hand is finished first (SIGTERM in `huren worker`).

        An empty queue is polled every `worker_poll_seconds` (or woken at once by `wake()` in the same
        process); a database that went away is retried with a growing pause, up to a minute.
        """
        stop = stop or self._stop
        failures = 0
        while not stop.is_set():
            try:
                busy = self.run_once()
                failures = 0
            except Exception:  # database away: wait and retry
                failures += 1
                log.exception("worker loop (failure %d in a row)", failures)
                stop.wait(min(60.0, 2.0**failures))
                continue
            if not busy:
                self._wake.wait(self.settings.worker_poll_seconds)
                self._wake.clear()

    def stop_soon(self) -> None:
        """Ask `serve` to return after the job in hand (a signal handler may call this)."""
        self._stop.set()
        self._wake.set()


def _unique_label(filename: str, taken: dict[str, str]) -> str:
    name = Path(filename).name or "upload"
    if name not in taken:
        return name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while f"{stem}({n}){suffix}" in taken:
        n += 1
    return f"{stem}({n}){suffix}"


__all__ = ["Worker", "certificate_number"]
