"""Several documents on one page: pages composed from the committed samples, read end to end.

Each page is built here from sample images (both ID sides on one photocopy, one of them upside down;
a certificate and an ID card on one A4; five cards; a blank page; a card at 45°; a card cut off by the
page edge); the expected values come from the samples' own ground truth.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from huren.domain import BBox, DocType, Extraction, FileError, Page, Quality, TextLine
from ocr import pipeline
from ocr import regions as regions_module
from ocr.engine import get_engine
from ocr.pipeline import _without, extract_file
from ocr.regions import find_regions
from tests.conftest import SAMPLES

A4 = (1754, 1240)  # height, width at 150 dpi


def sample(name: str) -> np.ndarray:
    with Image.open(SAMPLES / name) as img:
        return cv2.cvtColor(np.array(img.convert("RGB")), cv2.COLOR_RGB2BGR)


def truth(name: str) -> dict[str, object]:
    data = json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    return dict(data["pages"][0]["fields"])


def width(image: np.ndarray, w: int) -> np.ndarray:
    return cv2.resize(image, (w, round(w * image.shape[0] / image.shape[1])), interpolation=cv2.INTER_AREA)


def page(*placed: tuple[np.ndarray, int, int], size: tuple[int, int] = A4, grey: int = 255) -> np.ndarray:
    canvas = np.full((*size, 3), grey, np.uint8)
    for image, x, y in placed:
        h, w = image.shape[:2]
        canvas[y : y + h, x : x + w] = image[: size[0] - y, : size[1] - x]
    return canvas


def read(tmp_path: Path, name: str, *images: np.ndarray) -> list[Extraction | FileError]:
    path = tmp_path / name
    frames = [Image.fromarray(cv2.cvtColor(im, cv2.COLOR_BGR2RGB)) for im in images]
    frames[0].save(path, save_all=len(frames) > 1, append_images=frames[1:])
    return list(extract_file(path, engine=get_engine()))


def documents(results: list[Extraction | FileError]) -> list[Extraction]:
    assert not [r for r in results if isinstance(r, FileError)]
    return [r for r in results if isinstance(r, Extraction)]


def by_type(docs: list[Extraction], doc_type: DocType) -> list[Extraction]:
    return [d for d in docs if d.doc_type is doc_type]


def check_fields(got: Extraction, expected: dict[str, object], keys: tuple[str, ...]) -> None:
    for key in keys:
        assert got.value(key) == expected[key], f"{key}: expected {expected[key]!r}, got {got.value(key)!r}"


def check_regions(docs: list[Extraction], size: tuple[int, int]) -> None:
    assert [d.index for d in docs] == list(range(len(docs)))
    for d in docs:
        assert d.region is not None
        x0, y0, x1, y1 = d.region
        assert 0 <= x0 < x1 <= size[1] + 1 and 0 <= y0 < y1 <= size[0] + 1
        for key, f in d.fields.items():  # every value's box lies inside its own document's region
            if f.bbox:
                cx, cy = (f.bbox[0] + f.bbox[2]) / 2, (f.bbox[1] + f.bbox[3]) / 2
                assert x0 <= cx <= x1 and y0 <= cy <= y1, (d.doc_type, key, f.bbox, d.region)
    for a in docs:
        for b in docs:
            if a is not b and a.region and b.region:
                overlap_w = min(a.region[2], b.region[2]) - max(a.region[0], b.region[0])
                overlap_h = min(a.region[3], b.region[3]) - max(a.region[1], b.region[1])
                assert overlap_w <= 0 or overlap_h <= 0, (a.region, b.region)


def test_both_id_sides_on_one_page_facing_opposite_ways(tmp_path: Path) -> None:
    front, back = sample("idf_001.bmp"), cv2.rotate(sample("idb_002.png"), cv2.ROTATE_180)
    docs = documents(read(tmp_path, "copy.png", page((front, 300, 200), (back, 260, 1000))))
    assert sorted(str(d.doc_type) for d in docs) == ["id_card_back", "id_card_front"]
    check_fields(by_type(docs, DocType.ID_CARD_FRONT)[0], truth("idf_001.bmp"), ("name", "id_number", "birth_date"))
    check_fields(by_type(docs, DocType.ID_CARD_BACK)[0], truth("idb_002.png"), ("issuing_authority", "valid_until"))
    check_regions(docs, A4)
    assert all("documents_on_page: 2" in d.warnings for d in docs)


def test_certificate_and_id_card_on_one_a4(tmp_path: Path) -> None:
    cert, card = width(sample("reg_004.jpg"), 1100), sample("idf_006.jpg")
    docs = documents(read(tmp_path, "a4.png", page((cert, 70, 80), (card, 100, 950))))
    assert [str(d.doc_type) for d in docs] == ["registration_certificate", "id_card_front"]
    check_fields(docs[0], truth("reg_004.jpg"), ("name", "id_number", "cert_number", "issuing_authority"))
    check_fields(docs[1], truth("idf_006.jpg"), ("name", "id_number", "address"))
    check_regions(docs, A4)


def test_five_cards_on_one_page(tmp_path: Path) -> None:
    names = ("idf_001.bmp", "idb_002.png", "idf_008.jpg", "idb_003.png", "idf_009.webp")
    spots = ((40, 60), (640, 60), (40, 600), (640, 600), (340, 1150))
    placed = [(width(sample(n), 560), x, y) for n, (x, y) in zip(names, spots, strict=True)]
    docs = documents(read(tmp_path, "five.png", page(*placed)))
    assert Counter(str(d.doc_type) for d in docs) == Counter({"id_card_front": 3, "id_card_back": 2})
    got_numbers = {d.value("id_number") for d in by_type(docs, DocType.ID_CARD_FRONT)}
    assert got_numbers == {truth(n)["id_number"] for n in names if n.startswith("idf")}
    got_authorities = sorted(str(d.value("issuing_authority")) for d in by_type(docs, DocType.ID_CARD_BACK))
    assert got_authorities == sorted(str(truth(n)["issuing_authority"]) for n in names if n.startswith("idb"))
    check_regions(docs, A4)
    assert all("documents_on_page: 5" in d.warnings for d in docs)


def test_blank_page_then_a_card_at_45_degrees_then_a_card_cut_off(tmp_path: Path) -> None:
    """Three pages of one file: a clear result each, with warnings, and none stops the others."""
    card = sample("idf_006.jpg")
    h, w = card.shape[:2]
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), 45, 1.0)
    turn[:, 2] += (800 - w / 2, 800 - h / 2)
    tilted = cv2.warpAffine(card, turn, (1600, 1600), borderValue=(235, 235, 235))
    cut = page((card[:, :340], 900, 100))
    results = read(tmp_path, "bad.tif", page(), tilted, cut)
    docs = documents(results)
    assert [d.page for d in docs] == [1, 2, 3]
    blank, turned, cut_off = docs
    assert blank.doc_type is DocType.UNKNOWN and "quality: no_text" in blank.warnings
    assert turned.doc_type is DocType.ID_CARD_FRONT
    check_fields(turned, truth("idf_006.jpg"), ("name", "id_number"))
    assert cut_off.quality.cut_off and "quality: cut_off" in cut_off.warnings
    assert any(w.startswith("missing_field: ") for w in cut_off.warnings)


def _line(text: str, x: float, y: float, w: float = 300, h: float = 24) -> TextLine:
    return TextLine(text, (x, y, x + w, y + h), 0.99)


def _front() -> list[TextLine]:
    """An ID card's front as text lines, upper left of an A4 page."""
    return [
        _line("姓名 孙艳", 100, 100),
        _line("性别 女 民族 汉", 100, 150),
        _line("出生 1963年2月27日", 100, 200),
        _line("住址 江苏省苏州市吴中区木渎镇", 100, 250),
        _line("公民身份号码 322727196302275483", 100, 300),
    ]


