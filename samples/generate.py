"""Generate synthetic documents with ground truth: `python -m samples.generate --out DIR`.

Every file gets a `<file>.json` truth beside it; `DIR/registry.csv` holds the certificates as their
issuers would record them and `DIR/manifest.json` lists each person's files, so that extraction,
matching and grouping can all be measured against the same set. `--holdout` draws only with the fonts
reserved for it and favours layouts the normal set never uses, to measure generalisation honestly.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from matching.files import CONTENT_COLUMNS
from samples import degrade, layouts
from samples.fonts import FAMILIES, HOLDOUT_FONTS, NORMAL_FONTS, check_fonts, covers
from samples.layouts import Built
from samples.people import (
    FEMALE_CHARS,
    MALE_CHARS,
    RARE_GIVEN,
    RARE_SURNAMES,
    SURNAMES,
    CertNumbers,
    Person,
    make_person,
)
from samples.render import MM_PER_INCH, PdfPage, render_raster, write_pdf

REGISTRY_COLUMNS = CONTENT_COLUMNS  # exactly what `huren registry import` reads
DOC_TYPE_OF_CERT = {
    "registration": "registration_certificate",
    "assessment": "assessment_certificate",
    "verifier": "verifier_certificate",
}
SHORT = {
    "registration_certificate": "reg",
    "assessment_certificate": "asm",
    "verifier_certificate": "ver",
    "id_card_front": "idf",
    "id_card_back": "idb",
    "application_form": "form",
    "unknown": "unk",
}
HOLDOUT_SALT = 0x5EED_0DD


@dataclass(slots=True)
class Job:
    """One output file: the documents on its pages and how it is degraded and stored."""

    person: Person | None
    docs: list[tuple[str, Any]]  # (doc_type, certificate / layout hint)
    degradation: str = "clean"
    container: str = "single"  # single | pdf_bundle | tiff_bundle
    built: list[Built] = field(default_factory=list)


class LayoutCycle:
    """Hands out layouts round-robin per document type so every layout appears in a small set."""

    def __init__(self, rng: random.Random, holdout: bool) -> None:
        self.rng = rng
        self.holdout = holdout
        self.counters: Counter[str] = Counter()

    def next(self, key: str, normal: list[Any], held_out: list[Any]) -> Any:
        use_held_out = self.holdout and held_out and (not normal or self.rng.random() < 0.6)
        options = held_out if use_held_out else normal
        i = self.counters[key]
        self.counters[key] += 1
        return options[(i + (len(options) // 2 if self.holdout else 0)) % len(options)]


def _usable_chars(fonts: tuple[str, ...]) -> str:
    """Given-name characters every font of the run can draw (a tofu box would make the truth a lie)."""
    pool = set(MALE_CHARS + FEMALE_CHARS + RARE_GIVEN + SURNAMES + "".join(RARE_SURNAMES))
    return "".join(sorted(ch for ch in pool if all(covers(f, ch) for f in fonts)))


def _deck(n: int, rng: random.Random) -> list[str]:
    """Degradations for n single files: every kind a few times, the rest clean scans and text PDFs."""
    others = ["scan", "rotated", "photo", "blur", "jpeg", "faded", "fax", "pdf_image", "exif_rotated"]
    each = max(1, round(n * 0.06))
    deck = [d for d in others for _ in range(each)][:n]
    rest = n - len(deck)
    deck += ["pdf_text"] * (rest // 4) + ["clean"] * (rest - rest // 4)
    rng.shuffle(deck)
    return deck


def plan(people: list[Person], n_unknown: int, rng: random.Random) -> list[Job]:
    """Which files each person gets; every fifth person's certificate and ID come bundled in one file."""
    jobs: list[Job] = []
    for i, p in enumerate(people):
        certs = [(DOC_TYPE_OF_CERT[c.cert_type], c) for c in p.certificates]
        ids: list[tuple[str, Any]] = [("id_card_front", None), ("id_card_back", None)]
        if i % 5 == 2:
            jobs.append(Job(p, [certs[0], *ids], container="pdf_bundle"))
            jobs += [Job(p, [d]) for d in certs[1:]]
        elif i % 5 == 4:
            jobs.append(Job(p, ids, container="tiff_bundle"))
            jobs += [Job(p, [d]) for d in certs]
        else:
            jobs += [Job(p, [d]) for d in certs + ids]
        jobs.append(Job(p, [("application_form", None)]))
    jobs += [Job(None, [("unknown", None)]) for _ in range(n_unknown)]
    singles = [j for j in jobs if j.container == "single"]
    for job, deg in zip(singles, _deck(len(singles), rng), strict=True):
        job.degradation = deg
    for k, job in enumerate(j for j in jobs if j.container == "pdf_bundle"):
        job.degradation = ("pdf_text", "pdf_image")[k % 2]
    for k, job in enumerate(j for j in jobs if j.container == "tiff_bundle"):
        job.degradation = ("clean", "fax")[k % 2]
    return jobs


