"""Time to decide one 4-page application end to end (OCR → evidence → decision), the model already loaded,
against plain RapidOCR (its defaults, onnxruntime) only reading the same four pages.

    .venv/bin/python bench/bench_decision.py [--samples DIR] [--runs 5]

Huren runs on `HUREN_OCR_RUNTIME` (default `auto`), through `recognition.screening` (extract, then
verify and decide), the path the service's screening worker and `huren verify` take.  The two sides
alternate run by run (A B A B …, which goes first alternating too), so a machine busy with other work
slows both alike; the ratio is of the medians.  Process CPU seconds (every thread) are summed beside
them: on a shared machine the steadier figure.

Pages: a registration certificate, both sides of an ID card and the application form of one person,
as images (the OCR path, not a PDF text layer). Taken from `samples/documents` when it exists, else
generated once with `samples.generate` into a temporary directory. The registry is the sample set's
`registry.csv`, in memory.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.settings import Settings  # noqa: E402
from matching.registry import Registry  # noqa: E402
from ocr.engine import get_engine  # noqa: E402
from ocr.ingest import iter_pages  # noqa: E402
from recognition.screening import assess, extract  # noqa: E402

WANTED = ("registration_certificate", "id_card_front", "id_card_back", "application_form")


def as_image(path: Path, tmp: Path) -> Path:
    """A PDF page rasterised with pdftoppm (200 dpi), so every page goes through OCR."""
    if path.suffix.lower() != ".pdf":  # every image kind Huren reads goes in as it is
        return path
    stem = tmp / path.stem
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(path), str(stem)], check=True)
    return stem.with_suffix(".png")


def pick_application(root: Path, tmp: Path) -> list[Path]:
    """One person's four single-page files, one of each wanted type, as images."""
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    by_file = {f["file"]: f for f in manifest["files"]}
    for person in manifest["people"].values():
        chosen: dict[str, Path] = {}
        for name in person["files"]:
            f = by_file[name]
            if len(f["doc_types"]) == 1:
                chosen.setdefault(f["doc_types"][0], root / name)
        if all(t in chosen for t in WANTED):
            return [as_image(chosen[t], tmp) for t in WANTED]
    raise SystemExit(f"{root}: no person with all four documents as single files")


def sample_root(given: Path | None) -> Path:
    if given is not None:
        return given
    committed = ROOT / "samples" / "documents"
    if (committed / "manifest.json").is_file():
        return committed
    from samples.generate import generate

    out = Path(tempfile.mkdtemp(prefix="huren-bench-"))
    generate(out, seed=5, count=6)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=Path, default=None)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--as-of", default="2025-06-01")
    args = ap.parse_args()
    root = sample_root(args.samples)
    files = pick_application(root, Path(tempfile.mkdtemp(prefix="huren-bench-pages-")))
    registry = Registry.from_csv(root / "registry.csv")
    as_of = date.fromisoformat(args.as_of)

    t0 = time.perf_counter()
    engine_config = Settings().engine_config()
    engine = get_engine(engine_config)  # loaded here to time it; `extract` then finds it loaded
    load = time.perf_counter() - t0
    from rapidocr import RapidOCR

    plain_ocr = RapidOCR(params={"Global.log_level": "error"})
    images = [raw.image for f in files for raw in iter_pages(f) if raw.image is not None]

    cpu_seconds = {"huren": 0.0, "plain": 0.0}  # process CPU, every thread, summed over the timed runs

    def plain() -> float:
        start, cpu = time.perf_counter(), time.process_time()
        for image in images:
            plain_ocr(image)
        cpu_seconds["plain"] += time.process_time() - cpu
        return time.perf_counter() - start

    def once() -> tuple[float, float, str, list[str]]:
        start, cpu = time.perf_counter(), time.process_time()
        extracted = extract(files, engine_config)  # `screen` in two steps, to time the second
        ocr_done = time.perf_counter()
        decision = assess(extracted, registry, as_of).decision
        end = time.perf_counter()
        cpu_seconds["huren"] += time.process_time() - cpu
        return end - start, end - ocr_done, decision.outcome, [r.code for r in decision.reasons]

    once()  # warm-up: first inference allocates
    plain()
    cpu_seconds.update(huren=0.0, plain=0.0)
    load_before = os.getloadavg()[0]
    runs, plain_runs = [], []
    for i in range(args.runs):
        if i % 2:
            plain_runs.append(plain())
            runs.append(once())
        else:
            runs.append(once())
            plain_runs.append(plain())
    totals = [r[0] for r in runs]
    decide_ms = [r[1] * 1000 for r in runs]
    print(f"samples: {root}")
    print(f"files: {', '.join(f.name for f in files)}")
    print(f"engine: {engine.version} (loaded in {load:.2f} s)")
    print(f"outcome: {runs[-1][2]} {runs[-1][3]}")
    print(
        f"end to end, 4 pages: median {statistics.median(totals):.2f} s, min {min(totals):.2f} s, "
        f"max {max(totals):.2f} s over {args.runs} runs"
    )
    print(f"of which matching + decision: median {statistics.median(decide_ms):.1f} ms")
    print(
        f"plain RapidOCR (defaults, onnxruntime) reading the same {len(images)} pages: median "
        f"{statistics.median(plain_runs):.2f} s, min {min(plain_runs):.2f} s, max {max(plain_runs):.2f} s"
    )
    print(f"ratio plain RapidOCR / Huren end to end: {statistics.median(plain_runs) / statistics.median(totals):.2f}x")
    huren_cpu, plain_cpu = cpu_seconds["huren"] / args.runs, cpu_seconds["plain"] / args.runs
    print(
        f"CPU seconds a run: Huren {huren_cpu:.2f}, plain RapidOCR {plain_cpu:.2f}, ratio {plain_cpu / huren_cpu:.2f}x"
        f" (load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
