"""From page pixels to lines of text: detect once, decide the page's orientation once, recognise in batches.

Plain RapidOCR classifies every line's orientation and runs its detector on a large image; Huren
instead looks at the detected boxes to see whether the page lies on its side, recognises a handful
of lines both ways up to tell 0° from 180°, straightens the small skew, and recognises every line
in one batched call.
"""

from __future__ import annotations

import cv2
import numpy as np
from rapidocr.utils.process_img import get_rotate_crop_image

from huren.domain import BBox, Page, Quality, TextLine
from ocr import boxes, levelling, overlays, preprocess
from ocr.engine import OcrEngine
from ocr.orientation import upside_down_votes

MIN_LINE_CONFIDENCE = 0.3
ORIENTATION_SAMPLE = 7
LEVEL_DEGREES = 12.0  # a page's own lines lie within this of level before deskewing (a photo's tilt)
SPARSE_PAGE_LINES = 6
FINE_DETECTION_SIDE = 2048
UNREAD_ASPECT = 1.5  # an unread box this many times wider than high is a line of print, not a speck


def _is_sideways(quads: np.ndarray) -> bool:
    """Most long boxes standing upright means the text runs vertically: the page lies on its side."""
    if len(quads) == 0:
        return False
    xs, ys = quads[:, :, 0], quads[:, :, 1]
    w = xs.max(axis=1) - xs.min(axis=1)
    h = ys.max(axis=1) - ys.min(axis=1)
    tall = float(((h > 2 * w) * h).sum())
    wide = float(((w > 2 * h) * w).sum())
    return tall > wide


