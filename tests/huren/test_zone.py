"""The zone is one table: a fourth area, added to it alone, is known wherever an area is named."""

from __future__ import annotations

import dataclasses

import pytest

from huren import zone
from huren.zone import Area, Zone


def test_the_zone_holds_three_provinces_one_area_each() -> None:
    assert list(zone.provinces()) == ["shanghai", "jiangsu", "zhejiang"]
    assert {k: (a.code, a.province) for k, a in zone.areas().items()} == {
        "qingpu": ("QP", "shanghai"),
        "wujiang": ("WJ", "jiangsu"),
        "jiashan": ("JS", "zhejiang"),
    }
    assert zone.ZONE.extent() == "上海青浦、江苏吴江、浙江嘉善"
    assert len({a.code for a in zone.areas().values()}) == len(zone.areas())  # a code names one area
    for area in zone.areas().values():
        assert area.province in zone.provinces() and area.short in area.name and area.short in area.places


KUNSHAN = Area(
    "kunshan", "KS", "苏州市昆山市", "昆山市市场监督管理局", "jiangsu", "昆山", ("昆山", "玉山", "周庄", "千灯")
)


@pytest.fixture
def four_areas(monkeypatch: pytest.MonkeyPatch) -> Zone:
    bigger = dataclasses.replace(zone.ZONE, areas={**zone.ZONE.areas, KUNSHAN.key: KUNSHAN})
    monkeypatch.setattr(zone, "ZONE", bigger)
    return bigger


def test_a_fourth_area_is_numbered_scoped_and_named_from_the_table(four_areas: Zone) -> None:
    from api.auth import User
    from api.followup import scope_areas
    from api.web.views import area_label
    from recognition.reissue import certificate_number, number_valid, validity_note
    from recognition.rules import DecisionConfig

    number = certificate_number("kunshan", 2025, 1)
    assert number.startswith("YRD-KS-2025-000001-") and number_valid(number)
    assert "江苏昆山" in validity_note()
    assert User(1, "admin", "admin").areas == {"qingpu", "wujiang", "jiashan", "kunshan"}
    assert User(2, "su", "reviewer", province="jiangsu").areas == {"wujiang", "kunshan"}
    assert scope_areas(None, area="kunshan") == ["kunshan"]
    assert scope_areas(None, province="jiangsu") == ["kunshan", "wujiang"]
    assert area_label("kunshan", "zh") == "苏州市昆山市"
    assert dict(DecisionConfig().area_places)["kunshan"] == KUNSHAN.places


def test_without_it_the_fourth_area_is_unknown() -> None:
    from recognition.reissue import ReissueError, certificate_number

    with pytest.raises(KeyError):
        zone.area("kunshan")
    assert "kunshan" not in zone.areas()
    with pytest.raises((KeyError, ReissueError)):
        certificate_number("kunshan", 2025, 1)
