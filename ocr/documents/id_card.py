"""居民身份证 — front (the holder) and back (the issuing police bureau and validity)."""

from huren.domain import DocType
from ocr.documents.base import DocSpec, f
from ocr.documents.common import (
    ADDRESS_SHAPE,
    CERTIFICATE_NUMBER_AGAINST_CARD,
    CERTIFICATE_NUMBER_SHAPE,
    DATE_SHAPE,
    ID_NUMBER_SHAPE,
    ID_NUMBER_WITH_BIRTH_SHAPE,
    ID_VALIDITY_SHAPE,
    POLICE_AUTHORITY_SHAPE,
)

FRONT = DocSpec(
    doc_type=DocType.ID_CARD_FRONT,
    title="居民身份证（人像面）",
    # 公民身份号码 is printed on certificates too; words an ID card never carries speak against it.
    keywords={
        "公民身份号码": 3.0,
        "民族": 1.0,
        "住址": 1.5,
        "出生": 1.0,
        "性别": 0.5,
        "注册": -3.0,
        "证书": -3.0,
        "证号": -2.0,
        "编号": -2.0,
        "考核": -3.0,
        "检定": -3.0,
        "申请表": -4.0,
        "签发机关": -2.0,
        "有效期": -2.0,
        "发证": -2.0,
        "持证人": -2.0,
        "Certificate": -2.0,
    },
    # A blurred card loses its small printed labels first; the number and the birth line survive.
    # (民 of 人民 or 居民 in a title is no ethnicity's label; a certificate's own number speaks against a card.)
    patterns={
        ID_NUMBER_SHAPE: 2.0,
        DATE_SHAPE: 0.5,
        "(?<![人居])民族?[\u4e00-\u9fff]": 0.5,
        ADDRESS_SHAPE: 0.5,
        CERTIFICATE_NUMBER_SHAPE: CERTIFICATE_NUMBER_AGAINST_CARD,
    },
    fields=(
        f("name", "name", "姓名", fallback=r"^(?:姓?名)([\u4e00-\u9fff·]{2,5})$"),
        f("gender", "gender", "性别", fallback=r"^.{0,2}?(男|女)(?:民族|.{0,3}汉)"),
        f("ethnicity", "ethnicity", "民族", fallback=r"民.?(?:族)?([\u4e00-\u9fff]{1,3})$"),
        f("birth_date", "loose_date", "出生", "出生日期", fallback=r"(?:19|20)\d{2}\D{0,2}\d{1,2}\D{1,2}\d{1,2}"),
        f("address", "address", "住址", "地址", multiline=True, fallback=rf"^(?:住址)?({ADDRESS_SHAPE}.*)$"),
        f("id_number", "id_number", "公民身份号码", "身份号码", "身份证号码", fallback=ID_NUMBER_SHAPE),
    ),
    content=(ID_NUMBER_WITH_BIRTH_SHAPE, r"(?:19|20)\d{2}\D{1,2}\d{1,2}\D{1,2}\d{1,2}"),
)

BACK = DocSpec(
    doc_type=DocType.ID_CARD_BACK,
    title="居民身份证（国徽面）",
    keywords={
        "居民身份证": 2.0,
        "签发机关": 3.0,
        "有效期限": 2.0,
        "中华人民共和国": 0.5,
        "公民身份号码": -3.0,
        "申请表": -4.0,
        "注册证": -2.0,
        # the holder's side and a certificate carry these; the bureau's side never does
        "性别": -2.0,
        "编号": -2.0,
        "证书": -3.0,
        "证号": -2.0,
        "发证": -2.0,
        "持证人": -2.0,
        "Certificate": -2.0,
    },
    patterns={CERTIFICATE_NUMBER_SHAPE: CERTIFICATE_NUMBER_AGAINST_CARD},
    # Labels read faintly or not at all: the police bureau and the date range still say what they are.
    fields=(
        f("issuing_authority", "authority", "签发机关", fallback=f"(?:签?发?机关)?({POLICE_AUTHORITY_SHAPE})"),
        f(
            ("valid_from", "valid_until"),
            "date_range_id",
            "有效期限",
            "有效期",
            fallback=f"(?:有?效?期限?)?({ID_VALIDITY_SHAPE})",
        ),
    ),
    content=(POLICE_AUTHORITY_SHAPE, ID_VALIDITY_SHAPE),
)
