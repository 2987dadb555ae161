"""What happens to a document between the printer and Huren: scanning, phones, fax machines, age.

Each degradation takes the clean raster and a random generator and returns the degraded image plus the
parameters used (recorded in the ground truth), so that a failure can be traced to "rotated 270°" or
"photo with 7 % perspective" rather than to the document itself.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

DEGRADATIONS = (
    "clean",
    "scan",
    "rotated",
    "photo",
    "blur",
    "jpeg",
    "faded",
    "fax",
    "pdf_text",
    "pdf_image",
    "exif_rotated",
)

DPI_RANGES: dict[str, tuple[int, int]] = {
    "clean": (150, 300),
    "scan": (150, 250),
    "rotated": (150, 220),
    "photo": (200, 260),
    "blur": (150, 220),
    "jpeg": (150, 200),
    "faded": (150, 220),
    "fax": (100, 150),
    "pdf_image": (150, 200),
    "exif_rotated": (150, 220),
    "pdf_text": (150, 150),
}
MAX_SIDE = 2500


@dataclass(slots=True)
class Degraded:
    image: Image.Image
    params: dict[str, Any] = field(default_factory=dict)
    exif_orientation: int | None = None
    jpeg_quality: int | None = None


def choose_dpi(degradation: str, long_side_mm: float, rng: random.Random) -> int:
    """A resolution from the degradation's range, capped so the long side stays ≤ MAX_SIDE pixels."""
    lo, hi = DPI_RANGES[degradation]
    cap = int(MAX_SIDE / (long_side_mm / 25.4))
    return max(72, min(rng.randint(lo, hi), cap))


def _noise(img: Image.Image, sigma: float, rng: random.Random) -> Image.Image:
    gen = np.random.default_rng(rng.randint(0, 2**31))
    arr = np.asarray(img, dtype=np.float32)
    arr = arr + gen.normal(0, sigma, arr.shape if arr.ndim == 2 else (*arr.shape[:2], 1))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def _jpeg_roundtrip(img: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def scan(img: Image.Image, rng: random.Random) -> Degraded:
    """A flatbed scan: slight skew, sensor noise, a greyish lid edge, mild JPEG."""
    angle = round(rng.uniform(-3, 3), 2)
    lid = rng.choice([(250, 250, 250), (235, 235, 232), (210, 210, 210)])
    out = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=lid)
    out = _noise(out.filter(ImageFilter.GaussianBlur(0.4)), rng.uniform(2, 4), rng)
    return Degraded(_jpeg_roundtrip(out, rng.randint(70, 85)), {"skew_deg": angle}, jpeg_quality=85)


def rotated(img: Image.Image, rng: random.Random) -> Degraded:
    """Scanned the wrong way up; `upright_rotation_cw` is how far to turn it clockwise to read it."""
    turn = rng.choice([90, 180, 270])  # counter-clockwise turn applied to the upright page
    out = img.rotate(turn, expand=True)
    return Degraded(_noise(out, 1.5, rng), {"upright_rotation_cw": turn})


def exif_rotated(img: Image.Image, rng: random.Random) -> Degraded:
    """Pixels stored sideways, with the EXIF Orientation that makes them upright when honoured."""
    orientation, turn = rng.choice([(6, 90), (8, 270), (3, 180)])
    # Orientation 6 = "rotate 90° clockwise to display": the stored pixels are the page turned 90° CCW.
    out = img.rotate(turn, expand=True)
    return Degraded(out, {"exif_orientation": orientation, "stored_rotation_ccw": turn}, exif_orientation=orientation)


def blur(img: Image.Image, rng: random.Random) -> Degraded:
    radius = round(rng.uniform(1.4, 2.6), 2)
    kind = rng.choice(["gaussian", "motion"])
    if kind == "motion":
        k = max(3, int(radius * 3)) | 1
        kernel = np.zeros((k, k), np.float32)
        kernel[k // 2, :] = 1.0 / k
        if rng.random() < 0.5:
            kernel = cv2.warpAffine(
                kernel, cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), rng.uniform(0, 180), 1), (k, k)
            )
            kernel /= kernel.sum()
        out = Image.fromarray(cv2.filter2D(np.asarray(img), -1, kernel))
    else:
        out = img.filter(ImageFilter.GaussianBlur(radius))
    return Degraded(out, {"blur": kind, "radius_px": radius})


def jpeg(img: Image.Image, rng: random.Random) -> Degraded:
    q = rng.randint(8, 18)
    small = (
        img.resize((int(img.width * 0.85), int(img.height * 0.85)), Image.Resampling.BILINEAR)
        if rng.random() < 0.5
        else img
    )
    return Degraded(small, {"jpeg_quality": q}, jpeg_quality=q)


def faded(img: Image.Image, rng: random.Random) -> Degraded:
    """An old photocopy: low contrast, washed-out ink, yellowed paper."""
    contrast = round(rng.uniform(0.35, 0.55), 2)
    out = ImageEnhance.Contrast(img).enhance(contrast)
    out = ImageEnhance.Brightness(out).enhance(rng.uniform(1.05, 1.15))
    tint = np.array(rng.choice([(250, 238, 200), (245, 232, 205), (240, 236, 215)]), np.float32) / 255
    arr = np.asarray(out, np.float32) * tint
    return Degraded(_noise(Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)), 2, rng), {"contrast": contrast})


