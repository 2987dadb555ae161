"""One error base: every package's errors are `HurenError`s with a code and a message in both languages."""

from __future__ import annotations

import pytest

from api.errors import ApiError
from digitize.errors import DigitizeError
from huren.errors import HurenError, split_bilingual
from matching.errors import MatchingError, RegistryFileError, RegistryStoreError
from ocr.errors import EngineError, HurenOcrError, IngestError
from recognition.reissue import ReissueError


@pytest.mark.parametrize(
    "error",
    [
        IngestError("空文件 / the file is empty (0 bytes)", code="empty_file"),
        EngineError("RapidOCR is not installed", code="engine_missing"),
        DigitizeError("需要审核人 / a reviewer name is required", code="reviewer_missing"),
        RegistryStoreError("registry lookup failed: OperationalError"),
        RegistryFileError("registry.csv", 3, "unknown column"),
        ReissueError("sequence 0 out of range 1–999999", code="sequence_exhausted"),
        ApiError(404, "application_not_found", "申请不存在", "application not found"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_every_package_error_is_a_huren_error(error: HurenError) -> None:
    assert isinstance(error, HurenError)
    body = error.body()
    assert set(body) >= {"code", "message_zh", "message_en"} and body["code"] == error.code
    assert body["message_zh"] and body["message_en"]


def test_a_message_in_two_languages_is_split_and_printed_as_written() -> None:
    error = IngestError("PDF已加密 / the PDF is encrypted (password protected)", code="encrypted_pdf")
    assert (error.code, error.message_zh, error.message_en) == (
        "encrypted_pdf", "PDF已加密", "the PDF is encrypted (password protected)"
    )  # fmt: skip
    assert error.message == str(error) == "PDF已加密 / the PDF is encrypted (password protected)"
    assert split_bilingual("unknown runtime 'x' (a / b)") == ("unknown runtime 'x' (a / b)",) * 2  # English only


def test_a_subclass_names_its_default_code() -> None:
    assert IngestError("空文件 / empty").code == "ingest_error"
    assert HurenOcrError("x").code == "ocr_error" and MatchingError("x").code == "matching_error"
    assert issubclass(IngestError, HurenOcrError)