def _back() -> list[TextLine]:
    """The same card's back, lower on the page."""
    return [
        _line("中华人民共和国", 100, 1000),
        _line("居民身份证", 100, 1060),
        _line("签发机关 吴江市公安局", 100, 1160),
        _line("有效期限 2021.03.22-2041.03.22", 100, 1210),
    ]


def test_one_certificate_with_wide_gaps_stays_one_region() -> None:
    """The facing pages of a booklet are one document: its title half and its fields half are not split."""
    lines = [
        _line("中华人民共和国", 100, 300),
        _line("注册计量师注册证", 100, 360),
        _line("姓名 张伟", 900, 200),
        _line("执业类别 长度", 900, 260),
        _line("注册证编号 沪注计20213198", 900, 320),
        _line("发证机关 上海市市场监督管理局", 900, 380),
    ]
    p = Page("x.pdf", 1, 1400, 1000, lines)
    regions = find_regions(p)
    assert len(regions) == 1 and regions[0].bbox == (0.0, 0.0, 1400.0, 1000.0)


def test_two_cards_as_text_far_apart_are_two_regions() -> None:
    front = _front()
    back = _back()
    p = Page("x.pdf", 1, 1240, 1754, front + back)
    regions = find_regions(p)
    assert [r.doc_type for r in regions] == [DocType.ID_CARD_FRONT, DocType.ID_CARD_BACK]
    assert len(regions[1].lines) == 4  # the title joined its own side


def test_a_front_whose_birth_line_was_lost_is_still_a_document_of_its_own() -> None:
    """A blurred copy lost the front's birth date: its labels and its ID number still make it one."""
    front = [
        _line("姓名 蔡伟", 100, 100),
        _line("性别 男 民族 汉", 100, 150),
        _line("出生 199912", 100, 200),
        _line("住址 江苏省南京市玄武区孝陵卫街道", 100, 250),
        _line("公民身份号码 320102199912282498", 100, 300),
    ]
    back = [
        _line("中华人民共和国", 100, 1000),
        _line("居民身份证", 100, 1060),
        _line("签发机关 南京市公安局玄武分局", 100, 1160),
        _line("有效期限 2019.06.04-2029.06.04", 100, 1210),
    ]
    regions = find_regions(Page("x.pdf", 1, 1240, 1754, front + back))
    assert [r.doc_type for r in regions] == [DocType.ID_CARD_FRONT, DocType.ID_CARD_BACK]


