"""Text laid over a document — copy marks (复印无效, 仅供…使用, 与原件一致), specimen stamps, diagonal
repeats — told apart from the document's own lines and kept out of every value.

An overlay is known by its wording, by its geometry (a box tilted against the page's lines,
repeated), by repetition (the same words again and again across the page) and by its tint (thick
grey strokes, lighter than the ink, where no line was found).  A line that an overlay crosses is
read a second time: its band of the image, widened over a level overlay, is cropped, strokes lighter
than the print are washed out, and the crop is recognised again; where an overlay hid a line from
the detector altogether, its washed band is searched once more.  A page levelled to a diagonal
watermark's long lines instead of its own is levelled again (`misdeskewed`).  The second pass
touches only those lines and bands: a page without overlays costs nothing.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from huren.domain import BBox, TextLine
from huren.normalize import squash

# Copy marks: a line made only of these (and punctuation) is an overlay, and where a detector merged
# one into a line of the document it is cut out of it.
_PHRASES = re.compile(
    r"(?:再次|此件)?复印(?:件)?无效|(?:此件|本件|此复印件)?与原件(?:一致|相符)|仅供.{0,14}?(?:使用|之用)|"
    r"他用无效|(?:复印件)?仅限.{0,14}?使用"
)
# The fixed copy marks, also with one character after the first misread (此复糊件 for 此复印件): a
# grey, slanted overlay is read worse than the print.  Only marks of four characters or more, and
# their first character kept, so that three in place are no document's words (身份证复印件 is a title).
_FIXED_MARKS = ("此复印件", "复印无效", "与原件一致", "与原件相符", "他用无效")
_MISREAD = re.compile(
    "|".join(
        re.escape(mark[:i]) + r"[^\s\d]" + re.escape(mark[i + 1 :])
        for mark in _FIXED_MARKS
        for i in range(1, len(mark))
    )
)
# Specimen stamps: an overlay when alone; inside a line (标准样本) they may be the document's words.
_STAMPS = re.compile(r"SPECIMEN|样本|样张|样证", re.IGNORECASE)
_FILLER = re.compile(r"[\s·.,，。:：;；()（）\-—_*#]+")
MIN_REPEATS = 3  # the same words this many times on a page are printed across it, not part of it
TILT_DEGREES = 12.0  # a long box this far off the page's lines is laid over it
MISLEVELLED = 6.0  # most of a page's own lines this far off level: it was levelled to something else
AGREEING = 2.0  # degrees (interquartile) within which tilted lines agree on one skew
SCRAP_CONFIDENCE = 0.8  # a slant's scrap is read less surely than this
SLANT_HEIGHT = 2.0  # a tilted box this many times the page's typical line height is a long slant's upright box
SHARED_SCORE = 66.0  # partial match (0–100) of two tilted boxes' texts that makes them one repeated overlay
BAND_PAD = 0.3  # a line read again is cropped this many of its heights wider on either side
REREAD_CONFIDENCE_DROP = 0.1  # a second reading of a line this much less sure than the first is not the line


@dataclass(frozen=True, slots=True)
class Overlay:
    text: str
    bbox: BBox
    why: str  # "wording" | "repeated" | "tilt" (a tilted box) | "tint" (grey strokes no line covers)


def overlay_share(text: str) -> float:
    """How much of a line's text is overlay wording (0 to 1)."""
    squashed = _FILLER.sub("", squash(text))
    if not squashed:
        return 0.0
    return len(_marked(squashed, _PHRASES, _MISREAD, _STAMPS)) / len(squashed)


def _marked(text: str, *patterns: re.Pattern[str]) -> set[int]:
    """The positions in `text` that any of the overlay patterns covers."""
    return {i for pattern in patterns for m in pattern.finditer(text) for i in range(*m.span())}


