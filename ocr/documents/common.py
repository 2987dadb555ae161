"""Labels and patterns that several document types share."""

from huren.labels import (  # the vocabulary is shared with the registry import's headers
    AUTHORITY,
    CATEGORIES,
    CERT_NUMBER,
    EMPLOYER,
    GENDER,
    ID_NUMBER,
    ISSUE_DATE,
    ITEMS,
    LEVEL,
    NAME,
    VALID_FROM,
    VALID_UNTIL,
    VALIDITY,
)

STOP = ("照片", "备注", "说明", "注意事项", "签名", "持证人签名", "发证机关盖章", "盖章", "序号", "Photo", "No.")


def misread_once(word: str) -> str:
    """`word` with any one character but its last read wrong, as alternatives of a pattern."""
    return "|".join(word[:i] + "[\u4e00-\u9fff]" + word[i + 1 :] for i in range(len(word) - 1))


def suffixes(*written: str, misread: tuple[str, ...] = ()) -> str:
    """A group of a name's endings as written, then each of `misread` with one character read wrong too."""
    return "(?:" + "|".join((*written, *(misread_once(word) for word in misread))) + ")"


MARKET_BUREAU, QUALITY_BUREAU = "市场监督管理局", "质量技术监督局"
# An authority printed without a label, typically at the foot of a certificate under its seal; a long
# suffix read with one character wrong (市场监局管理局) too: `ocr.validators.mend_bureau_suffix` mends it.
AUTHORITY_PATTERN = r"[\u4e00-\u9fff]{2,12}?" + suffixes(
    MARKET_BUREAU, QUALITY_BUREAU, "市场监管局", "技术监督局", "质量监督局", misread=(MARKET_BUREAU, QUALITY_BUREAU)
)
CERT_NUMBER_PATTERN = r"(?<![A-Za-z])(?:No|NO|№)\.?([A-Za-z0-9沪苏浙\-]{5,24})"
ID_NUMBER_PATTERN = r"(?<![0-9A-Za-z])[0-9]{6}(?:19|20)[0-9]{9}[0-9Xx](?![0-9A-Za-z])"

# Shapes of values that identify a document even when its printed words are misread.
ID_NUMBER_SHAPE = r"[0-9]{17}[0-9Xx]"
DATE_SHAPE = r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日?"
# Shapes that recognise a document by its values alone (`DocSpec.content`): certificate numbers as the
# three provinces issue them, the kinds of authority, an ID number whose birth date exists.
# A long suffix read with one character wrong (市场监营管理局) is still that kind of authority, as in
# AUTHORITY_PATTERN: a certificate whose number was lost is known by its authority alone.
MARKET_AUTHORITY_SHAPE = r"[\u4e00-\u9fff]{2,10}" + suffixes(MARKET_BUREAU, "市场监管局", misread=(MARKET_BUREAU,))
QUALITY_AUTHORITY_SHAPE = r"[\u4e00-\u9fff]{2,10}" + suffixes(
    QUALITY_BUREAU, "技术监督局", "质量监督局", misread=(QUALITY_BUREAU,)
)
POLICE_AUTHORITY_SHAPE = r"[\u4e00-\u9fff]{2,12}(?:公安局|分局)"
ID_VALIDITY_SHAPE = (
    r"(?:19|20)\d{2}\D{1,2}\d{2}\D{1,2}\d{2}\D{0,2}[-—~至]+(?:(?:19|20)\d{2}\D{1,2}\d{2}\D{1,2}\d{2}|长期)"
)
ID_NUMBER_WITH_BIRTH_SHAPE = (
    r"(?<![0-9])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9])"
)
REGISTRATION_NUMBER_SHAPE = r"(?:沪注计\d{8}|浙ZJ\d{4}-?\d{4}|苏20\d{8})"
ASSESSMENT_NUMBER_SHAPE = r"(?:[沪浙苏][A-Z]?计考字?\d{8,9}|浙F\d{9})"
# a verifier's number as a province or a prefecture (嘉, 苏E) issued it: 沪检员…, 浙质监检…-…, 苏检…, 嘉检字…
VERIFIER_NUMBER_SHAPE = r"(?:[沪苏浙嘉][A-Z]?(?:质监)?检[员字]?\d{4}-?\d{3,5})"
# Any certificate's own number: a page printing one is that certificate (or a form citing it), no ID card.
CERTIFICATE_NUMBER_SHAPE = f"(?:{REGISTRATION_NUMBER_SHAPE}|{ASSESSMENT_NUMBER_SHAPE}|{VERIFIER_NUMBER_SHAPE})"
# What a certificate's own number weighs for its type, and against an ID card's (`DocSpec.patterns`).
OWN_NUMBER_WEIGHT = 1.0
CERTIFICATE_NUMBER_AGAINST_CARD = -3.0


def cert_number_fallback(shape: str) -> str:
    """A certificate number with no label: after `No.`, or standing alone in its type's own shape."""
    return rf"{CERT_NUMBER_PATTERN}|(?<![0-9A-Za-z])({shape})(?![0-9])"


# A value alone in its printed box, whatever its label was read as: the holder's sex (性别 read 體测), an
# organisation's name ending as employers' do (工作单位 read 工修尊位).
GENDER_ALONE = r"^([男女])$"
EMPLOYER_ALONE = (
    r"^([\u4e00-\u9fff（）()]{4,30}?(?:有限责任公司|股份有限公司|有限公司|研究院|研究所|测试所|测试院|计量所|计量院|"
    r"检测中心|检验中心|测试中心|检测院|检验院|工厂|厂))$"
)

PHONE_SHAPE = r"(?<![0-9])1[3-9]\d{9}(?![0-9])"
ADDRESS_SHAPE = r"[\u4e00-\u9fff]{2,4}(?:省|市|自治区)[\u4e00-\u9fff0-9]{2,}"

__all__ = [
    "ADDRESS_SHAPE",
    "AUTHORITY",
    "AUTHORITY_PATTERN",
    "CATEGORIES",
    "CERT_NUMBER",
    "CERT_NUMBER_PATTERN",
    "DATE_SHAPE",
    "EMPLOYER",
    "EMPLOYER_ALONE",
    "GENDER",
    "GENDER_ALONE",
    "ID_NUMBER",
    "ID_NUMBER_PATTERN",
    "ID_NUMBER_SHAPE",
    "ISSUE_DATE",
    "ITEMS",
    "LEVEL",
    "NAME",
    "STOP",
    "VALIDITY",
    "VALID_FROM",
    "VALID_UNTIL",
    "cert_number_fallback",
]