def test_a_front_whose_values_a_watermark_crossed_is_a_document_by_its_labels() -> None:
    """Its number line lost and its birth date garbled, the front bears no value of its shape; all six of
    its labels, read and naming it, still make it a card of its own beside the back."""
    front = [
        _line("姓名", 100, 100, w=60),
        _line("贺玲敏", 200, 100),
        _line("性别女", 100, 150),
        _line("民族汉", 300, 150),
        _line("出生日期 1963羊本月18甲", 100, 200),
        _line("住址", 100, 250, w=60),
        _line("浙江省嘉善县天凝镇李家", 200, 250),
        _line("浜村10组61号", 200, 290),
        _line("公民身份号码", 100, 340),
    ]
    regions = find_regions(Page("x.pdf", 1, 1240, 1754, front + _back()))
    assert [r.doc_type for r in regions] == [DocType.ID_CARD_FRONT, DocType.ID_CARD_BACK]


def test_a_few_card_labels_without_values_are_no_card_of_their_own() -> None:
    """Two labels a certificate prints too (签发机关, 有效期限), their values unread, name no card beside a
    front: a side is whole by its labels only when it bears most of them, and at least four."""
    stray = [_line("签发机关", 100, 1160, w=120), _line("有效期限", 100, 1210, w=120), _line("居民身份证", 100, 1260)]
    regions = find_regions(Page("x.pdf", 1, 1240, 1754, _front() + stray))
    assert [r.doc_type for r in regions] != [DocType.ID_CARD_FRONT, DocType.ID_CARD_BACK]


def test_a_card_lying_at_45_degrees_beside_a_certificate_is_read_straightened(tmp_path: Path) -> None:
    card, cert = width(sample("idf_006.jpg"), 600), width(sample("reg_004.jpg"), 1100)
    h, w = card.shape[:2]
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), 45, 1.0)
    turn[:, 2] += (450 - w / 2, 450 - h / 2)
    tilted = cv2.warpAffine(card, turn, (900, 900), borderValue=(255, 255, 255))
    docs = documents(read(tmp_path, "askew.png", page((cert, 70, 40), (tilted, 170, 820))))
    assert [str(d.doc_type) for d in docs] == ["registration_certificate", "id_card_front"]
    check_fields(docs[1], truth("idf_006.jpg"), ("name", "birth_date", "id_number"))
    check_regions(docs, A4)


def test_an_id_card_laid_on_a_certificate_page(tmp_path: Path) -> None:
    """The certificate has no edge of its own on the scan: it is what is left once the card is taken away."""
    cert = sample("asm_001.jpg")[100:1300, 100:1235]  # inside its printed frame
    card = width(sample("idf_001.bmp"), 560)
    docs = documents(read(tmp_path, "laid.png", page((cert, 50, 60), (card, 560, 1300))))
    assert sorted(str(d.doc_type) for d in docs) == ["assessment_certificate", "id_card_front"]
    check_fields(by_type(docs, DocType.ASSESSMENT_CERTIFICATE)[0], truth("asm_001.jpg"), ("name", "cert_number"))
    check_fields(by_type(docs, DocType.ID_CARD_FRONT)[0], truth("idf_001.bmp"), ("name", "id_number"))
    check_regions(docs, A4)


def test_a_certificate_in_two_columns_stays_one_region() -> None:
    """The certificate's title column names it clearly and bears its number; it is still one document
    with its other column (whose ID number and date could pass for an ID front's)."""
    lines = [
        _line("中华人民共和国", 502, 135, 318, 46),
        _line("注册计量师注册证", 431, 201, 462, 71),
        _line("姓名", 134, 314, 46, 29),
        _line("性别", 576, 313, 49, 31),
        _line("武倩", 133, 339, 62, 37),
        _line("女", 575, 338, 39, 39),
        _line("身份证号", 135, 395, 83, 29),
        _line("证号", 577, 396, 47, 28),
        _line("320525199109279106", 137, 425, 263, 27),
        _line("浙ZJ2024-4802", 580, 423, 183, 29),
        _line("级别", 134, 476, 47, 29),
        _line("注册专业", 579, 477, 82, 28),
        _line("二级注册计量师", 137, 503, 185, 31),
        _line("电离辐射", 579, 502, 110, 34),
        _line("执业单位", 135, 558, 82, 27),
        _line("浙江省计量科学研究院", 137, 585, 264, 31),
        _line("生效日期", 134, 637, 84, 29),
        _line("有效期限至", 680, 641, 101, 25),
        _line("2024年11月10日", 135, 666, 198, 31),
        _line("2029年11月9日", 681, 667, 180, 29),
        _line("发证机构", 135, 720, 82, 27),
        _line("浙江省市场监督管理局", 137, 747, 263, 31),
    ]
    assert len(find_regions(Page("x.png", 1, 1000, 900, lines))) == 1


def test_a_certificate_whose_authority_stands_apart_is_a_document_beside_a_card() -> None:
    """The certificate's field block names it and bears its number; its authority, printed under the seal
    at the foot of the sheet, is a fragment that joins it. The ID card below is a document of its own."""
    cert = [
        _line("中华人民共和国", 300, 100),
        _line("注册计量师注册证", 300, 150),
        _line("姓名：毛轩辉", 200, 220),
        _line("证书编号：苏2022103845", 200, 270),
        _line("资格级别：一级", 200, 320),
        _line("注册类别：电磁", 200, 370),
        _line("有效期限：二〇二二年五月一日~二〇二七年四月三十日", 200, 420, 500),
    ]
    authority = [_line("颁发单位：江苏省市场监督管理局", 750, 560, 380), _line("二〇二二年五月一日", 750, 600)]
    front = [
        _line("姓名 毛轩辉", 200, 1000),
        _line("性别 男 民族 满", 200, 1050),
        _line("出生 1986年10月15日", 200, 1100),
        _line("住址 江苏省吴江市盛泽镇李家浜村1组44号", 200, 1150, 450),
        _line("公民身份号码 32052519861015453X", 200, 1200, 450),
    ]
    regions = find_regions(Page("x.png", 1, 1240, 1754, cert + authority + front))
    assert [r.doc_type for r in regions] == [DocType.REGISTRATION_CERTIFICATE, DocType.ID_CARD_FRONT]
    assert "江苏省市场监督管理局" in regions[0].text