def _rotate_quads(quads: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    if len(quads) == 0:
        return quads
    pts = np.concatenate([quads.reshape(-1, 2), np.ones((quads.shape[0] * 4, 1), np.float32)], axis=1)
    return (pts @ matrix.T).reshape(-1, 4, 2).astype(np.float32)


def _rotate90(image: np.ndarray, quads: np.ndarray, clockwise_quarters: int) -> tuple[np.ndarray, np.ndarray]:
    """Turn image and boxes by 90° steps clockwise, keeping the boxes' corner order (tl, tr, br, bl)."""
    k = clockwise_quarters % 4
    if k == 0:
        return image, quads
    h, w = image.shape[:2]
    codes = {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}
    rotated = cv2.rotate(image, codes[k])
    x, y = quads[..., 0], quads[..., 1]
    if k == 1:
        new = np.stack([h - 1 - y, x], axis=-1)
    elif k == 2:
        new = np.stack([w - 1 - x, h - 1 - y], axis=-1)
    else:
        new = np.stack([y, w - 1 - x], axis=-1)
    return rotated, _reorder_corners(new.astype(np.float32))


def _quarter_matrix(clockwise_quarters: int, w: int, h: int) -> np.ndarray:
    """The 3×3 matrix of `_rotate90`'s point mapping for an image `w` × `h` pixels."""
    k = clockwise_quarters % 4
    rows = {
        0: [[1, 0, 0], [0, 1, 0]],
        1: [[0, -1, h - 1], [1, 0, 0]],
        2: [[-1, 0, w - 1], [0, -1, h - 1]],
        3: [[0, 1, 0], [-1, 0, w - 1]],
    }[k]
    return np.array([*rows, [0, 0, 1]], dtype=np.float64)


def _reorder_corners(quads: np.ndarray) -> np.ndarray:
    """Put each quad's corners back in tl, tr, br, bl order after a rotation moved them."""
    out = np.empty_like(quads)
    for i, q in enumerate(quads):
        s, d = q.sum(axis=1), q[:, 1] - q[:, 0]
        out[i] = [q[np.argmin(s)], q[np.argmin(d)], q[np.argmax(s)], q[np.argmax(d)]]
    return out


def _rotate_both(
    image: np.ndarray, work: np.ndarray, quads: np.ndarray, quarters: int
) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    rotated, new_quads = _rotate90(image, quads, quarters)
    if work is image:  # no seal washed out: one page, turned once
        return (rotated, rotated), new_quads
    return (rotated, _rotate90(work, quads[:0], quarters)[0]), new_quads


def _skew_degrees(quads: np.ndarray) -> float:
    """The page's skew from the slope of its long text boxes, weighted by their length."""
    widths, heights = boxes.sides(quads)
    keep = widths > 3 * np.maximum(heights, 1)
    if keep.sum() < 3:
        return 0.0
    return boxes.weighted_median(boxes.slopes(quads[keep]), widths[keep])


def crop_line(image: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The line's box cut out level, as RapidOCR's `get_rotate_crop_image` cuts it.

    Most boxes are level rectangles on whole pixels (the detector rounds its corners): its warp is then
    a shift by whole pixels, whose cubic weights are exactly 1 and 0, so the slice is the same pixels.
    """
    (x0, y0), (x1, y1) = quad[0], quad[2]
    h, w = image.shape[:2]
    if (
        quad[1, 0] == x1 and quad[1, 1] == y0 and quad[3, 0] == x0 and quad[3, 1] == y1
        and np.array_equal(quad, np.round(quad))
        and 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
    ):  # fmt: skip
        crop = image[int(y0) : int(y1), int(x0) : int(x1)].copy()
        return np.rot90(crop) if crop.shape[0] / crop.shape[1] >= 1.5 else crop
    return get_rotate_crop_image(image, quad.copy())


def _orientation_sample(quads: np.ndarray) -> np.ndarray:
    """The boxes whose direction decides which way up the page is: its longest level lines.

    A diagonal watermark repeated over the page gives the longest boxes of all; cropped at a slant
    they vote at random. Lines within `LEVEL_DEGREES` of level are the page's own (a box's corners
    are ordered by position, so a line turned 180° is as level as an upright one); only a page with
    none votes with its slanted lines.
    """
    widths, heights = boxes.sides(quads)
    level = np.abs(boxes.slopes(quads)) <= LEVEL_DEGREES
    long_lines = np.flatnonzero((widths > 2 * heights) & level)
    if len(long_lines) == 0:
        long_lines = np.flatnonzero(widths > 2 * heights)
    return long_lines[np.argsort(-widths[long_lines])][:ORIENTATION_SAMPLE]


def _upside_down(image: np.ndarray, quads: np.ndarray) -> bool:
    """Pool the direction classifier's votes over the sampled lines."""
    sample = _orientation_sample(quads)
    if len(sample) == 0:
        return False
    return upside_down_votes([crop_line(image, quads[i]) for i in sample]) > 0.5


def _deskew(
    image: np.ndarray, work: np.ndarray, quads: np.ndarray, skew: float, quality: Quality, to_work: np.ndarray
) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray, np.ndarray]:
    if abs(skew) <= 0.3:
        return (image, work), quads, to_work
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
    levelled = [
        cv2.warpAffine(im, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        for im in ((image,) if work is image else (image, work))  # no seal washed out: one page, levelled once
    ]
    image, work = levelled[0], levelled[-1]
    quality.skew = round(quality.skew + skew, 2)
    return (image, work), _rotate_quads(quads, matrix), np.vstack([matrix, [0.0, 0.0, 1.0]]) @ to_work


def _recognise(
    engine: OcrEngine, work: np.ndarray, quads: np.ndarray
) -> tuple[list[TextLine], list[float], list[BBox]]:
    """Every box's text, how far each box is tilted (degrees) on the levelled page, and the boxes of
    level lines that read as nothing sure (`unread_lines`)."""
    results = engine.recognize([crop_line(work, q) for q in quads])
    lines: list[TextLine] = []
    tilts: list[float] = []
    unread: list[BBox] = []
    for quad, tilt, (text, conf, char_pos) in zip(quads, boxes.slopes(quads), results, strict=False):
        if not text.strip() or conf < MIN_LINE_CONFIDENCE:
            unread.extend(unread_lines(quad[None]))
            continue
        xs, ys = quad[:, 0], quad[:, 1]
        x0, x1 = float(xs.min()), float(xs.max())
        char_x = [x0 + p * (x1 - x0) for p in char_pos] if char_pos else None
        lines.append(TextLine(text, (x0, float(ys.min()), x1, float(ys.max())), conf, char_x))
        tilts.append(float(tilt))
    return lines, tilts, unread


def unread_lines(quads: np.ndarray) -> list[BBox]:
    """The boxes of level lines, longer than high, among `quads`: lines of print that read as nothing.

    The page is turned the way most of its lines read; a second document on it lying the other way
    up (a card's other side photocopied facing the opposite way) reads as nothing sure, and its lines
    are dropped. Their boxes are kept aside, so that `ocr.regions` sees a document there and has it
    read again from its own crop. A diagonal watermark's slanted boxes are no page's lines.
    """
    widths, heights = boxes.sides(quads)
    level = np.abs(boxes.slopes(quads)) <= LEVEL_DEGREES
    keep = level & (widths > UNREAD_ASPECT * heights)
    return [
        (float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max())) for q in quads[keep]
    ]


