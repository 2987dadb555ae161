"""The parts documents are composed from, as data: label wordings, separators, inks, papers, overlays.

Each table lists what the three provinces' issuers (and the copy shops between them and us) actually
vary; a family draws one entry per document, so two seeds never print the same page.
"""

from __future__ import annotations

from samples.page import RGB

# Label wordings per field key (the keys of `samples.layouts.*_specs`). `valid` is a from–to range.
LABELS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "姓名", "持证人", "持证人姓名", "人员姓名"),
    "gender": ("性别",),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证件号码", "证件号码"),
    "cert_number": ("证书编号", "注册证编号", "编号", "证号", "注册编号", "证书号码"),
    "level": ("级别", "注册级别", "资格级别"),
    "categories": ("执业类别", "注册专业", "专业类别", "注册类别"),
    "employer": ("工作单位", "执业单位", "聘用单位", "注册单位", "所在单位"),
    "valid": ("有效期", "注册有效期", "有效期限"),
    "valid_from": ("注册日期", "生效日期"),
    "valid_until": ("有效期至", "有效期限至", "有效日期至"),
    "issuing_authority": ("发证机关", "发证机构", "签发机关", "发证单位"),
    "items": ("考核项目", "检定项目", "项目名称", "考核合格项目", "准予检定项目", "核准项目"),
    "issue_date": ("批准日期", "发证日期", "签发日期"),
}
# The certificate-number label an assessment or verifier certificate may carry instead.
CERT_NUMBER_LABELS: dict[str, tuple[str, ...]] = {
    "assessment_certificate": ("合格证编号", "证书编号", "编号"),
    "verifier_certificate": ("检定员证号", "证号", "证书编号"),
}
ENGLISH: dict[str, str] = {
    "name": "Name",
    "gender": "Sex",
    "id_number": "ID No.",
    "cert_number": "Certificate No.",
    "level": "Level",
    "categories": "Category",
    "employer": "Employer",
    "valid": "Validity",
    "valid_from": "Date of Registration",
    "valid_until": "Valid Until",
    "issuing_authority": "Issued by",
    "items": "Items",
    "issue_date": "Date of Issue",
}

# Between label and value: a colon (full or half width), or nothing but space.
SEPARATORS: tuple[str, ...] = ("：", "：", "：", ":", "　", "  ")
# How a two-character label is spaced out to the width of a four-character one.
SPACINGS: tuple[str, ...] = ("", "", "　", "　　", " ")

TITLE_BARS: tuple[RGB, ...] = ((180, 30, 40), (30, 90, 160), (20, 120, 110), (150, 95, 30), (90, 60, 140))
LABEL_INKS: tuple[RGB, ...] = ((20, 20, 20), (20, 20, 20), (60, 90, 130), (110, 110, 110), (130, 40, 40))
VALUE_INKS: tuple[RGB, ...] = ((20, 20, 20), (20, 20, 20), (15, 30, 80))
PAPERS: tuple[RGB, ...] = ((255, 255, 255), (252, 250, 243), (250, 247, 238), (244, 248, 252), (248, 244, 236))
TABLE_SHADES: tuple[RGB | None, ...] = (None, (240, 240, 240), (232, 240, 250), (250, 240, 230))

# Overlaid text: what copy shops, applicants and issuers write over documents.
WATERMARK_TEXTS: tuple[str, ...] = (
    "复印无效",
    "仅供注册计量师资质互认使用",
    "仅供互认申请使用 他用无效",
    "此复印件仅供办理互认手续使用",
    "与原件一致",
)
# What a copy made for one use says over it: void as a copy, or good for that use only.
COPY_ONLY_TEXTS: tuple[str, ...] = tuple(t for t in WATERMARK_TEXTS if t.startswith(("复印无效", "仅供")))
STAMP_TEXTS: tuple[str, ...] = ("复印无效", "与原件一致", "仅供备案使用", "样本")
COPY_TITLES: tuple[str, ...] = ("身份证复印件", "居民身份证（复印件）", "有效身份证明", "")

# Issuers of electronic licences print a platform line under the title bar.
ECERT_PLATFORMS: tuple[str, ...] = ("电子证照", "电子证书", "证照信息", "")
BOOKLET_NOTES: tuple[str, ...] = (
    "持证人应妥善保管本证，不得涂改、转让。",
    "本证书在中华人民共和国境内有效。",
    "注：本证须加盖发证机关印章方为有效。",
)
