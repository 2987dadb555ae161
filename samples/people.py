"""Synthetic people of the demonstration zone and the certificates they hold.

Everything here is invented: names are drawn from common surnames and given-name characters, ID numbers
are built from real region codes of Shanghai / Jiangsu / Zhejiang with a computed GB 11643 check digit,
and employers, cert numbers and dates follow plausible schemes. One `Person` carries every value any of
their documents prints, so the documents of one person agree with each other and with the registry,
which is what grouping documents into applications and matching them later relies on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from stdnum.cn import ric

from huren.domain import CATEGORIES

REFERENCE_DATE = date(2025, 6, 1)
"""'Today' for the synthetic world: fixed so that a seed always gives the same documents."""


@dataclass(frozen=True, slots=True)
class Region:
    """A place of residence; `codes` are its ID-number region codes over time as (code, first, last year).

    A number keeps the code that was current when it was assigned, and `stdnum` (hence
    `huren.normalize.id_number_valid`) checks the code against the birth year, so 青浦 residents born
    before 1999 carry 310229 (青浦县) and 吴江 residents born before 2012 carry 320584 (吴江市).
    """

    code: str
    province: str  # 沪 / 苏 / 浙
    address_prefix: str
    towns: tuple[str, ...]
    police: str  # 签发机关 on the back of the ID card
    codes: tuple[tuple[str, int, int], ...]

    def code_for(self, year: int) -> str | None:
        return next((c for c, first, last in self.codes if first <= year <= last), None)


_ALL = (0, 9999)
REGIONS: tuple[Region, ...] = (
    Region(
        "310118",
        "沪",
        "上海市青浦区",
        ("赵巷镇", "徐泾镇", "朱家角镇", "练塘镇", "华新镇", "夏阳街道", "金泽镇"),
        "上海市公安局青浦分局",
        (("310118", 1999, 9999), ("310229", 1982, 1998), ("310209", 0, 1981)),
    ),
    Region(
        "310115",
        "沪",
        "上海市浦东新区",
        ("川沙新镇", "张江镇", "周浦镇", "惠南镇"),
        "上海市公安局浦东分局",
        (("310115", 1992, 9999),),
    ),
    Region(
        "310104",
        "沪",
        "上海市徐汇区",
        ("田林街道", "漕河泾街道", "龙华街道"),
        "上海市公安局徐汇分局",
        (("310104", *_ALL),),
    ),
    Region(
        "310112",
        "沪",
        "上海市闵行区",
        ("七宝镇", "莘庄镇", "华漕镇"),
        "上海市公安局闵行分局",
        (("310112", 1981, 9999),),
    ),
    Region(
        "320509",
        "苏",
        "江苏省苏州市吴江区",
        ("松陵街道", "盛泽镇", "黎里镇", "平望镇", "震泽镇", "同里镇", "桃源镇"),
        "苏州市公安局吴江分局",
        (("320509", 2012, 9999), ("320584", 1992, 2011), ("320525", 1983, 1991), ("322728", 0, 1982)),
    ),
    Region(
        "320584",
        "苏",
        "江苏省吴江市",
        ("松陵镇", "盛泽镇", "黎里镇", "七都镇"),
        "吴江市公安局",
        (("320584", 1992, 2011), ("320525", 1983, 1991), ("322728", 0, 1982)),
    ),
    Region(
        "320506",
        "苏",
        "江苏省苏州市吴中区",
        ("木渎镇", "甪直镇", "胥口镇"),
        "苏州市公安局吴中分局",
        (("320506", 2000, 9999), ("320586", 1995, 1999), ("320524", 1983, 1994), ("322727", 0, 1982)),
    ),
    Region(
        "320102",
        "苏",
        "江苏省南京市玄武区",
        ("玄武门街道", "孝陵卫街道"),
        "南京市公安局玄武分局",
        (("320102", 1983, 9999),),
    ),
    Region(
        "330421",
        "浙",
        "浙江省嘉善县",
        ("魏塘街道", "西塘镇", "姚庄镇", "干窑镇", "陶庄镇", "天凝镇"),
        "嘉善县公安局",
        (("330421", 1983, 9999), ("332122", 0, 1982)),
    ),
    Region(
        "330402",
        "浙",
        "浙江省嘉兴市南湖区",
        ("新丰镇", "凤桥镇", "南湖街道"),
        "嘉兴市公安局南湖区分局",
        (("330402", 1983, 9999),),
    ),
    Region(
        "330106",
        "浙",
        "浙江省杭州市西湖区",
        ("转塘街道", "留下街道", "蒋村街道"),
        "杭州市公安局西湖区分局",
        (("330106", 1983, 9999),),
    ),
    Region(
        "330483",
        "浙",
        "浙江省桐乡市",
        ("梧桐街道", "乌镇镇", "濮院镇"),
        "桐乡市公安局",
        (("330483", 1993, 9999), ("330425", 1983, 1992), ("332126", 0, 1982)),
    ),
)
ZONE_CODES = ("310118", "320509", "330421", "320584")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈"
    "任姚卢姜崔钟谭陆汪范金石廖贾夏韦方邹熊白孟秦邱侯江尹薛段雷龙黎史陶贺顾毛郝龚邵万钱严武戴莫孔汤"
)
RARE_SURNAMES = ("濮", "瞿", "滕", "蔺", "晏", "郦", "邬", "芮", "冼", "阙", "欧阳", "诸葛", "司马", "上官")
MALE_CHARS = "伟强磊军勇杰涛斌鹏辉俊峰建华明国平刚志宏海文波超亮浩宇晨轩凯嘉阳振东成林永健家晓一"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英华玲红梅琳雪婷颖慧佳欣怡倩萍燕丹蓉洁雯晓嘉思月琴云"
RARE_GIVEN = "喆淼玥珺赟垚翀婧晗煜昊钰旻彧祎琰瑾弢蕊骁昶頔桦楠珏"

ETHNICITIES = ("汉",) * 24 + ("回", "满", "畲", "土家", "苗", "壮", "蒙古", "朝鲜")

EMPLOYERS: dict[str, tuple[str, ...]] = {
    "沪": (
        "上海市计量测试技术研究院",
        "上海市青浦区计量质量检测所",
        "上海淀山湖检测技术有限公司",
        "上海青松计量技术服务有限公司",
        "上海朱家角精密仪器校准有限公司",
        "上海华新质量检测技术有限公司",
    ),
    "苏": (
        "苏州市计量测试院",
        "苏州市吴江区计量测试所",
        "苏州汾湖检测技术有限公司",
        "吴江盛泽精测计量有限公司",
        "江苏省计量科学研究院",
        "苏州太湖校准技术有限公司",
    ),
    "浙": (
        "嘉兴市计量检定测试院",
        "嘉善县计量检定测试所",
        "浙江省计量科学研究院",
        "嘉善西塘检测技术有限公司",
        "浙江禾信计量检测有限公司",
        "嘉兴南湖校准技术有限公司",
    ),
}

MARKET_BUREAUS = {"沪": "上海市市场监督管理局", "苏": "江苏省市场监督管理局", "浙": "浙江省市场监督管理局"}
CITY_BUREAUS = {
    "沪": ("上海市市场监督管理局",),
    "苏": ("苏州市市场监督管理局", "江苏省市场监督管理局"),
    "浙": ("嘉兴市市场监督管理局", "浙江省市场监督管理局"),
}
QUALITY_BUREAUS = {
    "沪": ("上海市质量技术监督局",),
    "苏": ("江苏省质量技术监督局", "苏州市质量技术监督局"),
    "浙": ("浙江省质量技术监督局", "嘉兴市质量技术监督局"),
}

ITEMS = (
    "电子天平",
    "砝码",
    "压力表",
    "血压计",
    "出租汽车计价器",
    "电能表",
    "水表",
    "燃气表",
    "玻璃液体温度计",
    "工作用热电偶",
    "燃油加油机",
    "电子汽车衡",
    "声级计",
    "酸度计",
    "紫外可见分光光度计",
    "游标卡尺",
    "千分尺",
    "百分表",
    "心电图机",
    "电子计价秤",
    "弹簧管式精密压力表",
    "绝缘电阻表",
    "接地电阻表",
    "压力变送器",
    "电磁流量计",
    "气相色谱仪",
    "机动车测速仪",
    "呼出气体酒精含量探测器",
    "钢直尺",
    "电子血压计",
    "数字多用表",
)
TITLES = ("技术员", "助理工程师", "工程师", "工程师", "高级工程师", "正高级工程师")
EDUCATIONS = ("中专", "大专", "本科", "本科", "本科", "硕士研究生", "博士研究生")


@dataclass(slots=True)
class Certificate:
    """One certificate as issued; `cert_type` is registration | assessment | verifier."""

    cert_type: str
    cert_number: str
    issuing_authority: str
    employer: str
    valid_from: date | None = None  # registration: 注册日期; assessment: 发证日期; verifier: issue date (registry only)
    valid_until: date | None = None
    level: int | None = None
    categories: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    shows_id_number: bool = True  # some old verifier certificates print no ID number


@dataclass(slots=True)
class Person:
    pid: str
    name: str
    gender: str
    ethnicity: str
    birth_date: date
    id_number: str
    region: Region
    address: str
    id_valid_from: date
    id_valid_until: date | None  # None = 长期
    title: str
    education: str
    phone: str
    employer: str  # current employer (现执业单位)
    former_employer: str | None
    certificates: list[Certificate] = field(default_factory=list)
    application_date: date = REFERENCE_DATE

    @property
    def registration(self) -> Certificate:
        return next(c for c in self.certificates if c.cert_type == "registration")


def make_id_number(region_code: str, birth: date, gender: str, rng: random.Random) -> str:
    """GB 11643: region(6) + birth date(8) + sequence(3, odd for men) + check digit."""
    seq = rng.randrange(0, 500) * 2 + (1 if gender == "男" else 0)
    body = f"{region_code}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def _name(gender: str, rng: random.Random, usable: str) -> str:
    surname = rng.choice(RARE_SURNAMES) if rng.random() < 0.12 else rng.choice(SURNAMES)
    pool = MALE_CHARS if gender == "男" else FEMALE_CHARS
    if rng.random() < 0.25:
        pool = pool + RARE_GIVEN
    pool = "".join(c for c in pool if c in usable) or pool
    n = 1 if len(surname) == 2 or rng.random() < 0.3 else 2
    return surname + "".join(rng.choice(pool) for _ in range(n))


def _address(region: Region, rng: random.Random) -> str:
    town = rng.choice(region.towns)
    road = rng.choice(
        (
            "华腾",
            "嘉松",
            "沪青平",
            "淀湖",
            "盈港",
            "城中",
            "人民",
            "中山",
            "解放",
            "健康",
            "新城",
            "环湖",
            "塘桥",
            "复兴",
            "梅园",
            "长虹",
            "运河",
            "北门",
        )
    )
    kind = rng.random()
    if kind < 0.4:
        return f"{region.address_prefix}{town}{road}路{rng.randint(1, 999)}弄{rng.randint(1, 120)}号"
    if kind < 0.7:
        return (
            f"{region.address_prefix}{town}{road}{rng.choice(('花园', '新村', '小区', '苑'))}"
            f"{rng.randint(1, 40)}幢{rng.randint(1, 30)}0{rng.randint(1, 4)}室"
        )
    village = rng.choice(("东港", "南汇", "西塘", "北舍", "沈家", "李家浜", "三星", "联民"))
    return f"{region.address_prefix}{town}{village}村{rng.randint(1, 15)}组{rng.randint(1, 80)}号"


def _id_validity(birth: date, rng: random.Random) -> tuple[date, date | None]:
    """Issue a card that is valid on REFERENCE_DATE, with the statutory term for the holder's age."""
    while True:
        issued = REFERENCE_DATE - timedelta(days=rng.randint(60, 19 * 365))
        age = (issued - birth).days // 365
        if age < 16:
            continue
        years = 10 if age <= 25 else 20 if age <= 45 else None
        if years is None:
            return issued, None
        try:
            until = issued.replace(year=issued.year + years)
        except ValueError:  # issued on 29 February, expiring in a common year
            until = issued.replace(year=issued.year + years, day=28)
        if until > REFERENCE_DATE:
            return issued, until


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


