"""The form an applicant typed on the portal, as one more document of the application.

The portal's form (name, ID number, certificate number, level, authority, validity, categories,
employers) is what the applicant declares; the scans are what they prove it with. Screening treats
the typed form as an `application_form` page read with full confidence, so the cross-document
checks that already compare a scanned form with the ID card and the certificate (name, ID number,
gender, certificate number, level, authority, validity, categories) also catch a declaration that
the scans do not bear out, and the reissued certificate takes the new employer from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from huren.domain import DocType, ExtractedField, Extraction, FieldValueType, Quality

SOURCE = "网上申请表"
"""How reasons name it: 申请表（网上申请表 第1页）."""

FIELDS = (
    "name",
    "gender",
    "id_number",
    "title",
    "education",
    "phone",
    "cert_number",
    "level",
    "issuing_authority",
    "valid_from",
    "valid_until",
    "categories",
    "current_employer",
    "former_employer",
    "target_area",  # the area applied for (api.service stores it with the form): its employer should be there
)


def _value(raw: Any) -> FieldValueType:
    if isinstance(raw, list):
        return [str(v) for v in raw]
    if isinstance(raw, int | str):
        return raw.strip() if isinstance(raw, str) else raw
    return None if raw is None else str(raw)


def typed_form(form: Mapping[str, Any]) -> Extraction:
    """An `application_form` extraction of the stored form (dates are ISO strings already)."""
    fields = {
        key: ExtractedField(value, 1.0) for key in FIELDS if (value := _value(form.get(key))) not in (None, "", [])
    }
    return Extraction(
        source=SOURCE,
        page=1,
        doc_type=DocType.APPLICATION_FORM,
        doc_type_confidence=1.0,
        fields=fields,
        quality=Quality(text_layer=True),
    )
