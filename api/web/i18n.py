"""The pages' words in Chinese (the default) and English (`?lang=en`, kept in a cookie).

Messages that come from the service (reasons, errors) already carry `message_zh` and `message_en`;
this table holds only what the pages themselves say.
"""

from __future__ import annotations

from collections.abc import Callable

from huren.labels import DOC_NAMES, FIELD_NAMES

LANGS = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("长三角示范区注册计量师互认审核", "YRD zone metrologist recognition review"),
    "digitize_title": ("纸质证书复核", "Paper certificates"),
    "digitize_intro": (
        "批量数字化的待复核字段；新批次由扫描室运行：",
        "Fields of batch digitisation that need a person; a scanning room adds a batch with:",
    ),
    "digitize_batch": ("批次", "Batch"),
    "digitize_pages": ("页数", "Pages"),
    "digitize_records": ("证书记录", "Records"),
    "digitize_needs_review": ("待复核", "Need review"),
    "digitize_failed": ("失败", "Failed"),
    "digitize_none": ("还没有批次", "No batches yet"),
    "digitize_flagged": ("{n} 个字段待复核（共 {rows} 条记录）", "{n} fields to review ({rows} records)"),
    "digitize_saved": ("已保存复核结果", "Saved"),
    "digitize_source": ("扫描件", "Scan"),
    "digitize_field": ("字段", "Field"),
    "digitize_reason": ("原因", "Reason"),
    "digitize_scan": ("原件截图", "Crop of the scan"),
    "digitize_value": ("识别值 / 更正", "Value read / correction"),
    "digitize_confirm": ("确认无误", "Confirm"),
    "digitize_correct": ("保存更正", "Save correction"),
    "digitize_nothing": ("没有待复核的字段", "Nothing needs review"),
    "queue": ("待办队列", "Queue"),
    "my_applications": ("我的申请", "My applications"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出", "Sign out"),
    "user_name": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "signed_in_as": ("当前用户", "Signed in as"),
    "session_expired": ("登录已过期，请重新登录", "Your session expired; please sign in again"),
    "role_reviewer": ("审核人员", "reviewer"),
    "role_admin": ("管理员", "admin"),
    "role_auditor": ("审计人员（只读）", "auditor (read only)"),
    "role_applicant": ("申请人", "applicant"),
    "state": ("状态", "State"),
    "auto_outcome": ("自动结论", "Automatic outcome"),
    "area": ("互认地区", "Area"),
    "age": ("已等待", "Age"),
    "open_doubts": ("待核疑点", "Open doubts"),
    "name": ("姓名", "Name"),
    "cert_number": ("证书编号", "Certificate no."),
    "id_number": ("身份证号码", "ID number"),
    "submitted": ("创建时间", "Created"),
    "search": ("搜索", "Search"),
    "search_hint": ("姓名或证书编号", "name or certificate number"),
    "all": ("全部", "all"),
    "date_from": ("起始日期", "from"),
    "date_to": ("截止日期", "to"),
    "filter": ("筛选", "Filter"),
    "reset": ("清除", "Reset"),
    "no_applications": ("没有符合条件的申请", "No applications match"),
    "page_of": ("第 {page} / {pages} 页，共 {total} 件", "page {page} of {pages}, {total} in all"),
    "previous": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "open": ("打开", "Open"),
    "documents": ("材料", "Documents"),
    "page_n": ("第 {n} 页", "page {n}"),
    "document_n": ("第 {n} 件", "document {n}"),
    "field": ("字段", "Field"),
    "extracted": ("识别值", "Extracted"),
    "registry": ("登记记录", "Registry"),
    "similarity": ("相似度", "Similarity"),
    "confidence": ("置信度", "Confidence"),
    "verdict": ("判定", "Verdict"),
    "no_registry_record": ("登记库中未找到该证书", "no registry record found"),
    "zoom_in": ("放大", "Zoom in"),
    "zoom_out": ("缩小", "Zoom out"),
    "zoom_fit": ("适应宽度", "Fit width"),
    "rotate": ("旋转 90°", "Rotate 90°"),
    "boxes": ("显示识别框", "Show boxes"),
    "quality_warnings": ("质量提示", "Quality warnings"),
    "page_unreadable": ("该文件无法读取", "This file could not be read"),
    "no_screening": ("尚无预审结果", "No pre-screening result yet"),
    "consistency": ("跨材料核对", "Cross-document checks"),
    "check": ("核对项", "Check"),
    "detail": ("说明", "Detail"),
    "reasons": ("全部理由", "All reasons"),
    "no_reasons": ("无疑点，符合即办条件", "No doubts: eligible for immediate approval"),
    "severity_fail": ("不符合", "fails"),
    "severity_doubt": ("需核对", "to check"),
    "actions": ("审核操作", "Decision"),
    "approve": ("准予互认", "Approve"),
    "reject": ("不予互认…", "Reject…"),
    "reject_title": (
        "不予互认：选择并编辑理由（一次性告知申请人）",
        "Reject: pick and edit the reasons (all sent at once)",
    ),
    "add_reason": ("增加一条理由", "Add a reason"),
    "new_reason_hint": ("其他理由（可留空）", "another reason (optional)"),
    "confirm_reject": ("确认不予互认", "Confirm rejection"),
    "cancel": ("取消", "Cancel"),
    "reupload": ("要求重新上传…", "Ask for a re-upload…"),
    "reupload_title": ("要求申请人重新上传一份材料", "Ask the applicant to upload one document again"),
    "reupload_doc": ("材料", "Document"),
    "reupload_missing": ("（缺少的材料）", "(a missing document)"),
    "reupload_message": ("告知申请人", "Message to the applicant"),
    "reupload_default": ("请重新上传清晰、完整的材料", "please upload a clear and complete copy"),
    "confirm_reupload": ("发送补正要求", "Send the request"),
    "override": ("改变自动结论…", "Override…"),
    "override_title": ("改变系统自动作出的结论（须说明理由）", "Override the automatic outcome (comment required)"),
    "new_outcome": ("新结论", "New outcome"),
    "comment": ("说明", "Comment"),
    "confirm_override": ("确认改变结论", "Confirm override"),
    "read_only": ("只读：您的角色不能作出决定", "Read only: your role cannot decide"),
    "no_action_in_state": ("当前状态下无可执行的操作", "Nothing to decide in this state"),
    "shortcuts": ("快捷键：a 准予　r 不予　j/n 下一件　k 上一件", "Keys: a approve · r reject · j/n next · k previous"),
    "next_application": ("下一件", "Next"),
    "previous_application": ("上一件", "Previous"),
    "decision_record": ("审核记录", "Decision"),
    "decided_by": ("决定人", "Decided by"),
    "certificate": ("互认证书", "Certificate"),
    "open_certificate": ("打开互认证书（PDF）", "Open the certificate (PDF)"),
    "certificate_pending": ("证书生成中，请稍候…", "The certificate is being issued…"),
    "certificate_failed": ("证书生成失败", "The certificate could not be issued"),
    "audit_trail": ("审计记录", "Audit trail"),
    "at": ("时间", "At"),
    "actor": ("操作人", "Actor"),
    "action": ("操作", "Action"),
    "full_id_audited": (
        "完整身份证号码仅向本件审核人员显示，本次查看已记入审计日志",
        "The full ID number is shown to this application's reviewer only; this view is in the audit log",
    ),
    "done_approve": ("已准予互认，正在换发证书", "Approved; the certificate is being issued"),
    "done_reject": (
        "已作出不予互认决定，理由已一次性告知申请人",
        "Rejected; all reasons were sent to the applicant at once",
    ),
    "done_override": ("已改变自动结论", "The automatic outcome was overridden"),
    "done_request_reupload": ("已要求申请人重新上传材料", "The applicant was asked to upload again"),
    "status_title": ("互认申请办理状态", "Application status"),
    "status_reasons": ("不予互认的全部理由", "Every reason for the refusal"),
    "status_reupload": ("请重新上传以下材料", "Please upload these documents again"),
    "status_none": ("暂无需要您处理的事项", "Nothing for you to do now"),
    "application_no": ("申请编号", "Application no."),
    "verify_certificate": ("证书核验", "Verify the certificate"),
    "download_certificate": ("下载互认证书", "Download the certificate"),
    "error": ("出错了", "Something went wrong"),
    "back_to_queue": ("返回队列", "Back to the queue"),
    "forbidden_title": ("无权访问", "Forbidden"),
    "forbidden_app": ("该申请不在您的审核范围内", "This application is outside your scope"),
    "csrf_failed": (
        "页面已过期或表单被篡改，请刷新页面后重试",
        "The form expired or was tampered with; reload and retry",
    ),
    "not_found": ("页面不存在", "Not found"),
    "login_failed": ("用户名或密码错误", "Wrong name or password"),
    "invalid_form": ("提交的内容不符合要求", "The form is not valid"),
    "switch_lang": ("English", "中文"),
    "low_confidence": ("低置信度", "low confidence"),
    "flagged": ("需核对", "check"),
    "documents_of": ("份材料", "documents"),
    "status_page": ("申请人状态页", "Applicant's status page"),
    "reject_outcome": ("不予互认", "Reject"),
    "pages": ("翻页", "Pages"),
    "approve_title": ("准予互认：请核对后确认", "Approve: check and confirm"),
    "approve_summary": ("将换发示范区统一注册证书，证书载明：", "The zone certificate will be issued with:"),
    "approve_doubts": (
        "本件尚有 {n} 条待核事项，确认即表示已逐条核实。",
        "{n} points are still open; confirming means you checked each of them.",
    ),
    "confirm_approve": ("确认准予互认并换发证书", "Confirm: approve and issue"),
    "confirm_employer": ("已核实现执业单位，证书载明：", "I checked the current employer; print:"),
    "employer_unconfirmed": (
        "未勾选时，证书仅载明经核实的执业单位（加盖公章的申请表或登记记录）",
        "Unticked, the certificate prints only a verified employer (sealed form or the record)",
    ),
    "typed_form": ("网上申请表（申请人填写）", "Form typed by the applicant"),
    "typed_value": ("填写内容", "Typed"),
    "typed_checks": ("核对", "Checks"),
    "no_check": ("未核对", "not checked"),
    "printed_note": (
        "证书仅打印经核实或经审核人员确认的内容",
        "The certificate prints only what was verified or confirmed by a reviewer",
    ),
    "reason_for_reviewer": ("审核人员看到的", "For the reviewer"),
    "reason_for_applicant": ("告知申请人", "Told to the applicant"),
    "reject_hint": (
        "默认只勾选不予互认的理由；“需核对”事项是给审核人员的提示，确有必要时再勾选。告知申请人的文字不含登记记录内容。",
        "Only refusal grounds are ticked; points to check are notes for you. The applicant's text never shows "
        "the record's values.",
    ),
    "jump_to_field": ("定位到该字段", "Show the field"),
    "reasons_count": ("{n} 条", "{n}"),
    "uploaded_as": ("上传文件", "File"),
    "reopen": ("重新审核…", "Reopen…"),
    "reopen_title": ("重新审核系统自动准予的申请（须说明理由）", "Reopen an automatic approval (reason required)"),
    "reopen_reason": ("理由", "Reason"),
    "confirm_reopen": ("确认转人工审核", "Confirm: back to review"),
    "done_reopen": ("已转为人工审核", "Back in review"),
    "waiting_since": ("等待自", "Waiting since"),
    "trail_sentence": ("经过", "What happened"),
    "reviewer_note": ("审核人员提示", "Note for the reviewer"),
    "status_what_to_do": ("请按以下事项一次补正后重新提交", "Please fix all of the following, then submit again"),
}