class CertNumbers:
    """Cert numbers in province-specific schemes, unique within one generated set."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def make(self, cert_type: str, authority: str, year: int, level: int | None = None) -> str:
        while True:
            n = self.rng.randint(1, 9999)
            if cert_type == "registration":
                prov = "沪" if "上海" in authority else ("苏" if "江苏" in authority else "浙")
                number = {
                    "沪": f"沪注计{year}{n:04d}",
                    "苏": f"苏{year}{level}{n:05d}",
                    "浙": f"浙ZJ{year}-{n:04d}",
                }[prov]
            elif cert_type == "assessment":
                number = {
                    "上海市市场监督管理局": f"沪计考{year}{n:05d}",
                    "江苏省市场监督管理局": f"苏计考字{year}{n:04d}",
                    "苏州市市场监督管理局": f"苏E计考{year}{n:04d}",
                    "浙江省市场监督管理局": f"浙计考{year}{n:05d}",
                    "嘉兴市市场监督管理局": f"浙F{year}{n:05d}",
                }[authority]
            else:
                number = {
                    "上海市质量技术监督局": f"沪检员{year}{n:05d}",
                    "江苏省质量技术监督局": f"苏检{year % 100:02d}{n:05d}",
                    "苏州市质量技术监督局": f"苏E检{year}{n:04d}",
                    "浙江省质量技术监督局": f"浙质监检{year}-{n:04d}",
                    "嘉兴市质量技术监督局": f"嘉检字{year}{n:04d}",
                }[authority]
            if number not in self.used:
                self.used.add(number)
                return number


def make_person(index: int, rng: random.Random, numbers: CertNumbers, usable: str, prefix: str = "P") -> Person:
    """One synthetic metrologist with a registration certificate and, usually, a second certificate."""
    gender = rng.choice("男女")
    if rng.random() < 0.6:
        zone_code = rng.choice(ZONE_CODES)
        region = next(r for r in REGIONS if r.code == zone_code)
    else:
        region = rng.choice(REGIONS)
    birth = date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
    while region.code_for(birth.year) is None:
        region = rng.choice(REGIONS)
    id_number = make_id_number(region.code_for(birth.year) or region.code, birth, gender, rng)
    id_from, id_until = _id_validity(birth, rng)
    # Registered where they used to work; now applying to work elsewhere in the zone.
    home = rng.choice("沪苏浙")
    former = rng.choice(EMPLOYERS[home])
    current = rng.choice(EMPLOYERS[rng.choice([p for p in "沪苏浙" if p != home])])
    person = Person(
        pid=f"{prefix}{index:03d}",
        name=_name(gender, rng, usable),
        gender=gender,
        ethnicity=rng.choice(ETHNICITIES),
        birth_date=birth,
        id_number=id_number,
        region=region,
        address=_address(region, rng),
        id_valid_from=id_from,
        id_valid_until=id_until,
        title=rng.choice(TITLES),
        education=rng.choice(EDUCATIONS),
        phone=f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}",
        employer=current,
        former_employer=former if rng.random() < 0.85 else None,
        application_date=REFERENCE_DATE - timedelta(days=rng.randint(0, 40)),
    )
    reg_from = date(rng.randint(2020, 2024), rng.randint(1, 12), rng.randint(1, 28))
    level = 1 if rng.random() < 0.3 else 2
    reg_authority = MARKET_BUREAUS[home]
    person.certificates.append(
        Certificate(
            cert_type="registration",
            cert_number=numbers.make("registration", reg_authority, reg_from.year, level),
            issuing_authority=reg_authority,
            employer=former,
            valid_from=reg_from,
            valid_until=_add_years(reg_from, 5) - timedelta(days=1),
            level=level,
            categories=sorted(rng.sample(CATEGORIES, rng.choice((1, 1, 2, 2, 3))), key=CATEGORIES.index),
        )
    )
    second = rng.random()
    items = rng.sample(ITEMS, rng.randint(1, 5))
    if second < 0.55:
        issued = date(rng.randint(2021, 2024), rng.randint(1, 12), rng.randint(1, 28))
        authority = rng.choice(CITY_BUREAUS[home])
        person.certificates.append(
            Certificate(
                cert_type="assessment",
                cert_number=numbers.make("assessment", authority, issued.year),
                issuing_authority=authority,
                employer=former,
                valid_from=issued,
                valid_until=_add_years(issued, 5) - timedelta(days=1),
                items=items,
            )
        )
    elif second < 0.85:
        issued = date(rng.randint(2006, 2017), rng.randint(1, 12), rng.randint(1, 28))
        authority = rng.choice(QUALITY_BUREAUS[home])
        person.certificates.append(
            Certificate(
                cert_type="verifier",
                cert_number=numbers.make("verifier", authority, issued.year),
                issuing_authority=authority,
                employer=former,
                valid_from=issued,
                valid_until=date(rng.randint(2025, 2027), rng.randint(1, 12), rng.randint(1, 28)),
                items=items,
                shows_id_number=rng.random() < 0.7,
            )
        )
    return person


def id_valid(value: str) -> bool:
    return len(value) == 18 and ric.is_valid(value)
