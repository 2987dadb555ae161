"""Which way is level: the text boxes' skew, checked against the page's long straight edges.

A watermark repeated diagonally over a photocopy gives more and longer text boxes than the page's own
lines, so the boxes' weighted median slope is the watermark's, and the page would be levelled to it
(an ID card's two sides levelled by −23° instead of −0.7°). The straight edges of what is printed or
pasted on the page — a card's outline, a table's rules, the paper's border — are not written in that
slant. Only when the text says the page is far from level is that checked: when the edges' dominant
angle disagrees and a few text boxes lie along the edges, those boxes are the page's own lines and the
page is levelled to them. A page whose edges agree with its text (a page photographed askew) keeps the
text's skew; a page with no long edge keeps it too.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr import boxes

CHECKED_SKEW = 3.0  # degrees: below this the text's skew is trusted as it is
DISAGREES = 3.0  # degrees between the edges' angle and the text's for the edges to overrule it
ALONG_EDGES = 3.0  # degrees: a text box this close to the edges' angle is one of the page's own lines
MIN_ALONG = 3  # text boxes along the edges needed to level to them
EDGE_SIDE = 800  # pixels: the page's longer side when looking for its edges
MIN_EDGE_SHARE = 0.08  # a straight edge is at least this share of the scaled page's longer side
MAX_EDGE_GAP = 4  # pixels (scaled): an edge may break this much and still be one line
PEAK_WIDTH = 1.0  # degrees either side of the histogram's peak taken as the edges' angle


def _fold(angles: np.ndarray) -> np.ndarray:
    """Angles folded into [−45°, 45°): a vertical edge tells the same skew as a horizontal one."""
    return (angles + 45.0) % 90.0 - 45.0


def edge_angle(image: np.ndarray) -> float | None:
    """The dominant angle (degrees, image coordinates, folded to ±45°) of the page's long straight
    edges, weighted by their length; None when the page has no such edge."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    scale = EDGE_SIDE / max(gray.shape[:2])
    if scale < 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    edges = cv2.Canny(cv2.GaussianBlur(gray, (3, 3), 0), 50, 150)
    min_length = MIN_EDGE_SHARE * max(gray.shape[:2])
    found = cv2.HoughLinesP(
        edges, 1, np.pi / 360, threshold=int(min_length / 2), minLineLength=min_length, maxLineGap=MAX_EDGE_GAP
    )
    if found is None:
        return None
    x1, y1, x2, y2 = found.reshape(-1, 4).astype(np.float64).T
    angles = _fold(np.degrees(np.arctan2(y2 - y1, x2 - x1)))
    lengths = np.hypot(x2 - x1, y2 - y1)
    # The peak of a length-weighted histogram in 1° bins (a bin and its neighbours), refined by the
    # weighted mean of the edges around it.
    hist, bins = np.histogram(angles, bins=90, range=(-45.0, 45.0), weights=lengths)
    smoothed = hist + np.roll(hist, 1) + np.roll(hist, -1)
    peak = float(bins[int(np.argmax(smoothed))] + 0.5)
    near = np.abs(_fold(angles - peak)) <= PEAK_WIDTH + 0.5
    return float(np.average(angles[near], weights=lengths[near]))


def checked_skew(image: np.ndarray, quads: np.ndarray, text_skew: float) -> float:
    """The skew to level the page by: `text_skew` (from the text boxes `quads`, tl-tr-br-bl corners),
    unless it is large and the page's long edges say the page's own lines run at another angle."""
    if abs(text_skew) <= CHECKED_SKEW or len(quads) < MIN_ALONG:
        return text_skew
    edges = edge_angle(image)
    if edges is None or abs(_fold(np.array([edges - text_skew]))[0]) <= DISAGREES:
        return text_skew
    widths, heights = boxes.sides(quads)
    angles = boxes.slopes(quads)
    along = (widths > 2 * np.maximum(heights, 1)) & (np.abs(angles - edges) <= ALONG_EDGES)
    if along.sum() < MIN_ALONG:
        return text_skew
    return boxes.weighted_median(angles[along], widths[along])