FIELD: dict[str, tuple[str, str]] = FIELD_NAMES  # one vocabulary: huren.labels

DOC_TYPE: dict[str, tuple[str, str]] = {str(kind): names for kind, names in DOC_NAMES.items()}

VERDICT: dict[str, tuple[str, str, str]] = {  # (zh, en, icon): never colour alone
    "match": ("一致", "match", "✓"),
    "mismatch": ("不一致", "mismatch", "✗"),
    "missing": ("缺失", "missing", "?"),
    "uncertain": ("存疑", "uncertain", "!"),
    "low_confidence": ("低置信度", "low confidence", "⚠"),
    "read": ("已识别", "read", "·"),
}

STATE_EN: dict[str, str] = {
    "draft": "draft",
    "queued": "submitted, waiting for pre-screening",
    "screening": "pre-screening",
    "review": "in review",
    "approved": "approved",
    "rejected": "rejected",
    "reupload_requested": "re-upload requested",
}

OUTCOME: dict[str, tuple[str, str]] = {
    "approve": ("准予（即办）", "approve"),
    "reject": ("不予互认", "reject"),
    "review": ("人工审核", "review"),
}

QUALITY_FLAG: dict[str, tuple[str, str]] = {
    "blurred": ("图像模糊", "blurred"),
    "glare": ("有反光", "glare"),
    "cut_off": ("边缘被裁切", "cut off at the edge"),
    "low_resolution": ("分辨率过低", "low resolution"),
    "no_text": ("未识别到文字", "no text found"),
}

