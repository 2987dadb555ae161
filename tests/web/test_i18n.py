"""Every word the pages say comes from the i18n tables, in Chinese and in English (issue 15.9)."""

from __future__ import annotations

import re

from api.web import TEMPLATES_DIR
from api.web.i18n import ACTION, CHECK, FIELD, TEXT, TRAIL, detail_zh
from api.web.views import TYPED_FORM_FIELDS
from matching.consistency import PAIR_CHECKS

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_key_the_templates_use_is_in_both_languages() -> None:
    used: set[str] = set()
    for template in TEMPLATES_DIR.glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*'([a-z_0-9]+)'""", template.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in TEXT and not k.endswith("_"))  # role_ ~ user.role: below
    assert not missing, missing
    assert {f"role_{r}" for r in ("reviewer", "admin", "auditor", "applicant")} <= set(TEXT)
    assert {"severity_fail", "severity_doubt"} <= set(TEXT)
    for key, (zh, en) in TEXT.items():
        assert zh and en, key
        assert key == "switch_lang" or not CJK.search(en), f"{key}: English text is Chinese: {en}"  # names 中文


def test_templates_say_nothing_outside_the_tables() -> None:
    for template in TEMPLATES_DIR.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        without_tags = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", text, flags=re.S)
        words = [w for w in CJK.findall(without_tags)]
        assert "".join(words) in ("", "互认"), f"{template.name}: {''.join(words)}"  # the product's name only


def test_labels_for_fields_checks_and_audit_actions() -> None:
    for key in TYPED_FORM_FIELDS:
        assert key in FIELD, key
    for check in PAIR_CHECKS:
        assert check.check in CHECK, check.check
    for action in ACTION:
        assert action in TRAIL, action
    assert detail_zh("name: 张三 vs 张叁 (similarity 0.67)") == "姓名：张三 与 张叁（相似度 0.67）"
    assert detail_zh("registry: expired on 2025-01-31 (decision date 2025-06-01)") == (
        "登记库：已于 2025-01-31 过期（决定日期 2025-06-01）"
    )
