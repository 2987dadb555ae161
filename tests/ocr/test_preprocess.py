"""OpenCV preprocessing on synthetic pictures: the document in a photo, quality signals, seals."""

import cv2
import numpy as np

from huren.domain import Quality
from ocr import preprocess


def _page(w: int = 1200, h: int = 850) -> np.ndarray:
    img = np.full((h, w, 3), 245, np.uint8)
    for y in range(100, h - 100, 60):
        cv2.putText(img, "HUREN 2025 metrology", (80, y), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (20, 20, 20), 2)
    return img


def test_document_found_and_flattened_in_a_desk_photo() -> None:
    page = _page()
    desk = np.full((1400, 1800, 3), (60, 80, 110), np.uint8)
    src = np.float32([[0, 0], [1199, 0], [1199, 849], [0, 849]])
    dst = np.float32([[300, 200], [1500, 260], [1450, 1150], [250, 1080]])
    warped = cv2.warpPerspective(page, cv2.getPerspectiveTransform(src, dst), (1800, 1400))
    mask = cv2.warpPerspective(np.full((850, 1200), 255, np.uint8), cv2.getPerspectiveTransform(src, dst), (1800, 1400))
    photo = np.where(mask[:, :, None] > 0, warped, desk)
    corners = preprocess.find_document(photo)
    assert corners is not None
    assert np.abs(corners - dst).max() < 25
    flat = preprocess.warp_document(photo, corners)
    h, w = flat.shape[:2]
    assert abs(w / h - 1200 / 850) < 0.08


def test_a_flatbed_scan_is_left_alone() -> None:
    assert preprocess.find_document(_page()) is None


def test_blur_is_flagged_and_sharp_is_not() -> None:
    sharp = preprocess.measure_quality(_page(), Quality())
    blurred = preprocess.measure_quality(cv2.GaussianBlur(_page(), (0, 0), 6), Quality())
    assert "blurred" not in sharp.flags
    assert "blurred" in blurred.flags
    assert blurred.blur is not None and sharp.blur is not None and blurred.blur < sharp.blur


def test_glare_on_a_darker_photo_is_flagged() -> None:
    photo = (_page().astype(np.float32) * 0.7).astype(np.uint8)
    cv2.circle(photo, (600, 400), 120, (255, 255, 255), -1)
    assert "glare" in preprocess.measure_quality(photo, Quality()).flags
    assert "glare" not in preprocess.measure_quality(_page(), Quality()).flags


def test_glare_share_is_of_pixels_at_white_above_the_60th_percentile_of_the_page() -> None:
    photo = np.full((900, 1300, 3), 215, np.uint8)  # a grey photo, a third of it glaring white
    photo[600:] = 253
    photo[::7, ::5] = 240
    norm = cv2.resize(cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY), (1000, 692), interpolation=cv2.INTER_AREA)
    expected = float(((norm >= 250) & (norm > np.percentile(norm, 60) + 25)).mean())
    assert expected > 0.2
    assert preprocess.measure_quality(photo, Quality()).glare == round(expected, 4)


def test_resolution_is_bounded_both_ways() -> None:
    big, scale = preprocess.bound_resolution(np.zeros((6000, 4000, 3), np.uint8))
    assert max(big.shape[:2]) == preprocess.MAX_WORK_SIDE and scale < 1
    small, scale = preprocess.bound_resolution(np.zeros((300, 450, 3), np.uint8))
    assert max(small.shape[:2]) == preprocess.MIN_WORK_SIDE and scale > 1


def test_seal_found_and_washed_out_over_black_text() -> None:
    page = _page()
    cv2.circle(page, (600, 420), 150, (40, 40, 220), 10)  # red ring (BGR)
    cv2.putText(page, "SEAL", (520, 440), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (40, 40, 220), 4)
    regions = preprocess.red_regions(page)
    assert len(regions) >= 1
    x0, y0, x1, y1 = max(regions, key=lambda r: (r[2] - r[0]) * (r[3] - r[1]))
    assert x0 < 460 and x1 > 740 and y0 < 280 and y1 > 560
    washed = preprocess.wash_seals(page, regions)
    assert preprocess.red_mask(washed).mean() < preprocess.red_mask(page).mean() / 10
    # Black text inside the seal's box stays dark.
    assert (cv2.cvtColor(washed[380:440, 450:750], cv2.COLOR_BGR2GRAY) < 80).any()