CHECK: dict[str, tuple[str, str]] = {
    "id_card_name_matches_certificate": ("身份证姓名与证书一致", "ID card name matches the certificate"),
    "id_card_id_number_matches_certificate": ("身份证号码与证书一致", "ID card number matches the certificate"),
    "form_name_matches_id_card": ("申请表姓名与身份证一致", "form name matches the ID card"),
    "form_id_number_matches_id_card": ("申请表身份证号码与身份证一致", "form ID number matches the ID card"),
    "form_gender_matches_id_card": ("申请表性别与身份证一致", "form gender matches the ID card"),
    "form_name_matches_certificate": ("申请表姓名与证书一致", "form name matches the certificate"),
    "form_id_number_matches_certificate": ("申请表身份证号码与证书一致", "form ID number matches the certificate"),
    "form_cert_number_matches_registration": ("申请表证书编号与注册证一致", "form certificate no. matches"),
    "form_level_matches_registration": ("申请表级别与注册证一致", "form level matches the registration"),
    "form_issuing_authority_matches_registration": ("申请表发证机关与注册证一致", "form authority matches"),
    "form_valid_from_matches_registration": ("申请表有效期起与注册证一致", "form valid-from matches"),
    "form_valid_until_matches_registration": ("申请表有效期至与注册证一致", "form valid-until matches"),
    "form_categories_matches_registration": ("申请表执业类别与注册证一致", "form categories match"),
    "gender_matches_id_number": ("性别与身份证号码相符", "gender agrees with the ID number"),
    "birth_date_matches_id_number": ("出生日期与身份证号码相符", "birth date agrees with the ID number"),
    "id_card_valid_at_decision_date": ("身份证在决定日有效", "ID card valid on the decision date"),
    "certificate_valid_at_decision_date": ("证书在决定日有效", "certificate valid on the decision date"),
}

