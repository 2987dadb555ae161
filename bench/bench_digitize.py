"""Batch digitisation speed and memory, run by hand.

    .venv/bin/python bench/bench_digitize.py [--pages 500] [--ocr-pages 8] [--no-ray]

* a `--pages`-page PDF made by repeating the samples' text-layer pages (no OCR: measures the batch
  machinery, page rendering and extraction), run with the local engine at 1 and 2 workers;
* a `--ocr-pages`-frame TIFF of the verifier-certificate photo (every page OCR'd), 1 and 2 workers:
  the scaling ratio that matters on real scans;
* the Ray engine (local Ray, 2 actors) on the same pages: its overhead against the process pool;
* peak memory: the largest sum of resident memory of this process and all its children, sampled
  every 50 ms (psutil), plus `getrusage` maxima;
* `--cluster`: a real Ray cluster on loopback (tests/digitize/raycluster.py: root, a network
  namespace) with one node, then two, one CPU each, the driver `huren digitize --engine ray` on the
  OCR pages; then the journal writer's own rate and the scan bytes each page reads, and from them, on
  paper, what 50 nodes would do and where the bottleneck moves.
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digitize.run import RunOptions, run  # noqa: E402
from ocr.engine import EngineConfig  # noqa: E402

SAMPLES = ROOT / "samples" / "documents"
TEXT_PDFS = ("asm_005.pdf", "bundle_001.pdf", "bundle_005.pdf", "unk_002.pdf", "form_006.pdf")


def long_pdf(out: Path, pages: int) -> Path:
    import pypdfium2 as pdfium

    docs = [pdfium.PdfDocument(str(SAMPLES / n)) for n in TEXT_PDFS]
    flat = [(d, i) for d in docs for i in range(len(d))]
    target = pdfium.PdfDocument.new()
    for n in range(pages):
        doc, index = flat[n % len(flat)]
        target.import_pages(doc, [index])
    target.save(str(out))
    return out


def photo_tiff(out: Path, frames: int) -> Path:
    from PIL import Image

    img = Image.open(SAMPLES / "ver_001.jpg").convert("RGB")
    img.save(out, save_all=True, append_images=[img] * (frames - 1), compression="tiff_lzw")
    return out


class PeakMemory:
    """Largest RSS of this process + all descendants, sampled in a thread."""

    def __init__(self, every: float = 0.05) -> None:
        import psutil

        self._proc = psutil.Process()
        self._every = every
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            try:
                procs = [self._proc, *self._proc.children(recursive=True)]
            except psutil.Error:
                procs = [self._proc]
            for p in procs:
                with contextlib.suppress(psutil.Error):
                    total += p.memory_info().rss
            self.peak = max(self.peak, total)
            self._stop.wait(self._every)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure(label: str, inputs: list[Path], *, workers: int, engine: str, work: Path) -> float:
    out = Path(tempfile.mkdtemp(prefix=f"{engine}{workers}-", dir=work))
    threads = max(1, 2 // workers)
    started = time.perf_counter()
    with PeakMemory() as mem:
        summary = run(
            RunOptions(inputs=inputs, out=out, workers=workers, engine=engine, config=EngineConfig(threads=threads))
        )
    seconds = time.perf_counter() - started
    rate = summary["pages"] / seconds
    print(
        f"{label:<34} {engine:<5} workers={workers}  pages={summary['pages']:<4} {seconds:7.1f} s  "
        f"{rate:6.2f} pages/s  peak RSS (self+children) {mem.peak / 2**20:7.0f} MiB  failed={summary['failed']}",
        flush=True,
    )
    return rate


def cluster_rates(tiff: Path, work: Path) -> dict[int, float]:
    """pages/s of the driver on a Ray cluster of 1 and 2 nodes (one CPU each), from its own summary."""
    import json

    from tests.digitize.raycluster import Cluster, start

    rates: dict[int, float] = {}
    for nodes in (1, 2):
        cluster = Cluster()
        try:
            start(cluster, nodes)
            out = work / f"cluster{nodes}"
            run = cluster.digitize(tiff, out, "--workers", str(nodes))
            stdout, stderr = run.communicate(timeout=1800)
            if run.returncode != 0:
                raise RuntimeError(f"digitize on {nodes} node(s) failed: {stdout}\n{stderr}")
            summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
            rates[nodes] = summary["pages"] / summary["run"]["seconds"]
            print(
                f"Ray cluster, {nodes} node(s) × 1 CPU: {summary['pages']} OCR pages in {summary['run']['seconds']:.1f} s "
                f"= {rates[nodes]:.2f} pages/s · pages by node {list(summary['workers_by_node'].values())}",
                flush=True,
            )
        finally:
            cluster.stop()
    return rates


def journal_rate(work: Path, entries: int = 20_000) -> float:
    """Entries/s the driver's journal writer takes, in the run's batch size, fsync'd as in a run."""
    from digitize import outdir
    from digitize.run import JOURNAL_BATCH

    entry = {"key": "0" * 64 + ":1", "source": "/scans/box/0001.tif", "page": 1, "status": "ok", "doc_type": "x"}
    entry["fields"] = {f"f{i}": {"value": "苏2021207543", "confidence": 0.99, "bbox": [1, 2, 3, 4]} for i in range(10)}
    path = work / "journal-bench.jsonl"
    started = time.perf_counter()
    for n in range(0, entries, JOURNAL_BATCH):
        outdir.append_jsonl(path, [{**entry, "page": n + i} for i in range(JOURNAL_BATCH)])
    return entries / (time.perf_counter() - started)


