"""OpenCV preprocessing: bounded resolution, the document found in a photo, quality signals, seals.

Rotation by 90/180° and deskew are decided in `ocr.reader` from the detected text lines, which is
both cheaper and more reliable than guessing them from raw pixels.
"""

from __future__ import annotations

import cv2
import numpy as np

from huren.domain import Quality

MAX_WORK_SIDE = 2600  # longer side of the image OCR crops are cut from; enough for 300 dpi A4
BLUR_THRESHOLD = 60.0  # variance of the Laplacian at a normalised width; below it text is soft
GLARE_SHARE = 0.004


def bound_resolution(image: np.ndarray, max_side: int = MAX_WORK_SIDE) -> tuple[np.ndarray, float]:
    """Shrink a huge photo or scan so its longer side is at most `max_side`; returns the scale used."""
    h, w = image.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    if scale < 1.0:
        image = cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    return image, scale


def _order_corners(pts: np.ndarray) -> np.ndarray:
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]], dtype=np.float32)


def find_document(image: np.ndarray) -> np.ndarray | None:
    """The four corners of a sheet of paper photographed on a darker background, or None.

    Only a clear quadrilateral that covers a good part of the picture but not all of it counts: a
    flatbed scan is already the document and is left alone.
    """
    h, w = image.shape[:2]
    small_scale = 800 / max(h, w)
    small = cv2.resize(image, (round(w * small_scale), round(h * small_scale)), interpolation=cv2.INTER_AREA)
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    gray = cv2.GaussianBlur(gray, (5, 5), 0)
    # Paper is the bright, low-saturation region; Otsu separates it from a desk.
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    area_total = small.shape[0] * small.shape[1]
    contour = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(contour)
    if not 0.2 * area_total < area < 0.93 * area_total:
        return None
    hull = cv2.convexHull(contour)
    quad = None
    for eps in (0.02, 0.03, 0.05, 0.08):
        approx = cv2.approxPolyDP(hull, eps * cv2.arcLength(hull, True), True)
        if len(approx) == 4:
            quad = approx.reshape(4, 2).astype(np.float32)
            break
    if quad is None:
        rect = cv2.minAreaRect(hull)
        quad = cv2.boxPoints(rect).astype(np.float32)
    if cv2.contourArea(quad) < 0.85 * area:
        return None
    return _order_corners(quad / small_scale)


def warp_document(image: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """Perspective-correct the sheet to a flat rectangle of its own proportions."""
    tl, tr, br, bl = corners
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    dst = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners, dst)
    return cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def red_mask(image: np.ndarray) -> np.ndarray:
    """Pixels of red ink (seals, stamps) as a 0/255 mask."""
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    low = cv2.inRange(hsv, (0, 70, 60), (10, 255, 255))
    high = cv2.inRange(hsv, (165, 70, 60), (180, 255, 255))
    return cv2.bitwise_or(low, high)


def red_regions(image: np.ndarray, min_area_share: float = 0.002) -> list[tuple[float, float, float, float]]:
    """Boxes of red blobs big enough to be a seal, in image coordinates."""
    mask = red_mask(image)
    mask = cv2.dilate(mask, np.ones((9, 9), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask)
    total = image.shape[0] * image.shape[1]
    boxes = []
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        if area >= min_area_share * total and 0.5 < w / max(h, 1) < 2.0:
            boxes.append((float(x), float(y), float(x + w), float(y + h)))
    return boxes


def remove_red(crop: np.ndarray) -> np.ndarray:
    """A crop with red ink washed out: the red channel keeps black text dark and turns red seals pale."""
    red = crop[:, :, 2]
    return cv2.cvtColor(red, cv2.COLOR_GRAY2BGR)


def measure_quality(image: np.ndarray, quality: Quality) -> Quality:
    """Fill blur, glare and resolution signals in `quality` for the upright working image."""
    h, w = image.shape[:2]
    quality.width, quality.height = w, h
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    norm = cv2.resize(gray, (1000, max(1, round(h * 1000 / w))), interpolation=cv2.INTER_AREA)
    quality.blur = round(float(cv2.Laplacian(norm, cv2.CV_64F).var()), 1)
    if quality.blur < BLUR_THRESHOLD:
        quality.flags.append("blurred")
    background = float(np.percentile(norm, 60))
    bright = (norm >= 250) & (norm > background + 25)
    quality.glare = round(float(bright.mean()), 4)
    if quality.glare > GLARE_SHARE:
        quality.flags.append("glare")
    return quality
