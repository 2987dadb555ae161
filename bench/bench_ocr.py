"""Pages per second of Huren's whole extraction against plain RapidOCR (its defaults), same images, same run.

    .venv/bin/python bench/bench_ocr.py [SAMPLES_DIR] [--repeat N]

Both sides get the same raster pages (text-layer PDFs are left out: they need no OCR) and the same
label/geometry extraction, so the only difference is how the text was read.  Accuracy is exact
field match against the ground truth.  Printed: pages/s of each, the ratio, and accuracy of each.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from huren.domain import Page, TextLine
from ocr.engine import EngineConfig, get_engine
from ocr.evaluate import Report, score, truth_files
from ocr.ingest import iter_pages
from ocr.pipeline import extract_documents, extract_page, page_from_raw


def raster_samples(root: Path) -> list[Path]:
    out = []
    for path in truth_files(root):
        truth = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
        if truth.get("degradation") != "pdf_text":
            out.append(path)
    return out


def plain_rapidocr_page(ocr: object, image: np.ndarray, source: str, number: int) -> Page:
    result = ocr(image)  # type: ignore[operator]
    lines = []
    if result.boxes is not None:
        for quad, text, conf in zip(result.boxes, result.txts, result.scores, strict=False):
            q = np.asarray(quad)
            lines.append(
                TextLine(
                    text,
                    (float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max())),
                    float(conf),
                )
            )
    h, w = image.shape[:2]
    return Page(source=source, number=number, width=w, height=h, lines=lines, image=image)


def run(root: Path, repeat: int) -> None:
    from rapidocr import RapidOCR

    files = raster_samples(root)
    pages = [(p, raw) for p in files for raw in iter_pages(p)]
    print(f"{len(files)} files, {len(pages)} raster pages from {root}")
    plain = RapidOCR(params={"Global.log_level": "error"})
    engine = get_engine(EngineConfig())
    # Warm both up on one page so model loading is not timed.
    plain(pages[0][1].image)
    page_from_raw(pages[0][1], "warm", engine)

    timings: dict[str, float] = {}
    reports: dict[str, Report] = {}
    for name in ("rapidocr-defaults", "huren"):
        best = float("inf")
        for _ in range(repeat):
            report = Report()
            by_file: dict[Path, list] = {}
            started = time.perf_counter()
            for path, raw in pages:
                if name == "huren":  # with the search for several documents on the page, as `huren extract`
                    page = page_from_raw(raw, str(path), engine)
                    by_file.setdefault(path, []).extend(extract_documents(page, engine=engine))
                else:
                    assert raw.image is not None
                    page = plain_rapidocr_page(plain, raw.image, str(path), raw.number)
                    by_file.setdefault(path, []).append(extract_page(page))
            best = min(best, time.perf_counter() - started)
            for path, results in by_file.items():
                score(report, path, results)
        timings[name], reports[name] = best, report

    base, ours = timings["rapidocr-defaults"], timings["huren"]
    for name, t in timings.items():
        r = reports[name]
        print(
            f"{name:18s} {len(pages) / t:5.2f} pages/s  ({t:.1f} s)  doc type {r.doc_type.accuracy:.1%}  "
            f"fields clean {r.clean.accuracy:.1%}  degraded {r.degraded.accuracy:.1%}  "
            f"all {(r.clean.right + r.degraded.right) / max(1, r.clean.total + r.degraded.total):.1%}"
        )
    print(f"ratio huren / rapidocr-defaults: {base / ours:.2f}x pages per second")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", nargs="?", default="samples/documents", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    run(args.root, args.repeat)


if __name__ == "__main__":
    main()
