"""The one error base: every error Huren raises on purpose carries a stable `code` for machines and a
message in Chinese and in English for people.

Each package derives its own errors from `HurenError` (`ocr.errors`, `matching.errors`,
`digitize.errors`, `recognition.reissue.ReissueError`, `api.errors.ApiError`), so that a caller — the
command line, the API's error handler — can show any of them the same way.
"""

from __future__ import annotations

from typing import Any


def split_bilingual(message: str) -> tuple[str, str]:
    """`"空文件 / the file is empty"` → (zh, en); a message in one language is both."""
    zh, sep, en = message.partition(" / ")
    if sep and any("\u4e00" <= c <= "\u9fff" for c in zh) and not any("\u4e00" <= c <= "\u9fff" for c in en):
        return zh.strip(), en.strip()
    return message, message


class HurenError(Exception):
    """`code` is stable (a subclass names its default); `message` is what a console prints."""

    code: str = "huren_error"

    def __init__(self, code: str | None, message_zh: str, message_en: str | None = None) -> None:
        self.code = code or type(self).code
        self.message_zh = message_zh
        self.message_en = message_zh if message_en is None else message_en
        self.message = message_zh if self.message_en == message_zh else f"{message_zh} / {self.message_en}"
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message_zh": self.message_zh, "message_en": self.message_en}


class OneMessageError(HurenError):
    """An error raised with one message written `"中文 / English"`: `Error(message, code=…)`."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(code, *split_bilingual(message))
        self.message = message  # printed as written


__all__ = ["HurenError", "OneMessageError", "split_bilingual"]
