"""One settings object, read from `HUREN_*` environment variables (pydantic-settings)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from ocr.engine import EngineConfig


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUREN_", extra="ignore", env_ignore_empty=True)  # VAR= is unset

    data_dir: Path = Path("data")
    database_url: str | None = None  # default: SQLite file under data_dir
    timezone: str = "Asia/Shanghai"  # times shown and "today" of decisions and certificates (北京时间)

    ocr_backend: str = "rapidocr"  # rapidocr | paddle
    ocr_runtime: str = "auto"  # auto | openvino | onnxruntime (rapidocr backend)
    ocr_threads: int = 0
    ocr_det_side: int = 1024
    ocr_rec_batch: int = 0  # 0 = the backend's own (ocr.engine.REC_BATCH)
    paddle_det_dir: str | None = None
    paddle_rec_dir: str | None = None

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'huren.sqlite3'}"

    def engine_config(self) -> EngineConfig:
        return EngineConfig(
            backend=self.ocr_backend,
            runtime=self.ocr_runtime,
            threads=self.ocr_threads,
            det_side=self.ocr_det_side,
            rec_batch=self.ocr_rec_batch,
            paddle_det_dir=self.paddle_det_dir,
            paddle_rec_dir=self.paddle_rec_dir,
        )


def get_settings() -> Settings:
    return Settings()
