"""居民身份证 — front (the holder) and back (the issuing police bureau and validity)."""

from huren.domain import DocType
from ocr.documents.base import DocSpec, f

FRONT = DocSpec(
    doc_type=DocType.ID_CARD_FRONT,
    title="居民身份证（人像面）",
    keywords={"公民身份号码": 5.0, "民族": 1.0, "住址": 1.5, "出生": 1.0, "性别": 0.5, "注册证": -2.0,
              "考核合格证": -3.0, "检定员证": -3.0, "申请表": -4.0},
    fields=(
        f("name", "name", "姓名"),
        f("gender", "gender", "性别"),
        f("ethnicity", "ethnicity", "民族"),
        f("birth_date", "date", "出生", "出生日期"),
        f("address", "text", "住址", "地址", multiline=True),
        f("id_number", "id_number", "公民身份号码", "身份号码", "身份证号码", fallback=r"[0-9]{17}[0-9Xx]"),
    ),
)

BACK = DocSpec(
    doc_type=DocType.ID_CARD_BACK,
    title="居民身份证（国徽面）",
    keywords={"居民身份证": 2.0, "签发机关": 3.0, "有效期限": 2.0, "中华人民共和国": 0.5, "公民身份号码": -3.0,
              "申请表": -4.0, "注册证": -2.0},
    fields=(
        f("issuing_authority", "authority", "签发机关"),
        f(("valid_from", "valid_until"), "date_range_id", "有效期限", "有效期"),
    ),
)
