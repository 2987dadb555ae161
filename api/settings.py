"""The one settings object: every field is a `HUREN_*` environment variable (pydantic-settings).

Built once, at the top (`cli`, which starts every process), and passed down: the service keeps it on
`app.state.settings` (route dependencies read it there), the worker and stores take the fields they use
as plain arguments. It lives here, not in `cli/`, because the service (`api`) is given one and names its
type; nothing below `api` imports it. Defaults that belong to a package are written there once and read
from it here (the OCR engine's in `ocr.engine.EngineConfig`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict

from ocr.engine import EngineConfig

_OCR = EngineConfig()  # the engine's defaults, written once in ocr.engine


class Settings(BaseSettings):
    """Every setting of Huren; each field is `HUREN_<FIELD>` (deploy/huren.env.example lists them all)."""

    model_config = SettingsConfigDict(env_prefix="HUREN_", extra="ignore", env_ignore_empty=True)  # VAR= is unset

    data_dir: Path = Path("data")
    database_url: str | None = None  # default: SQLite file under data_dir
    timezone: str = "Asia/Shanghai"  # times shown and "today" of decisions and certificates (北京时间)

    ocr_backend: str = _OCR.backend  # rapidocr | paddle
    ocr_runtime: str = _OCR.runtime  # auto | openvino | onnxruntime (rapidocr backend)
    ocr_threads: int = _OCR.threads
    ocr_det_side: int = _OCR.det_side
    ocr_rec_batch: int = _OCR.rec_batch  # 0 = the backend's own (ocr.engine.REC_BATCH)
    paddle_det_dir: str | None = None
    paddle_rec_dir: str | None = None
    paddle_model_cache: str | None = None  # where the bundled PaddleOCR model folders are built; ~/.cache/huren

    max_upload_bytes: int = 20 * 1024 * 1024
    max_documents: int = 20
    worker: bool = True  # run the pre-screening worker thread inside `huren serve`
    worker_poll_seconds: float = 1.0
    background_nice: int = 10  # CPU niceness of pre-screening (OCR) and password hashing (Linux); 0 = normal
    job_lease_seconds: float = 30.0  # a job whose worker stopped its heartbeat is run again after this
    max_request_bytes: int = 1024 * 1024  # any other request body (forms, JSON)
    max_pages_per_application: int = 40  # pages over all of an application's documents
    max_applications_per_day: int = 10  # per applicant account, over the last 24 hours
    self_registration: bool = False  # POST /auth/register; applicants come through the intake portal's token
    session_hours: float = 8.0  # lifetime of a password login's token (web session and API bearer)
    machine_token_days: float = 90.0  # lifetime of a machine token (created, issued, rotated)
    login_free_failures: int = 3  # failed logins (per account, per address) before delays begin
    login_address_free_failures: int = 20  # … and per client address (many people may share one)
    login_delay_seconds: float = 1.0  # the first delay; it doubles with every further failure …
    login_max_delay_seconds: float = 900.0  # … up to this
    login_lockout_failures: int = 10  # consecutive failures that lock an account until an admin lifts it
    login_concurrency: int = 2  # passwords hashed at once (argon2: 64 MiB and a core each); the rest: 503
    login_tarpit_seconds: float = 2.0  # a throttled login (429) is answered after its wait, at most this long
    login_failure_window_seconds: float = 3600.0  # failures older than this are forgotten (addresses)
    cert_secret: str | None = None  # HMAC key of the certificates' verification codes (HUREN_CERT_SECRET)
    cert_font: str | None = None  # /path/font.ttc[:index]: the certificate's CJK face before the installed ones
    cert_serif_font: str | None = None  # … and its serif (宋体) body face
    verify_base_url: str | None = None  # the QR code's target site, e.g. https://huren.example.gov.cn (required)
    verify_rate_limit: int = 30  # /verify requests per address per window
    verify_rate_window_seconds: float = 60.0
    digitize_root: str | None = None  # batch digitisation runs reviewed in the web pages; default DATA_DIR/digitize
    log_format: str = "text"  # text | json (one JSON object per line) — HUREN_LOG_FORMAT
    log_level: str = "INFO"
    audit_key: str | None = None  # HMAC key of the audit chain; else read from audit_key_file
    audit_key_file: str | None = None  # default DATA_DIR/audit.key (made on first use); keep it off the database host
    audit_checkpoint_dir: str | None = None  # signed daily checkpoint files; default DATA_DIR/audit-checkpoints
    audit_checkpoint_seconds: float = 300.0  # how often `huren serve` writes one (and once when it stops)
    data_key: str | None = None  # encrypts ID numbers, forms and screening results at rest (huren.sealed)
    data_key_file: str | None = None  # else this file; default DATA_DIR/data.key (made on first use)
    upload_retention_days: int | None = None  # uploads of decided applications are deleted after this many days
    as_of: str | None = None  # fixed decision date YYYY-MM-DD (tests, re-runs); default today

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'huren.sqlite3'}"

    @property
    def data_key_path(self) -> Path:
        """The data key's file (when `data_key` is not set): `data_key_file`, else `data_dir/data.key`."""
        return Path(self.data_key_file) if self.data_key_file else self.data_dir / "data.key"

    def engine_config(self, **overrides: Any) -> EngineConfig:
        """The OCR engine's configuration from these settings; a command line's options override fields
        (None means "not given")."""
        config = EngineConfig(
            backend=self.ocr_backend,
            runtime=self.ocr_runtime,
            threads=self.ocr_threads,
            det_side=self.ocr_det_side,
            rec_batch=self.ocr_rec_batch,
            paddle_det_dir=self.paddle_det_dir,
            paddle_rec_dir=self.paddle_rec_dir,
            paddle_model_cache=self.paddle_model_cache,
        )
        return replace(config, **{k: v for k, v in overrides.items() if v is not None})

    def missing_for_service(self) -> list[str]:
        """What `huren serve` / `huren worker` refuse to start without: the variables not set."""
        missing = []
        if not self.cert_secret:
            missing.append("HUREN_CERT_SECRET")
        if not self.verify_base_url:
            missing.append("HUREN_VERIFY_BASE_URL")
        return missing
