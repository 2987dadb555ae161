"""Request bodies (pydantic): the application form as the zone's 互认申请表 lays it out, and decisions."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from huren.domain import CATEGORIES

Area = Literal["qingpu", "wujiang", "jiashan"]
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
    role: Literal["applicant", "reviewer", "admin", "auditor"]
    area: Area | None = None
    province: Literal["shanghai", "jiangsu", "zhejiang"] | None = None
    password: str | None = Field(default=None, min_length=8, max_length=256)


class Register(BaseModel):
    name: str = Field(min_length=1, max_length=64, pattern=NAME_PATTERN)
    password: str = Field(min_length=8, max_length=256)


class Login(BaseModel):
    name: str = Field(max_length=64, pattern=NAME_PATTERN)
    password: str = Field(max_length=256)
