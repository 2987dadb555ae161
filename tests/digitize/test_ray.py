"""The Ray engine on a local Ray gives the same records as the local process pool."""

from __future__ import annotations

import shutil
from pathlib import Path

import ray  # noqa: F401  (the ray extra is part of `make test`: without Ray this fails, it never skips)

from digitize import outdir
from digitize.run import RunOptions, run
from tests.conftest import SAMPLES
from tests.digitize.conftest import IMAGE, TEXT_PDFS

COMPARED = ("doc_type", "fields", "warnings")


def _pages(out: Path) -> dict[tuple[str, int], dict]:
    return {(Path(e["source"]).name, e["page"]): e for e in outdir.read_jsonl(out / outdir.PAGES)}


def test_ray_engine_equals_local_engine(tmp_path: Path) -> None:
    box = tmp_path / "box"
    box.mkdir()
    for name in (*TEXT_PDFS, IMAGE):
        shutil.copy(SAMPLES / name, box / name)

    local, ray_out = tmp_path / "local", tmp_path / "ray"
    local_summary = run(RunOptions(inputs=[box], out=local, workers=2, engine="local"))
    ray_summary = run(RunOptions(inputs=[box], out=ray_out, workers=2, engine="ray"))

    assert (ray_out / outdir.RECORDS).read_text(encoding="utf-8") == (local / outdir.RECORDS).read_text(
        encoding="utf-8"
    )
    a, b = _pages(local), _pages(ray_out)
    assert a.keys() == b.keys()
    for key in a:
        assert {k: a[key][k] for k in COMPARED} == {k: b[key][k] for k in COMPARED}, key
    assert {e["engine"] for e in b.values()} == {"ray"}
    assert list(ray_summary["workers_by_node"].values()) == [len(b)], "one local node did every page"
    for s in (local_summary, ray_summary):
        s.pop("run")
        s.pop("workers_by_node")
    assert local_summary == ray_summary
