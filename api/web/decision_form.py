"""The reviewer's decision form, read into the service's `DecisionIn` (pydantic refuses what does not fit)."""

from __future__ import annotations

from typing import Any

from api.models import DecisionIn, ReasonIn, ReuploadIn


def reasons_from_form(form: Any) -> list[ReasonIn]:
    """The automatic reasons the reviewer kept (edited) plus the ones they added."""
    kept = set(form.getlist("keep"))
    codes, messages, fields, messages_en, docs = (
        form.getlist(k) for k in ("reason_code", "reason_msg", "reason_field", "reason_msg_en", "reason_doc")
    )
    out = []
    for i, (code, message) in enumerate(zip(codes, messages, strict=False)):
        if str(i) not in kept or not str(message).strip():
            continue
        english = messages_en[i] if i < len(messages_en) else ""
        out.append(
            ReasonIn(
                code=code or "reviewer",
                message_zh=str(message).strip()[:500],
                message_en=str(english)[:500],
                field=(fields[i] if i < len(fields) else None) or None,
                document_id=(docs[i] if i < len(docs) else None) or None,
            )
        )
    for extra in form.getlist("extra_reason"):
        if str(extra).strip():
            out.append(ReasonIn(code="reviewer", message_zh=str(extra).strip()[:500]))
    return out


def decision_from_form(form: Any) -> DecisionIn:
    """The posted form as the service's decision body; pydantic refuses an unknown action."""
    action = str(form.get("action", ""))
    version_text = str(form.get("version", "")).strip()
    body: dict[str, Any] = {
        "action": action,
        "version": int(version_text) if version_text.isdigit() else None,
        "comment": str(form.get("comment", "")).strip() or None,
    }
    if action == "reject":
        body["reasons"] = reasons_from_form(form)
    elif action == "request_reupload":
        message = str(form.get("message", "")).strip()
        doc = str(form.get("document_id", "")) or None
        body["documents"] = [ReuploadIn(document_id=doc, message_zh=message[:500])] if message else []
    elif action == "override":
        body["outcome"] = form.get("outcome") or None
    elif action == "approve":
        body["confirmed_employer"] = str(form.get("confirm_employer", "")).strip()[:256] or None
    return DecisionIn.model_validate(body)
