"""计量专业项目考核合格证 — the assessment certificate."""

from huren.domain import DocType
from ocr.documents import common as c
from ocr.documents.base import DocSpec, f

SPEC = DocSpec(
    doc_type=DocType.ASSESSMENT_CERTIFICATE,
    title="计量专业项目考核合格证",
    keywords={"考核合格证": 5.0, "计量专业项目": 2.0, "考核项目": 1.0, "合格证": 1.0, "申请表": -4.0},
    patterns={c.ASSESSMENT_NUMBER_SHAPE: c.OWN_NUMBER_WEIGHT},
    fields=(
        f("name", "name", *c.NAME, headline=True),
        f("id_number", "id_number", *c.ID_NUMBER, fallback=c.ID_NUMBER_PATTERN),
        f(
            "cert_number",
            "cert_number",
            *c.CERT_NUMBER,
            "合格证编号",
            fallback=c.cert_number_fallback(c.ASSESSMENT_NUMBER_SHAPE),
        ),
        f("items", "items", *c.ITEMS, multiline=True),
        f("issuing_authority", "authority", *c.AUTHORITY, fallback=c.AUTHORITY_PATTERN, fallback_last=True),
        f("issue_date", "date", *c.ISSUE_DATE),
        f("valid_until", "date", *c.VALID_UNTIL),
        f(("issue_date", "valid_until"), "date_range", *c.VALIDITY, required=False),
    ),
    stop_labels=(*c.STOP, "性别", "工作单位", "单位", "出生日期"),
    content=(c.ASSESSMENT_NUMBER_SHAPE, c.MARKET_AUTHORITY_SHAPE),
)