def build_docs(job: Job, fonts: tuple[str, ...], cycle: LayoutCycle, rng: random.Random) -> None:
    """Lay out every page of the job in one font (a text PDF needs a TrueType font reportlab can embed)."""
    pool = [f for f in fonts if FAMILIES[f].embeddable] if job.degradation == "pdf_text" else list(fonts)
    font = rng.choice(pool)
    for doc_type, extra in job.docs:
        if doc_type in layouts.CERT_LAYOUTS:
            fmt, style = cycle.next(doc_type, layouts.CERT_LAYOUTS[doc_type], layouts.HOLDOUT_CERT_LAYOUTS[doc_type])
            assert job.person is not None
            job.built.append(layouts.certificate(doc_type, fmt, style, job.person, extra, font, rng))
        elif doc_type in ("id_card_front", "id_card_back"):
            assert job.person is not None
            fmt = cycle.next(doc_type, layouts.ID_LAYOUTS, [])
            job.built.append(layouts.id_card(doc_type.split("_")[-1], fmt, job.person, font, rng))
        elif doc_type == "application_form":
            assert job.person is not None
            fmt = cycle.next(doc_type, layouts.FORM_LAYOUTS, layouts.HOLDOUT_FORM_LAYOUTS)
            job.built.append(layouts.application_form(fmt, job.person, font, rng))
        else:
            fmt = cycle.next(doc_type, layouts.UNKNOWN_LAYOUTS, [])
            job.built.append(layouts.unknown(fmt, rng, font))


def _extension(job: Job, page_mm: tuple[float, float], rng: random.Random) -> str:
    small = max(page_mm) < 120  # an ID card: uncompressed formats stay small enough
    deg = job.degradation
    if deg in ("pdf_text", "pdf_image"):
        return "pdf"
    if deg in ("photo", "jpeg", "exif_rotated"):
        return "jpg"
    if deg == "fax":
        return rng.choice(["png", "tif"])
    options = {
        "clean": ["jpg", "jpg", "jpg", "png", "tif"] + (["bmp", "png"] if small else []),
        "scan": ["jpg", "jpg", "tif"],
        "rotated": ["jpg", "png"],
        "blur": ["jpg", "webp"],
        "faded": ["jpg", "webp"] + (["bmp"] if small else []),
    }[deg]
    return rng.choice(options)


def _save_image(img: Image.Image, path: Path, result: degrade.Degraded, dpi: int, rng: random.Random) -> None:
    ext = path.suffix.lower()
    if ext == ".jpg":
        kwargs: dict[str, Any] = {"quality": result.jpeg_quality or rng.randint(80, 90), "dpi": (dpi, dpi)}
        if result.exif_orientation:
            exif = Image.Exif()
            exif[0x0112] = result.exif_orientation
            kwargs["exif"] = exif.tobytes()
        img.convert("RGB").save(path, "JPEG", **kwargs)
    elif ext == ".png":
        if img.mode == "RGB" and img.width * img.height > 1_500_000:
            img = img.quantize(colors=rng.choice([64, 128]), method=Image.Quantize.MEDIANCUT)  # an indexed-colour scan
        img.save(path, "PNG", optimize=True, dpi=(dpi, dpi))
    elif ext == ".tif":
        if img.mode == "1":
            img.save(path, "TIFF", compression="group4", dpi=(dpi, dpi))
        else:  # an indexed-colour scan, losslessly compressed: far smaller than JPEG-in-TIFF
            img.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(
                path, "TIFF", compression="tiff_adobe_deflate", dpi=(dpi, dpi)
            )
    elif ext == ".webp":
        img.convert("RGB").save(path, "WEBP", quality=82)
    elif ext == ".bmp":
        img.convert("RGB").save(path, "BMP")
    else:
        raise ValueError(ext)


