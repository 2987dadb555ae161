"""A clean application (ID card both sides, registration certificate, form) and its registry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from huren.domain import CertType, DocType, ExtractedField, Extraction, FieldValueType, RegistryRecord
from huren.normalize import id_check_digit
from matching.registry import Registry


def valid_id(body: str) -> str:
    return body + id_check_digit(body)


ID = valid_id("31022919850312001")  # a man born 1985-03-12 (17th digit odd)
OTHER_ID = valid_id("32058419900101002")  # another person, a woman
AS_OF = date(2025, 6, 1)


def record(**overrides: object) -> RegistryRecord:
    r = RegistryRecord(
        cert_type=CertType.REGISTRATION,
        cert_number="沪ZC2021000123",
        name="张伟",
        id_number=ID,
        gender="男",
        level=1,
        categories=["长度", "力学"],
        issuing_authority="上海市市场监督管理局",
        valid_from=date(2021, 3, 1),
        valid_until=date(2026, 2, 28),
        employer="上海青浦计量检测中心",
    )
    for key, value in overrides.items():
        setattr(r, key, value)
    return r


def doc(doc_type: DocType, source: str, fields: dict[str, FieldValueType], confidence: float = 0.97) -> Extraction:
    return Extraction(source, 1, doc_type, 0.99, {k: ExtractedField(v, confidence) for k, v in fields.items()})


Values = dict[str, FieldValueType]


def _front() -> Values:
    return {"name": "张伟", "gender": "男", "birth_date": "1985-03-12", "id_number": ID}


def _back() -> Values:
    return {"issuing_authority": "上海市公安局青浦分局", "valid_from": "2015-01-01", "valid_until": "2035-01-01"}


def _cert() -> Values:
    return {
        "name": "张伟",
        "gender": "男",
        "id_number": ID,
        "cert_number": "沪ZC2021000123",
        "level": 1,
        "categories": ["长度", "力学"],
        "issuing_authority": "上海市市场监督管理局",
        "valid_from": "2021-03-01",
        "valid_until": "2026-02-28",
        "employer": "上海青浦计量检测中心",
    }


def _form() -> Values:
    return {
        "name": "张伟",
        "gender": "男",
        "id_number": ID,
        "cert_number": "沪ZC2021000123",
        "level": 1,
        "issuing_authority": "上海市质量技术监督局",
        "valid_from": "2021-03-01",
        "valid_until": "2026-02-28",
        "categories": ["长度", "力学"],
        "current_employer": "嘉善县计量检定测试所",
        "employer_sealed": True,  # the guide asks for the current employer's seal on the form
    }


@dataclass
class Application:
    """Field values per document; `extractions()` builds what OCR would have produced."""

    front: Values | None = field(default_factory=_front)
    back: Values | None = field(default_factory=_back)
    cert: Values | None = field(default_factory=_cert)
    form: Values | None = field(default_factory=_form)
    extra: list[Extraction] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)  # "cert.name" → OCR confidence
    typed: set[str] = field(default_factory=set)  # documents not read by OCR ("form": typed on the portal)
    flags: dict[str, list[str]] = field(default_factory=dict)  # "back" → quality flags of its picture

    def set(self, where: str, key: str, value: FieldValueType) -> Application:
        values = getattr(self, where)
        assert values is not None
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
        return self

    def name_everywhere(self, name: str) -> Application:
        for where in ("front", "cert", "form"):
            if getattr(self, where) is not None:
                self.set(where, "name", name)
        return self

    def drop(self, where: str) -> Application:
        setattr(self, where, None)
        return self

    def extractions(self) -> list[Extraction]:
        out: list[Extraction] = []
        for where, doc_type, source in (
            ("front", DocType.ID_CARD_FRONT, "id_front.jpg"),
            ("back", DocType.ID_CARD_BACK, "id_back.jpg"),
            ("cert", DocType.REGISTRATION_CERTIFICATE, "reg.jpg"),
            ("form", DocType.APPLICATION_FORM, "form.pdf"),
        ):
            values = getattr(self, where)
            if values is None:
                continue
            d = doc(doc_type, source, values)
            d.quality.text_layer = where in self.typed
            d.quality.flags = list(self.flags.get(where, []))
            for key, conf in self.confidence.items():
                w, _, k = key.partition(".")
                if w == where and k in d.fields:
                    d.fields[k].confidence = conf
            out.append(d)
        return out + self.extra


def registry(*records: RegistryRecord) -> Registry:
    return Registry(records or (record(),))