def on_paper(rates: dict[int, float], journal: float, page_bytes: float, nodes: int = 50) -> None:
    per_node = rates[2] / 2
    scaling = rates[2] / rates[1]
    want = per_node * nodes
    print(
        f"\nscaling 2 nodes / 1 = {scaling:.2f}× · per node {per_node:.2f} pages/s (1 CPU each)\n"
        f"{nodes} nodes, on paper: ~{want:.0f} pages/s if it stays linear; then\n"
        f"  · the journal writer (one driver, fsync per batch) takes {journal:,.0f} entries/s here: "
        f"{'not' if journal > 5 * want else 'close to'} the bottleneck ({journal / want:.0f}× headroom);\n"
        f"  · the shared scan storage must serve {want * page_bytes / 2**20:.0f} MiB/s "
        f"({page_bytes / 2**10:.0f} KiB per page read): an NFS server on 1 GbE (~110 MiB/s) "
        f"{'is' if want * page_bytes / 2**20 > 110 else 'is not yet'} the limit;\n"
        f"  · the driver's own loop (ray.wait/get, one result ≈ a few KiB) and the registry import of the "
        f"records afterwards (bench/bench_matching.py) are sequential: the import runs once per box, after it."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--ocr-pages", type=int, default=8)
    parser.add_argument("--no-ray", action="store_true")
    parser.add_argument("--cluster", action="store_true", help="only the Ray cluster figures (needs root, ip netns)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-digitize-") as tmp:
        work = Path(tmp)
        pdf = long_pdf(work / "long.pdf", args.pages)
        tiff = photo_tiff(work / "photos.tif", args.ocr_pages)
        print(
            f"{pdf.name}: {args.pages} text-layer pages, {pdf.stat().st_size / 2**20:.1f} MiB · {tiff.name}: {args.ocr_pages} photo pages"
        )
        if args.cluster:
            rates = cluster_rates(tiff, work)
            on_paper(rates, journal_rate(work), tiff.stat().st_size / args.ocr_pages)
            return
        results: dict[tuple[str, str, int], float] = {}
        for name, inputs in (
            (f"{args.pages}-page text-layer PDF", [pdf]),
            (f"{args.ocr_pages} OCR pages (TIFF)", [tiff]),
        ):
            for workers in (1, 2):
                results[(name, "local", workers)] = measure(name, inputs, workers=workers, engine="local", work=work)
            if not args.no_ray:
                results[(name, "ray", 2)] = measure(name, inputs, workers=2, engine="ray", work=work)
        print()
        for name in {k[0] for k in results}:
            one, two = results[(name, "local", 1)], results[(name, "local", 2)]
            line = f"{name}: scaling 2 workers / 1 = {two / one:.2f}×"
            if (name, "ray", 2) in results:
                line += f" · ray / local at 2 workers = {results[(name, 'ray', 2)] / two:.2f}× the throughput"
            print(line)
        self_max = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child_max = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"getrusage maxrss: self {self_max:.0f} MiB · largest reaped child {child_max:.0f} MiB")


if __name__ == "__main__":
    main()
