"""The recognitions table: one certificate per recognition, the earlier ones of the same person superseded."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from huren import zone
from recognition.recognitions import Recognition, RecognitionStore
from recognition.reissue import certificate_number

DAY = date(2025, 6, 1)


def _recognition(cert_number: str, id_number: str | None, application_id: str) -> Recognition:
    return Recognition(
        area="wujiang", year=2025, cert_type="registration", cert_number=cert_number, holder_name="韦秀旻",
        recognising_authority=zone.area("wujiang").bureau, issued_on=DAY, decision_as_of=DAY, rules_version="t",
        id_number=id_number, application_id=application_id,
    )  # fmt: skip


def test_same_registration_or_same_person_supersedes(tmp_path: Path) -> None:
    store = RecognitionStore(f"sqlite:///{tmp_path / 'r.sqlite3'}")

    def record(cert_number: str, id_number: str | None, app: str) -> str:
        recorded, _ = store.record(
            _recognition(cert_number, id_number, app), lambda s: certificate_number("wujiang", 2025, s)
        )
        return str(recorded.number)

    a = record("沪注计20230001", "330106198805233941", "app-a")
    b = record("沪注计20230001", "330106198805233941", "app-b")  # the same registration again
    c = record("沪注计20240077", "330106198805233941", "app-c")  # a renewed registration of the same person
    other = record("苏注计20210001", "320501199001010011", "app-d")  # someone else: untouched
    nobody = record("浙注计20200001", None, "app-e")  # no ID number: only its registration would count
    got = {n: (store.get(n).superseded_by if store.get(n) else "missing") for n in (a, b, c, other, nobody)}
    assert got == {a: b, b: c, c: None, other: None, nobody: None}, got
    assert len({a, b, c, other, nobody}) == 5
    found = store.for_application("app-b")
    assert found is not None and found.number == b
    assert [r.number for r in store.for_id_number("330106198805233941")] == [a, b, c]
    store.dispose()
