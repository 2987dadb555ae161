"""OpenCV preprocessing: bounded resolution, the document found in a photo, quality signals, seals.

Rotation by 90/180° and deskew are decided in `ocr.reader` from the detected text lines, which is
both cheaper and more reliable than guessing them from raw pixels.
"""

from __future__ import annotations

import cv2
import numpy as np

from huren.domain import Quality
from ocr.overlays import colour_spread, grey_counts, percentile_u8

MAX_WORK_SIDE = 2600  # longer side of the image OCR crops are cut from; enough for 300 dpi A4
MIN_WORK_SIDE = 1200  # a small fax or thumbnail is enlarged to this so its strokes survive recognition
EDGE_SUPPORT = 0.75  # share of a sheet outline's inner sides (not the picture's border) that lie on an edge
BLUR_THRESHOLD = 60.0  # variance of the Laplacian at a normalised width; below it text is soft
GLARE_SHARE = 0.004


def bound_resolution(
    image: np.ndarray, max_side: int = MAX_WORK_SIDE, min_side: int = MIN_WORK_SIDE
) -> tuple[np.ndarray, float]:
    """Bring the longer side within [min_side, max_side]; returns the scale used."""
    h, w = image.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    if max(h, w) < min_side:
        scale = min_side / max(h, w)
    if scale != 1.0:
        interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        image = cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=interpolation)
    return image, scale


def _order_corners(pts: np.ndarray) -> np.ndarray:
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]], dtype=np.float32)


def _quad_from(contour: np.ndarray) -> np.ndarray:
    hull = cv2.convexHull(contour)
    for eps in (0.02, 0.03, 0.05, 0.08):
        approx = cv2.approxPolyDP(hull, eps * cv2.arcLength(hull, True), True)
        if len(approx) == 4:
            return approx.reshape(4, 2).astype(np.float32)
    return cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float32)


def _edges(gray: np.ndarray) -> np.ndarray:
    return cv2.dilate(cv2.Canny(gray, 30, 90), np.ones((5, 5), np.uint8))


def _sheet_candidates(gray: np.ndarray, edges: np.ndarray) -> list[np.ndarray]:
    """Outlines of a bright sheet: from a brightness threshold (fails where a shadow darkens a corner)
    and from edges (fails where the desk is as bright as the paper); the caller keeps the best."""
    out = []
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    for binary in (mask, edges):
        contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        if contours:
            out.append(_quad_from(max(contours, key=cv2.contourArea)))
    return out


def edge_support(quad: np.ndarray, edges: np.ndarray, margin: int = 3) -> float:
    """The share of the outline's points away from the picture's border that lie on an edge.

    A sheet's sides are edges; a brightness threshold that ran into a pale desk (light falling on one
    corner) closes its outline with straight lines across the desk, which are not.  Points on the
    border say nothing: a sheet cut off by the frame follows it there.
    """
    h, w = edges.shape[:2]
    points = []
    for a, b in zip(quad, np.roll(quad, -1, axis=0), strict=True):
        n = max(2, int(np.linalg.norm(b - a)))
        points.append(a + np.linspace(0.0, 1.0, n)[:, None] * (b - a))
    xy = np.rint(np.concatenate(points)).astype(int)
    inner = (xy[:, 0] >= margin) & (xy[:, 1] >= margin) & (xy[:, 0] < w - margin) & (xy[:, 1] < h - margin)
    if not inner.any():
        return 0.0
    xy = xy[inner]
    return float(np.count_nonzero(edges[xy[:, 1], xy[:, 0]])) / len(xy)


def find_document(image: np.ndarray) -> np.ndarray | None:
    """The four corners of a sheet of paper photographed on a darker background, or None.

    A candidate counts only if it covers a good part of the picture but not all of it, its sides lie on
    edges (`edge_support`), and what lies outside it is clearly darker than the sheet: a flatbed scan
    is already the document and is left alone (its margins are as white as its paper).
    """
    h, w = image.shape[:2]
    small_scale = 800 / max(h, w)
    small = cv2.resize(image, (round(w * small_scale), round(h * small_scale)), interpolation=cv2.INTER_AREA)
    gray = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    total = gray.shape[0] * gray.shape[1]
    best: tuple[float, np.ndarray] | None = None
    edges = _edges(gray)
    for quad in _sheet_candidates(gray, edges):
        area = cv2.contourArea(quad)
        if not 0.2 * total < area < 0.93 * total or edge_support(quad, edges) < EDGE_SUPPORT:
            continue
        inside = np.zeros_like(gray)
        cv2.fillConvexPoly(inside, quad.astype(np.int32), 255)
        # np.median's values, from histograms: no page of pixels gathered and sorted
        paper = percentile_u8(grey_counts(gray, inside), 50)
        desk = percentile_u8(grey_counts(gray, cv2.bitwise_not(inside)), 50)
        if paper - desk < 25:
            continue
        if best is None or area > best[0]:
            best = (area, quad)
    return None if best is None else _order_corners(best[1] / small_scale)


