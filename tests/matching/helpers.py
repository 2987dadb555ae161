"""Small builders shared by the matching tests."""

from __future__ import annotations

from datetime import date

from huren.domain import CertType, RegistryRecord


def registration_record(id_number: str, **overrides: object) -> RegistryRecord:
    record = RegistryRecord(
        cert_type=CertType.REGISTRATION,
        cert_number="沪ZC2019000123",
        name="张伟",
        id_number=id_number,
        gender="男",
        level=1,
        categories=["长度", "力学"],
        issuing_authority="上海市市场监督管理局",
        valid_from=date(2019, 3, 1),
        valid_until=date(2024, 2, 28),
        employer="上海青浦计量检测中心",
    )
    for key, value in overrides.items():
        setattr(record, key, value)
    return record