ACTION: dict[str, tuple[str, str]] = {
    "application.create": ("创建申请", "created"),
    "application.submit": ("提交", "submitted"),
    "application.screening": ("开始预审", "screening started"),
    "application.screened": ("预审完成", "screened"),
    "application.screening_failed": ("预审失败，转人工", "screening failed"),
    "application.view_personal_data": ("查看完整身份证号码", "viewed the full ID number"),
    "application.approve": ("准予互认", "approved"),
    "application.reject": ("不予互认", "rejected"),
    "application.override": ("改变自动结论", "overrode the outcome"),
    "application.request_reupload": ("要求重新上传", "asked for a re-upload"),
    "document.add": ("上传材料", "document added"),
    "document.remove": ("移除材料", "document removed"),
    "document.reactivate": ("恢复材料", "document restored"),
    "certificate.issue": ("换发证书", "certificate issued"),
    "certificate.revoke": ("撤销证书", "certificate revoked"),
    "certificate.failed": ("证书换发失败", "certificate failed"),
    "certificate.download": ("下载证书", "certificate downloaded"),
    "application.reopen": ("转人工审核", "reopened"),
}


def translator(lang: str) -> Callable[..., str]:
    """`t(key, **values)` for the templates: the page's words in `lang`, the key itself if unknown."""
    index = 1 if lang == "en" else 0

    def t(key: str, **values: object) -> str:
        pair = TEXT.get(key)
        text = pair[index] if pair else key
        return text.format(**values) if values else text

    return t


