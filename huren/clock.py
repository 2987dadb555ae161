"""Time as the zone's offices read it: 北京时间 by default (`HUREN_TIMEZONE`), in Chinese or ISO form.

Timestamps are stored in UTC (ISO 8601); what a person reads, and the date a decision or a certificate
is made on, are in the configured zone, so that the command line and the service give one person the
same issue date whatever the server's clock zone is.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"


def zone(name: str | None = None) -> ZoneInfo:
    return ZoneInfo(name or DEFAULT_ZONE)


def today(zone_name: str | None = None, *, now: datetime | None = None) -> date:
    """The date in the zone (a decision at 23:59 UTC is already tomorrow in 北京时间)."""
    return (now or datetime.now(UTC)).astimezone(zone(zone_name)).date()


def local(iso: str | None, zone_name: str | None = None) -> datetime | None:
    """An ISO timestamp (naive ones are UTC) in the zone; None for an empty or unreadable one."""
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone(zone_name))


def shown(iso: str | None, lang: str = "zh", zone_name: str | None = None) -> str:
    """2026年12月01日 06:59（北京时间） on Chinese pages; 2026-12-01 06:59 (UTC+08:00) in English."""
    moment = local(iso, zone_name)
    if moment is None:
        return iso or ""
    name = zone_name or DEFAULT_ZONE
    if lang == "en":
        offset = moment.strftime("%z")
        return f"{moment:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"
    label = "北京时间" if name == DEFAULT_ZONE else name
    return f"{moment.year}年{moment.month:02d}月{moment.day:02d}日 {moment:%H:%M}（{label}）"
