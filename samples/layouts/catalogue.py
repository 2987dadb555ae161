"""Which layouts the normal and the held-out sample sets draw, per document type."""

from __future__ import annotations

CERT_LAYOUTS: dict[str, list[tuple[str, str]]] = {
    "registration_certificate": [("booklet", "inline"), ("a4", "table"), ("card", "below"), ("a4", "two_col")],
    "assessment_certificate": [("a4", "inline"), ("booklet", "below"), ("card", "table"), ("a5", "two_col")],
    "verifier_certificate": [("booklet", "inline"), ("a4", "table"), ("card", "two_col"), ("a5", "below")],
}
"""(page format, field style) pairs used in the normal set."""

HOLDOUT_CERT_LAYOUTS: dict[str, list[tuple[str, str]]] = {
    "registration_certificate": [("a4", "header_table"), ("card", "bilingual")],
    "assessment_certificate": [("a4", "header_table"), ("card", "bilingual")],
    "verifier_certificate": [("booklet", "header_table"), ("a4", "bilingual")],
}
"""Layouts only the held-out set uses, to measure generalisation to unseen layouts."""

ID_LAYOUTS = ["card", "card", "a4_copy", "card_mono"]
FORM_LAYOUTS = ["seed_table", "seed_table", "grid"]
HOLDOUT_FORM_LAYOUTS = ["lines"]
UNKNOWN_LAYOUTS = ["notice", "receipt"]
