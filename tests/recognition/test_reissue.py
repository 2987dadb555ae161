"""The zone certificate: numbers, codes, the PDF (font embedded) and Huren's own OCR reading it back."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pdfplumber
import pytest

from huren import zone
from huren.domain import Decision, DocType, Extraction
from huren.normalize import mask_id_number
from matching.authorities import canonical_authority
from matching.verify import VerifyResult, verify_documents
from ocr.pipeline import extract_file
from recognition.decide import decide
from recognition.recognitions import RecognitionStore
from recognition.reissue import (
    ReissuedCertificate,
    ReissueError,
    certificate_number,
    number_valid,
    reissue,
    verification_code,
)

from ..conftest import ARTIFACTS, SAMPLES
from .builders import AS_OF, ID, Application, record, registry

KEY = "test-secret"
ISSUED = date(2025, 6, 2)


def _approved() -> tuple[Decision, VerifyResult]:
    result = verify_documents(Application().extractions(), registry(), AS_OF)
    decision = decide(result, as_of=AS_OF)
    assert decision.outcome == "approve"
    return decision, result


def test_number_scheme() -> None:
    number = certificate_number("qingpu", 2025, 1)
    assert number.startswith("YRD-QP-2025-000001-") and number_valid(number)
    assert not number_valid(number[:-1] + ("0" if number[-1] != "0" else "1"))
    assert certificate_number("wujiang", 2025, 42).startswith("YRD-WJ-2025-000042-")
    with pytest.raises(ReissueError):
        certificate_number("jiashan", 2025, 1_000_000)


def test_code_depends_on_key_number_and_holder() -> None:
    code = verification_code("YRD-QP-2025-000001-2", ID, "张伟", b"k")
    assert len(code) == 16
    assert code != verification_code("YRD-QP-2025-000002-Y", ID, "张伟", b"k")
    assert code != verification_code("YRD-QP-2025-000001-2", ID, "张伟", b"other")
    assert mask_id_number(ID, head=6) == ID[:6] + "********" + ID[-4:]


def test_only_an_approved_application_is_reissued(tmp_path: Path) -> None:
    app = Application().set("cert", "level", 2)
    result = verify_documents(app.extractions(), registry(), AS_OF)
    decision = decide(result, as_of=AS_OF)
    with pytest.raises(ReissueError) as err:
        reissue(
            decision, result, area="qingpu", out_dir=tmp_path, base_url="https://x", issued_on=ISSUED, secret_key=KEY
        )
    assert err.value.code == "not_approved"
    assert not list(tmp_path.iterdir())


def test_secret_is_required(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUREN_CERT_SECRET", "in-the-environment")  # read at the top only, passed down
    decision, result = _approved()
    with pytest.raises(ReissueError) as err:
        reissue(decision, result, area="qingpu", out_dir=tmp_path, base_url="https://x", issued_on=ISSUED)
    assert err.value.code == "secret_missing"


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> tuple[ReissuedCertificate, Path]:
    out = tmp_path_factory.mktemp("certs")
    decision, result = _approved()
    store = RecognitionStore(f"sqlite:///{out / 'huren.sqlite3'}")
    cert = reissue(
        decision,
        result,
        area="wujiang",
        out_dir=out,
        base_url="https://huren.example.cn/",
        issued_on=ISSUED,
        secret_key=KEY,
        store=store,
    )
    return cert, out


def test_recognition_recorded_and_numbers_sequential(issued: tuple[ReissuedCertificate, Path]) -> None:
    cert, out = issued
    store = RecognitionStore(f"sqlite:///{out / 'huren.sqlite3'}")
    saved = store.get(cert.number)
    assert saved is not None and saved.area == "wujiang" and saved.sequence == 1
    assert saved.cert_number == "沪ZC2021000123" and saved.employer == "嘉善县计量检定测试所"
    assert saved.former_employer == "上海青浦计量检测中心"
    assert saved.recognising_authority == zone.area("wujiang").bureau
    decision, result = _approved()
    second = reissue(
        decision,
        result,
        area="wujiang",
        out_dir=out,
        base_url="https://x",
        issued_on=ISSUED,
        secret_key=KEY,
        store=store,
    )
    assert second.number.startswith("YRD-WJ-2025-000002-")
    assert len(store.for_certificate("registration", "沪ZC2021000123")) == 2


def test_pdf_is_a4_with_the_cjk_font_embedded(issued: tuple[ReissuedCertificate, Path]) -> None:
    cert, _ = issued
    with pdfplumber.open(cert.path) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        assert (round(page.width), round(page.height)) == (595, 842)
        fonts = {ch["fontname"] for ch in page.chars}
        text = page.extract_text()
    assert fonts and all("WenQuanYi" in f or "UMing" in f or "MicroHei" in f for f in fonts)
    assert "长三角生态绿色一体化发展示范区" in text.replace(" ", "")
    if shutil.which("pdffonts"):
        listing = subprocess.run(["pdffonts", str(cert.path)], capture_output=True, text=True, check=True).stdout
        rows = listing.splitlines()[2:]
        assert rows, listing
        for row in rows:
            emb = row.split()[-5]
            assert emb == "yes", f"font not embedded: {row}"


def test_verification_url_in_the_certificate(issued: tuple[ReissuedCertificate, Path]) -> None:
    cert, _ = issued
    assert cert.verification_url == f"https://huren.example.cn/verify/{cert.number}?c={cert.verification_code}"


def test_round_trip_through_hurens_own_extraction(issued: tuple[ReissuedCertificate, Path]) -> None:
    """extract_file reads the reissued PDF (text layer) back to the same fields."""
    cert, _ = issued
    pages = [p for p in extract_file(cert.path) if isinstance(p, Extraction)]
    assert len(pages) == 1
    got = pages[0]
    original = record()
    assert got.doc_type is DocType.REGISTRATION_CERTIFICATE
    assert got.quality.text_layer
    expected = {
        "name": original.name,
        "gender": original.gender,
        "cert_number": cert.number,
        "level": original.level,
        "categories": original.categories,
        "valid_from": original.valid_from.isoformat() if original.valid_from else None,
        "valid_until": original.valid_until.isoformat() if original.valid_until else None,
        "employer": "嘉善县计量检定测试所",
    }
    for key, value in expected.items():
        assert got.value(key) == value, f"{key}: expected {value!r}, got {got.value(key)!r}"
    authority = canonical_authority(str(got.value("issuing_authority")))
    assert authority is not None and authority == canonical_authority(zone.area("wujiang").bureau)
    # the holder's own credential carries the whole ID number, as official credentials do (issue 15.11);
    # what the certificate reports elsewhere (to_json, the records, public pages) stays masked
    assert got.value("id_number") == ID
    assert cert.to_json()["id_number"] == cert.id_number_masked


def test_certificate_prints_only_a_vouched_employer(tmp_path: Path) -> None:
    """Issue 15.3: a typed employer alone is never printed; a sealed form or the reviewer vouches for one."""

    def employer(app: Application, **kw: str) -> str | None:
        result = verify_documents(app.extractions(), registry(), AS_OF)
        decision = decide(result, as_of=AS_OF)
        assert decision.outcome == "approve", [r.code for r in decision.reasons]
        out = tmp_path / str(len(list(tmp_path.iterdir())))
        cert = reissue(decision, result, area="qingpu", out_dir=out, base_url="https://x", issued_on=ISSUED,
                       secret_key=KEY, **kw)  # fmt: skip
        return cert.employer

    typed = Application(typed={"form"}).set("form", "current_employer", "浙江某某计量有限公司")
    assert employer(typed) == record().employer  # the authority's record, not the typed words
    assert employer(typed, confirmed_employer="上海青浦示范计量所") == "上海青浦示范计量所"
    assert employer(Application()) == "嘉善县计量检定测试所"  # the scanned form bears the employer's seal


def test_certificate_body_is_serif_and_carries_the_holders_photo(tmp_path: Path) -> None:
    """Issue 15.11: a Ming (宋体-style) face from Debian's fonts for the body, the whole ID number, and
    the holder's portrait cut from the ID card front (found from the card's boxes, not coordinates)."""
    from recognition.holder_photo import photo_from_file

    front = next(
        p
        for p in extract_file(SAMPLES / "bundle_001.pdf")
        if isinstance(p, Extraction) and p.doc_type is DocType.ID_CARD_FRONT
    )
    photo = photo_from_file(front)
    assert photo is not None
    import cv2
    import numpy as np

    portrait = cv2.imdecode(np.frombuffer(photo, np.uint8), cv2.IMREAD_COLOR)
    ph, pw = portrait.shape[:2]
    name_box = front.fields["name"].bbox
    assert name_box is not None and ph > pw > 60  # a portrait, upright
    assert pw < (name_box[2] - name_box[0]) * 4  # not the whole card
    decision, result = _approved()
    cert = reissue(decision, result, area="qingpu", out_dir=tmp_path, base_url="https://x", issued_on=ISSUED,
                   secret_key=KEY, holder_photo=photo)  # fmt: skip
    with pdfplumber.open(cert.path) as pdf:
        page = pdf.pages[0]
        body = [ch for ch in page.chars if ch["text"] in "张伟"]
        assert body and all("UMing" in ch["fontname"] for ch in body), {ch["fontname"] for ch in body}
        assert len(page.images) == 1  # the photo
        image = page.images[0]
        assert image["x0"] > page.width / 2 and image["top"] < page.height / 2  # upper right, beside the rows
        assert ID in page.extract_text().replace(" ", "")
    if shutil.which("pdftoppm"):  # for a person to look at
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-r", "90", "-png", "-singlefile", str(cert.path), str(ARTIFACTS / "certificate")],
                       check=True)  # fmt: skip
