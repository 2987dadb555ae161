"""计量检定员证 — the legacy verification-officer certificate (former 质量技术监督局 bureaus)."""

from huren.domain import DocType
from ocr.documents import common as c
from ocr.documents.base import DocSpec, f

SPEC = DocSpec(
    doc_type=DocType.VERIFIER_CERTIFICATE,
    title="计量检定员证",
    keywords={"检定员证": 5.0, "计量检定员": 3.0, "检定项目": 1.0, "质量技术监督局": 1.0, "申请表": -4.0},
    patterns={c.VERIFIER_NUMBER_SHAPE: c.OWN_NUMBER_WEIGHT},
    fields=(
        f("name", "name", *c.NAME, headline=True),
        f("id_number", "id_number", *c.ID_NUMBER, fallback=c.ID_NUMBER_PATTERN, required=False),
        f(
            "cert_number",
            "cert_number",
            *c.CERT_NUMBER,
            "检定员证号",
            fallback=c.cert_number_fallback(c.VERIFIER_NUMBER_SHAPE),
        ),
        f("items", "items", *c.ITEMS, multiline=True),
        f("issuing_authority", "authority", *c.AUTHORITY, fallback=c.AUTHORITY_PATTERN, fallback_last=True),
        f("valid_until", "date", *c.VALID_UNTIL),
        f(("issue_date", "valid_until"), "date_range", *c.VALIDITY, required=False),
        f("employer", "organisation", *c.EMPLOYER, multiline=True),
    ),
    stop_labels=(*c.STOP, "性别", "出生日期", *c.ISSUE_DATE),
    content=(c.VERIFIER_NUMBER_SHAPE, c.QUALITY_AUTHORITY_SHAPE),
)
