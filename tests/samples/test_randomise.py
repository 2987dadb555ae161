"""The layout randomiser: deterministic per seed, new layouts per seed, truth that the page really prints."""

from __future__ import annotations

import hashlib
import json
import random
import re
from pathlib import Path

import pytest
from PIL import Image

from huren.normalize import id_number_valid
from ocr.evaluate import documents_of
from samples.generate import _usable_chars
from samples.page import Composer, Sprite, Text
from samples.people import CertNumbers, make_person
from samples.randomise import DEALT, FAMILIES, compose, generate_set
from samples.randomise.generate import FONTS
from samples.randomise.sheet import Sheet

SEED = 424242
COUNT = len(DEALT)  # one of each family dealt by default


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("randomised")
    generate_set(out, SEED, COUNT)
    return out


def _truths(out: Path) -> dict[str, dict]:
    return {
        p.name[: -len(".json")]: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(out.glob("*.json"))
        if p.name != "manifest.json"
    }


def _digest(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}


def test_every_family_is_drawn(drawn: Path) -> None:
    families = {t["family"] for t in _truths(drawn).values()}
    assert families == set(DEALT), set(DEALT) - families


def test_same_seed_same_files(drawn: Path, tmp_path: Path) -> None:
    generate_set(tmp_path, SEED, 2)
    first = _digest(drawn)
    again = _digest(tmp_path)
    for name, digest in again.items():
        if name != "manifest.json":
            assert first[name] == digest, name


def test_other_seeds_draw_other_layouts(drawn: Path, tmp_path: Path) -> None:
    generate_set(tmp_path, SEED + 1, COUNT)
    mine = _truths(drawn)
    other = _truths(tmp_path)
    pages = lambda ts: {json.dumps(t["pages"], sort_keys=True, ensure_ascii=False) for t in ts.values()}  # noqa: E731
    assert not pages(mine) & pages(other)
    order = lambda ts: [t["family"] for t in ts.values()]  # noqa: E731
    looks = lambda ts: {(t["family"], t["font"], t["degradation"]) for t in ts.values()}  # noqa: E731
    assert order(mine) != order(other) or looks(mine) != looks(other)


def test_truth_is_backward_compatible_and_regions_lie_on_the_page(drawn: Path) -> None:
    for name, truth in _truths(drawn).items():
        image = Image.open(drawn / name)
        assert len(truth["pages"]) == 1
        page = truth["pages"][0]
        docs = documents_of(page)
        assert page["doc_type"] == docs[0]["doc_type"] and page["fields"] == docs[0]["fields"], name
        for doc in page.get("documents", []):
            x0, y0, x1, y1 = doc["region"]
            assert 0 <= x0 < x1 and 0 <= y0 < y1, (name, doc["region"])
            if truth["degradation"] in ("clean", "photocopy", "scan"):  # the sheet is not reframed
                assert x1 <= image.width + 2 and y1 <= image.height + 2, (name, doc["region"], image.size)
        if truth["family"] == "id_both_sides":
            assert sorted(d["doc_type"] for d in docs) == ["id_card_back", "id_card_front"], name
        if truth["family"] == "cert_and_id":
            assert len(docs) >= 2 and "id_card_front" in {d["doc_type"] for d in docs}, name


def _printed(sheet: Sheet, index: int) -> str:
    page = [pl for pl in sheet.placed if pl.document][index].built.page
    return re.sub(r"\s", "", "".join(op.text for op in page.ops if isinstance(op, Text)))


def _expected_strings(doc_type: str, fields: dict) -> list[str]:
    """Values that must appear verbatim (dates and levels are written in many styles, so their years;
    a signature or a seal is a mark, not text)."""
    out = []
    for key, value in fields.items():
        if value is None or key in ("level", "gender") or isinstance(value, bool):
            continue
        if isinstance(value, list):
            out += [str(v) for v in value]
        elif re.fullmatch(r"\d{4}-\d\d-\d\d", str(value)):
            out.append(str(value)[:4])
        else:
            out.append(str(value))
    return out


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_truth_is_what_the_page_prints(family: str) -> None:
    usable = _usable_chars(FONTS)
    hanzi_years = str.maketrans("〇一二三四五六七八九", "0123456789")
    for k in range(3):
        rng = random.Random(f"truth:{family}:{k}")
        person = make_person(k + 1, rng, CertNumbers(rng), usable)
        sheet = FAMILIES[family](person, rng, rng.choice(FONTS))
        documents = [pl.built for pl in sheet.placed if pl.document]
        assert documents, family
        for i, built in enumerate(documents):
            printed = _printed(sheet, i)
            for expected in _expected_strings(built.doc_type, built.fields):
                target = re.sub(r"\s", "", expected)
                assert target in printed or target in printed.translate(hanzi_years), (family, k, expected)
            if "id_number" in built.fields:
                assert id_number_valid(built.fields["id_number"])
            if built.doc_type == "registration_certificate":
                assert set(built.fields) >= {"name", "cert_number", "level", "categories", "issuing_authority"}