def read_image(
    engine: OcrEngine, image: np.ndarray, *, source: str = "", number: int = 1, quality: Quality | None = None
) -> Page:
    """OCR one page image into an upright `Page` whose boxes are in the working image's pixels."""
    quality = quality or Quality()
    image, scale = preprocess.bound_resolution(image)
    to_work = np.diag([scale, scale, 1.0])  # input pixels → the working image's, followed through every step
    corners = preprocess.find_document(image)
    if corners is not None:
        image = preprocess.warp_document(image, corners)
        to_work = preprocess.document_transform(corners)[0] @ to_work
        quality.perspective_corrected = True

    seals = preprocess.red_regions(image)
    work = preprocess.wash_seals(image, seals)

    quads, _scores = engine.detect(work)
    if len(quads) < SPARSE_PAGE_LINES and max(work.shape[:2]) > FINE_DETECTION_SIDE // 2 * 1.2:
        # Almost nothing found on a large page: small print (an ID card copied onto A4, a faint fax).
        # Look again at twice the resolution; the cost falls only on such pages.
        finer, _ = engine.detect(work, max_side=min(max(work.shape[:2]), FINE_DETECTION_SIDE))
        if len(finer) > len(quads):
            quads = finer
    if _is_sideways(quads):
        to_work = _quarter_matrix(1, image.shape[1], image.shape[0]) @ to_work
        (image, work), quads = _rotate_both(image, work, quads, 1)
        quality.rotation = (quality.rotation + 90) % 360
    if len(quads) and _upside_down(work, quads):
        to_work = _quarter_matrix(2, image.shape[1], image.shape[0]) @ to_work
        (image, work), quads = _rotate_both(image, work, quads, 2)
        quality.rotation = (quality.rotation + 180) % 360

    # A diagonal watermark's boxes can outweigh the page's own lines; a large skew is checked against
    # the page's long straight edges (a card's outline) before the page is levelled by it.
    skew = levelling.checked_skew(image, quads, _skew_degrees(quads))
    (image, work), quads, to_work = _deskew(image, work, quads, skew, quality, to_work)
    lines, tilts, unread = _recognise(engine, work, quads)
    correction = overlays.misdeskewed(lines, tilts)
    if correction is not None:
        # The page was levelled to a diagonal watermark's long lines, not to its own: level it again.
        (image, work), quads, to_work = _deskew(image, work, quads, correction, quality, to_work)
        lines, tilts, unread = _recognise(engine, work, quads)
    lines, found_overlays = overlays.reread(engine, work, lines, tilts)

    preprocess.measure_quality(image, quality)
    h, w = image.shape[:2]
    _flag_layout_quality(lines, w, h, quality)
    if quality.rotation % 360 or quality.skew:
        seals = preprocess.red_regions(image)  # in the upright page's coordinates
    return Page(
        source=source,
        number=number,
        width=w,
        height=h,
        lines=lines,
        quality=quality,
        marks={
            "red_regions": seals,
            "to_work": to_work,
            "overlays": [(o.text, o.bbox, o.why) for o in found_overlays],
            "unread": unread,
        },
        image=image,
    )