def strip_overlay(line: TextLine) -> TextLine | None:
    """The line without the overlay words a detector merged into it (None if nothing else is left)."""
    drop = _marked(line.text, _PHRASES, _MISREAD)
    if not drop:
        return line
    idx = [i for i in range(len(line.text)) if i not in drop]
    text = "".join(line.text[i] for i in idx)
    if not _FILLER.sub("", text):
        return None
    if line.char_x and len(line.char_x) == len(line.text):
        char_x = [line.char_x[i] for i in idx]
        pitch = (line.bbox[2] - line.bbox[0]) / len(line.text)
        bbox = (max(line.bbox[0], char_x[0] - pitch), line.bbox[1], min(line.bbox[2], char_x[-1] + pitch), line.bbox[3])
        return TextLine(text, bbox, line.confidence, char_x)
    # Without character positions the kept text's place in the box is a guess: less sure.
    return TextLine(text, line.bbox, line.confidence * 0.9, None)


def _repeated(lines: list[TextLine]) -> set[int]:
    keys = [_FILLER.sub("", squash(line.text)) for line in lines]
    counts = Counter(k for k in keys if len(re.findall(r"[\u4e00-\u9fff]", k)) >= 4 and not re.search(r"\d", k))
    return {i for i, k in enumerate(keys) if counts[k] >= MIN_REPEATS}


