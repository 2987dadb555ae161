"""Pages per second and field accuracy of Huren's extraction against plain OCR engines, same pages, one run.

    .venv/bin/python bench/bench_ocr.py [SAMPLES_DIR] [--rounds 3] [--pages 1 10 100]

Contestants (each reads the page, then the same label/geometry extraction turns its lines into fields):

* `huren`               Huren's reader on `HUREN_OCR_RUNTIME` (default `auto`: OpenVINO where it loads)
* `huren-onnxruntime`   Huren's reader forced onto onnxruntime (what an ARM server gets)
* `rapidocr-ort`        plain RapidOCR with its defaults (onnxruntime): the yardstick, ratio 1.00
* `rapidocr-openvino`   plain RapidOCR with its defaults but the OpenVINO engine, same shipped models
* `faster-paddle`       the Rust port's Python package, when it is installed (`pip install faster-paddle`)

Pages are the raster pages of the samples (text-layer PDFs need no OCR), cycled to reach each
`--pages` count.  Rounds are interleaved: every round runs every contestant over the same pages, in
an order rotated each round, so a machine busy with other work slows them all alike; pages/s is the
total pages over the total time of all rounds.  Models are loaded and warmed before timing.  CPU
seconds (the whole process, every thread) are counted beside the wall clock: on a machine shared with
other work they are the steadier measure, and their ratios are printed too, with the load average.
Accuracy is exact match of every ground-truth field (and the document type) over the pages read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.settings import Settings
from huren.domain import Extraction, Page, TextLine
from ocr.engine import EngineConfig, get_engine
from ocr.evaluate import same, truth_files
from ocr.ingest import RawPage, iter_pages
from ocr.pipeline import extract_documents, extract_page, page_from_raw

YARDSTICK = "rapidocr-ort"
Reader = Callable[[RawPage, str], list[Extraction]]  # read the page, extract every document on it


@dataclass(slots=True)
class Sample:
    path: Path
    raw: RawPage
    truth: dict[str, object]  # the ground truth of this page: doc_type and fields


@dataclass(slots=True)
class Tally:
    seconds: float = 0.0
    cpu: float = 0.0  # process CPU seconds, all threads
    pages: int = 0
    right: int = 0
    total: int = 0
    mistakes: list[str] = field(default_factory=list)


def raster_samples(root: Path) -> list[Sample]:
    out = []
    for path in truth_files(root):
        truth = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
        if truth.get("degradation") == "pdf_text":
            continue
        pages = {int(p.get("page", 1)): p for p in truth["pages"]}
        for raw in iter_pages(path):
            if raw.image is not None and raw.number in pages:
                out.append(Sample(path, raw, pages[raw.number]))
    return out


def lines_page(boxes: object, texts: object, scores: object, image: np.ndarray, source: str, number: int) -> Page:
    """A plain engine's output as Huren's page: one line per box."""
    lines = []
    for quad, text, conf in zip(boxes if boxes is not None else (), texts or (), scores or (), strict=False):  # type: ignore[call-overload]
        q = np.asarray(quad, dtype=np.float32).reshape(-1, 2)
        bbox = (float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max()))
        lines.append(TextLine(str(text), bbox, float(conf)))
    h, w = image.shape[:2]
    return Page(source=source, number=number, width=w, height=h, lines=lines, image=image)


def plain_rapidocr(runtime: str) -> Reader:
    """RapidOCR as a user gets it: its own defaults, only the engine named (models from the wheel)."""
    from rapidocr import EngineType, RapidOCR

    params: dict[str, object] = {"Global.log_level": "error"}
    for stage in ("Det", "Cls", "Rec"):
        params[f"{stage}.engine_type"] = EngineType(runtime)
    ocr = RapidOCR(params=params)

    def read(raw: RawPage, source: str) -> list[Extraction]:
        assert raw.image is not None
        out: Any = ocr(raw.image)
        return [extract_page(lines_page(out.boxes, out.txts, out.scores, raw.image, source, raw.number))]

    return read


def faster_paddle() -> Reader | None:
    """The Rust port, when installed: its small models (tiny loses too many fields), encoded image in."""
    try:
        import faster_paddle as fp
    except ImportError:
        return None
    import cv2

    ocr = fp.OcrEngine(model_size="small")

    def read(raw: RawPage, source: str) -> list[Extraction]:
        assert raw.image is not None
        encoded = cv2.imencode(".bmp", raw.image)[1].tobytes()  # lossless and nearly free to encode
        bounds = list(ocr.ocr(encoded)["bounds"].values())
        boxes = [[b["topLeftCoord"], b["bottomRightCoord"]] for b in bounds]
        texts, scores = [b["text"] for b in bounds], [b["confidence"] for b in bounds]
        return [extract_page(lines_page(boxes, texts, scores, raw.image, source, raw.number))]

    return read


def huren_reader(config: EngineConfig) -> tuple[Reader, str]:
    engine = get_engine(config)
    # with the search for several documents on one page, as `huren extract` does
    return (lambda raw, source: extract_documents(page_from_raw(raw, source, engine), engine=engine)), engine.version


def contestants() -> dict[str, Reader]:
    settings_config = Settings().engine_config()
    huren, version = huren_reader(settings_config)
    huren_ort, version_ort = huren_reader(replace(settings_config, runtime="onnxruntime"))
    print(f"huren: {version}\nhuren-onnxruntime: {version_ort}")
    out: dict[str, Reader] = {"huren": huren, "huren-onnxruntime": huren_ort, YARDSTICK: plain_rapidocr("onnxruntime")}
    try:
        out["rapidocr-openvino"] = plain_rapidocr("openvino")
    except Exception as exc:  # OpenVINO missing or broken here: say so, compare the rest
        print(f"rapidocr-openvino: not available ({type(exc).__name__}: {exc})")
    fp = faster_paddle()
    print("faster-paddle: " + ("installed" if fp else "not installed, left out"))
    if fp is not None:
        out["faster-paddle"] = fp
    return out


def check(sample: Sample, extractions: list[Extraction], tally: Tally) -> None:
    """Count the page's document type and each of its truth fields, right or wrong."""
    truth = sample.truth
    extraction = next((e for e in extractions if str(e.doc_type) == truth["doc_type"]), extractions[0])
    fields: dict[str, object] = truth.get("fields", {})  # type: ignore[assignment]
    items: list[tuple[str, object, object]] = [("doc_type", truth["doc_type"], str(extraction.doc_type))]
    items += [(k, v, extraction.value(k)) for k, v in fields.items()]
    for key, expected, got in items:
        ok = same(expected, got)
        tally.right += ok
        tally.total += 1
        if not ok:
            tally.mistakes.append(f"{sample.path.name} p{sample.raw.number} {key}: {expected!r} != {got!r}")