def fax(img: Image.Image, rng: random.Random) -> Degraded:
    """Binarised at fax resolution with speckle and the odd dropped scan line."""
    grey = _noise(img.convert("L"), 12, rng)
    threshold = rng.randint(140, 175)
    arr = np.asarray(grey) > threshold
    gen = np.random.default_rng(rng.randint(0, 2**31))
    speck = gen.random(arr.shape) < 0.002
    arr = arr ^ speck
    for _ in range(rng.randint(0, 4)):
        row = rng.randrange(arr.shape[0])
        arr[row : row + 1, :] = True
    out = Image.fromarray((arr * 255).astype(np.uint8)).convert("1", dither=Image.Dither.NONE)
    return Degraded(out, {"threshold": threshold})


def _desk(w: int, h: int, rng: random.Random) -> np.ndarray:
    """A desk: wood grain, grey laminate or a dark cloth, as a float RGB array."""
    gen = np.random.default_rng(rng.randint(0, 2**31))
    kind = rng.choice(["wood", "laminate", "cloth"])
    base = {"wood": (150, 105, 65), "laminate": (175, 175, 170), "cloth": (60, 70, 85)}[kind]
    arr = np.ones((h, w, 3), np.float32) * np.array(base, np.float32)
    if kind == "wood":
        ys = np.arange(h, dtype=np.float32)[:, None]
        xs = np.arange(w, dtype=np.float32)[None, :]
        grain = np.sin(ys / rng.uniform(6, 14) + np.sin(xs / rng.uniform(80, 200)) * 3) * 18
        arr += grain[..., None]
    arr += gen.normal(0, 7, (h, w, 1))
    return arr


def photo(img: Image.Image, rng: random.Random) -> Degraded:
    """A phone photo: the page on a desk, in perspective, lit unevenly, with a shadow and some blur."""
    scale = rng.uniform(0.7, 0.85)
    if max(img.size) / scale > MAX_SIDE:  # keep the frame within MAX_SIDE without a second resample
        k = MAX_SIDE * scale / max(img.size)
        img = img.resize((int(img.width * k), int(img.height * k)), Image.Resampling.LANCZOS)
    dw, dh = img.size
    W, H = int(dw / scale), int(dh / scale)
    if rng.random() < 0.3:  # landscape shot of a portrait page, or the reverse
        W = int(max(W, H * 1.1))
    ox, oy = (W - dw) / 2, (H - dh) / 2
    j = rng.uniform(0.03, 0.08)
    src = np.array([[0, 0], [dw, 0], [dw, dh], [0, dh]], np.float32)
    dst = np.array(
        [
            [ox + rng.uniform(-j, j) * dw, oy + rng.uniform(-j, j) * dh],
            [ox + dw + rng.uniform(-j, j) * dw, oy + rng.uniform(-j, j) * dh],
            [ox + dw + rng.uniform(-j, j) * dw, oy + dh + rng.uniform(-j, j) * dh],
            [ox + rng.uniform(-j, j) * dw, oy + dh + rng.uniform(-j, j) * dh],
        ],
        np.float32,
    )
    m = cv2.getPerspectiveTransform(src, dst)
    page = cv2.warpPerspective(np.asarray(img, np.float32), m, (W, H), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones((dh, dw), np.float32), m, (W, H), flags=cv2.INTER_LINEAR)[..., None]
    desk = _desk(W, H, rng)
    # The page casts a soft shadow on the desk.
    shadow = cv2.GaussianBlur(np.roll(mask, (int(H * 0.01), int(W * 0.01)), axis=(0, 1)), (0, 0), W * 0.01)[..., None]
    desk *= 1 - 0.45 * shadow
    arr = page * mask + desk * (1 - mask)
    # Uneven light: a gradient across the frame and a soft hand/phone shadow.
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    a = rng.uniform(0, 2 * np.pi)
    grad = np.cos(a) * xs / W + np.sin(a) * ys / H
    light = 1.08 - (grad - grad.min()) / (np.ptp(grad) + 1e-6) * rng.uniform(0.2, 0.4)
    cx, cy, r = rng.uniform(0, W), rng.uniform(0, H), rng.uniform(0.2, 0.45) * max(W, H)
    light *= 1 - 0.25 * np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * r**2))
    arr = (
        arr
        * light[..., None]
        * np.array(rng.choice([(1.0, 0.97, 0.9), (0.97, 0.98, 1.0), (1.0, 1.0, 1.0)]), np.float32)
    )
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    out = _noise(out.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.4))), 2.5, rng)
    if max(out.size) > MAX_SIDE:
        k = MAX_SIDE / max(out.size)
        out = out.resize((int(out.width * k), int(out.height * k)), Image.Resampling.LANCZOS)
        dst = dst * k
    return Degraded(
        out, {"perspective": round(j, 3), "corners": dst.round(1).tolist(), "scale": round(scale, 3)}, jpeg_quality=85
    )


def clean(img: Image.Image, rng: random.Random) -> Degraded:
    return Degraded(img, {})


APPLY = {
    "clean": clean,
    "scan": scan,
    "rotated": rotated,
    "photo": photo,
    "blur": blur,
    "jpeg": jpeg,
    "faded": faded,
    "fax": fax,
    "exif_rotated": exif_rotated,
    "pdf_image": clean,
}


def apply(name: str, img: Image.Image, rng: random.Random) -> Degraded:
    return APPLY[name](img, rng)
