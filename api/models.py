"""The API's typed records (pydantic): request bodies (the application form as the zone's 互认申请表 lays it
out, decisions, users) and what every operation answers, errors included."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from huren import zone
from huren.domain import CATEGORIES

# The zone's table (huren/zone.py) as it stands when the service starts: a fourth area is one row there.
if TYPE_CHECKING:
    Area = str
    Province = str
else:
    Area = Literal[tuple(zone.areas())]
    Province = Literal[tuple(zone.provinces())]
Role = Literal["applicant", "reviewer", "admin", "auditor"]
NAME_PATTERN = r"^[^\x00-\x1f\x7f]+$"  # a login name: no NUL, no control characters


class ApplicationForm(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    gender: Literal["男", "女"] | None = None
    id_number: str = Field(pattern=r"^\d{17}[\dX]$")
    title: str | None = Field(default=None, max_length=64)  # 职称
    education: str | None = Field(default=None, max_length=64)  # 学历
    phone: str | None = Field(default=None, pattern=r"^[\d\-+ ]{5,20}$")
    cert_number: str = Field(min_length=1, max_length=64)  # 注册证编号
    level: Literal[1, 2]
    issuing_authority: str | None = Field(default=None, max_length=128)
    valid_from: date | None = None
    valid_until: date | None = None
    categories: list[Literal[CATEGORIES]] = Field(default_factory=list)  # type: ignore[valid-type]
    current_employer: str | None = Field(default=None, max_length=256)  # 现执业单位
    former_employer: str | None = Field(default=None, max_length=256)  # 原执业单位


class ApplicationCreate(BaseModel):
    area: Area  # the recognising area: 青浦 / 吴江 / 嘉善
    form: ApplicationForm


class ReasonIn(BaseModel):
    code: str = Field(default="reviewer", max_length=64)
    message_zh: str = Field(min_length=1, max_length=500)
    message_en: str = Field(default="", max_length=500)
    document_id: str | None = None
    field: str | None = None


class ReuploadIn(BaseModel):
    document_id: str | None = None  # None: a document that is missing altogether
    message_zh: str = Field(min_length=1, max_length=500)
    message_en: str = Field(default="", max_length=500)


class DecisionIn(BaseModel):
    action: Literal["approve", "reject", "override", "request_reupload", "reopen"]
    version: int | None = None  # the version the reviewer looked at; a newer one answers 409
    outcome: Literal["approve", "reject"] | None = None  # for override
    reasons: list[ReasonIn] = Field(default_factory=list)  # reject: the final list (default: the automatic one)
    documents: list[ReuploadIn] = Field(default_factory=list)  # request_reupload
    comment: str | None = Field(default=None, max_length=2000)
    confirmed_employer: str | None = Field(default=None, max_length=256)  # approve: what the certificate prints


class UserCreate(BaseModel):
    name: str = Field(min_length=1, max_length=64, pattern=NAME_PATTERN)
    role: Role
    area: Area | None = None
    province: Province | None = None
    password: str | None = Field(default=None, min_length=8, max_length=256)


class Register(BaseModel):
    name: str = Field(min_length=1, max_length=64, pattern=NAME_PATTERN)
    password: str = Field(min_length=8, max_length=256)


class Login(BaseModel):
    name: str = Field(max_length=64, pattern=NAME_PATTERN)
    password: str = Field(max_length=256)


# --- responses ----------------------------------------------------------------------------------------
# What each operation answers (`response_model`): the OpenAPI document says it, FastAPI checks it, and
# schemathesis holds the service to it (tests/api/test_contract.py).


class FieldError(BaseModel):
    """One field of a request that did not validate: where (`loc`), pydantic's words, and in Chinese."""

    loc: list[str | int]
    msg: str
    msg_zh: str


