"""Page layouts for every document type, each returning the page and the ground truth it prints.

A certificate layout is a page format (A4 portrait, landscape booklet spread, landscape card, A5) plus a
field style (label：value on one line, bordered table, value below its label, two columns, and — held
out — header tables and bilingual labels). Labels, date styles and separators are drawn per document.
The truth records only what the page actually shows: a field that a layout leaves out is absent.

The blocks (`blocks`: field styles; `decorations`: border, footer and seal; `specs`: what each
certificate prints) are composed into pages by one module per document: `certificate`, `id_card`,
`form`, `unknown`; `catalogue` says which layouts each sample set draws.
"""

from __future__ import annotations

from samples.layouts.blocks import (
    BLOCKS,
    PHOTO_H,
    PHOTO_W,
    Built,
    FieldSpec,
    Truth,
    _pairable,
    _seed,
    _value_lines,
    block_below,
    block_header_table,
    block_inline,
    block_table,
    block_two_col,
    overflows,
)
from samples.layouts.catalogue import (
    CERT_LAYOUTS,
    FORM_LAYOUTS,
    HOLDOUT_CERT_LAYOUTS,
    HOLDOUT_FORM_LAYOUTS,
    ID_LAYOUTS,
    UNKNOWN_LAYOUTS,
)
from samples.layouts.certificate import certificate, items_table
from samples.layouts.decorations import footer, ornament_border
from samples.layouts.form import application_form, form_truth
from samples.layouts.id_card import id_card, id_card_truth
from samples.layouts.specs import EN, TITLES, assessment_specs, registration_specs, verifier_specs
from samples.layouts.unknown import unknown

__all__ = [
    "BLOCKS",
    "CERT_LAYOUTS",
    "EN",
    "FORM_LAYOUTS",
    "HOLDOUT_CERT_LAYOUTS",
    "HOLDOUT_FORM_LAYOUTS",
    "ID_LAYOUTS",
    "PHOTO_H",
    "PHOTO_W",
    "TITLES",
    "UNKNOWN_LAYOUTS",
    "Built",
    "FieldSpec",
    "Truth",
    # block helpers the randomiser's composers (samples/randomise) reuse
    "_pairable",
    "_seed",
    "_value_lines",
    "application_form",
    "assessment_specs",
    "block_below",
    "block_header_table",
    "block_inline",
    "block_table",
    "block_two_col",
    "certificate",
    "footer",
    "form_truth",
    "id_card",
    "id_card_truth",
    "items_table",
    "ornament_border",
    "overflows",
    "registration_specs",
    "unknown",
    "verifier_specs",
]
