"""The names fields go by, in Chinese and English: one vocabulary for printed labels and table headers.

Extraction (`ocr/documents/*.py`) finds a value after one of these labels on a page; the registry
import (`matching/headers.py`) recognises a spreadsheet column by the same words. Each tuple lists
the forms people write, longest or most specific first; spaces do not matter (they are squashed
before comparing). A synonym added here is understood by both.

`DOC_NAMES` and `FIELD_NAMES` are the names shown to people (reasons, the evaluation report): Chinese, English.
"""

from huren.domain import DocType

NAME = ("姓名", "持证人", "持证人姓名", "Name", "FullName")
GENDER = ("性别", "Sex", "Gender")
ID_NUMBER = (
    "身份证号码",
    "身份证号",
    "公民身份号码",
    "身份证件号码",
    "证件号码",
    "IDNo.",
    "IDNo",
    "IDNumber",
    "IDCardNo.",
)
CERT_NUMBER = (
    "证书编号",
    "注册证编号",
    "注册编号",
    "证书号码",
    "证书号",
    "编号",
    "证号",
    "注册号",
    "CertificateNo.",
    "CertificateNo",
    "Cert.No.",
    "CertNo.",
    "RegistrationNo.",
)
LEVEL = ("级别", "注册级别", "资格级别", "等级", "Level")
CATEGORIES = (
    "执业类别",
    "注册专业",
    "专业类别",
    "执业范围",
    "注册类别",
    "Category",
    "Categories",
    "Specialty",
)
AUTHORITY = (
    "发证机关",
    "发证机构",
    "签发机关",
    "发证单位",
    "颁发机关",
    "颁证机关",
    "批准机关",
    "IssuedBy",
    "IssuingAuthority",
    "Issuer",
)
EMPLOYER = (
    "工作单位",
    "执业单位",
    "聘用单位",
    "注册单位",
    "所在单位",
    "单位名称",
    "单位",
    "Employer",
    "Organization",
    "Organisation",
)
VALIDITY = ("注册有效期", "有效期限", "有效期", "有效日期", "Validity", "ValidPeriod", "PeriodofValidity")
VALID_FROM = ("注册日期", "生效日期", "起始日期", "有效期起")
VALID_UNTIL = (
    "有效期限至",
    "有效期至",
    "有效期截至",
    "有效期截止",
    "有效截止日期",
    "截止日期",
    "有效至",
    "有效日期至",
    "ValidUntil",
    "ExpiryDate",
    "Expiry",
    "DateofExpiry",
)
ITEMS = (
    "考核项目",
    "检定项目",
    "项目名称",
    "考核合格项目",
    "准予从事检定项目",
    "检定项目名称",
    "核准项目",
    "准检项目",
    "合格项目",
    "考核合格项目名称",
    "准予检定项目",
    "Items",
    "Item",
)
ISSUE_DATE = ("发证日期", "签发日期", "批准日期", "颁发日期", "核发日期", "发证时间", "DateofIssue", "IssueDate")
# Words only a register's columns carry (a certificate does not print its own kind or status as a field).
CERT_TYPE = ("证书类型", "证书种类", "证书类别", "证件类型", "CertificateType", "CertType")
STATUS = ("状态", "证书状态", "注册状态", "Status")

# --- the names shown to people: (Chinese, English) ---------------------------------------------------

DOC_NAMES: dict[DocType, tuple[str, str]] = {
    DocType.REGISTRATION_CERTIFICATE: ("注册证", "registration certificate"),
    DocType.ASSESSMENT_CERTIFICATE: ("考核合格证", "assessment certificate"),
    DocType.VERIFIER_CERTIFICATE: ("计量检定员证", "verification officer certificate"),
    DocType.ID_CARD_FRONT: ("身份证人像面", "ID card front"),
    DocType.ID_CARD_BACK: ("身份证国徽面", "ID card back"),
    DocType.APPLICATION_FORM: ("互认申请表", "application form"),
    DocType.UNKNOWN: ("未识别材料", "unrecognised document"),
}

FIELD_NAMES: dict[str, tuple[str, str]] = {
    "name": ("姓名", "name"),
    "gender": ("性别", "gender"),
    "id_number": ("身份证号码", "ID number"),
    "birth_date": ("出生日期", "birth date"),
    "cert_number": ("证书编号", "certificate number"),
    "level": ("级别", "level"),
    "categories": ("执业类别", "practice categories"),
    "items": ("考核项目", "assessment items"),
    "issuing_authority": ("发证机关", "issuing authority"),
    "valid_from": ("有效期起始", "start of validity"),
    "valid_until": ("有效期截止", "end of validity"),
    "employer": ("执业单位", "employer"),
    "current_employer": ("现执业单位", "current employer"),
    "former_employer": ("原执业单位", "former employer"),
    "issue_date": ("发证日期", "issue date"),
    "ethnicity": ("民族", "ethnicity"),
    "address": ("住址", "address"),
    "title": ("职称", "professional title"),
    "education": ("学历", "education"),
    "phone": ("联系电话", "phone"),
    "application_date": ("申请日期", "application date"),
    "applicant_signed": ("申请人签名", "signed by the applicant"),
    "employer_sealed": ("单位盖章", "sealed by the employer"),
    "target_area": ("申请互认地区", "area applied for"),
}
