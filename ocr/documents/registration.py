"""注册计量师注册证 — the registration certificate."""

from huren.domain import DocType
from ocr.documents import common as c
from ocr.documents.base import DocSpec, f

SPEC = DocSpec(
    doc_type=DocType.REGISTRATION_CERTIFICATE,
    title="注册计量师注册证",
    keywords={
        "注册计量师注册证": 3.0,
        "注册证": 2.0,
        "注册计量师": 1.5,
        "执业类别": 2.0,
        "注册专业": 2.0,
        "注册类别": 2.0,
        "注册有效期": 1.0,
        "级别": 0.5,
        "申请表": -4.0,
        "考核合格证": -2.0,
        "检定员证": -2.0,
        # an application form's own fields: no certificate prints them
        "学历": -2.0,
        "职称": -2.0,
    },
    patterns={c.REGISTRATION_NUMBER_SHAPE: c.OWN_NUMBER_WEIGHT},
    fields=(
        f("name", "name", *c.NAME, headline=True),
        f("gender", "gender", *c.GENDER, fallback=c.GENDER_ALONE),
        f("id_number", "id_number", *c.ID_NUMBER, fallback=c.ID_NUMBER_PATTERN),
        f(
            "cert_number",
            "cert_number",
            *c.CERT_NUMBER,
            "注册证号",
            fallback=c.cert_number_fallback(c.REGISTRATION_NUMBER_SHAPE),
        ),
        f("level", "level", *c.LEVEL, fallback=r"([一二]级)(?:注册计量师)?"),
        f("categories", "categories", *c.CATEGORIES, multiline=True),
        f(
            "issuing_authority",
            "authority",
            *c.AUTHORITY,
            "注册机关",
            "注册部门",
            fallback=c.AUTHORITY_PATTERN,
            fallback_last=True,
        ),
        f(("valid_from", "valid_until"), "date_range", *c.VALIDITY),
        f("valid_from", "date", *c.VALID_FROM, required=False),
        f("valid_until", "date", *c.VALID_UNTIL, required=False),
        f("employer", "organisation", *c.EMPLOYER, multiline=True, fallback=c.EMPLOYER_ALONE, fallback_whole=True),
    ),
    stop_labels=(*c.STOP, "出生日期", "发证日期", "签发日期"),
    content=(c.REGISTRATION_NUMBER_SHAPE, c.MARKET_AUTHORITY_SHAPE),
)
