"""Corrections become training data: reviewed field crops with the text a person confirmed.

A field counts once a reviewer confirmed or corrected it (`corrections.jsonl`). Only fields whose
stored value is the printed text are exported — names, ID and certificate numbers, authorities,
employers; dates, levels and categories are stored normalised (`2023-05-01`, `1`), not as printed
(`2023年5月1日`, `一级`), and would teach a recogniser the wrong characters.

* `ppocrlabel`: PPOCRLabel's recognition export, `rec_gt.txt` (`crop_img/NAME.png<TAB>text` a line)
  beside the `crop_img/` folder — what PaddleOCR's recogniser fine-tuning reads.
* `labelstudio`: `tasks.json`, a Label Studio import of one task per crop with the text as a finished
  annotation (`textarea` named `transcription` over `image`), the crops under `images/`.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from digitize import outdir
from digitize.errors import DigitizeError
from digitize.records import Row, latest_corrections
from digitize.review import save_crop

PRINTED_AS_STORED = ("name", "id_number", "cert_number", "issuing_authority", "employer")
FORMATS = ("ppocrlabel", "labelstudio")


@dataclass(slots=True)
class Sample:
    row: Row
    field: str
    text: str
    crop: Path


def samples(run_dir: Path, rows: list[Row]) -> Iterator[Sample | DigitizeError]:
    """Every reviewed text field with its crop; a crop that cannot be cut is yielded as its error."""
    reviewed = latest_corrections(outdir.read_jsonl(run_dir / outdir.CORRECTIONS))
    for row in rows:
        for field in PRINTED_AS_STORED:
            text = row.values.get(field, "").strip()
            if (row.row_id, field) not in reviewed or not text:
                continue
            try:
                yield Sample(row, field, text, save_crop(run_dir, row, field))
            except DigitizeError as exc:
                exc.message = f"{row.row_id} {field}: {exc.message}"
                yield exc


def write(fmt: str, run_dir: Path, rows: list[Row], dest: Path) -> tuple[int, list[DigitizeError]]:
    """The reviewed crops in `fmt` under `dest`; the count written and the crops that failed."""
    if fmt not in FORMATS:
        raise DigitizeError(f"unknown format {fmt!r} ({' | '.join(FORMATS)})", code="format_unknown")
    images = dest / ("crop_img" if fmt == "ppocrlabel" else "images")
    images.mkdir(parents=True, exist_ok=True)
    written: list[Sample] = []
    failed: list[DigitizeError] = []
    for item in samples(run_dir, rows):
        if isinstance(item, DigitizeError):
            failed.append(item)
            continue
        shutil.copyfile(item.crop, images / item.crop.name)
        written.append(item)
    if fmt == "ppocrlabel":
        lines = [f"crop_img/{s.crop.name}\t{s.text}\n" for s in written]
        outdir.atomic_write_text(dest / "rec_gt.txt", "".join(lines))
    else:
        tasks = [
            {
                "data": {
                    "image": f"images/{s.crop.name}",
                    "field": s.field,
                    "source": s.row.source,
                    "page": s.row.page,
                },
                "annotations": [
                    {
                        "result": [
                            {
                                "from_name": "transcription",
                                "to_name": "image",
                                "type": "textarea",
                                "value": {"text": [s.text]},
                            }
                        ]
                    }
                ],
            }
            for s in written
        ]
        outdir.atomic_write_text(dest / "tasks.json", json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
    return len(written), failed
