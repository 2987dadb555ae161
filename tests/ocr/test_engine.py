"""The RapidOCR engine: which runtime `auto` picks, the fall-back, and knobs that must reach the models.

RapidOCR 3.10's stage objects are used directly (the version is pinned), so these tests watch the
tensors the runtime is actually given: if an upgrade stops `det_side` reaching the detector, they fail.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from ocr.engine import EngineConfig, RapidOcrEngine, get_engine, runtime_order
from ocr.errors import EngineError

RUNTIMES = ["openvino", "onnxruntime"]


@pytest.mark.parametrize(
    ("requested", "machine", "expected"),
    [
        ("auto", "x86_64", ["openvino", "onnxruntime"]),
        ("auto", "AMD64", ["openvino", "onnxruntime"]),
        ("auto", "aarch64", ["onnxruntime"]),
        ("auto", "arm64", ["onnxruntime"]),
        ("openvino", "aarch64", ["openvino"]),
        ("onnxruntime", "x86_64", ["onnxruntime"]),
    ],
)
def test_runtime_order(requested: str, machine: str, expected: list[str]) -> None:
    assert runtime_order(requested, machine) == expected


def test_unknown_runtime_is_a_clear_error() -> None:
    with pytest.raises(EngineError) as info:
        runtime_order("tensorflow")
    assert info.value.code == "engine_unknown"
    assert "auto | openvino | onnxruntime" in info.value.message


class _Recorder:
    """Wraps an inference session and keeps the shape of every input it is given."""

    def __init__(self, session: Callable[[np.ndarray], np.ndarray]) -> None:
        self.session = session
        self.shapes: list[tuple[int, ...]] = []

    def __call__(self, tensor: np.ndarray) -> np.ndarray:
        self.shapes.append(tuple(tensor.shape))
        return self.session(tensor)


def _page(height: int, width: int) -> np.ndarray:
    import cv2

    page = np.full((height, width, 3), 255, dtype=np.uint8)
    for i, y in enumerate(range(150, height - 100, 120)):
        cv2.putText(page, f"Line {i} of GB 11643", (120, y), cv2.FONT_HERSHEY_SIMPLEX, 2.5, (0, 0, 0), 5)
    return page


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_det_side_reaches_the_detector(runtime: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = get_engine(EngineConfig(runtime=runtime, det_side=640))
    assert isinstance(engine, RapidOcrEngine)
    assert engine.runtime == runtime
    assert f"/ {runtime} " in engine.version  # what every screening records
    recorder = _Recorder(engine._det.session)
    monkeypatch.setattr(engine._det, "session", recorder)

    quads, _ = engine.detect(_page(2000, 1400))
    engine.detect(_page(2000, 1400), max_side=1280)  # the finer second look
    engine.detect(_page(2000, 1400))  # and back to the configured size

    sides = [max(shape[2:]) for shape in recorder.shapes]
    assert sides == [640, 1280, 640], recorder.shapes
    assert len(quads) >= 10  # boxes come back in the page's own pixels
    assert quads[:, :, 1].max() > 1500


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_each_runtime_reads_the_same_line(runtime: str) -> None:
    import cv2

    line = np.full((48, 360, 3), 255, dtype=np.uint8)
    cv2.putText(line, "GB 11643-1999", (8, 36), cv2.FONT_HERSHEY_SIMPLEX, 1.1, (0, 0, 0), 2)
    (got,) = get_engine(EngineConfig(runtime=runtime)).recognize([line])
    assert got.text.replace(" ", "") == "GB11643-1999", got
    assert got.confidence > 0.8


def test_auto_falls_back_to_onnxruntime_when_openvino_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    load = RapidOcrEngine._load

    def broken_openvino(self: RapidOcrEngine, runtime: str, config: EngineConfig) -> None:
        if runtime == "openvino":
            raise RuntimeError("Exception from src/inference/src/cpp/core.cpp: CPU plugin not available")
        load(self, runtime, config)

    monkeypatch.setattr(RapidOcrEngine, "_load", broken_openvino)
    monkeypatch.setattr("ocr.engine.platform.machine", lambda: "x86_64")
    engine = RapidOcrEngine(EngineConfig(runtime="auto"))
    assert engine.runtime == "onnxruntime"
    assert "/ onnxruntime " in engine.version

    with pytest.raises(EngineError) as info:  # asked for by name, it is not silently replaced
        RapidOcrEngine(EngineConfig(runtime="openvino"))
    assert "CPU plugin not available" in info.value.message


def test_the_detectors_table_normalisation_is_rapidocrs_to_the_bit() -> None:
    """Huren swaps RapidOCR's float64 normalisation for a table look-up: the tensor must not change."""
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    engine = get_engine(EngineConfig(runtime="onnxruntime", det_side=640))
    assert isinstance(engine, RapidOcrEngine)
    ours = engine._det.get_preprocess()
    assert type(ours) is not DetPreProcess  # the swap reached the detector
    theirs = DetPreProcess(640, "max", engine._det.mean, engine._det.std)
    image = np.random.default_rng(7).integers(0, 256, (900, 700, 3), dtype=np.uint8)
    got, expected = ours(image), theirs(image)
    assert got.dtype == expected.dtype == np.float32
    assert np.array_equal(got, expected)