def misdeskewed(lines: list[TextLine], tilts: list[float]) -> float | None:
    """The page's own skew when it was levelled to an overlay's lines instead: most of its text
    lines then stand tilted.  None when the page's lines are level."""
    echoes = _echoes(lines)
    own = [
        t
        for i, (line, t) in enumerate(zip(lines, tilts, strict=True))
        if overlay_share(line.text) < 0.3 and len(squash(line.text)) >= 4 and i not in echoes
    ]
    tilted = sorted(t for t in own if abs(t) >= MISLEVELLED)
    if len(own) < 5 or len(tilted) < 0.6 * len(own):
        return None
    middle = tilted[len(tilted) // 2]
    # Below an overlay's tilt (a watermark at 10–12°: the page levelled to it stands its own lines
    # that far off) the lines must agree on it: a photo's perspective tilts them this way and that.
    spread = tilted[3 * len(tilted) // 4] - tilted[len(tilted) // 4]
    if abs(middle) < TILT_DEGREES and (spread > AGREEING or any(t * middle < 0 for t in tilted)):
        return None
    return middle


def _echoes(lines: list[TextLine]) -> set[int]:
    """Lines that are pieces of the same words as two others or more: a repeated overlay's pieces."""
    keys = [_FILLER.sub("", squash(line.text)) for line in lines]
    return {
        i
        for i, k in enumerate(keys)
        if len(k) >= 3
        and sum(1 for j, other in enumerate(keys) if j != i and len(other) >= 3 and _shares(k, other)) >= 2
    }


def _shares(a: str, b: str) -> bool:
    """Two texts are pieces of the same words: the shorter one (two characters at least) found in
    the other up to a misread character (此夏印 in 此复印件); digits do not count (dates repeat)."""
    a, b = re.sub(r"\d", "", a), re.sub(r"\d", "", b)
    if min(len(a), len(b)) < 2:
        return False
    return fuzz.partial_ratio(a, b) >= SHARED_SCORE


def remove_phrases(text: str) -> str:
    """`text` without the copy-mark phrases laid into it."""
    return _PHRASES.sub("", text)


# A Han character inside a long run of digits, which no number, date or address puts there: the
# stroke of an overlay the recogniser took for a character (3227复7196…).
_CROSSED_NUMBER = re.compile(r"(\d{2,})[\u4e00-\u9fff](?<![年月日号组弄室栋幢楼层至起止第])(\d{2,})")


def _crossed_number(text: str) -> bool:
    return any(len(m.group(1)) + len(m.group(2)) >= 7 for m in _CROSSED_NUMBER.finditer(squash(text)))


def find_overlays(lines: list[TextLine], tilts: list[float] | None = None) -> dict[int, str]:
    """The lines that are overlays, with why: by wording, by repetition, by tilt (degrees per line)."""
    found: dict[int, str] = {}
    for i, line in enumerate(lines):
        if overlay_share(line.text) >= 0.6:
            found[i] = "wording"
    for i in _repeated(lines):
        found.setdefault(i, "repeated")
    if tilts is not None:
        # A tilted box alone may be a seal's ring; tilted and repeated, or tilted with a copy mark's
        # words in it, is laid over the page.
        tilted = [i for i, tilt in enumerate(tilts) if abs(tilt) >= TILT_DEGREES and len(squash(lines[i].text)) >= 2]
        keys = {i: _FILLER.sub("", squash(lines[i].text)) for i in tilted}
        level = sorted(line.height for line, tilt in zip(lines, tilts, strict=True) if abs(tilt) < TILT_DEGREES)
        body = level[len(level) // 2] if level else math.inf  # the page's own lines' height
        for i in tilted:
            # Repeats cut at different places by the page's edges or the print: `审核使用`, `核使用`.
            repeated = any(j != i and _shares(keys[i], keys[j]) for j in tilted)
            tall = lines[i].height >= SLANT_HEIGHT * body  # a long slant's upright box: far taller than a line
            if repeated or overlay_share(lines[i].text) >= 0.3 or mark_piece(keys[i], tall):
                found.setdefault(i, "tilt")
        # Scraps of a slant the recogniser could not read (护, 用用, 校): a few characters, read unsure,
        # in a tilted box far taller than the page's lines.  A seal's ring is set at the size of text.
        for i, (line, tilt) in enumerate(zip(lines, tilts, strict=True)):
            if (
                abs(tilt) >= TILT_DEGREES
                and 0 < len(_FILLER.sub("", squash(line.text))) <= 3
                and line.confidence < SCRAP_CONFIDENCE
                and line.height >= SLANT_HEIGHT * body
            ):
                found.setdefault(i, "tilt")
    return found


# What a copy mark's pieces are cut from: a slanted mark split by the detector into boxes of two or
# three characters (此复 / 印件仅供 / 原代) matches no whole phrase, but each piece is part of one.
_MARK_WORDS = (*_FIXED_MARKS, "再次复印无效", "复印件无效", "此件与原件一致", "本件与原件相符", "此复印件仅供")
_MARK_OPENINGS = ("仅供", "仅限")  # 仅供…使用: what lies between varies, its ends do not
_MARK_CLOSINGS = ("使用", "之用", "无效")


def mark_piece(key: str, tall: bool = False) -> bool:
    """A tilted box's text (filler removed) is a piece of a copy mark: part of one of its fixed words
    (one character misread in three or more), or the opening or closing of 仅供…使用.  Two characters
    with one misread (原代 for 原件) count only in a box as tall as a long slant's (`tall`)."""
    key = re.sub(r"\d", "", key)
    if len(key) < 2 or not re.fullmatch(r"[\u4e00-\u9fff]+", key):
        return False
    if key.startswith(_MARK_OPENINGS) or key.endswith(_MARK_CLOSINGS):
        return True
    if any(key in word for word in _MARK_WORDS):
        return True
    if len(key) < 3 and not tall:
        return False
    return any(
        sum(a != b for a, b in zip(key, word[i : i + len(key)], strict=True)) <= 1
        for word in _MARK_WORDS
        for i in range(len(word) - len(key) + 1)
    )


def without_overlays(lines: list[TextLine]) -> list[TextLine]:
    """The document's own lines: overlay lines dropped, overlay words cut out of the lines they merged into."""
    overlays = find_overlays(lines)
    out = []
    for i, line in enumerate(lines):
        if i in overlays:
            continue
        stripped = strip_overlay(line)
        if stripped is not None:
            out.append(stripped)
    return out


# --- the second pass over an image ------------------------------------------------------------------


def _overlap(a: BBox, b: BBox) -> tuple[float, float]:
    return min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])


WASHES = (0.35, 0.2)  # how much of the way from ink to paper a stroke may be and still count as print


def grey_counts(grey: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """How many pixels of each of the 256 grey levels an 8-bit image has, only where `mask` is set if
    given (OpenCV's histogram: numpy's bincount first widens every pixel to 64 bits)."""
    import cv2

    return cv2.calcHist([grey], [0], mask, [256], [0, 256]).ravel().astype(np.int64)


def percentile_u8(counts: np.ndarray, q: float) -> float:
    """`np.percentile` (linear) of the 8-bit pixels counted in `counts`, without sorting a page of them."""
    cumulative = np.cumsum(counts)
    position = q / 100 * (int(cumulative[-1]) - 1)
    below = math.floor(position)
    low = int(np.searchsorted(cumulative, below, side="right"))
    high = int(np.searchsorted(cumulative, below + 1, side="right")) if below + 1 < cumulative[-1] else low
    return float(low + (high - low) * (position - below))


def colour_spread(image: np.ndarray) -> np.ndarray:
    """Each pixel's brightest channel minus its darkest (0 for grey), as uint8 (it cannot go below 0);
    OpenCV's per-channel max/min instead of numpy's reduction over the last axis, ~40× slower on a page."""
    import cv2

    b, g, r = cv2.split(image)
    return cv2.subtract(cv2.max(cv2.max(b, g), r), cv2.min(cv2.min(b, g), r))


def wash(crop: np.ndarray, keep_share: float = WASHES[0]) -> np.ndarray:
    """Keep the darkest strokes (the print), whiten lighter grey and coloured ones (a watermark)."""
    import cv2

    # A watermark is laid on thin so as not to hide the print: grey strokes lighter than the ink go.
    # Coloured print (an ID card's blue labels) is lighter than black ink too, and stays when it is
    # clearly coloured and not pale.
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    counts = grey_counts(grey)
    ink, paper = percentile_u8(counts, 3), percentile_u8(counts, 90)
    keep = grey <= ink + keep_share * (paper - ink)
    if crop.ndim == 3:
        keep |= (colour_spread(crop) >= 50) & (grey <= ink + 0.75 * (paper - ink))
    out = np.where(keep, grey, 255).astype(np.uint8)
    return cv2.cvtColor(out, cv2.COLOR_GRAY2BGR)


def blobs(mask: np.ndarray) -> tuple[np.ndarray, int, int]:
    """The connected blobs of a 0/255 mask as OpenCV's stats rows (x, y, w, h, area), background left
    out, labelled only within the rectangle that holds the mask's set pixels (its offset returned):
    labelling costs as much for an empty page as for a full one."""
    import cv2

    x0, y0, w, h = cv2.boundingRect(mask)
    if w == 0 or h == 0:
        return np.zeros((0, 5), np.int32), 0, 0
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask[y0 : y0 + h, x0 : x0 + w])
    return stats[1:], x0, y0


def mid_greys(grey: np.ndarray, spread: np.ndarray, ink: float, paper: float) -> np.ndarray:
    """0/255 where a pixel is grey (`spread` < 40) and lies clearly between ink and paper
    (ink + 35 % < grey < paper - 25 %): the thresholds on whole grey levels, for OpenCV on 8 bits."""
    import cv2

    lighter, darker = math.floor(ink + 0.35 * (paper - ink)) + 1, math.ceil(paper - 0.25 * (paper - ink)) - 1
    return cv2.bitwise_and(cv2.inRange(grey, lighter, darker), cv2.inRange(spread, 0, 39))


def tinted_regions(image: np.ndarray, max_regions: int = 4) -> list[BBox]:
    """Where thick grey strokes lighter than the ink lie — a watermark's glyphs — grouped by row.

    Print has mid-tones only at its edges, a pixel or two wide; an opening removes those and leaves
    the strokes of text printed in grey.  Frames and rules (long and thin) are not glyphs.
    """
    import cv2

    if image.ndim != 3 or min(image.shape[:2]) < 64:
        return []
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    spread = colour_spread(image)
    counts = grey_counts(grey)
    paper = percentile_u8(counts, 80)
    marked = counts.copy()
    marked[max(0, math.ceil(paper - 40)) :] = 0  # the pixels darker than paper - 40
    if marked.sum() < 64:
        return []
    ink = percentile_u8(marked, 5)
    if paper - ink < 60:
        return []  # a faded or dark page: no telling grey print from grey ink
    k = max(3, round(min(image.shape[:2]) / 250))
    mask = cv2.morphologyEx(mid_greys(grey, spread, ink, paper), cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    stats, x0, y0 = blobs(cv2.dilate(mask, np.ones((3 * k, 3 * k), np.uint8)))
    side = max(image.shape[:2])
    glyphs = [
        (float(x0 + x), float(y0 + y), float(x0 + x + w), float(y0 + y + h))
        for x, y, w, h, _ in stats
        if 4 * k <= w <= 0.15 * side and 4 * k <= h <= 0.15 * side and 0.25 <= w / h <= 4
    ]
    rows: list[list[float]] = []
    for g in sorted(glyphs, key=lambda b: b[1]):
        row = next((r for r in rows if min(r[3], g[3]) - max(r[1], g[1]) > 0.5 * (g[3] - g[1])), None)
        if row is None:
            rows.append(list(g))
        else:
            row[:] = [min(row[0], g[0]), min(row[1], g[1]), max(row[2], g[2]), max(row[3], g[3])]
    # A watermark is words: at least two glyphs' width. The widest rows first.
    boxes = [(r[0], r[1], r[2], r[3]) for r in rows if r[2] - r[0] >= 1.5 * (r[3] - r[1])]
    boxes.sort(key=lambda b: -(b[2] - b[0]))
    return boxes[:max_regions]


def _crop(image: np.ndarray, box: BBox, pad: float) -> tuple[np.ndarray, float, float]:
    h, w = image.shape[:2]
    x0, y0 = max(0, int(box[0] - pad)), max(0, int(box[1] - pad / 2))
    x1, y1 = min(w, int(box[2] + pad)), min(h, int(box[3] + pad / 2))
    return image[y0:y1, x0:x1], float(x0), float(y0)


def reread(
    engine: object, image: np.ndarray, lines: list[TextLine], tilts: list[float]
) -> tuple[list[TextLine], list[Overlay]]:
    """Separate overlays from the page's lines and read again the lines they cross (`engine` is an `OcrEngine`)."""
    found = find_overlays(lines, tilts)
    overlays = [
        Overlay(lines[i].text, lines[i].bbox, "tilt" if abs(tilts[i]) >= TILT_DEGREES else why)
        for i, why in sorted(found.items())
    ]
    # Grey words the detector found nothing in (or only part of a line): where a line may be hidden.
    # Watermarks are set large: grey strokes smaller than the page's print are its own grey text.
    heights = sorted(line.height for line in lines)
    body = heights[len(heights) // 2] if heights else 0.0
    # A tint a line covers is that line's own grey print, unless the line is swollen: a stamp the
    # detector merged into it (its box grown over the stamp's frame and glyphs).
    overlays += [
        Overlay("", box, "tint")
        for box in tinted_regions(image)
        if box[3] - box[1] >= 0.7 * body
        and (_coverage(box, lines) < 0.5 or any(swollen(ln) and _overlap(box, ln.bbox)[0] > 0 for ln in lines))
    ]
    kept = [
        (line, line is not (s := strip_overlay(line)) or _crossed_number(line.text), s)
        for i, line in enumerate(lines)
        if i not in found
    ]
    if not overlays and not any(merged for _, merged, _ in kept):
        return lines, []
    out: list[TextLine] = []
    for line, merged, stripped in kept:
        crossed = [
            o
            for o in overlays
            if (ov := _overlap(line.bbox, o.bbox))[0] > -2 * line.height and ov[1] > 0.3 * line.height
        ]
        if not merged and not crossed:
            out.append(line)
            continue
        band = _band(line, [o.bbox for o in crossed if o.why != "tilt"], [k for k, _, _ in kept])
        stamped = any(o.why == "tint" for o in crossed)  # grey glyphs as large as a stamp's, not a slant's scraps
        if stamped and swollen(line) and (pieces := _redetect(engine, image, line, band)):
            # The stamp and the line were one box: the line, read again from its own rows, stands for it.
            out.extend(pieces)
            continue
        again = _read_band(engine, image, band, line.height)
        if again is not None and not merged and again.confidence < line.confidence - REREAD_CONFIDENCE_DROP:
            # Read clearly worse than the line alone: the band ran across something else (the cells of a
            # blurred table row, whose soft edges looked like grey strokes), not under a watermark.
            again = None
        readings = [r for r in (stripped, again) if r is not None]
        if readings:
            out.append(max(readings, key=lambda r: _worth(r, readings)))
    out.extend(_found_under(engine, image, overlays, out))
    out.extend(_read_beside(engine, image, overlays, out))
    return out, overlays


PRINT_ROWS = 0.3  # rows with this share of the peak row's dark pixels belong to the line's band of print
SWOLLEN = 1.7  # a line box this many times higher than its text's width per character has grown over something


def swollen(line: TextLine) -> bool:
    """The line's box is far higher than its text is wide per character (a Han character as wide as
    high, a digit or letter about half): the detector merged it with a stamp above or below it."""
    text = _FILLER.sub("", line.text)
    ems = sum(1.0 if "\u4e00" <= ch <= "\u9fff" else 0.55 for ch in text)
    return ems >= 2 and line.height > SWOLLEN * (line.bbox[2] - line.bbox[0]) / ems


def _redetect(engine: object, image: np.ndarray, line: TextLine, band: BBox) -> list[TextLine]:
    """A swollen line read again from the rows of its box where the print lies, across its `band`
    (`_band`: it may run on under an overlay): washed hard of light strokes (a stamp's frame and
    glyphs), the rows around the darkest row profile's peak recognised washed. Empty when nothing
    sure is read there or it reads as overlay wording."""
    import cv2

    crop, x0, y0 = _crop(image, (band[0], line.bbox[1], band[2], line.bbox[3]), 0.0)
    if min(crop.shape[:2]) < 16:
        return []
    washed = wash(crop, WASHES[-1])
    dark = cv2.cvtColor(washed, cv2.COLOR_BGR2GRAY) < 128
    profile = np.convolve(dark.sum(axis=1).astype(np.float64), np.ones(3) / 3, mode="same")
    peak = int(np.argmax(profile))
    if profile[peak] <= 0:
        return []
    rows = profile >= PRINT_ROWS * profile[peak]
    top, bottom = peak, peak
    while top > 0 and rows[top - 1]:
        top -= 1
    while bottom < len(rows) - 1 and rows[bottom + 1]:
        bottom += 1
    pad = max(2, round(0.15 * (bottom - top + 1)))
    top, bottom = max(0, top - pad), min(len(rows), bottom + 1 + pad)
    if bottom - top < 8 or bottom - top > 0.8 * crop.shape[0]:
        return []  # no band of print narrower than the box: nothing to tell apart
    text, confidence, positions = engine.recognize([wash(crop[top:bottom])])[0]  # type: ignore[attr-defined]
    box = (x0, y0 + top, x0 + crop.shape[1], y0 + bottom)
    width = crop.shape[1]
    char_x = [x0 + p * width for p in positions] if positions else None
    piece = strip_overlay(TextLine(text, box, float(confidence), char_x)) if text.strip() else None
    if piece is None or piece.confidence < 0.5 or overlay_share(piece.text) >= 0.6:
        return []
    return [piece]


def _band(line: TextLine, level: list[BBox], lines: list[TextLine]) -> BBox:
    """Where a line crossed by level overlays is read again: the line may run on under an overlay,
    but only into blank — it stops at the next line detected on its row, and the blank between two
    lines is read with the one on its left (reading order), never with both.  A row of table cells
    under one tint (grey label cells, blurred borders) is thus read cell by cell, and a label spaced
    over two boxes (职　称) keeps its pieces apart from its value."""
    x0, y0, x1, y1 = line.bbox
    if not level:
        return line.bbox
    row = [
        other
        for other in lines
        if other is not line and _overlap(line.bbox, other.bbox)[1] > 0.5 * min(line.height, other.height)
    ]
    left = max((o.bbox[2] for o in row if o.bbox[2] <= x0 + 0.5 * line.height), default=None)
    right = min((o.bbox[0] for o in row if o.bbox[0] >= x1 - 0.5 * line.height), default=None)
    reach0 = min(x0, *(o[0] for o in level))
    reach1 = max(x1, *(o[2] for o in level))
    if left is not None:  # the line on the left runs on over a blank it reaches into
        reach0 = x0 if left > reach0 else min(x0, max(reach0, left + BAND_PAD * line.height))
    if right is not None:  # short of the next line by the crop's margin (`_read_band`)
        reach1 = max(x1, min(reach1, right - BAND_PAD * line.height))
    return (reach0, y0, reach1, y1)


def _worth(reading: TextLine, readings: list[TextLine]) -> float:
    """Confidence times how much of the longest reading it holds: a second pass that reads the line
    whole under the overlay beats a first cut at its edge, and one that lost a faint label does not
    beat a first that kept it."""
    if _crossed_number(reading.text):
        return 0.0
    longest = max(len(squash(r.text)) for r in readings)
    return reading.confidence * min(1.0, len(squash(reading.text)) / max(1, longest))


def _read_band(engine: object, image: np.ndarray, band: BBox, height: float) -> TextLine | None:
    crop, x0, _ = _crop(image, band, BAND_PAD * height)
    if crop.size == 0:
        return None
    for share in WASHES:  # a darker overlay needs a harder wash; the lighter one keeps more print
        text, confidence, positions = engine.recognize([wash(crop, share)])[0]  # type: ignore[attr-defined]
        if not _crossed_number(text):
            break
    line = TextLine(text, band, float(confidence), None)
    if positions:
        width = crop.shape[1]
        line.char_x = [x0 + p * width for p in positions]
    stripped = strip_overlay(line) if text.strip() else None
    return stripped if stripped is not None and overlay_share(stripped.text) < 0.6 else None


def _found_under(engine: object, image: np.ndarray, overlays: list[Overlay], lines: list[TextLine]) -> list[TextLine]:
    """Lines an overlay hid from the detector: the page washed of its overlays and searched once more
    (only on a page that has overlays), keeping what the first pass did not find."""
    overlay_keys = [_FILLER.sub("", squash(o.text)) for o in overlays if o.text]
    return _search_washed(engine, image, _search_regions(overlays, image.shape[1], image.shape[0]), lines, overlay_keys)


def look_again(
    engine: object, image: np.ndarray, lines: list[TextLine], regions: list[BBox] | None = None
) -> list[TextLine]:
    """Lines the first pass did not find anywhere on `image`, searched for on it washed of light strokes.

    A watermark crossing a line can merge with it into one shape the detector drops or reads as a
    scrap, and not every watermark is recognised as one (a slant read as a single character, tinted
    in colour): the document then simply lacks a line.  The caller asks only for a document that
    lacks a field, so a page read whole costs nothing more (`engine` is an `OcrEngine`).  `regions`
    (default: the whole image) are where the lost lines can be.
    """
    h, w = image.shape[:2]
    regions = regions if regions is not None else [(0.0, 0.0, float(w), float(h))]
    # The harder wash: a whole card's darkest pixels are not all ink (its grey pattern, a little
    # print), and the watermark that hid a line without being seen is no light one.
    return _search_washed(engine, image, regions, lines, [], share=WASHES[-1])


def _search_washed(
    engine: object,
    image: np.ndarray,
    regions: list[BBox],
    lines: list[TextLine],
    overlay_keys: list[str],
    *,
    share: float = WASHES[0],
) -> list[TextLine]:
    """The level lines detected in `regions` of the image washed (`share`, as `wash`) that `lines` do
    not cover, read washed; those that read as nothing sure, as overlay wording or as a known overlay
    (`overlay_keys`) are left out."""
    boxes: list[BBox] = []
    for region in regions:
        crop, x0, y0 = _crop(image, region, 0.0)
        if min(crop.shape[:2]) < 16:
            continue
        quads, _ = engine.detect(wash(crop, share))  # type: ignore[attr-defined]
        for q in quads:
            box = (
                float(q[:, 0].min()) + x0,
                float(q[:, 1].min()) + y0,
                float(q[:, 0].max()) + x0,
                float(q[:, 1].max()) + y0,
            )
            tilt = float(np.degrees(np.arctan2(q[1, 1] - q[0, 1], q[1, 0] - q[0, 0])))
            if abs(tilt) < TILT_DEGREES and _coverage(box, [*lines, *map(_line, boxes)]) < 0.3:
                boxes.append(box)
    if not boxes:
        return []
    crops = [image[int(b[1]) : int(b[3]) + 1, int(b[0]) : int(b[2]) + 1] for b in boxes]
    readings = engine.recognize([wash(c) for c in crops])  # type: ignore[attr-defined]
    for i, (c, (text, _, _)) in enumerate(zip(crops, readings, strict=True)):
        if _crossed_number(text):
            readings[i] = engine.recognize([wash(c, WASHES[-1])])[0]  # type: ignore[attr-defined]
    found: list[TextLine] = []
    for b, (text, confidence, positions) in zip(boxes, readings, strict=True):
        key = _FILLER.sub("", squash(text))
        if not key or confidence < 0.5 or overlay_share(text) >= 0.6 or any(_shares(key, k) for k in overlay_keys):
            continue  # nothing, or an overlay read again
        char_x = [b[0] + p * (b[2] - b[0]) for p in positions] if positions else None
        line = strip_overlay(TextLine(text, b, float(confidence), char_x))
        if line is not None and _coverage(line.bbox, found) < 0.3:
            found.append(line)
    return found


def _read_beside(engine: object, image: np.ndarray, overlays: list[Overlay], lines: list[TextLine]) -> list[TextLine]:
    """A stamp as dark as the print (样本 in a frame) can hide a whole line from the detector, washed or
    not: a line whose row a tinted overlay crosses and that has only blank after it up to the overlay
    (a label with its value gone) is followed by a crop of that blank, recognised without detection."""
    found: list[TextLine] = []
    right_end = max((ln.bbox[2] for ln in lines), default=0.0)
    overlay_keys = [_FILLER.sub("", squash(o.text)) for o in overlays if o.text]
    for o in overlays:
        if o.why != "tint":
            continue
        for line in lines:
            h = line.height
            if _overlap(line.bbox, o.bbox)[1] < 0.5 * h or line.bbox[2] >= o.bbox[0]:
                continue
            row = [ln for ln in lines if ln is not line and _overlap(line.bbox, ln.bbox)[1] > 0.5 * min(h, ln.height)]
            reach = min(float(image.shape[1]), max(right_end, o.bbox[2] + 2 * h))  # the line may run on past it
            nxt = min((ln.bbox[0] for ln in row if ln.bbox[0] >= line.bbox[2]), default=reach)
            if nxt <= o.bbox[0]:
                continue  # the blank after the line ends before the overlay: nothing hidden there
            band = (line.bbox[2] + 0.5 * h, line.bbox[1], nxt - BAND_PAD * h, line.bbox[3])
            if band[2] - band[0] < 2 * h or _coverage(band, [*lines, *found]) > 0.3:
                continue
            again = _read_band(engine, image, band, h)
            if again is None or again.confidence < 0.5 or len(_FILLER.sub("", squash(again.text))) < 2:
                continue
            if any(_shares(_FILLER.sub("", squash(again.text)), k) for k in overlay_keys):
                continue  # the overlay read again
            found.append(again)
    return found


def _line(box: BBox) -> TextLine:
    return TextLine("", box)


def _search_regions(overlays: list[Overlay], width: int, height: int) -> list[BBox]:
    """Where lines may hide: an overlay's whole band (a line it hides may run on either side of it),
    a level one's widened by half its height; overlapping bands merged so no pixel is searched twice."""
    regions: list[list[float]] = []
    for o in sorted(overlays, key=lambda o: o.bbox[1]):
        pad = 0.5 * (o.bbox[3] - o.bbox[1]) if o.why != "tilt" else 0.1 * (o.bbox[3] - o.bbox[1])
        box = [0.0, max(0.0, o.bbox[1] - pad), float(width), min(float(height), o.bbox[3] + pad)]
        merged = next(
            (
                r
                for r in regions
                if _overlap((r[0], r[1], r[2], r[3]), (box[0], box[1], box[2], box[3]))[1] > 0
                and _overlap((r[0], r[1], r[2], r[3]), (box[0], box[1], box[2], box[3]))[0] > 0
            ),
            None,
        )
        if merged is None:
            regions.append(box)
        else:
            merged[:] = [min(merged[0], box[0]), min(merged[1], box[1]), max(merged[2], box[2]), max(merged[3], box[3])]
    return [(r[0], r[1], r[2], r[3]) for r in regions]


def _coverage(box: BBox, lines: list[TextLine]) -> float:
    """The share of a box's width that detected lines on its band already cover."""
    spans = sorted(
        (max(box[0], ln.bbox[0]), min(box[2], ln.bbox[2]))
        for ln in lines
        if _overlap(box, ln.bbox)[1] > 0.5 * min(box[3] - box[1], ln.height) and _overlap(box, ln.bbox)[0] > 0
    )
    covered, reach = 0.0, box[0]
    for a, b in spans:
        if b > reach:
            covered += b - max(a, reach)
            reach = b
    return covered / max(1.0, box[2] - box[0])
