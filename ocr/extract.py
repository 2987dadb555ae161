"""Declarative field extraction: a document spec's labels, read over a page's layout.

For every field the labels are tried in reading order; the value is what follows the label on its
row (up to the next label), or the cell below when the label stands alone; a reader validates and
normalises it, and a value that does not validate sends the search on to the next candidate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from huren.domain import BBox, ExtractedField, FieldValueType, Page, TextLine
from huren.normalize import squash
from huren.thresholds import REVIEW_CONFIDENCE, low_confidence_warnings
from ocr import overlays, validators
from ocr.documents import SPECS, DocSpec, FieldSpec
from ocr.fields import DATE_KINDS, READERS, Reading, date_tail
from ocr.layout import Layout, Span
from ocr.marks import LABEL_OPTIONAL_MARKS, MARK_READERS

FALLBACK_CERTAINTY = 0.85
HEADLINE_SIZE = 1.3  # a headline is set at least this much larger than the page's typical row
HEADLINE_TOP = 0.4  # … and stands within this part of the document's height from its top
AS_READ = {"name"}  # kinds whose characters are never changed to simplified forms
SEPARATORS = set("、,，;；/")
LISTS = {"items", "categories"}
WIDE_GAP = 3.0  # row heights of blank between two characters that no single value spans (lists aside)
STRADDLE_OVERLAP = 0.15  # a label set between a range's two lines overlaps each by at least this much of a line
LABEL_ALONE = 4  # characters a misread label alone on its row has at least for it to end the value above
WHOLE_ECHO = 3  # characters at least of a box that repeats the end of the box it lies over, dropped whole
SCRAP_CHARS = 3  # characters at most of a watermark's scrap (`without_scraps`)
TALL_GLYPH = 1.5  # a lone character's box this much taller than a value's type is a watermark's
STRAY_CONFIDENCE = REVIEW_CONFIDENCE  # a box read less surely than this, laid over the one before it, is no part of it
WRAP_STUB = 2  # characters at most of an item's start left at the end of a full line of space-set items
GRID_GAP = 1.5  # row heights of blank between two boxes of a list's line past which they are a grid's cells
FAR_ALONG = 5.0  # row heights of blank after a label past which its row's text is another column's
# Characters a recogniser reads for Latin letters (Emp1oyer, 0rganisation, |ssuer, Statu5): inside a
# word of letters they are the letter; a run of digits is a number, never a gloss.
LOOKALIKES = {"l": "1|!", "i": "1|l!", "o": "0", "s": "5"}
_LOOKALIKE_CHARS = "015|!"
# Latin words beside a Chinese label: its English gloss (生效日期 Date of Registration), not a value.
_GLOSS = re.compile(rf"[A-Za-z{re.escape(_LOOKALIKE_CHARS)}][A-Za-z{re.escape(_LOOKALIKE_CHARS)} .,'/&()\-]*")
GLOSS_LOOKALIKES = 0.25  # at most this share of a gloss's characters read as look-alikes


def _mostly_letters(text: str) -> bool:
    """Latin text read as words: letters, at most a quarter look-alikes, none of them side by side
    (a certificate number's digits stand in a run: 苏2022203270, ZJ-00123)."""
    letters = sum(ch.isascii() and ch.isalpha() for ch in text)
    odd = sum(ch in _LOOKALIKE_CHARS for ch in text)
    return (
        letters >= 2
        and odd <= GLOSS_LOOKALIKES * (letters + odd)
        and re.search(rf"[{re.escape(_LOOKALIKE_CHARS)}]{{2}}", text) is None
    )


def is_gloss(text: str) -> bool:
    """`text` is an English gloss (Date of Registration, Emp1oyer), letters read as digits and all."""
    text = text.strip()
    return _GLOSS.fullmatch(text) is not None and _mostly_letters(text)


def _tolerant(label: str) -> str:
    """An English label's pattern that also matches it read with look-alikes (Emp1oyer, |ssuedBy)."""
    return "".join(
        f"[{re.escape(ch + LOOKALIKES[ch.lower()])}]" if ch.lower() in LOOKALIKES else re.escape(ch) for ch in label
    )


ENUMERATED = re.compile(r"^\s*(?:[(（]?\d{1,2}[)）.、．]|[①-⑳]|[一二三四五六七八九十]、)")
FIRST_ITEM = re.compile(r"^\s*(?:[(（]?[1１][)）.、．]|①|一、)")


def _centres(line: TextLine) -> list[float]:
    """Where each character of a line stands: the recogniser's centres, else its box spread evenly."""
    if line.char_x and len(line.char_x) == len(line.text):
        return line.char_x
    weights = [2.0 if ord(ch) > 0x2E80 else 1.0 for ch in line.text]  # CJK twice as wide as ASCII
    unit = (line.bbox[2] - line.bbox[0]) / max(1.0, sum(weights))
    return [line.bbox[0] + unit * (sum(weights[:i]) + w / 2) for i, w in enumerate(weights)]


def without_echoes(lines: list[TextLine]) -> list[TextLine]:
    """Two boxes of one printed line that overlap read the characters they share twice (姓名李 / 李丽琴,
    …至2026年 / 年09月21日): the second box's opening characters that stand inside the first box and
    repeat its ending are dropped."""
    out = list(lines)
    for j, b in enumerate(out):
        for a in out:
            if a is b or not (a.bbox[0] < b.bbox[0] < a.bbox[2]):
                continue
            if min(a.bbox[3], b.bbox[3]) - max(a.bbox[1], b.bbox[1]) <= 0.5 * min(a.height, b.height):
                continue
            centres, ending = _centres(b), a.text.rstrip()
            near = 0.5 * min(a.height, b.height)
            echo = next(
                (
                    k
                    for k in range(min(len(b.text), len(ending)), 0, -1)
                    if ending.endswith(b.text[:k])
                    and all(
                        abs(c - t) <= near for c, t in zip(centres[:k], _centres(a)[len(ending) - k :], strict=False)
                    )
                ),
                0,
            )
            if echo and b.text[echo:].strip():
                x0 = (centres[echo - 1] + centres[echo]) / 2
                char_x = b.char_x[echo:] if b.char_x and len(b.char_x) == len(b.text) else None
                out[j] = b = TextLine(b.text[echo:], (x0, b.bbox[1], b.bbox[2], b.bbox[3]), b.confidence, char_x)
                break
    return [b for b in out if not any(_whole_echo(a, b) for a in out if a is not b)]


def without_scraps(lines: list[TextLine]) -> list[TextLine]:
    """The page's lines without a watermark's scraps: a box of a few characters (`SCRAP_CHARS`), read
    unsurely (`STRAY_CONFIDENCE`), in type far taller (`TALL_GLYPH`) than the page's typical line (手手用,
    中 of a diagonal 仅供办理…手续使用). Set in the label's column beside a value's second line, such a
    scrap would end the value; it is no printed field's text."""
    if len(lines) < 3:
        return lines
    heights = sorted(ln.height for ln in lines)
    typical = heights[len(heights) // 2]
    return [
        ln
        for ln in lines
        if not (
            0 < len(squash(ln.text)) <= SCRAP_CHARS
            and ln.confidence < STRAY_CONFIDENCE
            and ln.height >= TALL_GLYPH * typical
        )
    ]


def _whole_echo(a: TextLine, b: TextLine) -> bool:
    """A second box laid over a line that reads nothing but a run of it again (江苏省吴江市盛泽镇人民 /
    省吴江市盛泽镇人民, its box stretched past the line by a watermark's strokes; 住址 浙江省…13组23号 /
    浙江省…13组): `b` starts inside `a`, level with it, where the characters it repeats stand (within a
    character), and is at least `WHOLE_ECHO` characters long; it adds nothing and is dropped."""
    text, own = a.text.rstrip(), b.text.strip()
    if len(own) < WHOLE_ECHO or len(own) >= len(text) or own not in text:
        return False
    if not (a.bbox[0] < b.bbox[0] < a.bbox[2]):
        return False
    if min(a.bbox[3], b.bbox[3]) - max(a.bbox[1], b.bbox[1]) <= 0.5 * min(a.height, b.height):
        return False
    centres, first = _centres(a), _centres(b)[len(b.text) - len(b.text.lstrip())]
    char = (a.bbox[2] - a.bbox[0]) / max(1, len(a.text))
    starts = [i for i in range(len(text) - len(own) + 1) if text.startswith(own, i)]
    return any(abs(first - centres[i]) <= char for i in starts)


@dataclass(slots=True)
class LabelHit:
    span: Span
    label: str


def _spec_labels(spec: DocSpec) -> set[str]:
    return {label for fs in spec.fields for label in fs.labels} | set(spec.stop_labels) | set(spec.filler_labels)


def _printed_labels(*specs: DocSpec) -> tuple[str, ...]:
    """The specs' labels as printed in Chinese (two characters or more, no English gloss), sorted."""
    return tuple(sorted({lb for spec in specs for lb in _spec_labels(spec) if len(lb) >= 2 and not lb.isascii()}))


# A mark the recogniser reads between a spaced label's characters (性 ☑ 别: a cell's rule or speck).
SPACED_MARKS = "☑☐□■√✓✔☒|｜"
_SPACED = f"[{re.escape(SPACED_MARKS)}]?"


def _label_pattern(spec: DocSpec) -> re.Pattern[str]:
    labels = sorted(_spec_labels(spec), key=len, reverse=True)
    return re.compile(
        "|".join(_tolerant(x) if x.isascii() else _SPACED.join(map(re.escape, x)) for x in labels), re.IGNORECASE
    )


def _english_labels(spec: DocSpec) -> list[tuple[str, re.Pattern[str]]]:
    return [
        (x, re.compile(_tolerant(x), re.IGNORECASE))
        for x in sorted(_spec_labels(spec), key=len, reverse=True)
        if x.isascii()
    ]


def _unmarked(label: str) -> str:
    return label.translate({ord(ch): None for ch in SPACED_MARKS})


class Extractor:
    """Reads one page's fields according to one spec."""

    def __init__(self, spec: DocSpec, page: Page, layout: Layout | None = None) -> None:
        self.spec = spec
        self.page = page
        self.layout = layout or Layout(without_scraps(without_echoes(overlays.without_overlays(page.lines))))
        labels = _label_pattern(spec)
        self._labels = _printed_labels(spec)
        self._synonyms = {label.lower(): i for i, fs in enumerate(spec.fields) for label in fs.labels}
        self._label_prefix = re.compile(f"^(?:{labels.pattern})+")
        english = _english_labels(spec)
        self.hits = [
            LabelHit(span, label)
            for span, m in self.layout.find(labels)
            if not self._is_title(span) and (label := self._label_of(m.group(), english)) is not None
        ]
        self._claimed: set[int] | None = None
        self._alone: set[int] | None = None
        # The copy marks the reader found on the page (text, box, why): their characters inside a value are strays.
        # A region read from its own crop also knows the whole page's (`overlaid`).
        own = "".join(str(o[0]) for o in page.marks.get("overlays", ()))
        self._overlaid = own + str(page.marks.get("overlaid", ""))
        self.by_row: dict[int, list[LabelHit]] = {}
        for hit in self.hits:
            self.by_row.setdefault(hit.span.row, []).append(hit)

    @staticmethod
    def _label_of(found: str, english: list[tuple[str, re.Pattern[str]]]) -> str | None:
        """The spec's label that `found` is: an English one read with look-alikes (Emp1oyer) is that
        label, provided it is still mostly letters; None when it is not (a number's digits)."""
        found = _unmarked(found)
        if not found.isascii() or not any(ch in _LOOKALIKE_CHARS for ch in found):
            return found
        if not _mostly_letters(found):
            return None
        return next((label for label, pattern in english if pattern.fullmatch(found)), found)

    def _is_title(self, span: Span) -> bool:
        """Titles are set larger than the fields and stand at the top: a label word inside one
        (计量专业项目考核合格证) is not a label."""
        rows = self.layout.rows
        heights = sorted(r.height for r in rows)
        row = rows[span.row]
        top = rows[0].y0 + 0.3 * (rows[-1].y1 - rows[0].y0)
        return bool(heights) and row.height > 1.6 * heights[len(heights) // 2] and row.y1 < top

    # --- value spans --------------------------------------------------------------------------

    def _value_right(self, hit: LabelHit) -> Span:
        row = hit.span.row
        start = hit.span.end
        end = len(self.layout.rows[row].chars)
        for other in self.by_row.get(row, []):
            if other.span.start < start:
                continue
            if other.span.start == start and (
                other.label in self.spec.filler_labels
                or other.label.isascii()
                or self._synonyms.get(other.label.lower()) == self._synonyms.get(hit.label.lower())
            ):
                start = other.span.end  # a sub-label (单位名称), or the same label again in English
                continue
            end = other.span.start
            break
        return Span(row, start, end)

    def _wide_gap(self, span: Span) -> int:
        """Where a value beside its label ends at a wide blank: text far along the row (a watermark,
        a note, the next column's cell without a label) is not part of it."""
        chars = self.layout.rows[span.row].chars
        limit = WIDE_GAP * self.layout.rows[span.row].height
        for i in range(span.start + 1, span.end):
            if chars[i].x0 - chars[i - 1].x1 > limit:
                return i
        return span.end

    def _stray_tail(self, span: Span) -> int:
        """Where a value ends before a doubtful box laid over its last one: a box that starts inside the
        box before it and was read with low confidence (`STRAY_CONFIDENCE`) is a seal's ring or a piece
        read twice (郑萍蓉 then 江 over its end), not more of the value."""
        chars = self.layout.rows[span.row].chars
        for i in range(span.start + 1, span.end):
            prev, ch = chars[i - 1], chars[i]
            if ch.line == prev.line:
                continue
            before = self.layout.lines[prev.line].bbox
            box = self.layout.lines[ch.line]
            if box.bbox[0] < before[2] - 0.1 * (box.bbox[3] - box.bbox[1]) and box.confidence < STRAY_CONFIDENCE:
                return i
        return span.end

    def _far_along(self, hit: LabelHit, right: Span) -> bool:
        """The text beside a label starts only after a blank wider than a table's cells leave (`FAR_ALONG`)."""
        if right.is_empty():
            return False
        row = self.layout.rows[right.row]
        before = row.chars[right.start - 1].x1 if right.start > 0 else self.layout.x_range(hit.span)[1]
        return row.chars[right.start].x0 - before > FAR_ALONG * row.height  # from the label or its sub-label

    def _values_before(self, hit: LabelHit) -> bool:
        """The label's row holds, before it, text that is no label: an earlier label's value (性别 男 姓名
        方建), so this is a row of `label value` cells, not of labels over their values."""
        labelled = [h.span for h in self.by_row.get(hit.span.row, []) if h.span.end <= hit.span.start]
        key = self.layout.rows[hit.span.row].key
        return any(key[i].strip() and not any(s.start <= i < s.end for s in labelled) for i in range(hit.span.start))

    def _aligned_below(self, fs: FieldSpec, hit: LabelHit) -> tuple[Reading, Span] | None:
        """A valid value in the cell right under the label, starting where the label starts."""
        found = self._read_below(fs, hit)
        if found is None or not found[0].valid:
            return None
        x0 = self.layout.x_range(hit.span)[0]
        aligned = abs(self.layout.x_range(found[1])[0] - x0) <= self.layout.rows[hit.span.row].height
        return found if aligned else None

    def _columns(self, hit: LabelHit) -> tuple[float | None, float | None]:
        """Where this label's column ends on either side: midway to the labels beside it on its row.

        A Chinese label's English gloss beside it (姓名 Name, 注册证编号 Certificate No.) is part of the
        label, not the next column: only labels in the hit's own script bound it."""
        row = [h for h in self.by_row.get(hit.span.row, []) if h.label.isascii() == hit.label.isascii()]
        x0, x1 = self.layout.x_range(hit.span)
        before = [self.layout.x_range(h.span)[1] for h in row if h.span.end <= hit.span.start]
        after = [self.layout.x_range(h.span)[0] for h in row if h.span.start >= hit.span.end]
        left = (max(before) + x0) / 2 if before else None
        right = (min(after) + x1) / 2 if after else None
        return left, right

    def _cut_at_label(self, span: Span) -> Span | None:
        """The part of a span below a label that is a value: None if it starts with another label."""
        for other in self.by_row.get(span.row, []):
            if other.span.end <= span.start or other.span.start >= span.end:
                continue
            if other.span.start <= span.start:
                if other.label in self.spec.filler_labels:
                    return self._cut_at_label(Span(span.row, other.span.end, span.end))
                return None
            return Span(span.row, span.start, other.span.start)
        return span

    def _joined(self, spans: list[Span], simplified: bool, is_list: bool = False) -> str:
        """Lines of one value: a line that runs to the column's edge wraps on (no break), any other
        ends an entry (items listed one per line stay apart).  In a list, only a line that uses
        written separators (、，；) can wrap mid-item: with spaces or one item per line, a line's end
        is an item's end."""
        out = ""
        for i, span in enumerate(spans):
            # A numbered line is one item: a blank inside it (声级 计) is no item's end.
            narrow = is_list and not ENUMERATED.match(self.layout.text(span))
            text = self.layout.text(span, simplified=simplified, narrow=narrow)
            if i:
                prev = spans[i - 1]
                prev_text = self.layout.text(prev)
                height = self.layout.rows[prev.row].height
                edge = self.layout.right_edge(self.layout.x_range(spans[0])[0], height)
                wraps = self.layout.x_range(prev)[1] >= edge - 2 * height and prev_text[-1:] not in SEPARATORS
                if is_list and (not any(ch in SEPARATORS for ch in prev_text[2:]) or ENUMERATED.match(text)):
                    # One item per line, or the next line is numbered: a new item. Items set apart by
                    # spaces, several on a line that runs full to the column's edge, wrap where it is full.
                    wraps = wraps and self._flows_full(prev, text, edge)
                out += "" if wraps else "\n"
            out += text
        return out

    def _flows_full(self, line: Span, below: str, edge: float) -> bool:
        """A list's line of items set apart by spaces (no written separator, no numbers), set as one
        line, that holds more than one item, reaches the column's edge within a character and ends in a
        stub of an item (`WRAP_STUB`): it is full, and its last item runs on at the start of the line
        `below` (压力表 百 / 分表). Items in boxes of
        their own far apart across the row (`GRID_GAP`) are a grid's cells, each whole."""
        text = self.layout.text(line, narrow=True).strip()
        if ENUMERATED.match(below) or ENUMERATED.match(text) or any(ch in SEPARATORS for ch in text):
            return False
        chars, height = self.layout.rows[line.row].chars, self.layout.rows[line.row].height
        if any(
            chars[i].line != chars[i - 1].line and chars[i].x0 - chars[i - 1].x1 > GRID_GAP * height
            for i in range(line.start + 1, line.end)
        ):
            return False
        # Cut where it was full, the line ends in a stub of an item (百, 声级); a whole item's end (电子汽车衡
        # 气相色谱仪 / 电子天平) is where a line of whole items ends.
        stub = len(text.rsplit(" ", 1)[-1]) <= WRAP_STUB
        return " " in text and stub and self.layout.x_range(line)[1] >= edge - self.layout.rows[line.row].height

    def _continuations(self, span: Span, label_x0: float | None, is_list: bool = False) -> list[Span]:
        spans: list[Span] = []
        reach = self.layout.x_range(span)[1] if not span.is_empty() else 0.0
        for cont in self.layout.continuation(span, label_x0=label_x0):
            if cont.row in self.by_row or cont.row in self._label_rows():
                break  # a row with a label of its own is the next field, not more of this value
            cut = self._cut_at_label(cont)
            if cut is None or cut.is_empty():
                break
            # Text past a wide blank is not more of the value (a watermark, a QR code's caption); a list
            # set out across its row (电子天平    砝码) keeps what lies within its first line's reach.
            end, row = self._wide_gap(cut), self.layout.rows[cut.row]
            if end < cut.end and (not is_list or row.chars[end].x0 > reach + WIDE_GAP * row.height):
                cut = Span(cut.row, cut.start, end)
            if not is_list and (ENUMERATED.match(self.layout.text(cut)) or cut.row in self._list_rows_above()):
                break  # a list's item (numbered, or above its centred label) is no more of a text
            if not is_list and self._beside_a_label(cut):
                break  # level with another field's label (centred on its two lines): that field's value
            if not is_list and self._read_twice(spans[-1] if spans else span, cut):
                break
            if not is_list and self._tall_glyph(cut, spans[-1] if spans else span):
                break  # a watermark's lone character in larger type under the value, no line of it
            spans.append(cut)
        return spans

    def _tall_glyph(self, span: Span, value: Span) -> bool:
        """The span is one box of a single character set far taller (`TALL_GLYPH`) than the value's
        own type: a watermark's or stamp's character (中, 此), not a line of the value."""
        chars = self.layout.rows[span.row].chars[span.start : span.end]
        if not chars or any(c.line != chars[0].line for c in chars):
            return False
        if len(self.layout.text(span, keep_gaps=False).strip()) != 1:
            return False
        box = self.layout.lines[chars[0].line].bbox
        own = self._type_height(value)
        return own > 0 and box[3] - box[1] >= TALL_GLYPH * own

    def _without_tall_lead(self, span: Span) -> Span:
        """The span without a lone tall character at its start (`_tall_glyph`): a watermark's character
        before a value found by its shape, where the value's label was (此 over 住址)."""
        chars = self.layout.rows[span.row].chars
        start = span.start
        while start < span.end and chars[start].line == chars[span.start].line:
            start += 1
        if start >= span.end:
            return span
        rest = Span(span.row, start, span.end)
        return rest if self._tall_glyph(Span(span.row, span.start, start), rest) else span

    def _alone_but_a_gloss(self, span: Span) -> bool:
        """Nothing follows the label on its row but its English gloss, up to the next label or the row's
        end (变证日期 Dntr of Issue有效期限至 Valid Until)."""
        following = [h.span.start for h in self.by_row.get(span.row, []) if h.span.start >= span.end]
        end = min(following, default=len(self.layout.rows[span.row].chars))
        return span.end == end or is_gloss(self.layout.text(Span(span.row, span.end, end)))

    def _read_twice(self, above: Span, span: Span) -> bool:
        """A line read unsurely (`STRAY_CONFIDENCE`) whose box reaches up into the line above by a quarter
        of its height: the detector's second box over a line it has read already (镇沈家村3组70号 /
        镇况家村5), not the next line of the value."""
        a, b = self.layout.bbox(above), self.layout.bbox(span)
        if a is None or b is None or self.layout.confidence(span) >= STRAY_CONFIDENCE:
            return False
        return a[3] - b[1] >= 0.25 * min(a[3] - a[1], b[3] - b[1])

    def _label_rows(self) -> set[int]:
        """Rows that are a long label alone (or with its gloss) with one character misread (所在单位 /
        考指项目 / 血压计): a label above its value, so no value above runs on into it (`_fuzzy_hits` of every field)."""
        if self._alone is None:
            self._alone = {
                hit.span.row
                for fs in self.spec.fields
                for hit in self._fuzzy_hits(fs)
                if hit.span.start == 0
                and self._alone_but_a_gloss(hit.span)
                and len(hit.label) >= LABEL_ALONE  # a short one may be a value (王名, 汉族)
            }
        return self._alone

    def _beside_a_label(self, span: Span) -> bool:
        """A row that stands level with a label on a row of its own, left of it: the label's value."""

        def box(s: Span) -> tuple[float, float]:  # the printed line's own band, not its row's
            bbox = self.layout.lines[self.layout.rows[s.row].chars[s.start].line].bbox
            return bbox[1], bbox[3]

        y0, y1 = box(span)
        x0 = self.layout.x_range(span)[0]
        for r, hits in self.by_row.items():
            for h in hits:
                if r == span.row or self.layout.x_range(h.span)[1] > x0:
                    continue
                ly0, ly1 = box(h.span)
                if min(y1, ly1) - max(y0, ly0) >= 0.4 * min(y1 - y0, ly1 - ly0):
                    return True
        return False

    def _items_above(self, span: Span, label_x0: float | None) -> list[Span]:
        """A list's rows above its label's row, in its value column: a label centred on a merged cell
        stands level with a middle item. Numbered items go up to the first; unnumbered ones as many
        rows up as the list runs on below (the label in the middle)."""
        first = self.layout.text(span)
        numbered = ENUMERATED.match(first) is not None
        if numbered and FIRST_ITEM.match(first):
            return []
        wanted = 8 if numbered else len(self.layout.continuation(span, label_x0=label_x0))
        if not numbered and first.lstrip()[:1] in SEPARATORS:
            wanted += 1  # the line opens with a separator (、弹簧管式精密压力表): the list began on the line above
        x0 = self.layout.x_range(span)[0]
        height = self.layout.rows[span.row].height
        out: list[Span] = []
        below = self.layout.rows[span.row]
        for r in range(span.row - 1, -1, -1):
            row = self.layout.rows[r]
            if len(out) >= wanted or below.y0 - row.y1 > 1.2 * height or r in self.by_row:
                break
            start = next((i for i, c in enumerate(row.chars) if abs(c.x0 - x0) <= 1.5 * height), None)
            if start is None or start > 0:  # nothing in the value column, or text in the label's column
                break
            text = self.layout.text(Span(r, start, len(row.chars)))
            if numbered and not ENUMERATED.match(text):
                break
            out.insert(0, Span(r, start, len(row.chars)))
            below = row
            if numbered and FIRST_ITEM.match(text):
                break
        return out

    def _list_rows_above(self) -> set[int]:
        """Rows that a list's label claims above its own row (`_items_above`): no text runs on into them."""
        if self._claimed is None:
            self._claimed = set()
            for fs in self.spec.fields:
                if fs.kind not in LISTS:
                    continue
                labels = {label.lower() for label in fs.labels}
                for hit in self.hits:
                    if hit.label.lower() in labels:
                        right = self._value_right(hit)
                        if not right.is_empty():
                            x0 = self.layout.x_range(hit.span)[0]
                            self._claimed.update(s.row for s in self._items_above(right, x0))
        return self._claimed

    def _read(self, fs: FieldSpec, span: Span, label_x0: float | None = None) -> Reading | None:
        if span.is_empty():
            return None
        is_list = fs.kind in LISTS
        if not is_list:
            span = Span(span.row, span.start, self._stray_tail(span))
        above = self._items_above(span, label_x0) if is_list else []
        spans = [*above, span, *self._continuations(span, label_x0, is_list)] if fs.multiline else [span]
        text = self._joined(spans, fs.kind not in AS_READ, is_list)
        if fs.kind in DATE_KINDS:
            text += self._date_wrapped(spans[-1], text, label_x0)
        return self._reading(fs, text, self._under_seal(fs, spans))

    def _under_seal(self, fs: FieldSpec, spans: list[Span]) -> bool:
        """A list with a red seal over one of its lines: the seal's ring may be read into an item."""
        if fs.kind != "items":
            return False
        seals = self.page.marks.get("red_regions") or []
        boxes = [b for s in spans if (b := self.layout.bbox(s)) is not None]
        return any(b[0] < r[2] and r[0] < b[2] and b[1] < r[3] and r[1] < b[3] for b in boxes for r in seals)

    def _date_wrapped(self, last: Span, text: str, label_x0: float | None) -> str:
        """The rest of a date that wrapped in its cell (二〇二〇年三月二 / 十日): the line under the
        value's last line, in its column, when it finishes the date."""
        below = self.layout.continuation(last, label_x0=label_x0, max_rows=1)
        cut = self._cut_at_label(below[0]) if below else None
        return date_tail(text, self.layout.text(cut)) if cut is not None and not cut.is_empty() else ""

    def _reading(self, fs: FieldSpec, text: str, sealed: bool = False) -> Reading | None:
        """The reader's value, held to its kind's rule (`ocr.validators`): cut back, or doubted; items
        under a seal (`sealed`) lose a piece of a bureau's name at their ends (`validators.cut_seal_pieces`)."""
        reading = READERS[fs.kind](text, fs.keys)
        if reading is None:
            return None
        for key, value in reading.values.items():
            verdict = validators.check(fs.kind, key, value, self._labels, self._overlaid)
            if verdict.value == []:
                return None  # a list of nothing but strays is no list
            if not verdict.valid and isinstance(verdict.value, str) and label_piece(verdict.value):
                return None  # a piece of a printed label (份号码 of 公民身份号码): the label's, no value here
            if fs.kind == "address" and isinstance(verdict.value, str):
                verdict = self._without_label_tail(key, verdict)
            if sealed:
                verdict = validators.cut_seal_pieces(key, verdict)
            if fs.kind == "items":
                verdict = _without_seal_rings(key, verdict)
            reading.values[key] = verdict.value
            reading.certainty *= verdict.certainty
            reading.warnings.extend(verdict.warnings)
            reading.valid = reading.valid and verdict.valid
        if fs.kind in validators.RANGE_KINDS and len(fs.keys) == 2:
            start, end = (reading.values.get(k) for k in fs.keys)
            for kind_verdict in (validators.check("date", k, v) for k, v in zip(fs.keys, (start, end), strict=True)):
                reading.certainty *= kind_verdict.certainty
                reading.warnings.extend(kind_verdict.warnings)
            ordered = validators.check_range(start, end)
            reading.certainty *= ordered.certainty
            reading.warnings.extend(f"{w}: {fs.keys[0]}" for w in ordered.warnings)
        return reading

    def _without_label_tail(self, key: str, verdict: validators.Verdict) -> validators.Verdict:
        """An address that ends oddly in a piece of a printed label (…29号号码 of 公民身份号码, …64号发 of
        签发机关): the next label's start run on; cut back to the longest start that ends as an address
        does, with a `value_cut` warning."""
        value = str(verdict.value)
        if not any(w.startswith("address_unusual_end") for w in verdict.warnings):
            return verdict
        for k in range(min(LABEL_PIECE_MAX, len(value) - 2), 0, -1):
            head, piece = value[:-k], value[-k:]
            if not label_piece(piece, shortest=1):
                continue
            cut = validators.check("address", key, head, self._labels, self._overlaid)
            if cut.valid and not cut.warnings:
                cut.certainty *= verdict.certainty * validators.CUT_CERTAINTY
                cut.warnings = [w for w in verdict.warnings if not w.startswith("address_unusual_end")]
                cut.warnings.append(f"value_cut: {key}: {piece}")
                return cut
        return verdict

    def _read_below(self, fs: FieldSpec, hit: LabelHit) -> tuple[Reading, Span] | None:
        """The cell under a label; for a list (items in a table column) every row of it."""
        left, right = self._columns(hit)
        below = self.layout.below(hit.span, left_limit=left, right_limit=right, max_rows=8 if fs.multiline else 2)
        cells: list[Span] = []
        for span in below:
            cut = self._cut_at_label(span)
            if cut is None or span.row in self._label_rows():
                break
            if not fs.multiline:
                cut = Span(cut.row, cut.start, self._stray_tail(cut))
                reading = self._read(fs, cut)
                if reading:
                    return reading, cut
                continue
            if cells and self.layout.rows[span.row].y0 - self.layout.rows[cells[-1].row].y1 > 1.5 * (
                self.layout.rows[span.row].height
            ):
                break
            cells.append(cut)
        if cells:
            joined = self._joined(cells, fs.kind not in AS_READ, fs.kind in LISTS)
            reading = self._reading(fs, joined, self._under_seal(fs, cells))
            if reading:
                return reading, cells[0]
        return None

    # --- fields ---------------------------------------------------------------------------------

    def _value_for(self, fs: FieldSpec, hit: LabelHit) -> tuple[Reading, Span] | None:
        right = self._value_right(hit)
        if fs.kind not in LISTS and fs.kind not in validators.RANGE_KINDS:
            right = Span(right.row, right.start, min(self._wide_gap(right), self._stray_tail(right)))
        if self._far_along(hit, right) and not self._values_before(hit) and (under := self._aligned_below(fs, hit)):
            return under  # labels above their values: what stands far along the label's row is another column's
        reading = self._read(fs, right, self.layout.x_range(hit.span)[0])
        if reading:
            return reading, right
        beside_text = self.layout.text(right).strip()
        if not right.is_empty() and len(beside_text) > 2 and not is_gloss(beside_text):
            return None  # a value stood beside the label but was not one: the cell below is someone else's
        besides = [cut for b in self.layout.beside(hit.span) if (cut := self._cut_at_label(b)) is not None]
        if fs.kind in LISTS and fs.multiline and right.is_empty() and (pair := self._straddled(hit, besides)):
            # A list's label centred on its first two lines (燃气表、…绝缘电 / 项目名称 / 阻表、电能表).
            x0 = self.layout.x_range(hit.span)[0]
            spans = [*pair, *self._continuations(pair[1], x0, is_list=True)]
            reading = self._reading(fs, self._joined(spans, True, is_list=True))
            if reading and reading.valid:
                return reading, pair[0]
        if fs.kind in validators.RANGE_KINDS and (pair := self._straddled(hit, besides)):
            # A label centred on its two lines (自 2022.09.23 / 有效期 / 至 2027.09.22): the range is both.
            # Two lines are two values: a space keeps a lost 至 (read on its own, or not at all) from
            # running the dates' digits together (自2021-06-13 / 2026-06-12).
            reading = self._reading(fs, " ".join(self.layout.text(c, simplified=True) for c in pair))
            if reading and all(k in reading.values for k in fs.keys):
                return reading, pair[0]
        for cut in besides:
            if reading := self._read(fs, cut):
                return reading, cut
        return self._read_below(fs, hit)

    def _straddled(self, hit: LabelHit, besides: list[Span]) -> list[Span]:
        """The two lines a label stands between, top first: the two most overlapping beside it, or, when
        the label is set midway between them with a blank around it (each overlaps it by a quarter of
        a line), one just above its middle and one just below."""
        if len(besides) >= 2:
            return sorted(besides[:2], key=lambda c: self.layout.rows[c.row].y0)
        label = self.layout.rows[hit.span.row]
        middle = (label.y0 + label.y1) / 2
        near = [c for b in self.layout.beside(hit.span, STRADDLE_OVERLAP) if (c := self._cut_at_label(b)) is not None]
        above = [c for c in near if self.layout.rows[c.row].y1 < label.y1 and self.layout.rows[c.row].y0 < middle]
        below = [c for c in near if self.layout.rows[c.row].y0 > label.y0 and self.layout.rows[c.row].y1 > middle]
        return [above[0], below[0]] if above and below else []

    def _from_label(self, fs: FieldSpec) -> tuple[Reading, Span] | None:
        fs_labels = {label.lower() for label in fs.labels}
        for hit in self.hits:
            if hit.label.lower() in fs_labels and (found := self._value_for(fs, hit)):
                return found
        return None

    def _fuzzy_hits(self, fs: FieldSpec) -> list[LabelHit]:
        """A label read with one character wrong, inside one printed box, at the start of a row or box
        and not over another label: a long label with one character misread (签发托关 for 签发机关),
        its last one lost (单位公 for 单位公章, 合格证编 for 合格证编号 before its value's box) or its
        first (发机关); a short one (住址 read 任址) with one character misread where the page's other
        labels stand (`_in_label_column`).

        The characters must be one box's: a label's misread last character is never the first of the
        value's own box (合格证编沪计考… is 合格证编 and 沪计考…, not 合格证编号 and 计考…)."""
        long_labels = [label for label in fs.labels if len(label) >= 4 and not label.isascii()]
        short_labels = [label for label in fs.labels if 2 <= len(label) < 4 and not label.isascii()]
        misread = [
            re.escape(label[:i]) + "[^" + re.escape(label[i]) + "]" + re.escape(label[i + 1 :])
            for label in long_labels + short_labels
            for i in range(len(label))
        ]
        variants = [(v, "misread") for v in misread]
        variants += [(re.escape(label[:-1]), "last_lost") for label in long_labels]
        variants += [(re.escape(label[1:]), "first_lost") for label in long_labels]  # 发机关
        candidates: list[tuple[Span, str]] = []
        for variant, kind in variants:
            for span, m in self.layout.find(re.compile(variant)):
                if self._fuzzy_fits(span, kind, len(m.group()) < 4):
                    candidates.append((span, m.group()))
        hits: list[LabelHit] = []
        for span, text in sorted(candidates, key=lambda c: (c[0].row, c[0].start, c[0].start - c[0].end)):
            if not any(h.span.row == span.row and h.span.start < span.end and span.start < h.span.end for h in hits):
                hits.append(LabelHit(span, text))
        return hits

    def _fuzzy_fits(self, span: Span, kind: str, short: bool) -> bool:
        """A fuzzy label's occurrence stands where a label would: see `_fuzzy_hits`."""
        row = self.layout.rows[span.row]
        chars = row.chars
        if len({c.line for c in chars[span.start : span.end]}) > 1:
            return False  # across two boxes: the next box's first character is its own
        if any(h.span.start < span.end and span.start < h.span.end for h in self.by_row.get(span.row, [])):
            return False
        at_box_start = span.start == 0 or chars[span.start - 1].line != chars[span.start].line
        after_bracket = span.start > 0 and chars[span.start - 1].ch in "(（"
        if kind == "last_lost":
            after = chars[span.end] if span.end < len(chars) else None
            if after is not None and after.ch not in ")）" and after.line == chars[span.end - 1].line:
                return False  # the label's last character lost at its box's end, not inside a word
        if short:
            return at_box_start and self._in_label_column(span)
        return at_box_start or after_bracket

    def _in_label_column(self, span: Span) -> bool:
        """The span starts where the labels of other rows start (a column of labels on a form or card)."""
        x0 = self.layout.x_range(span)[0]
        height = self.layout.rows[span.row].height
        return any(
            r != span.row and abs(self.layout.x_range(h.span)[0] - x0) <= 0.5 * height
            for r, hits in self.by_row.items()
            for h in hits
            if not h.label.isascii()
        )

    def _from_fuzzy_label(self, fs: FieldSpec) -> tuple[Reading, Span] | None:
        for hit in self._fuzzy_hits(fs):
            found = self._value_for(fs, hit)
            if found:
                found[0].certainty *= FALLBACK_CERTAINTY
                return found
        return None

    def _from_fallback(self, fs: FieldSpec) -> tuple[Reading, Span] | None:
        if not fs.fallback:
            return None
        pattern = re.compile(fs.fallback)
        found = []
        for span, m in self.layout.find(pattern, each_box=True):
            text = next((g for g in m.groups() if g), m.group())  # the alternative that matched
            text = self._label_prefix.sub("", text)  # a label the pattern ran over is not part of the value
            if fs.multiline and not fs.fallback_whole:
                lead = self._without_tall_lead(span)
                more = [self.layout.text(c, simplified=True) for c in self._continuations(lead, None)]
                text = "".join([text, *more])
            reading = self._reading(fs, text)
            if reading:
                reading.certainty *= FALLBACK_CERTAINTY
                found.append((reading, span))
        return _preferred(found, last=fs.fallback_last)

    def _from_headline(self, fs: FieldSpec) -> tuple[Reading, Span] | None:
        """A value printed with no label, alone in large type near the top (a name under the title):
        a run of a row set larger than the typical row, under the title, with no label or identifying
        word of the document in it, that is the value whole — nothing cut off, nothing left over.

        A run ends at a wide blank (`WIDE_GAP` of its own type's height): a watermark's characters far
        along the row (与原件一致 repeated across the page) are no part of the name between them."""
        rows = self.layout.rows
        if not fs.headline or len(rows) < 3:
            return None
        typical = sorted(r.height for r in rows)[len(rows) // 2]
        top = rows[0].y0 + HEADLINE_TOP * (rows[-1].y1 - rows[0].y0)
        for span in self._headline_runs(typical, top):
            text = self.layout.text(span, keep_gaps=False)
            if any(word in text for word, weight in self.spec.keywords.items() if weight > 0):
                continue
            reading = self._reading(fs, text)
            if reading and reading.valid and not reading.warnings and list(reading.values.values()) == [text]:
                reading.certainty *= FALLBACK_CERTAINTY
                return reading, span
        return None

    def _type_height(self, span: Span) -> float:
        """The height of the printed boxes a span's characters were read from (not its row's band)."""
        chars = self.layout.rows[span.row].chars[span.start : span.end]
        return max((self.layout.lines[c.line].bbox[3] - self.layout.lines[c.line].bbox[1] for c in chars), default=0.0)

    def _overlay_piece(self, span: Span) -> bool:
        """The span is a piece of a copy mark the page carries (与原, 原件一致): an overlay's words, no value."""
        text = self.layout.text(span, keep_gaps=False)
        return bool(self._overlaid) and bool(text) and text in self._overlaid

    def _headline_break(self, r: int, i: int) -> bool:
        """A headline's run ends before character `i`: at a wide blank for its type (`WIDE_GAP`), or at a
        blank as wide as a box's own height next to a box that is a piece of the page's copy mark."""
        chars = self.layout.rows[r].chars
        blank = chars[i].x0 - chars[i - 1].x1
        if blank > WIDE_GAP * self._type_height(Span(r, i - 1, i + 1)):
            return True
        if chars[i].line == chars[i - 1].line:
            return False
        for k in (i - 1, i):
            line = self.layout.lines[chars[k].line]
            box = [j for j, c in enumerate(chars) if c.line == chars[k].line]
            piece = Span(r, box[0], box[-1] + 1)
            if blank > line.bbox[3] - line.bbox[1] and self._overlay_piece(piece):
                return True
        return False

    def _headline_runs(self, typical: float, top: float) -> list[Span]:
        """Runs of large type above `top` and below the title (the first large row naming the document,
        when there is one there): a line above the title (中华人民共和国, spaced and half read) is no name."""
        rows = self.layout.rows
        positive = [word for word, weight in self.spec.keywords.items() if weight > 0]
        first = next(
            (
                r
                for r, row in enumerate(rows)
                if row.y0 <= top and row.height >= HEADLINE_SIZE * typical and any(word in row.key for word in positive)
            ),
            -1,
        )
        runs: list[Span] = []
        for r, row in enumerate(rows):
            if row.y0 > top:
                break
            if r <= first:
                continue
            labels = [h.span for h in self.by_row.get(r, [])]
            start = 0
            for i in range(1, len(row.chars) + 1):
                if i < len(row.chars) and not self._headline_break(r, i):
                    continue
                run = Span(r, start, i)
                start = i
                if self._type_height(run) < HEADLINE_SIZE * typical or self._overlay_piece(run):
                    continue
                if any(s.start < run.end and run.start < s.end for s in labels):
                    continue
                runs.append(run)
        return runs

    def _mark(self, fs: FieldSpec) -> tuple[dict[str, FieldValueType], float, Span | None] | None:
        reader = MARK_READERS[fs.kind]
        labelled = [hit for hit in self.hits if hit.label.lower() in {lb.lower() for lb in fs.labels}]
        labelled = labelled or self._fuzzy_hits(fs)
        for hit in labelled:
            value, certainty, span = reader(self.layout, self.page, hit.span)
            if value is not None:
                return {fs.keys[0]: value}, certainty, span or hit.span
        if not labelled and fs.kind in LABEL_OPTIONAL_MARKS:
            value, certainty, span = reader(self.layout, self.page, None)
            if value is not None:
                return {fs.keys[0]: value}, certainty * FALLBACK_CERTAINTY, span
        return None

    def _value_bbox(self, fs: FieldSpec, span: Span, reading: Reading) -> BBox | None:
        """The box of a value, over every line of a value that runs on (an address, an employer)."""
        box = self.layout.bbox(span)
        if not fs.multiline or box is None:
            return box
        text = "".join(str(v) for v in reading.values.values() if isinstance(v, str))
        for cont in self._continuations(span, None):
            piece, more = self.layout.text(cont, simplified=True), self.layout.bbox(cont)
            if not piece or more is None or piece not in text:
                break
            box = (min(box[0], more[0]), min(box[1], more[1]), max(box[2], more[2]), max(box[3], more[3]))
        return box

    def run(self) -> tuple[dict[str, ExtractedField], list[str]]:
        fields: dict[str, ExtractedField] = {}
        warnings: list[str] = []
        for fs in self.spec.fields:
            if all(k in fields for k in fs.keys):
                continue
            if fs.kind in MARK_READERS:
                marked = self._mark(fs)
                if marked:
                    values, certainty, span = marked
                    conf = certainty * (self.layout.confidence(span) if span else 1.0)
                    bbox = self.layout.bbox(span) if span else None
                    for k, v in values.items():
                        fields[k] = ExtractedField(v, conf, bbox)
                elif fs.required:
                    warnings.append(f"missing_field: {fs.keys[0]}")
                continue
            found = (
                self._from_label(fs) or self._from_fuzzy_label(fs) or self._from_fallback(fs) or self._from_headline(fs)
            )
            if found is not None and not found[0].valid:
                # A labelled value that fails its rule: a valid one elsewhere on the page is the better read.
                alternative = self._from_fuzzy_label(fs) or self._from_fallback(fs) or self._from_headline(fs)
                if alternative is not None and alternative[0].valid:
                    found = alternative
            if found is None:
                if fs.required:
                    warnings.extend(f"missing_field: {k}" for k in fs.keys if k not in fields)
                continue
            reading, span = found
            conf = self.layout.confidence(span) * reading.certainty
            bbox = self._value_bbox(fs, span, reading)
            for k, v in reading.values.items():
                if k not in fields:
                    fields[k] = ExtractedField(v, conf, bbox)
            warnings.extend(reading.warnings)
        if "birth_date" in self.spec.keys:
            warnings.extend(validators.agree(fields))
        # A field that was found after all is not missing (a range label can fill a single-date field).
        warnings = [w for w in warnings if not (w.startswith("missing_field: ") and w.split(": ", 1)[1] in fields)]
        return fields, warnings + low_confidence_warnings(fields)


# Every label a document of any type prints, as read (two characters or more): a value that is nothing
# but a piece of one, or ends in one, ran into the next label (a card's 公民身份号码 read apart).
ALL_LABELS = _printed_labels(*SPECS)
LABEL_PIECE_MAX = 6  # characters of a label's piece cut from a value's end


def label_piece(text: str, *, shortest: int = 2) -> bool:
    """`text` (at least `shortest` characters) stands inside one of the printed labels."""
    return len(text) >= shortest and any(text in label for label in ALL_LABELS)


def _preferred(found: list[tuple[Reading, Span]], *, last: bool) -> tuple[Reading, Span] | None:
    """Of the unlabelled matches on a page, one its kind's rule accepts — the last (an authority at the
    foot) or the first — over any it does not: a footnote or a stamp's words that merely match the
    pattern never win over a real value elsewhere on the page."""
    pool = [f for f in found if f[0].valid] or found
    if not pool:
        return None
    return pool[-1] if last else pool[0]


def extract_fields(spec: DocSpec, page: Page) -> tuple[dict[str, ExtractedField], list[str]]:
    return Extractor(spec, page).run()


def _without_seal_rings(key: str, verdict: validators.Verdict) -> validators.Verdict:
    """An item that is nothing but a piece of a bureau's name (市场监, 场监) is a seal's ring read as a
    line of its own beside the list, whether or not the seal was seen red: it goes, with a `value_cut`
    warning, as long as an item remains. A piece at an item's end is `validators.cut_seal_pieces`'s."""
    if not isinstance(verdict.value, list):
        return verdict
    items = [str(item) for item in verdict.value]
    kept = [item for item in items if item not in validators.SEAL_PIECES]
    if kept and len(kept) < len(items):
        verdict.value = kept
        verdict.certainty *= validators.CUT_CERTAINTY
        dropped = "、".join(item for item in items if item in validators.SEAL_PIECES)
        verdict.warnings.append(f"value_cut: {key}: {dropped}")
    return verdict
