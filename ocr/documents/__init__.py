"""Document-type specs, one module per type; `SPECS` is the list extraction and classification use."""

from huren.domain import DocType
from ocr.documents import application_form, assessment, id_card, registration, verifier
from ocr.documents.base import DocSpec, FieldSpec

SPECS: tuple[DocSpec, ...] = (
    registration.SPEC,
    assessment.SPEC,
    verifier.SPEC,
    id_card.FRONT,
    id_card.BACK,
    application_form.SPEC,
)
BY_TYPE: dict[DocType, DocSpec] = {spec.doc_type: spec for spec in SPECS}

__all__ = ["BY_TYPE", "SPECS", "DocSpec", "FieldSpec"]