def pick(table: dict[str, tuple[str, str]], key: str | None, lang: str) -> str:
    """A label from one of the tables above; the raw key when the table does not know it."""
    if key is None:
        return ""
    pair = table.get(key)
    return (pair[1] if lang == "en" else pair[0]) if pair else key


TRAIL: dict[str, tuple[str, str]] = {
    "application.create": ("{actor} 创建了申请（互认地区：{area}）", "{actor} created the application (area {area})"),
    "application.submit": ("{actor} 提交了申请", "{actor} submitted the application"),
    "application.screening": ("{actor} 开始预审", "{actor} started pre-screening"),
    "application.screened": (
        "{actor} 完成预审：自动结论为“{outcome}”，{n_reasons} 条理由",
        "{actor} pre-screened it: {outcome}, {n_reasons} reasons",
    ),
    "application.screening_failed": ("{actor} 预审失败，已转人工审核", "{actor}: pre-screening failed, sent to review"),
    "application.view_personal_data": (
        "{actor} 查看完整身份证号码 {count} 次（{first} 至 {last}）",
        "{actor} viewed the full ID number {count} times ({first} to {last})",
    ),
    "application.view": ("{actor} 查看本件 {count} 次（{first} 至 {last}）", "{actor} viewed it {count} times"),
    "application.list": ("{actor} 在列表中查看 {count} 次", "{actor} listed it {count} times"),
    "application.approve": ("{actor} 准予互认", "{actor} approved"),
    "application.reject": ("{actor} 作出不予互认决定", "{actor} rejected"),
    "application.override": (
        "{actor} 改变了自动结论：{state_from} → {state}",
        "{actor} overrode: {state_from} → {state}",
    ),
    "application.reopen": ("{actor} 将自动准予的申请转为人工审核", "{actor} reopened the automatic approval"),
    "application.request_reupload": ("{actor} 要求申请人重新上传材料", "{actor} asked for a re-upload"),
    "document.add": ("{actor} 上传了一份材料（{size}）", "{actor} added a document ({size})"),
    "document.remove": ("{actor} 移除了一份材料", "{actor} removed a document"),
    "document.reactivate": ("{actor} 恢复了一份材料", "{actor} restored a document"),
    "certificate.issue": ("{actor} 换发了证书 {number}", "{actor} issued certificate {number}"),
    "certificate.revoke": ("{actor} 撤销了证书 {number}", "{actor} revoked certificate {number}"),
    "certificate.failed": ("{actor} 换发证书失败（{error}）", "{actor}: the certificate failed ({error})"),
    "certificate.download": ("{actor} 下载了证书", "{actor} downloaded the certificate"),
}
"""The audit trail as sentences; `{actor}` and the entry's details fill them in."""

DETAIL_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^registry: (?P<rest>.*)$", "登记库：{rest}"),
    (r"^document: (?P<rest>.*)$", "证面：{rest}"),
    (r"^(?P<field>\w+) absent on (?P<doc>.+)$", "{field}缺失（{doc}）"),
    (r"^(?P<field>\w+): (?P<a>.*) vs (?P<b>.*) \(similarity (?P<s>[\d.]+)\)$", "{field}：{a} 与 {b}（相似度 {s}）"),
    (r"^(?P<v>\S+) does not pass the GB 11643 check digit$", "{v} 校验位不符"),
    (r"^(?P<field>\w+) (?P<v>.*) not understood$", "{field} {v} 无法识别"),
    (
        r"^(?P<field>\w+): document says (?P<got>.*), ID number implies (?P<exp>.*)$",
        "{field}：证件记载 {got}，身份证号码显示 {exp}",
    ),
    (r"^no validity dates$", "无有效期"),
    (r"^not valid before (?P<d>\S+) \(decision date (?P<a>\S+)\)$", "{d}前尚未生效（决定日期 {a}）"),
    (r"^valid from (?P<d>\S+), 长期 \(no end\)$", "自 {d} 起长期有效"),
    (r"^end of validity not read$", "未能读取有效期截止日期"),
    (r"^expired on (?P<d>\S+) \(decision date (?P<a>\S+)\)$", "已于 {d} 过期（决定日期 {a}）"),
    (r"^valid until (?P<d>\S+) \(decision date (?P<a>\S+)\)$", "有效期至 {d}（决定日期 {a}）"),
    (r"^no ID card back \(有效期限\) supplied$", "未提交身份证国徽面（有效期限）"),
    (r"^registry status (?P<st>\w+) \((?P<t>\w+) (?P<n>.+)\)$", "登记状态：{st}（{n}）"),
)
"""The cross-document checks' English details (matching.consistency) as Chinese pages say them."""

