"""Whole applications photographed on a desk: genuine ones as the registry holds them, altered ones not."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from PIL import Image

from samples.randomise.applications import ALTERATIONS, AS_OF, DOCUMENTS, GENUINE, draw_set


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("desk")
    draw_set(out, 5399, count=2)
    return out


def test_each_application_is_four_desk_photos(drawn: Path) -> None:
    manifest = json.loads((drawn / "manifest.json").read_text(encoding="utf-8"))
    apps = manifest["applications"]
    assert [a["kind"] == GENUINE for a in apps] == [True, False, True, False]
    for app in apps:
        assert tuple(app["files"]) == DOCUMENTS
        for file in app["files"].values():
            image = Image.open(drawn / file)
            corners = [image.getpixel(xy) for xy in ((2, 2), (image.width - 3, image.height - 3))]
            assert all(sum(c) < 3 * 235 for c in corners), (file, corners)  # the desk shows around the page


def test_altered_applications_differ_from_the_registry_in_the_altered_field(drawn: Path) -> None:
    manifest = json.loads((drawn / "manifest.json").read_text(encoding="utf-8"))
    with (drawn / "registry.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    altered = [a for a in manifest["applications"] if a["kind"] != GENUINE]
    assert {a["kind"] for a in altered} <= set(ALTERATIONS) and len({a["kind"] for a in altered}) == 2
    for app in altered:
        ((field, printed),) = app["altered"].items()
        assert field == app["kind"]
        registered = {row[field] for row in rows if field in row}
        assert printed and printed not in registered, (field, printed)


def test_genuine_applications_are_made_while_the_certificate_and_id_card_hold(drawn: Path) -> None:
    with (drawn / "registry.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["cert_type"] == "registration"]
    assert len(rows) == 2 and all(r["valid_until"] >= AS_OF.isoformat() for r in rows)


def test_the_same_seed_draws_the_same_application(drawn: Path, tmp_path: Path) -> None:
    draw_set(tmp_path, 5399, count=1, altered=False)
    first = json.loads((drawn / "manifest.json").read_text(encoding="utf-8"))["applications"][0]
    again = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["applications"][0]
    assert first == again
    for file in again["files"].values():
        assert (tmp_path / file).read_bytes() == (drawn / file).read_bytes()
