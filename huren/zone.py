"""The zone as data: its provinces, its areas and the authorities that recognise there.

长三角生态绿色一体化发展示范区 spans three provinces (上海, 江苏, 浙江) and one area in each (青浦, 吴江,
嘉善). Everything that names an area — certificate numbers, reviewers' scopes, follow-up filters, the
certificate's wording, the rule that an employer lies in the area applied for — reads this table
through the functions below (looked up when called, so a test may put another `Zone` in `ZONE`):
a fourth area is one more `Area` row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Province:
    key: str  # "shanghai": the stable code in URLs, scopes and the API
    name: str  # 上海市
    short: str  # 上海: as a sentence lists the provinces
    regulator: str  # the provincial market regulator, issuer of registration certificates


@dataclass(frozen=True, slots=True)
class Area:
    key: str  # "qingpu"
    code: str  # "QP": two capitals in the certificate number (YRD-QP-…)
    name: str  # 上海市青浦区
    bureau: str  # the recognising authority printed as 发证机关
    province: str  # the Province's key
    short: str = ""  # 青浦: as a sentence lists the areas
    places: tuple[str, ...] = ()  # the district and its towns (镇/街道): an employer's name often bears only its town


@dataclass(frozen=True, slots=True)
class Zone:
    name: str
    provinces: Mapping[str, Province] = field(default_factory=dict)
    areas: Mapping[str, Area] = field(default_factory=dict)

    def areas_in(self, province: str) -> frozenset[str]:
        """The keys of the areas in a province (empty for a province outside the zone)."""
        return frozenset(a.key for a in self.areas.values() if a.province == province)

    def extent(self) -> str:
        """The areas as the certificate names them: 上海青浦、江苏吴江、浙江嘉善."""
        return "、".join(f"{self.provinces[a.province].short}{a.short}" for a in self.areas.values())


def _zone(name: str, provinces: list[Province], areas: list[Area]) -> Zone:
    return Zone(name, {p.key: p for p in provinces}, {a.key: a for a in areas})


ZONE = _zone(
    "长三角生态绿色一体化发展示范区",
    [
        Province("shanghai", "上海市", "上海", "上海市市场监督管理局"),
        Province("jiangsu", "江苏省", "江苏", "江苏省市场监督管理局"),
        Province("zhejiang", "浙江省", "浙江", "浙江省市场监督管理局"),
    ],
    [
        Area(
            "qingpu", "QP", "上海市青浦区", "上海市青浦区市场监督管理局", "shanghai", "青浦",
            ("青浦", "朱家角", "金泽", "练塘", "赵巷", "徐泾", "华新", "重固", "白鹤", "夏阳", "盈浦", "香花桥"),
        ),
        Area(
            "wujiang", "WJ", "苏州市吴江区", "苏州市吴江区市场监督管理局", "jiangsu", "吴江",
            ("吴江", "松陵", "同里", "黎里", "平望", "盛泽", "震泽", "七都", "桃源", "汾湖", "横扇", "八坼"),
        ),
        Area(
            "jiashan", "JS", "嘉兴市嘉善县", "嘉善县市场监督管理局", "zhejiang", "嘉善",
            ("嘉善", "魏塘", "西塘", "姚庄", "陶庄", "天凝", "干窑", "大云", "罗星", "惠民"),
        ),
    ],
)  # fmt: skip


def areas() -> Mapping[str, Area]:
    return ZONE.areas


def provinces() -> Mapping[str, Province]:
    return ZONE.provinces


def area(key: str) -> Area:
    """The area with this key; KeyError for one outside the zone."""
    return ZONE.areas[key]


def areas_in(province: str) -> frozenset[str]:
    return ZONE.areas_in(province)


__all__ = ["ZONE", "Area", "Province", "Zone", "area", "areas", "areas_in", "provinces"]
