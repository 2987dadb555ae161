"""Where the documents lie on a page: one region per ID card side, certificate or booklet, from geometry.

Most pages hold one document; they stay one region and are read exactly as before.  A page that
holds several (both sides of an ID card on one photocopy, a certificate and an ID card scanned on
one A4, a row of cards) is split from two kinds of evidence:

- card and paper edges: the outermost rectangles (OpenCV contours) that enclose text lines;
- clusters of text lines separated by wide gaps, for copies where an edge is too faint to see.

A candidate becomes a region only when it is a whole document on its own: its words identify a type
(`ocr.classify`) and it bears that type's values (an ID back its police bureau and validity range,
a certificate its number and authority).  The rest are fragments — a title, a form's table, a
certificate's field block, a stamp — and join the nearest document; two parts of the same
certificate (the facing pages of a booklet) are one document, and so are two that neither a wide gap
nor their own edges part.  Text that reads as nothing because it lies turned — upside down against
the rest of the page, or a card askew inside its outline — is a document too.

Each region is then read again from its own crop (`ocr.pipeline`), straightened when its outline
is askew, so that it finds its own orientation: the two sides of a card photocopied facing opposite
ways are both read upright.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from huren.domain import CERTIFICATE_TYPES, BBox, DocType, Page, TextLine
from huren.normalize import squash
from ocr.classify import (
    bears_content,
    bears_some_content,
    classify,
    classify_with_content,
    labelled_fields,
    labelled_keys,
    labelled_share,
)
from ocr.orientation import upside_down_each, upside_down_votes

GAP_LINE_HEIGHTS = 3.0  # a gap wider than this many text heights (or GAP_PAGE_SHARE) parts two clusters
GAP_PAGE_SHARE = 0.03
OUTLINE_SIDE = 800  # card and sheet edges are looked for on the page scaled to this longer side
MIN_CARD_SHARE = 0.02  # an outline encloses at least this share of the page …
MAX_CARD_SHARE = 0.85  # … and less than this (the page itself, or a certificate filling it, is no split)
MIN_RECTANGULARITY = 0.85  # contour area against its rotated bounding box: cards and sheets are rectangles
TRIM_SHARE = 0.04  # a glyph hanging on an outline is narrower than this share of the page's longer side
NEAR_LINE_HEIGHTS = 8.0  # an unidentified fragment farther than this from every document is left out
PAD_LINE_HEIGHTS = 1.0  # margin around a region's text when it has no visible edge
RESIDUAL_CONFIDENCE = 0.8  # the rest of a page is a document of its own only when its words say so clearly
CARD_EDGE_CONFIDENCE = 0.5  # inside a card's own edges, words that name a card type less clearly suffice
MIN_TILT = 10.0  # degrees: a card turned further than this is straightened before it is read again
MIN_DOCUMENT_LINES = 2  # fewer lines are a fragment (a title, a stamp), whatever they read
MIN_LINE_CHARS = 3  # a line of a turned document reads as at least this many characters, however garbled
PART_LABEL_SHARE = 0.34  # a card side bearing at most this share of its labels may be part of one (its number line)
WHOLE_LABEL_SHARE = 0.8  # a card side bearing at least this share of its labels is whole, whatever its values read …
WHOLE_LABELS = 4  # … and at least this many: two (a back's 签发机关, 有效期限) are printed by certificates too
CARD_ASPECT = 85.6 / 54.0  # an ID card's width against its height (ISO/IEC 7810 ID-1)
UNREAD_CHARS = 20  # a card side prints some sixty characters; fewer than this read, its print was lost
CARD_ASPECT_TOLERANCE = 0.12  # a card's outline seen within this share of its aspect (a photo's slant, a cut edge)
# Types a page may rightly carry more than one of (cards); two parts of one certificate or form are one.
REPEATABLE = frozenset({DocType.ID_CARD_FRONT, DocType.ID_CARD_BACK})


@dataclass(frozen=True, slots=True)
class Outline:
    """A card or sheet edge: its axis-aligned box, its turn and its corners, in page pixels."""

    bbox: BBox
    tilt: float
    corners: np.ndarray


@dataclass(slots=True)
class Region:
    """Part of a page holding one document: its box in page pixels and the lines inside it."""

    bbox: BBox
    lines: list[TextLine]
    doc_type: DocType = DocType.UNKNOWN
    outlined: bool = False  # its box is a card or sheet edge seen on the image, not just its text
    tilt: float = 0.0  # degrees its outline stands turned from the page's axes (a card photographed askew)
    corners: np.ndarray | None = None  # the outline's corners (tl, tr, br, bl of the card held landscape)
    turned: bool = False  # its text is upside down on the page
    by_card_edges: bool = False  # a card side taken on its edges, its labels and one value's shape (warned)
    unread: bool = False  # a card's edges around text the page's read could not make out: read from its crop

    @property
    def text(self) -> str:
        lines = sorted(self.lines, key=lambda ln: (ln.cy, ln.bbox[0]))
        return "\n".join(line.text for line in lines if line.text)


def whole_page(page: Page) -> BBox:
    return (0.0, 0.0, float(page.width), float(page.height))


def find_regions(page: Page) -> list[Region]:
    """The documents on `page`, in reading order; a single region (the whole page) when it holds one."""
    single = [Region(whole_page(page), list(page.lines))]
    if len(page.lines) < 4:
        return single
    line_height = float(np.median([ln.height for ln in page.lines]))
    outlines = card_outlines(page.image) if page.image is not None else []
    candidates = _candidates(page, [*page.lines, *_unread_turned(page)], outlines, line_height)
    if len(candidates) < 2:
        return single
    for c in candidates:
        c.doc_type = classify_with_content(c.text)[0]
    unread = [c for c in candidates if _unread_card(c)]
    if len(unread) >= 2 or (unread and any(_is_document(c) for c in candidates)):
        for c in unread:
            # A card's own edges around lines that name nothing (a tiled watermark took its words on the
            # page's read): a card side still, beside another card or document; its crop is read again.
            c.unread = True
    if any(_is_document(c) for c in candidates):
        for c in candidates:
            # Text that reads as nothing because it is upside down (the other side of a card, turned)
            # is a document too; it is read the right way up from its own crop.
            # Its garbled words may still name a type by chance (a watermark's 申请 across it): what is
            # no document as read and lies upside down is turned, whatever its words typed it as.
            c.turned = not _is_document(c) and _worded(c) and _upside_down(page, c)
    gap = max(GAP_LINE_HEIGHTS * line_height, GAP_PAGE_SHARE * max(page.width, page.height))
    regions = _merge(candidates, line_height, gap)
    if len(regions) < 2:
        return single
    for r in regions:  # the unread lines placed a document; its crop is read, they are no text of it
        r.lines = [ln for ln in r.lines if ln.text]
    for r in regions:
        if not r.outlined:
            r.bbox = _padded(r.bbox, PAD_LINE_HEIGHTS * line_height, page)
    return sorted(regions, key=lambda r: (round(r.bbox[1] / (4 * line_height)), r.bbox[0]))


def card_outlines(image: np.ndarray) -> list[Outline]:
    """The outermost rectangles (cards, sheets) on the image, turned or not, in its pixels."""
    h, w = image.shape[:2]
    scale = min(1.0, OUTLINE_SIDE / max(h, w))
    # Linear, not area, interpolation: four times faster, and the blur below smooths what it aliases.
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR) if scale < 1 else image
    gray = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    edges = cv2.dilate(cv2.Canny(gray, 20, 60), np.ones((3, 3), np.uint8))
    contours, hierarchy = cv2.findContours(edges, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    total = float(gray.shape[0] * gray.shape[1])
    out: list[Outline] = []
    for found in _outermost_within_page(contours, hierarchy, MAX_CARD_SHARE * total):
        if cv2.contourArea(found) < MIN_CARD_SHARE * total:
            continue
        # A watermark's glyphs touching a card's edge hang on its outline: trimmed off, the card is left.
        contour = found if _rectangle(found, total) else _trimmed(found, gray.shape[:2])
        if contour is None or not _rectangle(contour, total):
            continue
        (cx, cy), (rw, rh), angle = cv2.minAreaRect(contour)
        if rw < rh:  # hold it landscape: the long side is the card's width
            rw, rh, angle = rh, rw, angle + 90
        turn = np.radians(angle)
        axes = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
        local = np.array([[-rw, -rh], [rw, -rh], [rw, rh], [-rw, rh]]) / 2
        corners = (local @ axes.T + (cx, cy)) / scale
        x, y, bw, bh = cv2.boundingRect(contour)
        tilt = abs((angle + 45) % 90 - 45)
        out.append(Outline((x / scale, y / scale, (x + bw) / scale, (y + bh) / scale), tilt, corners))
    return out


def _rectangle(contour: np.ndarray, total: float) -> bool:
    """Whether the contour is card- or sheet-sized and as rectangular as one."""
    (_, _), (rw, rh), _ = cv2.minAreaRect(contour)
    area = cv2.contourArea(cv2.convexHull(contour))
    if not MIN_CARD_SHARE * total < area < MAX_CARD_SHARE * total or rw * rh == 0:
        return False
    return bool(cv2.contourArea(contour) / (rw * rh) >= MIN_RECTANGULARITY)


def _trimmed(contour: np.ndarray, shape: tuple[int, ...]) -> np.ndarray | None:
    """The contour's largest part once what is narrower than `TRIM_SHARE` of the image is opened away."""
    mask = np.zeros(shape[:2], np.uint8)
    cv2.drawContours(mask, [contour], -1, 255, thickness=cv2.FILLED)
    side = max(3, round(TRIM_SHARE * max(shape[:2])))
    opened = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (side, side)))
    parts, _ = cv2.findContours(opened, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    return max(parts, key=cv2.contourArea) if parts else None


def _outermost_within_page(
    contours: Sequence[np.ndarray], hierarchy: np.ndarray | None, page_area: float
) -> list[np.ndarray]:
    """The outermost contours, looking inside any as large as the page: a photographed sheet's own
    edge (or the border a perspective correction leaves) encloses the cards lying on it."""
    if hierarchy is None:
        return []
    links = hierarchy[0]  # per contour: next, previous, first child, parent
    out: list[np.ndarray] = []
    level = [i for i in range(len(contours)) if links[i][3] < 0]
    while level:
        inner: list[int] = []
        for i in level:
            if cv2.contourArea(cv2.convexHull(contours[i])) < page_area:
                out.append(contours[i])
                continue
            child = int(links[i][2])
            while child >= 0:
                inner.append(child)
                child = int(links[child][0])
        level = inner
    return out


def _candidates(page: Page, lines: list[TextLine], outlines: list[Outline], line_height: float) -> list[Region]:
    """Lines inside one outline form one candidate; the others cluster across gaps narrower than the gap."""
    inside: dict[int, list[TextLine]] = {}
    free: list[TextLine] = []
    for line in lines:
        owner = next((i for i, o in enumerate(outlines) if _contains(o.bbox, line.cx, line.cy)), None)
        if owner is None:
            free.append(line)
        else:
            inside.setdefault(owner, []).append(line)
    out = [
        Region(outlines[i].bbox, lines, outlined=True, tilt=outlines[i].tilt, corners=outlines[i].corners)
        for i, lines in inside.items()
    ]
    gap = max(GAP_LINE_HEIGHTS * line_height, GAP_PAGE_SHARE * max(page.width, page.height))
    for cluster in _clusters(free, gap):
        out.append(Region(_union(ln.bbox for ln in cluster), cluster))
    return out


def _clusters(lines: list[TextLine], gap: float) -> list[list[TextLine]]:
    """Single-linkage clusters: two lines closer than `gap` (box to box) are in the same cluster."""
    parent = list(range(len(lines)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(lines):
        for j in range(i + 1, len(lines)):
            if _distance(a.bbox, lines[j].bbox) < gap:
                parent[root(i)] = root(j)
    groups: dict[int, list[TextLine]] = {}
    for i, line in enumerate(lines):
        groups.setdefault(root(i), []).append(line)
    return list(groups.values())


def straightened(region: Region) -> bool:
    """Whether the region is read from its outline turned straight rather than from its box."""
    return region.corners is not None and region.tilt > MIN_TILT


def _is_document(c: Region) -> bool:
    if c.unread or c.turned or (c.tilt > MIN_TILT and len(c.lines) >= MIN_DOCUMENT_LINES):
        return True  # read as nothing because it lies turned on the page: it is read again straightened
    if len(c.lines) < MIN_DOCUMENT_LINES or c.doc_type is DocType.UNKNOWN:
        return False
    doc_type, confidence = classify(c.text)
    if doc_type is DocType.UNKNOWN and c.doc_type in REPEATABLE:
        # Typed by its values alone, while its labels are more a certificate's than a card's (资格级别,
        # 执业单位, 生效日期) or one of its values is (a market-regulation bureau, a certificate number):
        # a certificate's column, whose ID number and dates could pass for a card's.
        own = labelled_fields(c.doc_type, c.text)
        if any(labelled_fields(t, c.text) > own or bears_some_content(t, c.text) for t in CERTIFICATE_TYPES):
            return False
    if bears_content(c.doc_type, c.text):
        return True
    if doc_type is c.doc_type and _labelled_card(c):
        return True
    # A document that lost a value to a blur or a watermark (an ID front's birth line), or whose value
    # stands apart from it (a certificate's authority printed at the foot of the sheet, under its seal):
    # its printed words name it clearly and one of its values has its shape. Two parts of one certificate
    # that both pass are one document again in `_merge`.
    if _back_by_its_edges_and_bureau(c, doc_type):
        c.by_card_edges = True
        return True
    if doc_type is not c.doc_type or not bears_some_content(c.doc_type, c.text):
        return False
    if confidence >= RESIDUAL_CONFIDENCE:
        return True
    # A card side seen by its own edges whose words a watermark partly crossed (an ID back's authority
    # line lost, its title half read): its labels name the card's type and a value has that type's shape
    # (a validity range). Taken, with a warning: its type rests on less than the words' clear say.
    c.by_card_edges = (
        c.outlined
        and c.doc_type in REPEATABLE
        and confidence >= CARD_EDGE_CONFIDENCE
        and labelled_fields(c.doc_type, c.text) > 0
    )
    return c.by_card_edges


def _unread_card(c: Region) -> bool:
    """A card-shaped outline (`CARD_ASPECT`, an ID card's 85.6 × 54 mm) holding a few lines whose
    words make no document and that read as a fraction of a card's print (`UNREAD_CHARS`): a card
    whose print the page's read lost (to a tiled watermark). A table's or a photo's frame inside a
    document reads as its own text, or as none."""
    if not c.outlined or c.corners is None or len(c.lines) < MIN_DOCUMENT_LINES or _is_document(c):
        return False
    if sum(len(squash(ln.text)) for ln in c.lines) >= UNREAD_CHARS:
        return False
    tl, tr, _br, bl = c.corners
    width, height = float(np.hypot(*(tr - tl))), float(np.hypot(*(bl - tl)))
    return height > 0 and abs(width / height - CARD_ASPECT) <= CARD_ASPECT_TOLERANCE * CARD_ASPECT


def _back_by_its_edges_and_bureau(c: Region, words_say: DocType) -> bool:
    """An ID back inside its own edges whose labels a watermark or wide letter-spacing took (签发机关,
    有效期限 unread or read in pieces): typed by its values, one of them read (its police bureau — no
    certificate is issued by one — or its validity range), and no other type's labels on it beyond those
    it shares with the back (有效期…).  Its printed words name no other type.  Taken with a warning."""
    return (
        c.outlined
        and c.doc_type is DocType.ID_CARD_BACK
        and words_say in (DocType.UNKNOWN, DocType.ID_CARD_BACK)
        and bears_some_content(DocType.ID_CARD_BACK, c.text)
        and not any(
            labelled_fields(t, c.text) > labelled_fields(DocType.ID_CARD_BACK, c.text)
            for t in (*CERTIFICATE_TYPES, DocType.ID_CARD_FRONT)
        )
    )


def _labelled_card(c: Region) -> bool:
    """Whether the candidate is a card side by its own printed labels: nearly all of them are read.

    A watermark laid across a card crosses its values first (the number line cut, the birth date
    garbled), so a side may bear no value of its shape; its labels still say it is whole — 民族 and
    住址 with four more are printed by no certificate, and a part of a card (its number line) bears
    few of them. Its missing values are warned as missing by extraction, never guessed."""
    return (
        c.doc_type in REPEATABLE
        and labelled_share(c.doc_type, c.text) >= WHOLE_LABEL_SHARE
        and labelled_fields(c.doc_type, c.text) >= WHOLE_LABELS
    )


def _worded(c: Region) -> bool:
    """Whether the candidate has lines of words, not single glyphs (a watermark's scattered characters);
    inside a card's edges a few lines suffice, however short they read turned. A line read turned may
    read as a glyph or two, or as nothing sure (an unread line): its box, several glyphs wide, tells it."""
    if c.outlined:
        return len(c.lines) >= MIN_DOCUMENT_LINES
    return sum(_a_line_of_words(ln) for ln in c.lines) >= MIN_DOCUMENT_LINES


def _a_line_of_words(line: TextLine) -> bool:
    return len(squash(line.text)) >= MIN_LINE_CHARS or line.bbox[2] - line.bbox[0] >= MIN_LINE_CHARS * line.height


def _unread_turned(page: Page) -> list[TextLine]:
    """The lines the reader saw but could not read (`ocr.reader.unread_lines`) that lie upside down on
    the page, as lines without text: the other side of a card turned the other way up. They place it."""
    boxes = list(page.marks.get("unread", ()))
    if not boxes or page.image is None or page.quality.text_layer:
        return []
    crops = [page.image[int(b[1]) : int(b[3]) + 1, int(b[0]) : int(b[2]) + 1] for b in boxes]
    kept = [(box, crop) for box, crop in zip(boxes, crops, strict=True) if crop.size]
    turned = upside_down_each([crop for _box, crop in kept])
    return [TextLine("", box, 0.0) for (box, _crop), flipped in zip(kept, turned, strict=True) if flipped]


def _merge(candidates: list[Region], line_height: float, gap: float) -> list[Region]:
    """Fragments join their nearest document; parts of one certificate are one; documents no gap parts are one."""
    documents = [c for c in candidates if _is_document(c)]
    rest = [c for c in candidates if not any(c is d for d in documents)]
    if documents and rest and all(d.outlined for d in documents):
        # A card laid on a certificate page: what is left once the cards (seen by their edges: a
        # certificate's own field block is no card) are taken away may be the page's own document,
        # its title, table and seal scattered over the sheet.
        residual = Region(_union(c.bbox for c in rest), [ln for c in rest for ln in c.lines])
        doc_type, confidence = classify(residual.text)
        if doc_type is not DocType.UNKNOWN and confidence >= RESIDUAL_CONFIDENCE:
            residual.doc_type, rest = doc_type, []
            documents.append(residual)
    if len(documents) < 2:
        return documents
    for fragment in rest:
        nearest = min(documents, key=lambda d: _distance(d.bbox, fragment.bbox))
        if _distance(nearest.bbox, fragment.bbox) <= NEAR_LINE_HEIGHTS * line_height:
            if nearest.outlined:  # a caption or a mark beside a card: the card's edges still bound it
                nearest.lines.extend(fragment.lines)
            else:
                _absorb(nearest, fragment)
    merged = True
    while merged and len(documents) > 1:
        merged = False
        for i, a in enumerate(documents):
            for b in documents[i + 1 :]:
                same_document = _same_kind_once(a, b) or _one_card(a, b)
                apart = (a.outlined and b.outlined) or _lines_apart(a, b, gap)  # two cards' edges part them
                if same_document or not apart:
                    _absorb(a, b)
                    documents.remove(b)
                    merged = True
                    break
            if merged:
                break
    return documents


def _same_kind_once(a: Region, b: Region) -> bool:
    """Two parts of a type a page holds once (a certificate): one document.  Two that read as nothing,
    each inside edges of its own (two cards turned upside down), are two, not one of type unknown."""
    if a.doc_type is not b.doc_type or a.doc_type in REPEATABLE:
        return False
    return not (a.doc_type is DocType.UNKNOWN and a.outlined and b.outlined)


def _one_card(a: Region, b: Region) -> bool:
    """Two parts of one card side that a gap of its own layout parted: on an ID front the space above
    the number line is wider than the clustering gap, and when the page is the card (straightened to
    its edges) or its edge is too faint, no outline holds the halves together.

    They are one card when they lie as one card's halves lie — one above the other, together no taller
    than wide, not each inside edges of its own — and their fields complement each other: no label read
    in both, and not both bearing all the side's values (two whole cards each carry their own). A half
    that reads as nothing (its labels lost, or taken for upside down) beside a half that bears few of
    its side's labels is that side's rest.
    """
    if (a.outlined and b.outlined) or not _stacked_as_one_card(a.bbox, b.bbox):
        return False
    if a.doc_type is b.doc_type and a.doc_type in REPEATABLE:
        kind = a.doc_type
        if bears_content(kind, a.text) and bears_content(kind, b.text):
            return False
        own_a, own_b = labelled_keys(kind, a.text), labelled_keys(kind, b.text)
        return bool(own_a or own_b) and not own_a & own_b
    typed, other = (a, b) if b.doc_type is DocType.UNKNOWN else (b, a)
    return (
        other.doc_type is DocType.UNKNOWN
        and typed.doc_type in REPEATABLE
        and labelled_share(typed.doc_type, typed.text) <= PART_LABEL_SHARE
    )


def _stacked_as_one_card(a: BBox, b: BBox) -> bool:
    """One box above the other, overlapping across, their union landscape as a card is read."""
    overlap = min(a[2], b[2]) - max(a[0], b[0])
    x0, y0, x1, y1 = _union([a, b])
    return overlap > 0.5 * min(a[2] - a[0], b[2] - b[0]) and y1 - y0 < x1 - x0


def _lines_apart(a: Region, b: Region, gap: float) -> bool:
    """No line of one comes within `gap` of a line of the other (a card may lie inside a page's box)."""
    return all(_distance(p.bbox, q.bbox) >= gap for p in a.lines for q in b.lines)


def _absorb(into: Region, other: Region) -> None:
    into.lines.extend(other.lines)
    into.bbox = _union([into.bbox, other.bbox])
    into.outlined = into.outlined and other.outlined
    into.tilt, into.corners = 0.0, None  # two outlines together have no one outline
    # A part read upright as a document is no upside-down document; a part that reads as nothing
    # (a garbled fragment of the turned side) leaves it turned.
    into.turned = (into.turned or other.turned) and all(
        r.turned or r.doc_type is DocType.UNKNOWN for r in (into, other)
    )
    if into.doc_type is DocType.UNKNOWN or (
        other.doc_type in CERTIFICATE_TYPES and into.doc_type not in CERTIFICATE_TYPES
    ):
        into.doc_type = classify_with_content(into.text)[0]


def _upside_down(page: Page, region: Region) -> bool:
    if page.image is None or page.quality.text_layer:
        return False
    longest = sorted(region.lines, key=lambda ln: ln.bbox[0] - ln.bbox[2])[:7]
    crops = [page.image[int(ln.bbox[1]) : int(ln.bbox[3]) + 1, int(ln.bbox[0]) : int(ln.bbox[2]) + 1] for ln in longest]
    return upside_down_votes([c for c in crops if c.size]) > 0.5


def _contains(box: BBox, x: float, y: float) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _union(boxes: Iterable[BBox]) -> BBox:
    bs = list(boxes)
    return (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))


def _distance(a: BBox, b: BBox) -> float:
    dx = max(0.0, max(a[0], b[0]) - min(a[2], b[2]))
    dy = max(0.0, max(a[1], b[1]) - min(a[3], b[3]))
    return float(np.hypot(dx, dy))


def _padded(box: BBox, pad: float, page: Page) -> BBox:
    return (
        max(0.0, box[0] - pad),
        max(0.0, box[1] - pad),
        min(float(page.width), box[2] + pad),
        min(float(page.height), box[3] + pad),
    )
