"""The text boxes' geometry: sides, slopes, the weighted median that levels a page."""

from __future__ import annotations

import numpy as np

from ocr import boxes


def _quad(x: float, y: float, w: float, h: float, degrees: float = 0.0) -> np.ndarray:
    a = np.radians(degrees)
    along, down = np.array([np.cos(a), np.sin(a)]), np.array([-np.sin(a), np.cos(a)])
    tl = np.array([x, y])
    return np.array([tl, tl + w * along, tl + w * along + h * down, tl + h * down])


def test_sides_and_slopes_follow_a_turned_box() -> None:
    quads = np.stack([_quad(10, 10, 200, 30), _quad(50, 80, 100, 20, degrees=5.0), _quad(0, 0, 40, 10, -30.0)])
    widths, heights = boxes.sides(quads)
    assert np.allclose(widths, [200, 100, 40])
    assert np.allclose(heights, [30, 20, 10])
    assert np.allclose(boxes.slopes(quads), [0.0, 5.0, -30.0])


def test_weighted_median_goes_with_the_weight_not_the_count() -> None:
    values = np.array([-20.0, -20.0, -20.0, 1.0])
    assert boxes.weighted_median(values, np.array([1.0, 1.0, 1.0, 10.0])) == 1.0
    assert boxes.weighted_median(values, np.ones(4)) == -20.0


def test_spans_that_overlap_or_touch_are_merged_in_order() -> None:
    assert boxes.merged_spans([(30.0, 40.0), (0.0, 10.0), (5.0, 12.0), (12.0, 15.0), (50.0, 60.0)]) == [
        (0.0, 15.0),
        (30.0, 40.0),
        (50.0, 60.0),
    ]
    assert boxes.merged_spans([]) == []