def run(readers: dict[str, Reader], samples: list[Sample], rounds: int) -> dict[str, Tally]:
    tallies = {name: Tally() for name in readers}
    names = list(readers)
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            read, tally = readers[name], tallies[name]
            extractions = []
            started, cpu = time.perf_counter(), time.process_time()
            for sample in samples:
                extractions.append(read(sample.raw, str(sample.path)))
            tally.seconds += time.perf_counter() - started
            tally.cpu += time.process_time() - cpu
            tally.pages += len(samples)
            if r == 0:
                for sample, extraction in zip(samples, extractions, strict=True):
                    check(sample, extraction, tally)
    return tallies


def report(tallies: dict[str, Tally], count: int, rounds: int, load: tuple[float, float]) -> None:
    base, base_cpu = tallies[YARDSTICK].seconds, tallies[YARDSTICK].cpu
    print(f"\n{count} pages x {rounds} rounds, interleaved; load average {load[0]:.1f} before, {load[1]:.1f} after")
    print(f"{'contestant':20s} {'pages/s':>8s} {'ratio':>6s} {'CPU-s/page':>10s} {'CPU ratio':>9s}  fields right")
    for name, t in tallies.items():
        print(
            f"{name:20s} {t.pages / t.seconds:8.2f} {base / t.seconds:5.2f}x {t.cpu / t.pages:10.3f} "
            f"{base_cpu / t.cpu:8.2f}x  {t.right}/{t.total} ({t.right / max(1, t.total):.1%})"
        )
    if "huren" in tallies and "rapidocr-openvino" in tallies:
        ours, ov = tallies["huren"], tallies["rapidocr-openvino"]
        print(f"huren / rapidocr-openvino: {ov.seconds / ours.seconds:.2f}x wall, {ov.cpu / ours.cpu:.2f}x CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", nargs="?", default="samples/documents", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--pages", type=int, nargs="*", default=[], help="page counts to run (default: every page once)"
    )
    parser.add_argument("--only", nargs="*", default=None, help="contestants to run (default: all)")
    parser.add_argument("--mistakes", action="store_true", help="list every wrong field")
    args = parser.parse_args()

    samples = raster_samples(args.root)
    print(f"{len(samples)} raster pages from {args.root}")
    readers = contestants()
    if args.only:
        readers = {k: v for k, v in readers.items() if k in args.only or k == YARDSTICK}
    for name, read in readers.items():  # load and warm every model before anything is timed
        read(samples[0].raw, "warm-up")
        print(f"warmed {name}")
    for count in args.pages or [len(samples)]:
        chosen = [samples[i % len(samples)] for i in range(count)]
        before = os.getloadavg()[0]
        tallies = run(readers, chosen, args.rounds)
        report(tallies, count, args.rounds, (before, os.getloadavg()[0]))
        if args.mistakes:
            for name, t in tallies.items():
                for m in t.mistakes:
                    print(f"  {name}: {m}")


if __name__ == "__main__":
    main()