def _where(built_page: object, text: str) -> tuple[float, float, float]:
    op = next(op for op in built_page.ops if isinstance(op, Text) and op.text == text)  # type: ignore[attr-defined]
    return round(op.x, 1), round(op.y, 1), round(op.size, 2)


@pytest.mark.parametrize("draw", ["id_front", "id_back", "form"])
def test_id_cards_and_forms_are_drawn_in_new_layouts_per_draw(draw: str) -> None:
    """The cards and forms the randomiser adds are not one fixed layout: the holder's values move and resize."""
    from samples.randomise import forms, id_cards

    usable = _usable_chars(FONTS)
    seen = set()
    for k in range(6):
        rng = random.Random(f"layouts:{draw}:{k}")
        person = make_person(k + 1, rng, CertNumbers(rng), usable)
        if draw == "form":
            built, value = forms.draw(person, rng, FONTS[0]), person.id_number
        else:
            built = id_cards.draw(draw.removeprefix("id_"), person, rng, FONTS[0])
            value = person.id_number if draw == "id_front" else person.region.police
        assert built.doc_type == ("application_form" if draw == "form" else f"id_card_{draw[3:]}")
        seen.add(_where(built.page, value))
    assert len(seen) >= 5, seen


def test_id_photocopy_is_both_sides_grey_under_copy_marks(tmp_path: Path) -> None:
    """The family the goal's subset needs: drawn only when asked, always a grey photocopy of both sides with
    diagonal copy marks that say the copy is void or good for one use, recorded in the truth."""
    generate_set(tmp_path, SEED, 3, families=("id_photocopy",))
    truths = _truths(tmp_path)
    assert len(truths) == 3
    for name, truth in truths.items():
        assert truth["family"] == "id_photocopy" and truth["degradation"] == "photocopy", name
        assert Image.open(tmp_path / name).mode == "L", name  # grey, as a photocopier gives it
        docs = documents_of(truth["pages"][0])
        assert sorted(d["doc_type"] for d in docs) == ["id_card_back", "id_card_front"], name
        marks = [o for o in truth["overlays"] if o["kind"] in ("watermark", "repeat")]
        assert marks and all(o["text"].startswith(("复印无效", "仅供")) for o in marks), (name, truth["overlays"])


def test_families_drawn_on_request_do_not_change_what_a_seed_deals(drawn: Path) -> None:
    assert "id_photocopy" in FAMILIES and "id_photocopy" not in DEALT
    assert {t["family"] for t in _truths(drawn).values()} <= set(DEALT)
    with pytest.raises(ValueError, match="no_such_family"):
        generate_set(drawn / "never", SEED, 1, families=("no_such_family",))


@pytest.mark.parametrize("bilingual", [False, True])
def test_a_ruled_table_prints_every_value_in_its_own_cell(bilingual: bool) -> None:
    """Two short fields share a row only when both values fit beside their labels: with long (bilingual)
    labels a value squeezed into no room was drawn under the next cell's label or the photo, or one
    character a line, while the truth still held it."""
    usable = _usable_chars(FONTS)
    for k in range(6):
        rng = random.Random(f"table:{bilingual}:{k}")
        person = make_person(k + 1, rng, CertNumbers(rng), usable)
        font = rng.choice(FONTS)
        style = compose.Style.draw(rng, bilingual=bilingual)
        cont = compose.content(person, person.registration, style, rng, authority_in_fields=True)
        c = Composer(150.0, 250.0, font, "test/table")
        compose.place_merged_table(c, cont.specs, (10.0, 20.0, 140.0, 240.0), 3.8, style, rng)
        texts = [op for op in c.page.ops if isinstance(op, Text)]
        boxes = [(op.x, op.x + c.width(op.text, op.size), op.y, op.y + op.size, op.text) for op in texts]
        boxes += [(op.x0, op.x1, op.y0, op.y1, op.kind) for op in c.page.ops if isinstance(op, Sprite)]
        for i, a in enumerate(boxes):
            assert a[1] <= 140.0, (k, a[4])
            for b in boxes[i + 1 :]:
                overlap_x = min(a[1], b[1]) - max(a[0], b[0])
                overlap_y = min(a[3], b[3]) - max(a[2], b[2])
                assert overlap_x <= 0.2 or overlap_y <= 0.2, (k, a[4], b[4])
        for spec in cont.specs:
            if isinstance(spec.value, str) and len(spec.value) <= 10 and "至" not in spec.value:
                assert any(op.text == spec.value for op in texts), (k, spec.key, spec.value)
