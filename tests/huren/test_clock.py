"""Times in 北京时间 (issue 15.6): the date a decision is made on and what a person reads."""

from __future__ import annotations

from datetime import UTC, date, datetime

from huren import clock


def test_late_utc_evening_is_already_tomorrow_in_beijing() -> None:
    late = datetime(2026, 11, 30, 22, 59, 1, tzinfo=UTC)
    assert clock.today(now=late) == date(2026, 12, 1)
    assert clock.today("UTC", now=late) == date(2026, 11, 30)  # the zone is configurable
    assert clock.today("Europe/Berlin", now=late) == date(2026, 11, 30)


def test_shown_in_chinese_and_in_english() -> None:
    stored = "2026-11-30T22:59:01+00:00"
    assert clock.shown(stored, "zh") == "2026年12月01日 06:59（北京时间）"
    assert clock.shown(stored, "en") == "2026-12-01 06:59 (UTC+08:00)"
    assert clock.shown("2026-11-30T22:59:01", "zh").startswith("2026年12月01日")  # naive timestamps are UTC
    assert clock.shown("not a time") == "not a time" and clock.shown(None) == ""
