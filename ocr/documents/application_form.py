"""注册计量师注册资质互认申请表 — the application form at the end of the zone's guide."""

from huren.domain import DocType
from ocr.documents import common as c
from ocr.documents.base import DocSpec, f

SPEC = DocSpec(
    doc_type=DocType.APPLICATION_FORM,
    title="注册计量师注册资质互认申请表",
    keywords={
        "互认申请表": 5.0,
        "申请表": 3.0,
        "申请人声明": 2.0,
        "申请人签字": 1.5,
        "联系电话": 1.0,
        "现执业单位": 1.0,
        "原执业单位": 1.0,
        # the applicant's own fields, which no certificate prints
        "学历": 1.5,
        "职称": 1.0,
    },
    fields=(
        f("name", "name", "姓名"),
        f("title", "text", "职称"),
        f("id_number", "id_number", "身份证号", "身份证号码", fallback=c.ID_NUMBER_PATTERN),
        f("gender", "gender", "性别"),
        f("education", "text", "学历"),
        f("phone", "phone", "联系电话", "电话", "手机"),
        f("cert_number", "cert_number", "编号", "证书编号", "注册证编号"),
        f("level", "checkbox_level", "级别"),
        f("issuing_authority", "authority", "发证机构", "发证机关"),
        f(("valid_from", "valid_until"), "date_range", "注册有效期", "有效期"),
        f("categories", "checkbox_categories", "执业类别", multiline=True),
        f("current_employer", "organisation", "现执业单位"),
        f("former_employer", "organisation", "原执业单位"),
        f("application_date", "date", "日期", "申请日期"),
        f("applicant_signed", "signed", "申请人签字", "申请人签名", "申请人(签字)", "申请人(签名)", "本人签字"),
        f("employer_sealed", "sealed", "单位公章", "单位(盖章)", "单位(公章)", "现执业单位意见", "单位意见"),
    ),
    stop_labels=("注册证信息", "变更执业单位", "申请人声明", "同意接收并互认"),
    filler_labels=("单位名称",),
    content=(c.PHONE_SHAPE, c.ID_NUMBER_WITH_BIRTH_SHAPE, c.REGISTRATION_NUMBER_SHAPE),
)