STAMP_BAND_PAD = 0.5  # a stamped band is read this many of the page's line heights wider above and below


def read_stamped(
    engine: OcrEngine, image: np.ndarray, lines: list[TextLine], seals: list[BBox]
) -> list[TextLine] | None:
    """The page's lines, those in the bands a coloured stamp lies over read again from the image washed
    of it (`preprocess.wash_stamps`); None when the page has no coloured stamp (nothing is detected).

    Washing a whole page before its first reading also washes a card's own colour under a copy mark;
    the caller asks only for a document that lacks a field, and keeps this reading only if it reads more.
    """
    stamps = _outside(preprocess.stamp_regions(image), seals)
    if not stamps:
        return None
    washed = preprocess.wash_stamps(preprocess.wash_seals(image, seals), stamps)
    heights = sorted(ln.height for ln in lines) or [20.0]
    pad = STAMP_BAND_PAD * heights[len(heights) // 2]
    out = list(lines)
    for y0, y1 in _stamped_bands(stamps, lines, pad, image.shape[0]):
        crop = washed[y0:y1]
        quads, _ = engine.detect(crop)
        if not len(quads):
            continue
        found, _, _ = _recognise(engine, crop, quads)
        if not found:
            continue
        kept = [ln for ln in out if not y0 <= (ln.bbox[1] + ln.bbox[3]) / 2 < y1]
        out = kept + [
            TextLine(
                ln.text,
                (ln.bbox[0], ln.bbox[1] + y0, ln.bbox[2], ln.bbox[3] + y0),
                ln.confidence,
                ln.char_x,
            )
            for ln in found
        ]
    return out


def _stamped_bands(stamps: list[BBox], lines: list[TextLine], pad: float, height: int) -> list[tuple[int, int]]:
    """Rows of the page (y0, y1) each stamp covers, widened to hold whole the lines it crosses; bands
    that overlap are one."""
    bands: list[tuple[float, float]] = []
    for sx0, sy0, sx1, sy1 in stamps:
        top, bottom = sy0, sy1
        for ln in lines:
            x0, y0, x1, y1 = ln.bbox
            if min(x1, sx1) > max(x0, sx0) and min(y1, sy1) > max(y0, sy0):
                top, bottom = min(top, y0), max(bottom, y1)
        bands.append((max(0.0, top - pad), min(float(height), bottom + pad)))
    return [(int(a), int(b) + 1) for a, b in boxes.merged_spans(bands) if b - a >= 8]


def _outside(boxes: list[BBox], seals: list[BBox]) -> list[BBox]:
    """The boxes not inside a seal's box: a seal found both ways is washed once, as a seal."""
    return [x for x in boxes if not any(y[0] <= x[0] and y[1] <= x[1] and x[2] <= y[2] and x[3] <= y[3] for y in seals)]


def _flag_layout_quality(lines: list[TextLine], w: int, h: int, quality: Quality) -> None:
    if not lines:
        quality.flags.append("no_text")
        return
    heights = sorted(line.height for line in lines)
    median = heights[len(heights) // 2]
    if median < 12:
        quality.flags.append("low_resolution")
    quality.mean_confidence = round(sum(ln.confidence for ln in lines) / len(lines), 4)
    margin = max(2.0, 0.004 * max(w, h))
    if any(
        ln.bbox[0] <= margin or ln.bbox[1] <= margin or ln.bbox[2] >= w - margin or ln.bbox[3] >= h - margin
        for ln in lines
    ):
        quality.flags.append("cut_off")
        quality.cut_off = True
    if median > 0:
        # Body text is 10–12 pt; its cap height in pixels gives the scan's resolution.
        quality.dpi_estimate = round(median / (11 / 72) / 1.3, 0)


def text_layer_page(lines: list[TextLine], *, source: str, number: int, width: int, height: int) -> Page:
    """A PDF page read from its text layer: no OCR, full confidence."""
    quality = Quality(width=width, height=height, text_layer=True, mean_confidence=1.0)
    return Page(source=source, number=number, width=width, height=height, lines=lines, quality=quality)
