"""Labels and patterns that several document types share."""

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

STOP = ("照片", "备注", "说明", "注意事项", "签名", "持证人签名", "发证机关盖章", "盖章", "序号", "Photo", "No.")

# An authority printed without a label, typically at the foot of a certificate under its seal.
AUTHORITY_PATTERN = r"[\u4e00-\u9fff]{2,12}?(?:市场监督管理局|质量技术监督局|市场监管局|技术监督局|质量监督局)"
CERT_NUMBER_PATTERN = r"(?<![A-Za-z])(?:No|NO|№)\.?([A-Za-z0-9沪苏浙\-]{5,24})"
ID_NUMBER_PATTERN = r"(?<![0-9A-Za-z])[0-9]{6}(?:19|20)[0-9]{9}[0-9Xx](?![0-9A-Za-z])"

# Shapes of values that identify a document even when its printed words are misread.
ID_NUMBER_SHAPE = r"[0-9]{17}[0-9Xx]"
DATE_SHAPE = r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日?"
ADDRESS_SHAPE = r"[\u4e00-\u9fff]{2,4}(?:省|市|自治区)[\u4e00-\u9fff0-9]{2,}"