def document_transform(corners: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    """The perspective matrix that flattens the sheet with these corners, and the flat sheet's size."""
    tl, tr, br, bl = corners
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    dst = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32)
    return cv2.getPerspectiveTransform(corners, dst), (width, height)


def warp_document(image: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """Perspective-correct the sheet to a flat rectangle of its own proportions."""
    matrix, size = document_transform(corners)
    return cv2.warpPerspective(image, matrix, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def red_mask(image: np.ndarray) -> np.ndarray:
    """Pixels of red ink (seals, stamps) as a 0/255 mask; pale, faded seals included.

    Red hue and clear red dominance over green: yellowed paper has a warm hue but no such margin.
    """
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    hue, sat = hsv[:, :, 0], hsv[:, :, 1]
    red_dominant = image[:, :, 2].astype(np.int16) - image[:, :, 1].astype(np.int16) > 35
    mask = ((hue <= 10) | (hue >= 165)) & (sat >= 45) & red_dominant
    return mask.astype(np.uint8) * 255


def red_regions(image: np.ndarray, min_side_share: float = 0.05) -> list[tuple[float, float, float, float]]:
    """Boxes of red blobs shaped and sized like a seal, in image coordinates."""
    scale = 800 / max(image.shape[:2])
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    scale = min(scale, 1.0)
    mask = cv2.dilate(red_mask(small), np.ones((7, 7), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask)
    min_side = min_side_share * min(small.shape[:2])
    boxes = []
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        if w >= min_side and h >= min_side and 0.5 < w / max(h, 1) < 2.0 and area >= 0.1 * w * h:
            boxes.append((float(x / scale), float(y / scale), float((x + w) / scale), float((y + h) / scale)))
    return boxes


def ink_mask(image: np.ndarray) -> np.ndarray:
    """Pixels of saturated coloured ink (a red or blue stamp, a seal) as a 0/255 mask: clearly coloured
    (HSV saturation) and dark enough in its own darkest channel to be ink, not a pale tint."""
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    darkest = cv2.min(cv2.min(image[:, :, 0], image[:, :, 1]), image[:, :, 2])
    return ((hsv[:, :, 1] >= 90) & (darkest <= 150)).astype(np.uint8) * 255


STAMP_ASPECT = 5.0  # a stamp's box (复印无效 in a frame) is up to this many times wider than high
STAMP_MARGIN = 8.0  # grey levels under a stamp's ink that still wash to white
STAMP_INK = 0.12  # share of a stamp's (dilated) blob that is its ink itself
MOSTLY_PRINT = 0.2  # a coloured blob more than this share black print is print's colour fringe
OVER_PRINT = 0.01  # share of a stamp's pixels that are black print under it: it crosses a line


def stamp_regions(image: np.ndarray, min_side_share: float = 0.03) -> list[tuple[float, float, float, float]]:
    """Boxes of coloured stamps of any ink — round seals and framed words (复印无效, 仅供…使用) alike —
    in image coordinates: blobs of saturated ink at least `min_side_share` of the page's shorter side
    high, not longer than `STAMP_ASPECT` times their height, and not solid (a colour bar is solid)."""
    scale = min(1.0, 800 / max(image.shape[:2]))
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    inked = ink_mask(small) > 0
    mask = cv2.dilate(inked.astype(np.uint8) * 255, np.ones((7, 7), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    # Black print: dark in every channel. A stamp is laid over it; coloured print (an ID card's blue
    # labels) lies beside it, and is left as it is.
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    black = (grey <= 110) & (colour_spread(small) < 40)
    # A stamp's frame and glyphs, cut apart where the print crosses them, are one stamp: blobs whose
    # boxes overlap are gathered (box, inked pixels, black pixels among them).
    groups: list[list[int]] = []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        own = labels[y : y + h, x : x + w] == i
        under = int(np.count_nonzero(black[y : y + h, x : x + w] & own))
        groups.append([x, y, x + w, y + h, area, under, int(np.count_nonzero(inked[y : y + h, x : x + w] & own))])
    groups = _gathered(groups)
    min_side = min_side_share * min(small.shape[:2])
    boxes = []
    for x0, y0, x1, y1, area, under, ink in groups:
        w, h = x1 - x0, y1 - y0
        long, short = max(w, h), max(min(w, h), 1)
        shaped = short >= min_side and long / short <= STAMP_ASPECT and area >= 0.1 * w * h
        # Over print, not around it: a hard JPEG's colour fringes hug black strokes, thin and mostly black.
        if shaped and ink >= STAMP_INK * area and OVER_PRINT * area <= under <= MOSTLY_PRINT * area:
            boxes.append((float(x0 / scale), float(y0 / scale), float(x1 / scale), float(y1 / scale)))
    return boxes


def _gathered(groups: list[list[int]]) -> list[list[int]]:
    """Rows of (x0, y0, x1, y1, count, count…) whose boxes overlap gathered into one: the box that
    holds both, the counts summed; until no two overlap."""
    out: list[list[int]] = []
    for g in groups:
        g = list(g)
        while True:
            hit = next(
                (o for o in out if min(g[2], o[2]) > max(g[0], o[0]) and min(g[3], o[3]) > max(g[1], o[1])), None
            )
            if hit is None:
                break
            out.remove(hit)
            box = [min(g[0], hit[0]), min(g[1], hit[1]), max(g[2], hit[2]), max(g[3], hit[3])]
            g = box + [a + b for a, b in zip(g[4:], hit[4:], strict=True)]
        out.append(g)
    return out


def wash_seals(image: np.ndarray, regions: list[tuple[float, float, float, float]]) -> np.ndarray:
    """The page with red seals washed out where they lie, so the text under them can be read.

    Inside a seal's box the red channel stands in for the colour image: black text stays dark, red ink
    turns as pale as the paper.  Elsewhere (a red title, a red border) nothing changes.
    """
    if not regions:
        return image
    out = image.copy()
    for x0, y0, x1, y1 in regions:
        a, b, c, d = int(y0), int(y1) + 1, int(x0), int(x1) + 1
        red = image[a:b, c:d, 2]
        out[a:b, c:d] = red[:, :, None]
    return out


def wash_stamps(image: np.ndarray, regions: list[tuple[float, float, float, float]]) -> np.ndarray:
    """The page with coloured stamps (`stamp_regions`) washed out where they lie.

    Inside a stamp's box the colour channel in which its ink is brightest (red for a red stamp, blue
    for a blue one) stands in for the colour image, and the stamp's level there is lifted to white:
    black text, dark in every channel, stays dark (the print under the stamp deepened along, a square
    curve below the stamp's level); the stamp turns as pale as the paper.
    """
    if not regions:
        return image
    out = image.copy()
    for x0, y0, x1, y1 in regions:
        a, b, c, d = int(y0), int(y1) + 1, int(x0), int(x1) + 1
        crop = image[a:b, c:d]
        ink = ink_mask(crop) > 0
        if not ink.any():
            continue
        plane = crop[:, :, int(np.argmax(crop[ink].mean(axis=0)))]
        level = float(np.percentile(plane[ink], 75)) - STAMP_MARGIN
        if level > 64:
            plane = (np.clip(plane.astype(np.float32) / level, 0.0, 1.0) ** 2 * 255.0).astype(np.uint8)
        out[a:b, c:d] = plane[:, :, None]
    return out


def measure_quality(image: np.ndarray, quality: Quality) -> Quality:
    """Fill blur, glare and resolution signals in `quality` for the upright working image."""
    h, w = image.shape[:2]
    quality.width, quality.height = w, h
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    norm = cv2.resize(gray, (1000, max(1, round(h * 1000 / w))), interpolation=cv2.INTER_AREA)
    quality.blur = round(float(cv2.Laplacian(norm, cv2.CV_64F).var()), 1)
    if quality.blur < BLUR_THRESHOLD:
        quality.flags.append("blurred")
    background = percentile_u8(grey_counts(norm), 60)  # np.percentile's, from a histogram: no sort of the page
    bright = (norm >= 250) & (norm > background + 25)
    quality.glare = round(float(bright.mean()), 4)
    if quality.glare > GLARE_SHARE:
        quality.flags.append("glare")
    return quality
