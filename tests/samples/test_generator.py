"""Fast checks of the synthetic document generator: truth files are sound, runs are reproducible."""

from __future__ import annotations

import csv
import hashlib
import json
import random
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from huren.domain import CATEGORIES, DocType
from huren.normalize import id_number_gender, id_number_valid
from samples import layouts
from samples.fonts import HOLDOUT_FONTS, NORMAL_FONTS
from samples.generate import DOC_TYPE_OF_CERT, REGISTRY_COLUMNS, generate
from samples.page import Composer, Page, Text
from samples.people import CertNumbers, make_person

COUNT = 6  # people: ≈ 30 pages, a few seconds


@pytest.fixture(scope="module")
def normal_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("normal")
    generate(out, seed=11, count=COUNT)
    return out


def _truths(out: Path) -> dict[str, dict]:
    return {
        p.name[: -len(".json")]: json.loads(p.read_text(encoding="utf-8"))
        for p in out.glob("*.json")
        if p.name != "manifest.json"
    }


def test_every_file_has_a_parsable_truth(normal_set: Path) -> None:
    truths = _truths(normal_set)
    data_files = {p.name for p in normal_set.iterdir() if p.suffix not in (".json", ".csv")}
    assert data_files == set(truths)
    for name, truth in truths.items():
        assert {"person", "degradation", "layout", "font", "pages"} <= truth.keys(), name
        assert truth["pages"] and [pg["page"] for pg in truth["pages"]] == list(range(1, len(truth["pages"]) + 1))
        for page in truth["pages"]:
            DocType(page["doc_type"])
            assert isinstance(page["fields"], dict)


def test_field_values_are_canonical(normal_set: Path) -> None:
    for name, truth in _truths(normal_set).items():
        for page in truth["pages"]:
            f = page["fields"]
            if "id_number" in f:
                assert id_number_valid(f["id_number"]), (name, f["id_number"])
                if "gender" in f:
                    assert id_number_gender(f["id_number"]) == f["gender"], name
            for key in ("valid_from", "valid_until", "issue_date", "birth_date", "application_date"):
                if f.get(key) is not None:
                    assert len(f[key]) == 10 and f[key][4] == "-" and f[key][7] == "-", (name, key)
            if "level" in f:
                assert f["level"] in (1, 2)
            if "categories" in f:
                assert f["categories"] == [c for c in CATEGORIES if c in f["categories"]]
            if "items" in f:
                assert 1 <= len(f["items"]) <= 5 and all(isinstance(i, str) for i in f["items"])
            if page["doc_type"] == "unknown":
                assert f == {}


def test_every_doc_type_is_present(normal_set: Path) -> None:
    seen = {pg["doc_type"] for t in _truths(normal_set).values() for pg in t["pages"]}
    assert seen == {str(d) for d in DocType}


def test_images_open_and_exif_orientation_makes_them_upright(normal_set: Path) -> None:
    for name, truth in _truths(normal_set).items():
        path = normal_set / name
        if path.suffix == ".pdf":
            assert path.read_bytes().startswith(b"%PDF")
            continue
        with Image.open(path) as img:
            img.load()
            if truth["degradation"] == "exif_rotated":
                stored = img.size
                upright = ImageOps.exif_transpose(img)
                assert truth["degradation_params"]["exif_orientation"] in (3, 6, 8)
                if truth["degradation_params"]["exif_orientation"] in (6, 8):
                    assert upright.size == stored[::-1]


def test_registry_and_manifest(normal_set: Path) -> None:
    with (normal_set / "registry.csv").open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == REGISTRY_COLUMNS
        rows = list(reader)
    numbers = {r["cert_number"] for r in rows}
    assert len(numbers) == len(rows)
    for t in _truths(normal_set).values():
        for page in t["pages"]:
            if page["doc_type"].endswith("_certificate"):
                assert page["fields"]["cert_number"] in numbers
    manifest = json.loads((normal_set / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["people"]) == COUNT
    for person in manifest["people"].values():
        assert all((normal_set / f).is_file() for f in person["files"])


def test_normal_set_uses_no_reserved_font(normal_set: Path) -> None:
    assert {t["font"] for t in _truths(normal_set).values()} <= set(NORMAL_FONTS)


def _digest(out: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(out.iterdir()):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def test_deterministic_for_a_seed(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, seed=3, count=2)
    generate(b, seed=3, count=2)
    generate(c, seed=4, count=2)
    assert _digest(a) == _digest(b)
    assert _digest(a) != _digest(c)


def test_holdout_uses_only_reserved_fonts_and_unseen_layouts(tmp_path: Path) -> None:
    generate(tmp_path, seed=5, count=4, holdout=True)
    truths = _truths(tmp_path)
    assert {t["font"] for t in truths.values()} <= set(HOLDOUT_FONTS)
    layouts = {pg["layout"] for t in truths.values() for pg in t["pages"]}
    unseen = {"header_table", "bilingual", "form/lines"}
    assert any(any(u in lay for u in unseen) for lay in layouts)


def _text_boxes(page: Page) -> list[tuple[float, float, float, float, str]]:
    c = Composer(page.width, page.height, page.font, page.layout)
    boxes = []
    for op in page.ops:
        if isinstance(op, Text) and op.text.strip():
            w = c.width(op.text, op.size, op.bold, op.spacing)
            left = op.x - {"l": 0.0, "c": w / 2, "r": w}[op.anchor]
            boxes.append((left, op.y + op.size * 0.1, left + w, op.y + op.size * 0.95, op.text))
    return boxes


def test_layouts_keep_text_on_the_page_and_apart() -> None:
    """Every layout, in a wide and a narrow font, with no text off the page or on top of other text."""
    rng = random.Random(2)
    numbers = CertNumbers(rng)
    built = []
    for i in range(4):
        person = make_person(i, rng, numbers, "")
        for cert in person.certificates:
            doc_type = DOC_TYPE_OF_CERT[cert.cert_type]
            for fmt, style in layouts.CERT_LAYOUTS[doc_type] + layouts.HOLDOUT_CERT_LAYOUTS[doc_type]:
                for font in ("wqy-zenhei", "noto-serif-cjk"):
                    built.append(layouts.certificate(doc_type, fmt, style, person, cert, font, rng))
        for fmt in layouts.FORM_LAYOUTS + layouts.HOLDOUT_FORM_LAYOUTS:
            built.append(layouts.application_form(fmt, person, "arphic-uming", rng))
        for side in ("front", "back"):
            for fmt in sorted(set(layouts.ID_LAYOUTS)):
                built.append(layouts.id_card(side, fmt, person, "noto-sans-cjk", rng))
    for b in built:
        assert not layouts.overflows(b.page), b.page.layout
        boxes = _text_boxes(b.page)
        for i, a in enumerate(boxes):
            for c in boxes[i + 1 :]:
                ix = min(a[2], c[2]) - max(a[0], c[0])
                iy = min(a[3], c[3]) - max(a[1], c[1])
                assert not (ix > 0.3 and iy > 0.3), (b.page.layout, a[4], c[4])
