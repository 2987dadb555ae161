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
    assert got is not None and expected is not None
    assert got.dtype == expected.dtype == np.float32
    assert got.flags.c_contiguous  # written plane by plane into the model's input layout
    assert np.array_equal(got, expected)


def _lines() -> list[np.ndarray]:
    """Short lines (batched, padded to 320 px) and long ones (read alone at their own width)."""
    import cv2

    texts = ["GB 11643", "No. 2026-0412", "Level 2", "2024-03-18 to 2029-03-17 Shanghai", "ID 310104198702099616 M"]
    out = []
    for i, text in enumerate(texts * 2):
        width = 30 + 26 * len(text) + 7 * i
        line = np.full((48 + 2 * i, width, 3), 255, dtype=np.uint8)
        cv2.putText(line, text, (8, 34 + i), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
        out.append(line)
    return out


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_recognize_is_rapidocrs_recogniser_line_by_line(runtime: str) -> None:
    """Huren's batches, run over the OpenVINO streams, give each line exactly what RapidOCR's own
    recogniser stage gives it alone: text, confidence and character positions."""
    from rapidocr.ch_ppocr_rec import TextRecInput

    from ocr.engine import _char_positions

    engine = get_engine(EngineConfig(runtime=runtime))
    assert isinstance(engine, RapidOcrEngine)
    lines = _lines()
    ours = engine.recognize(lines)
    assert ours[0].text.replace(" ", "") == "GB11643", ours[0]
    for line, got in zip(lines, ours, strict=True):
        alone = engine._rec(TextRecInput(img=[line], return_word_box=True))
        text = str(alone.txts[0])
        expected = (text, float(alone.scores[0]), _char_positions(text, alone.word_results[0]))
        assert (got.text, got.confidence, got.char_pos) == expected


def test_openvino_recogniser_is_f32_on_one_stream_per_core() -> None:
    """The knobs reach the compiled recogniser: f32 (bf16 changes characters) and one stream per thread."""
    from ocr.engine import rec_streams

    for threads in (0, 1, 2):
        engine = get_engine(EngineConfig(runtime="openvino", threads=threads))
        assert isinstance(engine, RapidOcrEngine) and engine.rec_model is not None
        compiled = engine.rec_model.compiled
        assert str(compiled.get_property("INFERENCE_PRECISION_HINT")) == "<Type: 'float32'>"
        assert engine.rec_model.streams == rec_streams(threads) == int(compiled.get_property("NUM_STREAMS"))
        assert int(compiled.get_property("INFERENCE_NUM_THREADS")) == (threads or rec_streams(0))
    assert rec_streams(1) == 1 and rec_streams(64) == 4


def test_streamed_model_keeps_the_order_of_its_inputs() -> None:
    engine = get_engine(EngineConfig(runtime="openvino"))
    assert isinstance(engine, RapidOcrEngine) and engine.rec_model is not None
    rng = np.random.default_rng(3)
    tensors = [
        rng.standard_normal((n, 3, 48, w)).astype(np.float32) for n, w in [(1, 320), (3, 320), (1, 700), (2, 320)]
    ]
    streamed = engine.rec_model.run(tensors)
    request = engine.rec_model.compiled.create_infer_request()
    for tensor, got in zip(tensors, streamed, strict=True):
        request.infer([tensor])
        assert np.array_equal(got, request.get_output_tensor().data)
    assert engine.rec_model.run([]) == []