def test_a_watermarks_scattered_glyphs_are_no_turned_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """Single characters of a diagonal watermark (与, 致) may vote upside down; they are no card read turned."""

    def glyphs_turned(page: Page, region: regions_module.Region) -> bool:  # the direction classifier's vote
        return all(len(ln.text) == 1 for ln in region.lines)

    monkeypatch.setattr(regions_module, "_upside_down", glyphs_turned)
    front = _front()
    back = _back()
    glyphs = [_line(ch, 1000, 100 + 60 * i, 24) for i, ch in enumerate("与与致与")]
    regions = find_regions(Page("x.png", 1, 1240, 1754, front + back + glyphs))
    assert [r.doc_type for r in regions] == [DocType.ID_CARD_FRONT, DocType.ID_CARD_BACK]


def test_a_region_that_covers_another_is_not_painted_over_it() -> None:
    """Blanking the other documents out of a region's crop never erases the region itself."""
    image = np.zeros((100, 100, 3), np.uint8)
    image[10:20, 10:20] = 200
    box = (5.0, 5.0, 50.0, 50.0)
    assert np.array_equal(_without(image, [(0.0, 0.0, 100.0, 100.0)], box), image)
    painted = _without(image, [(40.0, 40.0, 90.0, 90.0)], box)
    assert painted[45, 45].tolist() == [0, 0, 0] and painted[15, 15].tolist() == [200, 200, 200]
    assert painted[60, 60].tolist() == [0, 0, 0] and not np.array_equal(
        _without(image, [(8.0, 8.0, 30.0, 30.0)], box), image
    )