STATUS_ZH = {"revoked": "已撤销", "suspended": "已暂停", "valid": "有效"}


def detail_zh(detail: str) -> str:
    """A check's detail in Chinese; field names through `FIELD`; unknown shapes stay as they are."""
    import re

    for pattern, template in DETAIL_PATTERNS:
        m = re.match(pattern, detail)
        if m is None:
            continue
        values = dict(m.groupdict())
        if "field" in values:
            values["field"] = pick(FIELD, values["field"], "zh")
        if "st" in values:
            values["st"] = STATUS_ZH.get(values["st"], values["st"])
        if "rest" in values:
            values["rest"] = detail_zh(values["rest"])
        return template.format(**values)
    return detail


REGISTRY_IMPORT: dict[str, tuple[str, str]] = {  # the admin's registry import page
    "title": ("登记库导入", "Registry import"),
    "intro": (
        "上传发证机关的登记表（.xlsx、CSV/TSV 或 JSON Lines），先预览将要发生的变化，确认后才写入。",
        "Upload an authority's register (.xlsx, CSV/TSV or JSON Lines); see what would change, then confirm.",
    ),
    "file": ("文件", "File"),
    "cert_type": ("证书类型（表中无此列时）", "Certificate type (when the file has no such column)"),
    "from_file": ("按文件", "from the file"),
    "registration": ("注册计量师注册证", "registration certificate"),
    "assessment": ("考核合格证", "assessment certificate"),
    "verifier": ("计量检定员证", "verifier certificate"),
    "sheet": ("工作表（留空为全部）", "Sheet (empty: all)"),
    "map": ("其他表头（每行一个：表头=字段）", "Other headers (one per line: HEADER=field)"),
    "partial": ("有错误行时仍导入正确的行", "Import the good rows even if some rows have errors"),
    "upload": ("上传并预览", "Upload and preview"),
    "previewing": ("正在预览…", "Previewing…"),
    "importing": ("正在导入…", "Importing…"),
    "preview_ready": ("预览", "Preview"),
    "done": ("已导入", "Imported"),
    "failed": ("无法导入", "Cannot import"),
    "inserted": ("新增", "New"),
    "updated": ("更新", "Updated"),
    "unchanged": ("不变", "Unchanged"),
    "rejected": ("错误行", "Row errors"),
    "errors": ("错误行", "Row errors"),
    "sheet_col": ("工作表", "Sheet"),
    "row": ("行", "Row"),
    "column": ("列", "Column"),
    "reason": ("原因", "Reason"),
    "changes": ("变化（前 200 条）", "Changes (first 200)"),
    "change": ("变化", "Change"),
    "confirm": ("确认导入", "Confirm import"),
    "nothing_written": ("未写入任何数据。", "Nothing was written."),
    "blocked": (
        "文件有错误行：请改正后重新上传，或勾选“仍导入正确的行”。",
        "The file has row errors: fix them and upload again, or tick “import the good rows”.",
    ),
    "notices": ("提示", "Notes"),
    "uploaded_by": ("上传人", "Uploaded by"),
    "back": ("返回登记库导入", "Back to registry import"),
    "map_example": ("证书号=cert_number", "证书号=cert_number"),  # a clerk's Chinese header, in both languages
}
