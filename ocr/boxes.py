"""The geometry of the detector's text boxes (quads of tl-tr-br-bl corners, shape (n, 4, 2))."""

from __future__ import annotations

import numpy as np


def sides(quads: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each box's width (its top edge) and height (its left edge), in pixels."""
    widths = np.linalg.norm(quads[:, 1] - quads[:, 0], axis=1)
    heights = np.linalg.norm(quads[:, 3] - quads[:, 0], axis=1)
    return widths, heights


def slopes(quads: np.ndarray) -> np.ndarray:
    """Each box's slope in degrees (image coordinates: positive turns clockwise), from its top edge."""
    v = quads[:, 1] - quads[:, 0]
    return np.degrees(np.arctan2(v[:, 1], v[:, 0]))


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The value below and above which lie half of the weight."""
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def merged_spans(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Intervals (start, end) that overlap or touch joined into one, in order of their starts."""
    merged: list[list[float]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]