def render_job(job: Job, out: Path, name: str, rng: random.Random) -> dict[str, Any]:
    """Render, degrade and store one job; returns its truth."""
    pages = [b.page for b in job.built]
    first = pages[0]
    ext = "tif" if job.container == "tiff_bundle" else _extension(job, (first.width, first.height), rng)
    path = out / f"{name}.{ext}"
    params: list[dict[str, Any]] = []
    dpis: list[int] = []
    deg = job.degradation
    if deg == "pdf_text":
        write_pdf(path, list(pages))
        dpis = []
    else:
        rendered: list[Image.Image] = []
        for page in pages:
            dpi = degrade.choose_dpi(deg, max(page.width, page.height), rng)
            if ext in ("bmp", "png") and deg != "fax":  # uncompressed / lossless colour: keep it small
                dpi = min(dpi, 170 if ext == "bmp" else 200)
            result = degrade.apply(deg, render_raster(page, dpi), rng)
            rendered.append(result.image)
            params.append(result.params)
            dpis.append(dpi)
            last = result
        if ext == "pdf":
            entries: list[PdfPage] = [
                (img, img.width / d * MM_PER_INCH, img.height / d * MM_PER_INCH)
                for img, d in zip(rendered, dpis, strict=True)
            ]
            write_pdf(path, entries)
        elif len(rendered) > 1:
            if deg == "fax":
                rendered[0].save(
                    path,
                    "TIFF",
                    save_all=True,
                    append_images=rendered[1:],
                    compression="group4",
                    dpi=(dpis[0], dpis[0]),
                )
            else:
                pal = [im.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT) for im in rendered]
                pal[0].save(
                    path,
                    "TIFF",
                    save_all=True,
                    append_images=pal[1:],
                    compression="tiff_adobe_deflate",
                    dpi=(dpis[0], dpis[0]),
                )
        else:
            _save_image(rendered[0], path, last, dpis[0], rng)
    truth: dict[str, Any] = {
        "person": job.person.pid if job.person else None,
        "degradation": deg,
        "layout": "+".join(dict.fromkeys(p.layout for p in pages)),
        "font": first.font,
        "container": job.container,
        "dpi": (dpis if len(dpis) > 1 else dpis[0]) if dpis else None,
        "degradation_params": params if len(params) > 1 else (params[0] if params else {}),
        "pages": [
            {"page": i, "doc_type": b.doc_type, "layout": b.page.layout, "fields": b.fields}
            for i, b in enumerate(job.built, 1)
        ],
    }
    (out / f"{path.name}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return {"file": path.name, **truth}


def registry_rows(people: list[Person]) -> list[dict[str, str]]:
    rows = []
    for p in people:
        for c in p.certificates:
            rows.append(
                {
                    "cert_type": c.cert_type,
                    "cert_number": c.cert_number,
                    "name": p.name,
                    "id_number": p.id_number,
                    "gender": p.gender,
                    "level": str(c.level or ""),
                    "categories": ";".join(c.categories),
                    "items": ";".join(c.items),
                    "issuing_authority": c.issuing_authority,
                    "valid_from": c.valid_from.isoformat() if c.valid_from else "",
                    "valid_until": c.valid_until.isoformat() if c.valid_until else "",
                    "status": "valid",
                    "employer": c.employer,
                }
            )
    return rows


def generate(out: Path, seed: int = 7, count: int = 14, holdout: bool = False) -> dict[str, Any]:
    """Write `count` people's documents (plus a few unknown pages) into `out`; returns the manifest."""
    fonts = HOLDOUT_FONTS if holdout else NORMAL_FONTS
    check_fonts(fonts)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed ^ HOLDOUT_SALT if holdout else seed)
    usable = _usable_chars(fonts)
    numbers = CertNumbers(rng)
    people = [make_person(i + 1, rng, numbers, usable, prefix="H" if holdout else "P") for i in range(count)]
    jobs = plan(people, max(2, count // 5), rng)
    cycle = LayoutCycle(rng, holdout)
    files: list[dict[str, Any]] = []
    counter: Counter[str] = Counter()
    for job in jobs:
        build_docs(job, fonts, cycle, rng)
        short = "bundle" if job.container != "single" else SHORT[job.built[0].doc_type]
        counter[short] += 1
        prefix = "h" if holdout else ""
        files.append(render_job(job, out, f"{prefix}{short}_{counter[short]:03d}", rng))
    with (out / "registry.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=REGISTRY_COLUMNS)
        writer.writeheader()
        writer.writerows(registry_rows(people))
    manifest: dict[str, Any] = {
        "seed": seed,
        "holdout": holdout,
        "count": count,
        "fonts": list(fonts),
        "people": {
            p.pid: {
                "name": p.name,
                "id_number": p.id_number,
                "files": [f["file"] for f in files if f["person"] == p.pid],
            }
            for p in people
        },
        "unknown": [f["file"] for f in files if f["person"] is None],
        "files": [
            {k: f[k] for k in ("file", "person", "degradation", "layout", "font", "container")}
            | {"doc_types": [pg["doc_type"] for pg in f["pages"]]}
            for f in files
        ],
        "pages": sum(len(f["pages"]) for f in files),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m samples.generate", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True, help="output directory (created if missing)")
    ap.add_argument("--seed", type=int, default=7, help="random seed; the same seed gives the same files")
    ap.add_argument("--count", type=int, default=14, help="number of synthetic people (≈5 pages each)")
    ap.add_argument(
        "--holdout", action="store_true", help="use only the reserved fonts (ukai, microhei) and held-out layouts"
    )
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    manifest = generate(args.out, args.seed, args.count, args.holdout)
    size = sum(f.stat().st_size for f in args.out.iterdir() if f.is_file())
    print(
        f"{len(manifest['files'])} files, {manifest['pages']} pages, {size / 1e6:.1f} MB in {args.out} "
        f"({time.perf_counter() - t0:.1f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
