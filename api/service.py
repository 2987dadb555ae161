"""What the routes do with applications: create, attach, submit, decide, and the views of them.

Every state change and every view of a whole ID number writes an audit entry in the same transaction;
views with masked ID numbers (lists, status polls) only read (`reading`), taking no write lock.
States and the moves between them: `api.states` (draft → queued → screening → approved | rejected |
review; review → approved | rejected | reupload_requested; reupload_requested → queued …).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, BinaryIO

from sqlalchemy import Connection, Engine, case, func, insert, select, update

from api import audit, states
from api.auth import User
from api.db import applications, documents, jobs, new_id, now_iso, reading, screenings
from api.errors import ApiError, not_found
from api.models import ApplicationCreate, DecisionIn
from api.paging import Paging, fetch_page
from api.states import DECIDED, EDITABLE, OUTCOME_STATE, AppState, JobState
from api.storage import FileStore
from huren import clock
from huren.domain import Outcome, Reason, Severity
from huren.normalize import mask_id_number
from recognition.recognitions import RecognitionStore, recognitions
from recognition.screening import Screening

STATE_ZH: dict[str, str] = {
    AppState.DRAFT: "草稿（未提交）",
    AppState.QUEUED: "已提交，等待预审",
    AppState.SCREENING: "预审中",
    AppState.REVIEW: "人工审核中",
    AppState.APPROVED: "准予互认",
    AppState.REJECTED: "不予互认",
    AppState.REUPLOAD_REQUESTED: "请补正材料后重新提交",
}


def load(conn: Connection, app_id: str, user: User) -> Any:
    """The application row if the user may see it; 404 otherwise (outside scope looks like absent)."""
    row = conn.execute(select(applications).where(applications.c.id == app_id)).first()
    if row is None:
        raise not_found()
    if user.role == "applicant" and row.owner_id != user.id:
        raise not_found()
    if user.role in ("reviewer", "admin") and row.area not in user.areas:
        raise not_found()
    if user.role not in ("applicant", "reviewer", "admin"):
        raise not_found()
    return row


def create(engine: Engine, user: User, body: ApplicationCreate, *, max_per_day: int | None = None) -> dict[str, Any]:
    app_id, now = new_id(), now_iso()
    form = {**body.form.model_dump(mode="json"), "target_area": body.area}  # screening checks the employer's area
    with engine.begin() as conn:
        if max_per_day is not None:
            _check_daily_cap(conn, user, max_per_day)
        conn.execute(
            insert(applications).values(
                id=app_id, owner_id=user.id, area=body.area, state=AppState.DRAFT, version=1, form=form,
                created_at=now, updated_at=now,
            )
        )  # fmt: skip
        audit.append(conn, user.name, "application.create", app_id, area=body.area, state=AppState.DRAFT)
        return summary(conn.execute(select(applications).where(applications.c.id == app_id)).one())


def _check_daily_cap(conn: Connection, user: User, cap: int) -> None:
    from datetime import UTC, datetime, timedelta

    since = (datetime.now(UTC) - timedelta(days=1)).isoformat(timespec="seconds")
    t = applications
    made = conn.execute(select(func.count()).where(t.c.owner_id == user.id, t.c.created_at >= since)).scalar_one()
    if made >= cap:
        raise ApiError(
            429, "too_many_applications", f"每个账户每天最多提交 {cap} 份申请", f"at most {cap} applications a day",
            limit=cap,
        )  # fmt: skip


def summary(row: Any) -> dict[str, Any]:
    """An application in a list: the ID number masked."""
    form = dict(row.form)
    form["id_number"] = mask_id_number(form.get("id_number"))
    return {
        "id": row.id,
        "area": row.area,
        "state": row.state,
        "state_zh": STATE_ZH.get(row.state, row.state),
        "version": row.version,
        "auto_outcome": row.auto_outcome,
        "decided_by": row.decided_by,
        "certificate_number": row.certificate_number,
        "form": form,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def _listed(user: User, state: str | None) -> Any:
    """The user's applications (own, or in scope), oldest first."""
    t = applications
    stmt = select(t).order_by(t.c.created_at, t.c.id)
    if user.role == "applicant":
        stmt = stmt.where(t.c.owner_id == user.id)
    else:
        stmt = stmt.where(t.c.area.in_(sorted(user.areas)))
    if state:
        stmt = stmt.where(t.c.state == state)
    return stmt


