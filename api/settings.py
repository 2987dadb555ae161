"""The service's settings: `huren.config.Settings` plus the knobs only the service reads (`HUREN_*`)."""

from __future__ import annotations

from huren.config import Settings


class ApiSettings(Settings):
    """One settings object for the service; every field is a `HUREN_*` environment variable."""

    max_upload_bytes: int = 20 * 1024 * 1024
    max_documents: int = 20
    worker: bool = True  # run the pre-screening worker thread inside `huren serve`
    worker_poll_seconds: float = 1.0
    job_lease_seconds: float = 300.0  # a job whose worker stopped renewing is run again after this
    cert_secret: str | None = None  # HMAC key of the certificates' verification codes (HUREN_CERT_SECRET)
    verify_base_url: str = "https://huren.yrd.example"  # the QR code's target site
    digitize_root: str | None = None  # batch digitisation runs reviewed in the web pages; default DATA_DIR/digitize
    log_format: str = "text"  # text | json (one JSON object per line) — HUREN_LOG_FORMAT
    log_level: str = "INFO"
    as_of: str | None = None  # fixed decision date YYYY-MM-DD (tests, re-runs); default today


def get_api_settings() -> ApiSettings:
    return ApiSettings()