def test_an_upright_region_keeps_the_page_read_when_its_crop_reads_less(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blurred copy: the crop, read again at another scale, lost the labels the page's read had."""
    front = _front()
    back = _back()
    p = Page("x.png", 1, 1240, 1754, front + back)
    p.image = np.full((1754, 1240, 3), 255, np.uint8)

    # The crops, in reading order, lost their labels: their values alone are left.
    values = iter([("孙艳", "322727196302275483"), ("吴江市公安局", "2021.03.22-2041.03.22")])

    def crop_read(engine: object, crop: np.ndarray, *, source: str = "", number: int = 1) -> Page:
        lines = [TextLine(t, (10, 10 + 40 * i, 400, 34 + 40 * i), 0.9) for i, t in enumerate(next(values))]
        sub = Page(source, number, crop.shape[1], crop.shape[0], lines)
        sub.marks["to_work"] = np.eye(3)
        return sub

    monkeypatch.setattr(pipeline.reader, "read_image", crop_read)
    docs = pipeline.extract_documents(p, engine=object())  # type: ignore[arg-type]
    assert [d.doc_type for d in docs] == [DocType.ID_CARD_FRONT, DocType.ID_CARD_BACK]
    assert (docs[0].value("name"), docs[0].value("birth_date"), docs[0].value("gender")) == ("孙艳", "1963-02-27", "女")
    assert docs[1].value("issuing_authority") == "吴江市公安局" and "doc_type_from_content" not in docs[1].warnings


def test_a_certificates_field_block_typed_by_its_values_is_its_document() -> None:
    """The title stands apart above the field block, whose labels name no type; its number and authority
    do, and it is the certificate (the column rule for cards does not apply to a certificate's values)."""
    title = [_line("中华人民共和国", 600, 150), _line("注册计量师注册证", 600, 200)]
    block = [
        _line("持证人：陈海勇", 260, 350),
        _line("身份证号：310209196705216679", 260, 400, 380),
        _line("证号：苏2020202382", 260, 450),
        _line("资格级别：二级", 260, 500),
        _line("工作单位：苏州太湖校准技术有限公司", 260, 550, 380),
        _line("有效日期至：2025年11月4日", 260, 600),
        _line("发证机构：江苏省市场监督管理局", 260, 650, 380),
    ]
    front = [
        _line("姓名 陈海勇", 220, 1200),
        _line("性别 男 民族 汉", 220, 1250),
        _line("出生 1967年5月21日", 220, 1300),
        _line("住址 上海市青浦区夏阳街道塘桥苑32幢101室", 220, 1350, 450),
        _line("公民身份号码 310209196705216679", 220, 1400, 450),
    ]
    regions = find_regions(Page("x.png", 1, 1603, 1986, title + block + front))
    assert [r.doc_type for r in regions] == [DocType.REGISTRATION_CERTIFICATE, DocType.ID_CARD_FRONT]
    assert "注册计量师注册证" in regions[0].text


def test_a_card_turned_inside_its_edges_is_a_document_however_short_its_lines_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An ID back upside down inside its card outline reads as a few short scraps; it is read again turned."""
    front = _front()
    scraps = [_line("有 1", 500, 1100, 60), _line("证", 700, 1150, 24), _line("中国", 600, 1250, 48)]
    card = regions_module.Outline((430.0, 1050.0, 1130.0, 1500.0), 0.0, np.zeros((4, 2)))
    monkeypatch.setattr(regions_module, "card_outlines", lambda image: [card])
    monkeypatch.setattr(regions_module, "_upside_down", lambda page, region: region.outlined)
    p = Page("x.png", 1, 1240, 1754, front + scraps)
    p.image = np.full((1754, 1240, 3), 255, np.uint8)
    regions = find_regions(p)
    assert [(r.doc_type, r.turned) for r in regions] == [(DocType.ID_CARD_FRONT, False), (DocType.UNKNOWN, True)]
    assert regions[1].bbox == card.bbox


def test_a_certificates_column_labelled_as_a_certificate_is_no_card() -> None:
    """A booklet's left column holds the holder's ID number and a date (an ID front's values), under a
    certificate's labels; its title, number and authority stand apart. It is one certificate."""
    right = [
        _line("中华人民共和国", 700, 210, 400, 40),
        _line("注册计量师注册证", 620, 270, 560, 60),
        _line("性别", 700, 370, 60),
        _line("男", 700, 410, 30),
        _line("证书编号", 700, 450, 100),
        _line("浙ZJ2024-8696", 700, 490, 220),
        _line("注册专业", 700, 530, 100),
        _line("力学，电离辐射，化学", 700, 570, 260),
    ]
    left = [
        _line("姓名", 200, 480, 60),
        _line("何弢旻", 200, 520, 100),
        _line("身份证件号码", 200, 600, 150),
        _line("322728197301092176", 200, 640, 300),
        _line("资格级别", 200, 720, 100),
        _line("二级注册计量师", 200, 760, 200),
        _line("执业单位", 200, 840, 100),
        _line("嘉善县计量检定测试所", 200, 880, 260),
        _line("生效日期", 200, 960, 100),
        _line("2024年01月11日", 200, 1000, 200),
    ]
    foot = [_line("有效期至", 1050, 1000, 100), _line("2029年01月10日", 1050, 1040, 200)]
    foot.append(_line("浙江省市场监督管理局", 1400, 1150, 300))
    assert len(find_regions(Page("x.jpg", 1, 1982, 1356, right + left + foot))) == 1


def test_a_front_whose_number_line_stands_apart_is_one_card() -> None:
    """A card photographed on a desk, straightened to its own edges (the page is the card): the gap
    above its ID-number line is wider than the clustering gap, yet the two halves are one card — each
    has the fields the other lacks — and stay one region, with the number read with the name."""
    p = Page(
        "desk.jpg",
        1,
        1081,
        678,
        [
            _line("姓名", 108, 127, 87, 43),
            _line("李志蕊", 250, 120, 150, 56),
            _line("性别", 109, 200, 88, 42),
            _line("男", 249, 199, 49, 45),
            _line("民族汉", 397, 198, 160, 48),
            _line("出生", 109, 273, 86, 42),
            _line("1990年12月8日", 252, 268, 312, 48),
            _line("住址", 109, 346, 86, 43),
            _line("上海市徐汇区龙华街道北舍村15组41号", 258, 346, 645, 43),
            _line("公民身份号码", 111, 537, 191, 39),
            _line("310104199012089896", 347, 532, 486, 42),
        ],
    )
    regions = find_regions(p)
    assert len(regions) == 1 and regions[0].bbox == (0.0, 0.0, 1081.0, 678.0)


def test_two_whole_fronts_on_one_page_stay_two_cards() -> None:
    """Two fronts each with their own name and number are two cards, however close."""

    def front(y: float, name: str, number: str) -> list[TextLine]:
        return [
            _line(f"姓名 {name}", 100, y),
            _line("性别 女 民族 汉", 100, y + 50),
            _line("出生 1963年2月27日", 100, y + 100),
            _line("住址 江苏省苏州市吴中区木渎镇", 100, y + 150),
            _line(f"公民身份号码 {number}", 100, y + 300),
        ]

    p = Page(
        "x.pdf", 1, 1240, 1754, front(100, "孙艳", "322727196302275483") + front(900, "蔡伟", "320102199912282498")
    )
    regions = find_regions(p)
    assert [r.doc_type for r in regions] == [DocType.ID_CARD_FRONT, DocType.ID_CARD_FRONT]


def test_a_fronts_unread_half_beside_its_number_line_is_the_same_card(monkeypatch: pytest.MonkeyPatch) -> None:
    """The top half of a front whose labels a blur took reads as nothing and was taken for upside
    down; beside the card's number line it is that card's rest, not a document of its own."""
    monkeypatch.setattr(regions_module, "_upside_down", lambda page, region: True)
    p = Page(
        "desk.jpg",
        1,
        1081,
        678,
        [
            _line("李志蕊", 250, 120, 150, 56),
            _line("男 汉", 249, 199, 300, 45),
            _line("1990年12月8日", 252, 268, 312, 48),
            _line("上海市徐汇区龙华街道北舍村15组41号", 258, 346, 645, 43),
            _line("公民身份号码", 111, 537, 191, 39),
            _line("310104199012089896", 347, 532, 486, 42),
        ],
    )
    regions = find_regions(p)
    assert len(regions) == 1 and regions[0].bbox == (0.0, 0.0, 1081.0, 678.0)


def _front_and_back(*more: TextLine) -> Page:
    front = _front()
    back = _back()
    return Page("x.pdf", 1, 1240, 1754, front + back + list(more), Quality(text_layer=True))


def test_lines_no_document_took_are_told_not_dropped() -> None:
    """A fragment far from both card sides joins neither; each document says lines were left out."""
    p = _front_and_back(_line("复印无效", 900, 1600, 200), _line("仅供备案使用", 900, 1650, 200))
    docs = pipeline.extract_documents(p)
    assert [d.doc_type for d in docs] == [DocType.ID_CARD_FRONT, DocType.ID_CARD_BACK]
    assert all("lines_outside_documents: 2" in d.warnings for d in docs)


def test_a_region_that_reads_as_no_document_is_told(monkeypatch: pytest.MonkeyPatch) -> None:
    """A part taken for a turned document that then reads as none says so, with its lines counted."""
    monkeypatch.setattr(regions_module, "_upside_down", lambda page, region: "复印无效" in region.text)
    p = _front_and_back(_line("复印无效", 900, 1600, 200), _line("仅供备案使用", 900, 1650, 200))
    docs = pipeline.extract_documents(p)
    assert [d.doc_type for d in docs] == [DocType.ID_CARD_FRONT, DocType.ID_CARD_BACK, DocType.UNKNOWN]
    assert "region_unrecognised: 2 lines" in docs[2].warnings
    assert not any(w.startswith("region_unrecognised") for d in docs[:2] for w in d.warnings)


def _back_crossed_by_a_watermark() -> list[TextLine]:
    """An ID back whose authority line a watermark crossed: its title half read, its validity range whole."""
    return [
        _line("中華人民共和國", 500, 1080),
        _line("居民身份证使用", 500, 1140),
        _line("注册计量师资", 500, 1200),
        _line("有效期限 2017.07.14-2037.07.14", 500, 1400),
    ]


def test_a_card_side_named_by_its_labels_inside_its_edges_is_a_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """Words that name an ID back less clearly than a residual needs, inside the card's own edges, with
    a validity range of the back's shape: the back is a document of its own, and the extraction says why."""
    card = regions_module.Outline((430.0, 1050.0, 1130.0, 1500.0), 0.0, np.zeros((4, 2)))
    monkeypatch.setattr(regions_module, "card_outlines", lambda image: [card])
    p = Page("x.png", 1, 1240, 1754, _front() + _back_crossed_by_a_watermark(), Quality(text_layer=True))
    p.image = np.full((1754, 1240, 3), 255, np.uint8)
    regions = find_regions(p)
    assert [(r.doc_type, r.by_card_edges) for r in regions] == [
        (DocType.ID_CARD_FRONT, False),
        (DocType.ID_CARD_BACK, True),
    ]
    docs = pipeline.extract_documents(p)
    assert [d.doc_type for d in docs] == [DocType.ID_CARD_FRONT, DocType.ID_CARD_BACK]
    assert "document_by_card_edges: id_card_back" in docs[1].warnings
    assert not any(w.startswith("document_by_card_edges") for w in docs[0].warnings)


def test_the_same_words_without_card_edges_are_no_document_of_their_own() -> None:
    """Without its edges on the image the half-read back is a fragment, as before."""
    p = Page("x.png", 1, 1240, 1754, _front() + _back_crossed_by_a_watermark(), Quality(text_layer=True))
    assert [r.doc_type for r in find_regions(p)] == [DocType.UNKNOWN]


def test_a_card_outline_with_no_value_of_its_type_is_no_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """Labels inside a card's edges but no value of the type's shape: not taken on its edges."""
    card = regions_module.Outline((430.0, 1050.0, 1130.0, 1500.0), 0.0, np.zeros((4, 2)))
    monkeypatch.setattr(regions_module, "card_outlines", lambda image: [card])
    lines = [*_back_crossed_by_a_watermark()[:3], _line("有效期限", 500, 1400)]
    p = Page("x.png", 1, 1240, 1754, _front() + lines, Quality(text_layer=True))
    p.image = np.full((1754, 1240, 3), 255, np.uint8)
    assert DocType.ID_CARD_BACK not in [r.doc_type for r in find_regions(p)]


def test_a_card_inside_the_sheets_own_edge_with_a_watermark_on_its_outline_is_found() -> None:
    """A photographed sheet's edge encloses the cards on it, and a watermark's glyphs touching a card's
    edge hang on its outline: the card is still found by its edges."""
    image = np.full((*A4, 3), 235, np.uint8)
    cv2.rectangle(image, (4, 4), (A4[1] - 5, A4[0] - 5), (60, 60, 60), 3)  # the sheet's own edge
    cv2.rectangle(image, (200, 300), (1000, 800), (90, 90, 90), 3)  # the card
    for x, y in ((1000, 420), (600, 800), (200, 650), (820, 300), (1000, 700)):  # glyphs crossing its edge
        cv2.putText(image, "WM", (x - 40, y + 25), cv2.FONT_HERSHEY_SIMPLEX, 2.5, (120, 120, 120), 4)
    outlines = regions_module.card_outlines(image)
    assert len(outlines) == 1
    x0, y0, x1, y1 = outlines[0].bbox
    assert abs(x0 - 200) < 15 and abs(y0 - 300) < 15 and abs(x1 - 1000) < 15 and abs(y1 - 800) < 15


def test_a_side_turned_the_other_way_whose_lines_read_as_nothing_is_a_document(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The page was turned the way its front reads; the back, photocopied facing the other way, read as
    nothing sure but its lines' boxes (`unread`), vote upside down and a garbled fragment. It is a document,
    read again from its own crop, and the boxes with no text are no lines of it."""
    monkeypatch.setattr(regions_module, "upside_down_each", lambda crops: [True] * len(crops))
    monkeypatch.setattr(regions_module, "_upside_down", lambda page, region: not region.text.strip("9\n"))
    unread = [(100.0, 1000.0, 500.0, 1030.0), (100.0, 1060.0, 400.0, 1090.0), (100.0, 1160.0, 450.0, 1190.0)]
    garbled = _line("9", 100, 1210, 320)
    p = Page("copy.png", 1, 1240, 1754, [*_front(), garbled], marks={"unread": unread})
    p.image = np.full((1754, 1240, 3), 255, np.uint8)
    regions = find_regions(p)
    assert [(r.doc_type, r.turned) for r in regions] == [(DocType.ID_CARD_FRONT, False), (DocType.UNKNOWN, True)]
    assert regions[1].bbox[1] < 1000 and regions[1].bbox[3] > 1230
    assert regions[1].lines == [garbled]
    # Without the unread boxes the garbled line alone is a fragment: the page stays one document.
    p.marks["unread"] = []
    assert len(find_regions(p)) == 1


CARD_BOX = (430.0, 1050.0, 1130.0, 1500.0)


def _carded(
    monkeypatch: pytest.MonkeyPatch, lines: list[TextLine], *boxes: BBox, turned: bool = False
) -> list[regions_module.Region]:
    """The regions of a page of `lines` with card outlines at `boxes` (a card's box below the front by
    default); `turned`: text inside an outline votes upside down."""
    cards = [regions_module.Outline(box, 0.0, np.zeros((4, 2))) for box in boxes or (CARD_BOX,)]
    monkeypatch.setattr(regions_module, "card_outlines", lambda image: cards)
    if turned:
        monkeypatch.setattr(regions_module, "_upside_down", lambda page, region: region.outlined)
    p = Page("x.png", 1, 1240, 1754, lines)
    p.image = np.full((1754, 1240, 3), 255, np.uint8)
    return find_regions(p)


def test_two_cards_turned_inside_their_own_edges_are_two_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both sides of an ID card upside down below a certificate: each reads as scraps of no type inside
    its own edges; they are two turned documents, never one of type unknown."""
    front = _front()
    first = [_line("号", 500, 1100, 40), _line("310954", 600, 1150, 200), _line("2220室", 520, 1220, 120)]
    second = [_line("有2", 500, 1450, 60), _line("众关局", 600, 1500, 100), _line("中国", 650, 1580, 48)]
    boxes = ((430.0, 1050.0, 1130.0, 1380.0), (430.0, 1420.0, 1130.0, 1720.0))
    regions = _carded(monkeypatch, front + first + second, *boxes, turned=True)
    assert [(r.doc_type, r.turned) for r in regions] == [
        (DocType.ID_CARD_FRONT, False),
        (DocType.UNKNOWN, True),
        (DocType.UNKNOWN, True),
    ]
    assert tuple(r.bbox for r in regions[1:]) == boxes


def test_a_turned_card_whose_scraps_name_a_type_by_chance_is_still_turned(monkeypatch: pytest.MonkeyPatch) -> None:
    """A watermark's 申请 across an upside-down card types its scraps as a form: it is no form as read
    (no value of one), so it is the other side of the card, turned."""
    back = _back()
    scraps = [_line("3274X", 500, 400, 200), _line("仅供互认申请", 480, 460, 300), _line("出815日", 520, 520, 150)]
    card = (430.0, 350.0, 1130.0, 700.0)
    regions = _carded(monkeypatch, scraps + back, card, turned=True)
    assert [r.turned for r in regions] == [True, False]
    assert regions[0].bbox == card and regions[1].doc_type is DocType.ID_CARD_BACK


def test_a_certificate_and_both_id_sides_upside_down_on_one_a4(tmp_path: Path) -> None:
    cert = width(sample("reg_004.jpg"), 520)  # a portrait sheet, 762 px tall
    front = cv2.rotate(width(sample("idf_001.bmp"), 560), cv2.ROTATE_180)
    back = cv2.rotate(width(sample("idb_002.png"), 560), cv2.ROTATE_180)
    docs = documents(read(tmp_path, "three.png", page((cert, 360, 30), (front, 340, 850), (back, 340, 1300))))
    # two of three documents upside down: the page may be read turned, the certificate then its turned one
    assert sorted(str(d.doc_type) for d in docs) == ["id_card_back", "id_card_front", "registration_certificate"]
    check_fields(by_type(docs, DocType.REGISTRATION_CERTIFICATE)[0], truth("reg_004.jpg"), ("name", "cert_number"))
    check_fields(by_type(docs, DocType.ID_CARD_FRONT)[0], truth("idf_001.bmp"), ("name", "id_number", "birth_date"))
    check_fields(by_type(docs, DocType.ID_CARD_BACK)[0], truth("idb_002.png"), ("issuing_authority", "valid_until"))
    check_regions(docs, A4)


def test_an_id_back_whose_labels_a_watermark_took_is_known_by_its_edges_and_bureau(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Title and police bureau read, 签发机关 and the validity line lost: inside its own edges it is
    the back, taken with a warning; the front above stays a document of its own."""
    back = [
        _line("中华人民共和国", 500, 1080),
        _line("居民身份证", 500, 1140),
        _line("苏州市公安局吴江分局", 520, 1300),
    ]
    regions = _carded(monkeypatch, _front() + back)
    assert [r.doc_type for r in regions] == [DocType.ID_CARD_FRONT, DocType.ID_CARD_BACK]
    assert regions[1].by_card_edges and regions[1].bbox == CARD_BOX


def test_a_market_bureau_inside_edges_is_no_id_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same without a police bureau (a certificate's seal box: 居民身份证 as a label's word, a market
    bureau) is no card side."""
    box = [_line("中华人民共和国", 500, 1080), _line("居民身份证", 500, 1140), _line("苏州市市场监督管理局", 520, 1300)]
    assert DocType.ID_CARD_BACK not in [r.doc_type for r in _carded(monkeypatch, _front() + box)]


def test_an_id_back_known_by_its_edges_and_validity_range_when_its_bureau_is_lost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Title and validity range read, labels and bureau lost under a watermark: still the back."""
    back = [_line("中华人民共和国", 500, 1080), _line("居民身份证", 500, 1140), _line("2011.04.03至长期", 520, 1380)]
    regions = _carded(monkeypatch, _front() + back)
    assert [r.doc_type for r in regions] == [DocType.ID_CARD_FRONT, DocType.ID_CARD_BACK]
    assert regions[1].by_card_edges


def test_an_id_back_whose_spaced_labels_read_in_pieces_is_known_by_its_edges(monkeypatch: pytest.MonkeyPatch) -> None:
    """签 发 机 关 and 有 效 期 限 set wide read as scraps (发, 关, 有效, 期限): the validity label a certificate
    prints too (有效期) is no reason to call the card a certificate's part."""
    scraps = ["和国", "居", "份证", "发", "关", "吴江市公安局", "有效", "期限", "2021.11."]
    back = [_line(t, 500, 1080 + 45 * i, 120 if len(t) < 4 else 300) for i, t in enumerate(scraps)]
    assert [r.doc_type for r in _carded(monkeypatch, _front() + back)] == [DocType.ID_CARD_FRONT, DocType.ID_CARD_BACK]


def _outlines_at(monkeypatch: pytest.MonkeyPatch, lines: list[TextLine], *boxes: BBox) -> list[regions_module.Region]:
    """The regions of a page of `lines` with upright outlines at `boxes`, their corners the boxes' own."""
    cards = [
        regions_module.Outline(b, 0.0, np.array([[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]]))
        for b in boxes
    ]
    monkeypatch.setattr(regions_module, "card_outlines", lambda image: cards)
    monkeypatch.setattr(regions_module, "_upside_down", lambda page, region: False)
    p = Page("x.png", 1, 1240, 1754, lines)
    p.image = np.full((1754, 1240, 3), 255, np.uint8)
    return find_regions(p)


def test_two_cards_whose_print_a_tiled_watermark_took_are_two_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both ID sides on one page under a tiled watermark: the page's read kept a few scraps of each (姓,
    杨红秀, 华国, 局局), naming no type. Inside edges of an ID card's shape, each is a card to read again
    from its crop; in frames of another shape, or around text enough to read, they are no card."""
    first = [_line("姓", 444, 508, 31), _line("杨红秀", 514, 504, 84), _line("别", 472, 566, 25)]
    second = [_line("000403期", 592, 1225, 271), _line("华国", 448, 1487, 300), _line("局局", 637, 1283, 127)]
    cards = ((372.0, 419.0, 1093.0, 875.0), (310.0, 1146.0, 1027.0, 1600.0))  # 721 × 456, 717 × 454: 85.6 × 54
    regions = _outlines_at(monkeypatch, first + second, *cards)
    assert [(r.bbox, r.unread, r.doc_type) for r in regions] == [(b, True, DocType.UNKNOWN) for b in cards]
    squares = ((372.0, 419.0, 1093.0, 1000.0), (310.0, 1146.0, 1027.0, 1700.0))
    assert len(_outlines_at(monkeypatch, first + second, *squares)) == 1
    read = [*first, _line("此处填写本单位内部的备注事项与说明文字", 444, 620, 600)]
    assert [r.unread for r in _outlines_at(monkeypatch, read + second, *cards)] == [False]


def test_a_card_whose_print_was_lost_beside_a_read_one_is_a_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """A front read whole above a card-shaped outline holding only scraps: the scraps are the other side."""
    scraps = [_line("000403期", 592, 1225, 271), _line("局局", 637, 1283, 127)]
    card = (310.0, 1146.0, 1027.0, 1600.0)
    regions = _outlines_at(monkeypatch, _front() + scraps, card)
    assert [(r.doc_type, r.unread) for r in regions] == [(DocType.ID_CARD_FRONT, False), (DocType.UNKNOWN, True)]
    assert regions[1].bbox == card