class ErrorBody(BaseModel):
    """Every 4xx and 5xx the API sends: a stable `code`, the message in Chinese and English; `errors`
    lists the fields of an invalid request (422 invalid_request). Some codes add their figures
    (`state`, `limit`, `retry_after`, `max_bytes` …)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {"code": "application_not_found", "message_zh": "申请不存在", "message_en": "application not found"},
                {
                    "code": "invalid_request",
                    "message_zh": "请求内容不符合要求",
                    "message_en": "invalid request",
                    "errors": [{"loc": ["body", "form", "id_number"], "msg": "Field required", "msg_zh": "缺少此项"}],
                },
            ]
        },
    )

    code: str
    message_zh: str
    message_en: str
    errors: list[FieldError] | None = None


class Notice(BaseModel):
    message_zh: str
    message_en: str


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="seconds")


class Me(BaseModel):
    id: int
    name: str
    role: Role
    area: str | None
    province: str | None
    areas: list[str] = Field(description="the areas whose applications the user sees")


class UserOut(BaseModel):
    id: int
    name: str
    role: Role
    area: str | None
    province: str | None
    disabled: bool
    locked: bool
    has_password: bool
    created_at: str


class UserCreated(BaseModel):
    id: int
    name: str
    role: Role
    area: str | None
    province: str | None
    access_token: str = Field(description="shown once")


class TokenInfo(BaseModel):
    id: int
    kind: Literal["login", "machine"]
    created_at: str
    expires_at: str | None
    revoked: bool
    active: bool


class IssuedToken(TokenInfo):
    access_token: str = Field(description="shown once")
    replaces: int | None = Field(default=None, description="the token a rotation revoked")


class Unlocked(BaseModel):
    name: str
    lifted: bool


class FormView(BaseModel):
    """The form as stored: the ID number masked except for the application's reviewer."""

    model_config = ConfigDict(extra="allow")

    name: str | None = None
    id_number: str | None = None
    cert_number: str | None = None
    level: int | None = None
    target_area: str | None = None


class ApplicationSummary(BaseModel):
    id: str
    area: str
    state: str
    state_zh: str
    version: int
    auto_outcome: str | None
    decided_by: str | None
    certificate_number: str | None
    form: FormView
    created_at: str
    updated_at: str


class DocumentOut(BaseModel):
    id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    active: bool
    created_at: str


class ApplicationDetail(ApplicationSummary):
    documents: list[DocumentOut]
    screening: dict[str, Any] | None = Field(description="the latest screening (the applicant: outcome and reasons)")
    decision: dict[str, Any] | None
    reupload: list[dict[str, Any]]


class ReasonOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str | None = None
    message_zh: str
    message_en: str = ""


class ReuploadOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    document_id: str | None
    filename: str | None = None
    message_zh: str
    message_en: str = ""


class CertificateLink(BaseModel):
    number: str
    download: str = Field(description="the PDF, for the applicant and the reviewer")
    verify: str = Field(description="the public verification page")


class CertificateError(BaseModel):
    error: str = Field(description="why issuing failed (e.g. no_registration)")


class ApplicationStatus(BaseModel):
    id: str
    state: str
    state_zh: str
    version: int
    message_zh: list[str] = Field(description="every reason at once (一次性告知)")
    reasons: list[ReasonOut]
    reupload: list[ReuploadOut]
    certificate: CertificateLink | CertificateError | None


class AuditEntry(BaseModel):
    seq: int
    at: str
    actor: str
    action: str
    target: str | None
    detail: dict[str, Any]
    prev_hash: str
    hash: str


class AuditReport(BaseModel):
    ok: bool
    entries: int
    checkpoints: int
    first_break: int | None
    problems: list[str]


class RecognitionOut(BaseModel):
    number: str
    area: str
    area_zh: str
    province: str
    recognising_authority: str
    issued_on: str
    holder_name: str
    id_number: str | None
    cert_type: str
    cert_number: str
    original_authority: str | None
    level: int | None
    categories: list[str]
    valid_from: str | None
    valid_until: str | None
    employer: str | None
    former_employer: str | None
    status: str
    status_zh: str
    days_left: int | None = None


class Sample(BaseModel):
    audit_seq: int
    seed: str
    seed_generated: bool
    as_of: str
    areas: list[str]
    population: int
    population_sha256: str = Field(description="of the population's numbers: the draw can be re-run on it")
    size: int
    selected: list[RecognitionOut]
    warnings: list[dict[str, Any]]


class Expiring(BaseModel):
    as_of: str
    days: int
    until: str
    areas: list[str]
    count: int = Field(description="all that expire in the window; `recognitions` holds one page of them")
    offset: int
    limit: int
    next_offset: int | None
    recognitions: list[RecognitionOut]


class RegistryImport(BaseModel):
    """An admin's upload: `previewing` → `preview_ready` (summary, changes) → `importing` → `done` | `failed`."""

    model_config = ConfigDict(extra="allow")

    id: str
    filename: str
    uploaded_by: str
    status: str
    options: dict[str, Any]
    progress: dict[str, Any] | None = None
    summary: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    changes: list[dict[str, Any]] | None = Field(default=None, description="a page of the preview's changes")


class Verification(BaseModel):
    """The public answer for a certificate number; the holder's data (masked) only with the right code."""

    number: str
    status: str
    status_zh: str
    status_en: str
    exists: bool | None = None
    code_valid: bool | None = None
    holder_name: str | None = None
    id_number: str | None = None
    level: int | None = None
    categories: list[str] | None = None
    area: str | None = None
    area_zh: str | None = None
    issuing_authority: str | None = None
    issued_on: str | None = None
    valid_until: str | None = None