def test_a_pale_corner_of_the_desk_is_not_taken_for_the_sheet() -> None:
    """Light on one side of the desk makes it as bright as the paper there: the brightness threshold then
    runs the sheet into the desk, closing it with straight lines across it that lie on no edge."""
    page = _page()
    cv2.rectangle(page, (0, 0), (1199, 849), (150, 150, 150), 3)  # the paper's rim, a thin shadow
    width = 1800
    ramp = np.clip(np.linspace(300, -40, width), 60, 228).astype(np.uint8)  # lit on the left, dark on the right
    desk = np.repeat(np.repeat(ramp[None, :, None], 1400, axis=0), 3, axis=2)
    src = np.float32([[0, 0], [1199, 0], [1199, 849], [0, 849]])
    dst = np.float32([[300, 200], [1500, 260], [1450, 1150], [250, 1080]])
    transform = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(page, transform, (width, 1400))
    mask = cv2.warpPerspective(np.full((850, 1200), 255, np.uint8), transform, (width, 1400))
    photo = np.where(mask[:, :, None] > 0, warped, desk)
    corners = preprocess.find_document(photo)
    assert corners is not None
    assert np.abs(corners - dst).max() < 25


def test_edge_support_counts_only_the_sides_inside_the_picture() -> None:
    edges = np.zeros((100, 100), np.uint8)
    edges[20, 10:90] = 255  # a top side on an edge
    top_and_border = np.float32([[10, 20], [90, 20], [90, 99], [10, 99]])
    assert 0.3 < preprocess.edge_support(top_and_border, edges) < 0.4  # sides at x=10, x=90 have no edge
    cut_off = np.float32([[0, 20], [99, 20], [99, 99], [0, 99]])
    assert preprocess.edge_support(cut_off, edges) > 0.75  # the rest runs along the picture's border


def test_a_coloured_stamp_over_print_is_washed_in_its_own_ink_and_coloured_labels_beside_it_are_kept() -> None:
    """A framed 复印无效 stamp is three times wider than high (no seal's shape) and may be blue, not red:
    found by its saturated ink lying over black print, and washed in the channel where it is palest."""
    page = _page()
    blue = (170, 60, 40)  # BGR
    cv2.putText(page, "LABEL", (80, 790), cv2.FONT_HERSHEY_SIMPLEX, 1.2, blue, 2)  # coloured print, alone
    cv2.rectangle(page, (300, 130), (780, 290), blue, 8)
    cv2.putText(page, "VOID", (400, 240), cv2.FONT_HERSHEY_SIMPLEX, 2.6, blue, 7)
    assert preprocess.red_regions(page) == []
    regions = preprocess.stamp_regions(page)
    assert len(regions) == 1
    x0, y0, x1, y1 = regions[0]
    assert x0 < 305 and y0 < 135 and x1 > 775 and y1 > 285 and y1 < 700
    washed = preprocess.wash_stamps(page, regions)
    inside = (slice(140, 280), slice(310, 770))
    assert preprocess.ink_mask(washed[inside]).mean() < preprocess.ink_mask(page[inside]).mean() / 20
    grey = cv2.cvtColor(washed[inside], cv2.COLOR_BGR2GRAY)
    assert (grey < 80).sum() > 0.5 * (cv2.cvtColor(_page()[inside], cv2.COLOR_BGR2GRAY) < 80).sum()  # print kept
    assert np.array_equal(washed[760:800], page[760:800])  # the blue label beside nothing is left as it is


def test_overlapping_blobs_are_gathered_into_one_box_with_their_counts_summed() -> None:
    rows = [[0, 0, 10, 10, 1, 2], [20, 0, 30, 10, 4, 1], [5, 5, 25, 8, 3, 0], [40, 40, 50, 50, 7, 7]]
    assert sorted(preprocess._gathered(rows)) == [[0, 0, 30, 10, 8, 3], [40, 40, 50, 50, 7, 7]]
