"""The digitisation correction queue in the review pages: list, crops, confirm and correct, roles."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api.db import audit_log
from digitize import outdir
from digitize.run import RunOptions, run

from ..conftest import SAMPLES
from .conftest import Site, csrf_of

BATCH = "box-1"


@pytest.fixture(scope="module")
def batch(site: Site) -> Path:
    """A batch of text-layer PDFs whose certificates are already in the registry: every row flagged."""
    scans = Path(site.app.state.settings.data_dir) / "scans"
    scans.mkdir(parents=True)
    for name in ("asm_005.pdf", "bundle_001.pdf", "bundle_005.pdf"):
        shutil.copy(SAMPLES / name, scans / name)
    out = Path(site.app.state.settings.data_dir) / "digitize" / BATCH
    run(RunOptions(inputs=[scans], out=out, registry=_registry(), registry_source={"registry": str(_registry_path())}))
    return out


def _registry_path() -> Path:
    return SAMPLES / "registry.csv"


def _registry() -> Any:
    from matching import Registry

    return Registry.from_file(_registry_path())


def _records(out: Path) -> dict[str, dict[str, str]]:
    with (out / outdir.RECORDS).open(encoding="utf-8") as fh:
        return {r["row_id"]: r for r in csv.DictReader(fh)}


def _flagged_row(out: Path) -> dict[str, str]:
    return next(r for r in _records(out).values() if r["needs_review"] == "true")


def test_batches_are_listed_with_what_needs_review(site: Site, batch: Path) -> None:
    page = site.signed_in("rita").get("/digitize")
    assert page.status_code == 200
    assert BATCH in page.text and "待复核" in page.text


def test_batch_page_shows_each_flag_with_its_crop(site: Site, batch: Path) -> None:
    client = site.signed_in("rita")
    page = client.get(f"/digitize/{BATCH}")
    assert page.status_code == 200
    row = _flagged_row(batch)
    assert f'data-row="{row["row_id"]}"' in page.text and "登记库已有此证" in page.text
    crop = client.get(f"/digitize/{BATCH}/crop/{row['row_id']}/cert_number")
    assert crop.status_code == 200 and crop.content.startswith(b"\x89PNG")
    with site.engine.connect() as conn:
        actions = [r.action for r in conn.execute(select(audit_log).where(audit_log.c.target == BATCH))]
    assert "digitize.view" in actions


def test_reviewer_confirms_and_corrects(site: Site, batch: Path) -> None:
    client = site.signed_in("rita")
    row = _flagged_row(batch)
    token = csrf_of(client.get(f"/digitize/{BATCH}").text)
    form = {"csrf": token, "row_id": row["row_id"], "field": "cert_number", "action": "confirm", "value": ""}
    r = client.post(f"/digitize/{BATCH}/review", data=form)
    assert r.status_code == 303, r.text
    assert _records(batch)[row["row_id"]]["needs_review"] == "false"  # its one flag is resolved
    r = client.post(f"/digitize/{BATCH}/review", data={**form, "field": "name", "action": "correct", "value": "王五"})
    assert r.status_code == 303
    assert _records(batch)[row["row_id"]]["name"] == "王五"
    corrections = list(outdir.read_jsonl(batch / outdir.CORRECTIONS))
    assert [(c["field"], c["action"], c["reviewer"]) for c in corrections[-2:]] == [
        ("cert_number", "confirm", "rita"),
        ("name", "correct", "rita"),
    ]
    assert corrections[-1]["ocr_value"] and corrections[-1]["ocr_value"] != "王五"  # kept beside the correction
    with site.engine.connect() as conn:
        actions = [r.action for r in conn.execute(select(audit_log).where(audit_log.c.target == BATCH))]
    assert actions.count("digitize.correct") >= 2


def test_bad_requests_change_nothing(site: Site, batch: Path) -> None:
    before = (batch / outdir.CORRECTIONS).read_bytes() if (batch / outdir.CORRECTIONS).exists() else b""
    row = _flagged_row(batch)
    rita = site.signed_in("rita")
    token = csrf_of(rita.get(f"/digitize/{BATCH}").text)
    form = {"csrf": token, "row_id": row["row_id"], "field": "cert_number", "action": "confirm"}
    assert rita.post(f"/digitize/{BATCH}/review", data={**form, "csrf": "forged"}).status_code == 403
    assert rita.post(f"/digitize/{BATCH}/review", data={**form, "field": "phone"}).status_code == 422
    assert rita.post(f"/digitize/{BATCH}/review", data={**form, "row_id": "nope"}).status_code == 422
    assert rita.get("/digitize/..%2F..%2Fetc").status_code == 404
    assert rita.get(f"/digitize/{BATCH}/crop/{row['row_id']}/..%2Fsecret").status_code == 404
    with outdir.locked(batch):  # a run still writing the batch
        assert rita.post(f"/digitize/{BATCH}/review", data=form).status_code == 409
    otto = site.signed_in("otto")  # auditor: reads, no forms, cannot post
    page = otto.get(f"/digitize/{BATCH}")
    assert page.status_code == 200 and 'action="/digitize/' not in page.text
    otto_form = {**form, "csrf": csrf_of(page.text)}
    assert otto.post(f"/digitize/{BATCH}/review", data=otto_form).status_code == 403
    assert site.signed_in("alice").get("/digitize").status_code == 403
    after = (batch / outdir.CORRECTIONS).read_bytes() if (batch / outdir.CORRECTIONS).exists() else b""
    assert after == before