def list_for(engine: Engine, user: User, state: str | None = None) -> list[dict[str, Any]]:
    with reading(engine) as conn:  # ID numbers masked: a poll, not a view the law asks to record
        rows = conn.execute(_listed(user, state)).all()
    return [summary(r) for r in rows]


def list_page(engine: Engine, user: User, paging: Paging, state: str | None = None) -> dict[str, Any]:
    """One page of `list_for`, cut in SQL."""
    with reading(engine) as conn:
        rows, total = fetch_page(conn, _listed(user, state), paging)
    return paging.page([summary(r) for r in rows], total)


PENDING = (AppState.REVIEW, AppState.REUPLOAD_REQUESTED, AppState.QUEUED, AppState.SCREENING, AppState.DRAFT)
"""What still waits for someone: the queue shows these first, the longest waiting first."""


def queue_page(
    engine: Engine, user: User, *, page: int, size: int, state: str | None = None, outcome: str | None = None,
    area: str | None = None, created_from: date | None = None, created_to: date | None = None,
) -> tuple[list[dict[str, Any]], int, int]:  # fmt: skip
    """A reviewer's queue, filtered, ordered and cut in SQL: (the page's summaries, how many in all, the page
    number, clamped to the last). Pending first, the longest waiting (since the last change) first; then
    the decided, latest first."""
    t = applications
    stmt = _listed(user, state).order_by(None)
    if outcome:
        stmt = stmt.where(t.c.auto_outcome == outcome)
    if area:
        stmt = stmt.where(t.c.area == area)
    if created_from:
        stmt = stmt.where(t.c.created_at >= created_from.isoformat())
    if created_to:
        stmt = stmt.where(t.c.created_at < (created_to + timedelta(days=1)).isoformat())
    pending = t.c.state.in_(PENDING)
    stmt = stmt.order_by(
        case((pending, 0), else_=1), case((pending, t.c.updated_at), else_=None), t.c.updated_at.desc(), t.c.id
    )
    with reading(engine) as conn:
        total = conn.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
        page = min(max(1, page), max(1, -(-total // size)))
        rows = conn.execute(stmt.offset((page - 1) * size).limit(size)).all() if total else []
    return [summary(r) for r in rows], int(total), page


def document_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "filename": row.filename,
        "content_type": row.content_type,
        "size": row.size,
        "sha256": row.sha256,
        "active": row.active,
        "created_at": row.created_at,
    }


def active_documents(conn: Connection, app_id: str) -> list[Any]:
    t = documents
    stmt = select(t).where(t.c.application_id == app_id, t.c.active.is_(True)).order_by(t.c.created_at, t.c.id)
    return list(conn.execute(stmt))


def latest_screening(conn: Connection, app_id: str) -> Any:
    t = screenings
    return conn.execute(select(t).where(t.c.application_id == app_id).order_by(t.c.id.desc()).limit(1)).first()


def screening_of(conn: Connection, app_id: str) -> Screening | None:
    """The application's latest screening as a typed record; None before the first."""
    row = latest_screening(conn, app_id)
    return Screening.from_json(row.result) if row is not None else None


def detail(engine: Engine, user: User, app_id: str) -> dict[str, Any]:
    """The whole application; a reviewer (only) sees the whole ID number, and that view is audited."""
    with engine.begin() if user.role == "reviewer" else reading(engine) as conn:
        row = load(conn, app_id, user)
        out = summary(row)
        if user.role == "reviewer":
            out["form"]["id_number"] = row.form.get("id_number")
            audit.append(conn, user.name, "application.view_personal_data", app_id, fields=["id_number"])
        out["documents"] = [document_json(d) for d in active_documents(conn, app_id)]
        screening = screening_of(conn, app_id)
        if screening is None:
            out["screening"] = None
        elif user.role == "applicant":  # the outcome and the applicant's texts: no evidence, no record values
            fails = [for_applicant(r) for r in screening.reasons if r.severity == Severity.FAIL]
            out["screening"] = {"decision": str(screening.decision.outcome), "reasons": fails}
        else:
            out["screening"] = _masked_screening(screening.to_json(), user)
        out["decision"] = row.decision
        out["reupload"] = row.reupload or []
    return out


def _masked_screening(result: dict[str, Any], user: User) -> dict[str, Any]:
    """The evidence as stored; ID numbers masked unless a reviewer looks (already audited)."""
    if user.role == "reviewer":
        return result
    import json
    import re

    text = json.dumps(result, ensure_ascii=False)
    text = re.sub(r"\b(\d{4})\d{10}(\d{3}[\dX])\b", r"\1**********\2", text)
    masked: dict[str, Any] = json.loads(text)
    return masked


def attach(
    engine: Engine, files: FileStore, user: User, app_id: str, upload: BinaryIO, filename: str, *, max_bytes: int,
    max_documents: int, max_pages: int | None = None,
) -> tuple[dict[str, Any], bool]:  # fmt: skip
    """Store one upload; returns (document, created). The same content twice is the same document.

    `max_pages` caps the pages over all the application's active documents (422 too_many_pages)."""
    with reading(engine) as conn:  # fail fast before reading the body
        row = load(conn, app_id, user)
        _check_editable(row)
    stored = files.save(upload, max_bytes=max_bytes)
    keep = False
    try:
        pages = files.page_count(stored.storage_name) if max_pages is not None else 0
        with engine.begin() as conn:
            row = load(conn, app_id, user)
            _check_editable(row)
            t = documents
            same = conn.execute(select(t).where(t.c.application_id == app_id, t.c.sha256 == stored.sha256)).first()
            if same is not None:
                if not same.active:
                    conn.execute(update(t).where(t.c.id == same.id).values(active=True))
                    audit.append(conn, user.name, "document.reactivate", app_id, document=same.id)
                    same = conn.execute(select(t).where(t.c.id == same.id)).one()
                return document_json(same), False
            active = active_documents(conn, app_id)
            if len(active) >= max_documents:
                raise ApiError(
                    422, "too_many_documents", f"每份申请最多 {max_documents} 个文件", f"at most {max_documents} files"
                )
            if max_pages is not None:
                _check_pages(files, active, pages, max_pages)
            doc_id = new_id()
            conn.execute(
                insert(t).values(
                    id=doc_id, application_id=app_id, sha256=stored.sha256, storage_name=stored.storage_name,
                    filename=clean_filename(filename), content_type=stored.content_type, size=stored.size,
                    active=True, created_at=now_iso(),
                )
            )  # fmt: skip
            audit.append(
                conn, user.name, "document.add", app_id, document=doc_id, sha256=stored.sha256, size=stored.size
            )
            keep = True
            return document_json(conn.execute(select(t).where(t.c.id == doc_id)).one()), True
    finally:
        if not keep:
            files.discard(stored.storage_name)


def clean_filename(filename: str | None) -> str:
    """The name as uploaded, shown only: control characters (NUL …) dropped, at most 255 characters."""
    name = "".join(c for c in (filename or "") if ord(c) >= 32 and ord(c) != 127).strip()
    return name[:255] or "upload"


def _check_pages(files: FileStore, active: list[Any], new_pages: int, max_pages: int) -> None:
    total = new_pages + sum(files.page_count(d.storage_name) for d in active)
    if total > max_pages:
        raise ApiError(
            422, "too_many_pages", f"每份申请的材料合计最多 {max_pages} 页（本次上传后为 {total} 页）",
            f"at most {max_pages} pages per application ({total} with this file)", max_pages=max_pages, pages=total,
        )  # fmt: skip


def _check_editable(row: Any) -> None:
    if row.state not in EDITABLE:
        raise ApiError(
            409,
            "not_editable",
            f"申请当前状态为“{STATE_ZH.get(row.state, row.state)}”，不能再修改材料",
            f"documents cannot change in state {row.state}",
            state=row.state,
        )


def remove_document(engine: Engine, user: User, app_id: str, doc_id: str) -> None:
    """A document leaves the application (kept on disk and in the log: nothing is lost)."""
    with engine.begin() as conn:
        row = load(conn, app_id, user)
        _check_editable(row)
        t = documents
        n = conn.execute(
            update(t).where(t.c.id == doc_id, t.c.application_id == app_id, t.c.active.is_(True)).values(active=False)
        ).rowcount
        if not n:
            raise not_found("材料", "document")
        audit.append(conn, user.name, "document.remove", app_id, document=doc_id)


def submit(engine: Engine, user: User, app_id: str) -> dict[str, Any]:
    with engine.begin() as conn:
        row = load(conn, app_id, user)
        if row.state not in EDITABLE:
            raise ApiError(
                409,
                "not_submittable",
                "申请已提交，无需重复提交",
                f"cannot submit in state {row.state}",
                state=row.state,
            )
        if not active_documents(conn, app_id):
            raise ApiError(
                422,
                "no_documents",
                "请先上传注册证、考核合格证或检定员证及身份证等材料后再提交",
                "attach the certificates and the ID card before submitting",
            )
        _transition(conn, row, AppState.QUEUED, user.name, "application.submit")
        conn.execute(
            insert(jobs).values(application_id=app_id, kind="screen", state=JobState.QUEUED, created_at=now_iso())
        )
        return summary(conn.execute(select(applications).where(applications.c.id == app_id)).one())


def _transition(
    conn: Connection, row: Any, state: str, actor: str, action: str, noted: dict[str, Any] | None = None, **values: Any
) -> None:
    """Move to `state` if the state table allows it (else 409) and nobody changed the row since it was read
    (version check; else 409).

    `noted`: more for the audit entry (a reopening's reason)."""
    try:
        states.move(row.state, state)
    except states.IllegalTransition as exc:
        raise ApiError(
            409, "illegal_transition", "申请当前状态不允许此操作", str(exc), state=row.state, target=state
        ) from exc
    n = conn.execute(
        update(applications)
        .where(applications.c.id == row.id, applications.c.version == row.version)
        .values(state=state, version=row.version + 1, updated_at=now_iso(), **values)
    ).rowcount
    if n != 1:
        raise _conflict()
    audit.append(
        conn, actor, action, row.id, state_from=row.state, state=state, version=row.version + 1, **(noted or {})
    )


def _conflict() -> ApiError:
    return ApiError(
        409, "version_conflict", "申请已被他人更新，请刷新后重试", "the application changed; reload and retry"
    )


def _auto_refusals(conn: Connection, app_id: str) -> list[dict[str, Any]]:
    """The latest screening's failing reasons as the applicant is told them."""
    screening = screening_of(conn, app_id)
    reasons = screening.reasons if screening is not None else []
    return [for_applicant(r) for r in reasons if r.severity == Severity.FAIL]


def decide(engine: Engine, user: User, app_id: str, body: DecisionIn) -> dict[str, Any]:
    with engine.begin() as conn:
        row = load(conn, app_id, user)
        if body.version is not None and body.version != row.version:
            raise _conflict()
        record: dict[str, Any] = {
            "action": body.action,
            "reviewer": user.name,
            "comment": body.comment,
            "at": now_iso(),
        }
        values: dict[str, Any] = {"decided_by": user.name}
        if body.action == "approve" and body.confirmed_employer:
            record["confirmed_employer"] = body.confirmed_employer  # the certificate may print it
        if body.action == "reopen":  # an automatic approval back to a person, with a reason, audited
            if row.state != AppState.APPROVED or row.decided_by != "system":
                raise ApiError(
                    409,
                    "not_reopenable",
                    "只能重新审核系统自动准予的申请",
                    "only an automatic approval can be reopened",
                )
            if not body.comment:
                raise ApiError(422, "comment_required", "重新审核须说明理由", "reopening needs a reason")
            if row.certificate_number:  # the zone certificate issued on the automatic approval is withdrawn
                conn.execute(
                    update(recognitions)
                    .where(recognitions.c.number == row.certificate_number)
                    .values(revoked_on=clock.today(), revoked_reason=body.comment[:512])
                )
                audit.append(
                    conn, user.name, "certificate.revoke", row.id, number=row.certificate_number, reason=body.comment
                )
                values["certificate_number"] = None
                record["revoked_certificate"] = row.certificate_number
            record["overrides"] = row.auto_outcome
            new_state = AppState.REVIEW
        elif body.action in ("approve", "reject"):
            if row.state in DECIDED:
                raise ApiError(409, "already_decided", "该申请已有结论", "the application is already decided")
            if row.state != AppState.REVIEW:
                raise ApiError(409, "not_ready", "预审尚未完成", f"not ready for a decision (state {row.state})")
            new_state = OUTCOME_STATE[Outcome(body.action)]
        elif body.action == "override":
            if row.state not in DECIDED or row.decided_by != "system":
                raise ApiError(
                    409, "not_overridable", "只能改变系统自动作出的结论", "only an automatic outcome can be overridden"
                )
            if not body.comment or body.outcome is None:
                raise ApiError(
                    422, "comment_required", "改变自动结论须填写结论与说明", "override needs an outcome and a comment"
                )
            if row.certificate_number:
                raise ApiError(
                    409, "certificate_issued", "证书已换发，不能改变结论", "a certificate was already issued"
                )
            if OUTCOME_STATE[Outcome(body.outcome)] == row.state:
                raise ApiError(409, "same_outcome", "新结论与自动结论相同", "the outcome is already that")
            new_state = OUTCOME_STATE[Outcome(body.outcome)]
            record["overrides"] = row.auto_outcome
        else:  # request_reupload
            if row.state != AppState.REVIEW and not (row.state == AppState.REJECTED and row.decided_by == "system"):
                raise ApiError(409, "already_decided", "该申请已有结论", "the application is already decided")
            if not body.documents:
                raise ApiError(
                    422, "documents_required", "请指明需要重新上传的材料", "name the documents to upload again"
                )
            known = {d.id: d.filename for d in active_documents(conn, app_id)}
            reupload = []
            for d in body.documents:
                if d.document_id is not None and d.document_id not in known:
                    raise not_found("材料", "document")
                name = known.get(d.document_id or "")
                reupload.append(
                    {"document_id": d.document_id, "filename": name, **d.model_dump(exclude={"document_id"})}
                )
            values["reupload"] = reupload
            new_state = AppState.REUPLOAD_REQUESTED
        if new_state == AppState.REJECTED:
            automatic = _auto_refusals(conn, app_id)
            reasons = [r.model_dump() for r in body.reasons] or automatic
            if not reasons:
                raise ApiError(422, "reasons_required", "不予互认须一次性告知全部理由", "a refusal needs its reasons")
            record["reasons"] = reasons
        values["decision"] = record
        noted: dict[str, Any] = {}
        if body.action == "reopen":
            values["decided_by"] = None
            noted["comment"] = body.comment
        _transition(conn, row, new_state, user.name, f"application.{body.action}", noted, **values)
        if new_state == AppState.APPROVED:
            conn.execute(
                insert(jobs).values(application_id=app_id, kind="reissue", state=JobState.QUEUED, created_at=now_iso())
            )
        return summary(conn.execute(select(applications).where(applications.c.id == app_id)).one())


def status(engine: Engine, user: User, app_id: str) -> dict[str, Any]:
    """What the applicant sees: the state and, when refused or returned, every reason at once (一次性告知)."""
    with reading(engine) as conn:
        row = load(conn, app_id, user)
        reasons: list[dict[str, Any]] = []
        if row.state == AppState.REJECTED:
            chosen = (row.decision or {}).get("reasons")  # the reviewer's: written for the applicant already
            reasons = chosen or _auto_refusals(conn, app_id)
        reupload = list(row.reupload or [])
        if row.state == AppState.REJECTED and not reupload:
            reupload = _reupload_from_reasons(conn, app_id, reasons)
    out = {
        "id": row.id,
        "state": row.state,
        "state_zh": STATE_ZH.get(row.state, row.state),
        "version": row.version,
        "message_zh": [r["message_zh"] for r in reasons] + [r["message_zh"] for r in reupload],
        "reasons": reasons,
        "reupload": reupload,
        "certificate": None,
    }
    if row.certificate_number:
        out["certificate"] = {
            "number": row.certificate_number,
            "download": f"/api/v1/applications/{row.id}/certificate",
            "verify": f"/verify/{row.certificate_number}",
        }
    elif row.certificate_error:
        out["certificate"] = {"error": row.certificate_error}
    return out


def for_applicant(reason: Reason) -> dict[str, Any]:
    """An automatic reason as the applicant reads it: its applicant's text, never the reviewer's note
    (which names the registry's values). A reason stored before there were two texts says only its kind."""
    zh = reason.applicant_zh or "材料未通过核验，请联系受理窗口了解需要补正的内容。"
    en = reason.applicant_en or "A document did not pass the check; please contact the office."
    kept = {"code": reason.code, "severity": str(reason.severity), "document": reason.document, "field": reason.field}
    return {**kept, "message_zh": zh, "message_en": en}


def _reupload_from_reasons(conn: Connection, app_id: str, reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each refused document named once, with the reasons that concern it."""
    screening = screening_of(conn, app_id)
    sources = screening.sources if screening is not None else {}
    by_id = {d.id: d for d in active_documents(conn, app_id)}
    by_label = {label: by_id[doc_id] for label, doc_id in sources.items() if doc_id in by_id}
    doc_label = {doc_id: label for label, doc_id in sources.items()}
    out: dict[str | None, dict[str, Any]] = {}
    for r in reasons:
        label = (r.get("document") or "").rsplit("#", 1)[0] or None
        doc = by_id.get(r.get("document_id") or "") or by_label.get(label or "")
        if doc is None and not str(r.get("code", "")).endswith("_missing"):
            continue  # not about a document: nothing to upload again
        key = doc.id if doc is not None else None
        entry = out.setdefault(
            key,
            {
                "document_id": key,
                "filename": doc.filename if doc is not None else None,
                "message_zh": "请补充缺少的材料"
                if doc is None
                else f"请重新上传{_kind_zh(conn, app_id, doc_label.get(doc.id))}“{doc.filename}”",
                "message_en": "add the missing documents" if doc is None else f"upload {doc.filename} again",
                "reasons": [],
            },
        )
        entry["reasons"].append(r.get("code"))
    return list(out.values())


def _kind_zh(conn: Connection, app_id: str, label: str | None) -> str:
    """What a stored document is (注册证, 身份证人像面), as the latest screening classified it."""
    from recognition.rules import DOC_NAMES

    screening = screening_of(conn, app_id)
    docs = screening.documents if screening is not None else []
    kinds = list(dict.fromkeys(d.doc_type for d in docs if d.source == label))
    names = [DOC_NAMES[k][0] for k in kinds]
    return "、".join(names)


def trail(engine: Engine, user: User, app_id: str) -> list[dict[str, Any]]:
    """The audit entries about one application, oldest first, for those who may see the application."""
    from api.db import audit_log

    with reading(engine) as conn:
        load(conn, app_id, user)
        stmt = select(audit_log).where(audit_log.c.target == app_id).order_by(audit_log.c.seq)
        return [dict(r._mapping) for r in conn.execute(stmt)]


def exists(engine: Engine, app_id: str) -> bool:
    """Whether the application exists at all: the pages tell "not yours" (403) from "not there" (404)."""
    with reading(engine) as conn:
        return conn.execute(select(applications.c.id).where(applications.c.id == app_id)).first() is not None


def page_document(engine: Engine, user: User, app_id: str, doc_id: str) -> tuple[Any, Screening | None]:
    """A document of an application the user may see, and the application's latest screening (or None)."""
    with reading(engine) as conn:
        load(conn, app_id, user)
        t = documents
        doc = conn.execute(select(t).where(t.c.id == doc_id, t.c.application_id == app_id)).first()
        screening = screening_of(conn, app_id)
    if doc is None:
        raise ApiError(404, "document_not_found", "材料不存在", "document not found")
    return doc, screening


def certificate_pdf(engine: Engine, user: User, app_id: str) -> tuple[str, str]:
    """The issued certificate's PDF file and number; the download is audited."""
    number = (status(engine, user, app_id)["certificate"] or {}).get("number")
    if not number:
        raise ApiError(404, "certificate_not_issued", "证书尚未换发", "no certificate has been issued yet")
    recognition = RecognitionStore(engine).get(number)
    if recognition is None or not recognition.pdf_path:
        raise not_found("证书", "certificate")
    with engine.begin() as conn:
        audit.append(conn, user.name, "certificate.download", app_id, number=number)
    return recognition.pdf_path, number


def open_reasons(engine: Engine, app_ids: list[str]) -> dict[str, int]:
    """How many reasons the latest screening of each application gave (the queue shows them as doubts)."""
    out: dict[str, int] = {}
    with reading(engine) as conn:
        for app_id in app_ids:
            screening = screening_of(conn, app_id)
            out[app_id] = len(screening.reasons) if screening is not None else 0
    return out
