"""Draw a set of randomised layouts: `python -m samples.randomise --out DIR --seed N --count M`.

Every file gets `<file>.json` beside it in the format of `samples/documents` (`pages[].doc_type` and
`pages[].fields` are the page's first document), plus what a page with several documents needs:
`pages[].documents`, each with `index`, `doc_type`, `fields`, `region` ([x0, y0, x1, y1] in the pixels
of the sheet before degradation) and `turn` (degrees counter-clockwise it lies turned on the sheet).
Families are dealt round-robin in a seed-shuffled order, so any set of at least eleven files holds each
of the dealt ones (`families.DEALT`); `--family` draws only the families named, among them those not
dealt by default (`id_photocopy`: both ID sides photocopied grey under diagonal copy marks). The truth
also records what was drawn over the documents (`overlays`: each `{"kind", "text"?}`).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from samples import degrade
from samples.fonts import FAMILIES as FONT_FAMILIES
from samples.fonts import check_fonts
from samples.generate import _usable_chars
from samples.people import CertNumbers, make_person
from samples.randomise.families import DEALT, FAMILIES, copy_marks
from samples.randomise.sheet import Sheet, photocopy, render

SALT = 0x12_5EED
# How pages reach us; a family's own preferences (a booklet is photographed) are added to these.
DEGRADATIONS: tuple[str, ...] = (
    "clean",
    "clean",
    "scan",
    "scan",
    "photocopy",
    "photo",
    "photo",
    "faded",
    "jpeg",
    "blur",
    "rotated",
)
FONTS: tuple[str, ...] = tuple(FONT_FAMILIES)  # every CJK font scripts/system-deps.sh installs


def _degrade(name: str, img: Image.Image, rng: random.Random) -> degrade.Degraded:
    return photocopy(img, rng) if name == "photocopy" else degrade.apply(name, img, rng)


def _dpi(sheet: Sheet, degradation: str, rng: random.Random) -> int:
    lo, hi = (170, 240) if degradation != "photo" else (200, 260)
    cap = int(degrade.MAX_SIDE / (max(sheet.width, sheet.height) / 25.4))
    return max(120, min(rng.randint(lo, hi), cap))


def draw_file(
    seed: int, index: int, family: str, numbers: CertNumbers, usable: str
) -> tuple[Sheet, str, random.Random]:
    """The sheet and degradation of file `index`: its own generator, so a file does not depend on others."""
    rng = random.Random(f"{seed}:{index}:{family}")
    person = make_person(index + 1, rng, numbers, usable, prefix="R")
    font = rng.choice(FONTS)
    sheet = FAMILIES[family](person, rng, font)
    if not sheet.overlays and len(sheet.placed) == 1 and rng.random() < 0.25:  # a copy marked for one use
        copy_marks(sheet, rng, [(0.0, 0.0, sheet.width, sheet.height)])
    degradation = rng.choice(sheet.only or DEGRADATIONS + sheet.prefer)
    return sheet, degradation, rng


def overlays_of(sheet: Sheet) -> list[dict[str, Any]]:
    """What is drawn over the documents (copy marks, QR codes), as the truth records it: kind and text."""
    drawn = [*sheet.overlays, *(ov for pl in sheet.placed for ov in pl.overlays)]
    return [{"kind": ov.kind, **({"text": ov.params["text"]} if "text" in ov.params else {})} for ov in drawn]


def truth_of(
    sheet: Sheet, regions: list[list[int]], degradation: str, params: dict[str, Any], dpi: int
) -> dict[str, Any]:
    documents = [
        {"index": i, "doc_type": pl.built.doc_type, "fields": pl.built.fields, "region": region, "turn": pl.turn}
        for i, (pl, region) in enumerate((pl, r) for pl, r in zip(sheet.placed, regions, strict=True) if pl.document)
    ]
    first = documents[0]
    page: dict[str, Any] = {
        "page": 1,
        "doc_type": first["doc_type"],
        "layout": f"randomise/{sheet.family}",
        "fields": first["fields"],
    }
    if len(documents) > 1:
        page["documents"] = documents
    else:
        page["region"] = first["region"]
    return {
        "generator": "samples.randomise",
        "family": sheet.family,
        "degradation": degradation,
        "layout": f"randomise/{sheet.family}",
        "font": sheet.font,
        "container": "single",
        "dpi": dpi,
        "degradation_params": params,
        "overlays": overlays_of(sheet),
        "pages": [page],
    }


def generate_set(out: Path, seed: int, count: int = 40, families: Sequence[str] = DEALT) -> dict[str, Any]:
    """Write `count` randomised pages of `families` with their truth into `out`; returns the manifest."""
    unknown = [f for f in families if f not in FAMILIES]
    if unknown or not families:
        raise ValueError(f"unknown layout families {unknown}; known: {', '.join(FAMILIES)}")
    check_fonts(FONTS)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed ^ SALT)
    usable = _usable_chars(FONTS)
    numbers = CertNumbers(random.Random(f"{seed}:numbers"))
    families = list(families)
    deck: list[str] = []
    files: list[dict[str, Any]] = []
    for i in range(count):
        if not deck:
            deck = rng.sample(families, len(families))
        family = deck.pop()
        sheet, degradation, frng = draw_file(seed, i, family, numbers, usable)
        dpi = _dpi(sheet, degradation, frng)
        image, regions = render(sheet, dpi)
        result = _degrade(degradation, image, frng)
        lossless = degradation in ("clean", "rotated")
        path = out / f"r{seed}_{i + 1:03d}_{family}.{'png' if lossless else 'jpg'}"
        img = result.image if result.image.mode in ("L", "RGB") else result.image.convert("RGB")
        if lossless:
            img.save(path, "PNG", dpi=(dpi, dpi))
        else:
            img.save(path, "JPEG", quality=result.jpeg_quality or frng.randint(78, 90), dpi=(dpi, dpi))
        truth = truth_of(sheet, regions, degradation, result.params, dpi)
        (out / f"{path.name}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        files.append({"file": path.name, "family": family, "degradation": degradation, "font": sheet.font})
    manifest = {"generator": "samples.randomise", "seed": seed, "count": count, "files": files}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m samples.randomise", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True, help="output directory (created if missing)")
    ap.add_argument("--seed", type=int, required=True, help="the same seed draws the same files")
    ap.add_argument("--count", type=int, default=40, help="number of pages")
    ap.add_argument(
        "--family", action="append", choices=list(FAMILIES), help="draw only these layout families (repeatable)"
    )
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    manifest = generate_set(args.out, args.seed, args.count, args.family or DEALT)
    print(f"{len(manifest['files'])} pages in {args.out} ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
