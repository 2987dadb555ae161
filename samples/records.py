"""Synthetic registries and documents for tests and benchmarks (no real person's data).

Certificate numbers are allocated sequentially per province, type and year — as authorities do — so
numbers one digit apart are everywhere; a share of people are given the name of someone else.
`noisy` injects the errors OCR makes into one value.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta

from huren.domain import (
    CATEGORIES,
    CERTIFICATE_FIELDS,
    DOC_TYPE_TO_CERT_TYPE,
    CertType,
    DocType,
    ExtractedField,
    Extraction,
    FieldValueType,
    RecordStatus,
    RegistryRecord,
)
from huren.normalize import id_check_digit
from matching.normalize import CJK_CONFUSABLE_GROUPS

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彩春菊辉鹏斌宇浩凯健俊帆帅"
    "旭宁龙林欣怡佳琪晨阳思远博文雪梅海波晓东志国建新永康立成德全嘉善青浦吴江秋月金凤云飞子豪梓涵"
    "雨泽一鸣天佑诗雅梦瑶家豪俊杰宏伟振华晓峰慧敏丹丹小红亮建平卫东红梅秀兰桂芳淑珍"
)
# 310229 青浦县 / 310118 青浦区, 320584 吴江市 / 320509 吴江区, 330421 嘉善县.
REGIONS: dict[str, tuple[str, ...]] = {
    "shanghai": ("310229", "310118", "310101", "310104", "310110", "310112"),
    "jiangsu": ("320584", "320509", "320502", "320503", "320102", "320211"),
    "zhejiang": ("330421", "330402", "330411", "330424", "330106", "330203"),
    "elsewhere": ("340104", "110101", "420102", "510107", "370102", "410105"),
}
PROVINCES = ("shanghai", "jiangsu", "zhejiang")
ABBR = {"shanghai": "沪", "jiangsu": "苏", "zhejiang": "浙"}
PROVINCIAL_BUREAU = {
    "shanghai": "上海市市场监督管理局",
    "jiangsu": "江苏省市场监督管理局",
    "zhejiang": "浙江省市场监督管理局",
}
LOCAL_BUREAU = {
    "shanghai": ("上海市青浦区市场监督管理局", "上海市青浦区质量技术监督局"),
    "jiangsu": ("苏州市吴江区市场监督管理局", "吴江市质量技术监督局"),
    "zhejiang": ("嘉兴市嘉善县市场监督管理局", "嘉善县质量技术监督局"),
}
ITEMS = (
    "电子天平检定",
    "压力表检定",
    "出租汽车计价器检定",
    "电能表检定",
    "衡器检定",
    "水表检定",
    "燃气表检定",
    "血压计检定",
    "温度计校准",
    "砝码检定",
    "加油机检定",
    "声级计检定",
    "心电图机检定",
    "pH计检定",
)
EMPLOYER_KINDS = ("计量检测中心", "计量测试所", "质量技术服务有限公司", "检验检测研究院", "精密仪器有限公司")
_TYPE_CODE = {CertType.REGISTRATION: "ZC", CertType.ASSESSMENT: "KH", CertType.VERIFIER: "JD"}
_CONFUSABLE_OF: dict[str, str] = {}
for _a, _b in (("0", "O"), ("0", "D"), ("1", "l"), ("1", "I"), ("5", "S"), ("8", "B"), ("2", "Z"), ("6", "G")):
    _CONFUSABLE_OF.setdefault(_a, _b)
    _CONFUSABLE_OF.setdefault(_b, _a)
for _group in CJK_CONFUSABLE_GROUPS:
    for _i, _ch in enumerate(_group):
        _CONFUSABLE_OF.setdefault(_ch, _group[(_i + 1) % len(_group)])


def make_id_number(rng: random.Random, region: str, birth: date, sex: str) -> str:
    seq = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if sex == "男" else (0, 2, 4, 6, 8))
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_digit(body)


class Person:
    __slots__ = ("birth", "employer", "gender", "id_number", "name", "province")

    def __init__(self, name: str, id_number: str, gender: str, birth: date, province: str, employer: str) -> None:
        self.name, self.id_number, self.gender = name, id_number, gender
        self.birth, self.province, self.employer = birth, province, employer


def make_person(rng: random.Random, *, name: str | None = None) -> Person:
    gender = rng.choice(("男", "女"))
    birth = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 40 * 365))
    province = rng.choice(PROVINCES)
    region_pool = REGIONS[province] if rng.random() < 0.8 else REGIONS["elsewhere"]
    if name is None:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
    city = {"shanghai": "上海", "jiangsu": "苏州", "zhejiang": "嘉兴"}[province]
    employer = f"{city}{rng.choice(('青浦', '吴江', '嘉善', '市', '新区'))}{rng.choice(EMPLOYER_KINDS)}"
    id_number = make_id_number(rng, rng.choice(region_pool), birth, gender)
    return Person(name, id_number, gender, birth, province, employer)


def generate_records(n: int, *, seed: int = 7, same_name_share: float = 0.08) -> Iterator[RegistryRecord]:
    """About `n` records: people with one to three certificates each, numbered sequentially."""
    rng = random.Random(seed)
    counters: dict[tuple[str, CertType, int], int] = {}
    people: list[Person] = []
    produced = 0
    while produced < n:
        # Near duplicates: a new person who bears an earlier person's name.
        same_name = people and rng.random() < same_name_share
        person = make_person(rng, name=rng.choice(people).name if same_name else None)
        if len(people) < 5000:
            people.append(person)
        types = [CertType.REGISTRATION]
        if rng.random() < 0.6:
            types.append(CertType.ASSESSMENT)
        if rng.random() < 0.3:
            types.append(CertType.VERIFIER)
        for cert_type in types:
            if produced >= n:
                break
            yield _make_record(rng, person, cert_type, counters)
            produced += 1


def _make_record(
    rng: random.Random, person: Person, cert_type: CertType, counters: dict[tuple[str, CertType, int], int]
) -> RegistryRecord:
    province = person.province
    if cert_type is CertType.VERIFIER:
        year = rng.randrange(1998, 2018)
        valid_from = date(year, 1, 1) + timedelta(days=rng.randrange(0, 360))
        valid_until = valid_from + timedelta(days=5 * 365)
        authority = rng.choice(LOCAL_BUREAU[province])
    else:
        year = rng.randrange(2015, 2026)
        valid_from = date(year, 1, 1) + timedelta(days=rng.randrange(0, 360))
        valid_until = valid_from + timedelta(days=5 * 365 - 1)
        authority = PROVINCIAL_BUREAU[province] if cert_type is CertType.REGISTRATION else LOCAL_BUREAU[province][0]
    key = (province, cert_type, year)
    counters[key] = counters.get(key, 0) + 1
    cert_number = f"{ABBR[province]}{_TYPE_CODE[cert_type]}{year}{counters[key]:06d}"
    legacy_without_id = cert_type is CertType.VERIFIER and rng.random() < 0.3
    status = rng.choices((RecordStatus.VALID, RecordStatus.REVOKED, RecordStatus.SUSPENDED), (95, 3, 2))[0]
    return RegistryRecord(
        cert_type=cert_type,
        cert_number=cert_number,
        name=person.name,
        id_number=None if legacy_without_id else person.id_number,
        gender=person.gender,
        level=rng.choice((1, 2)) if cert_type is CertType.REGISTRATION else None,
        categories=sorted(rng.sample(CATEGORIES, rng.randint(1, 3)), key=CATEGORIES.index)
        if cert_type is CertType.REGISTRATION
        else [],
        items=rng.sample(ITEMS, rng.randint(1, 4)) if cert_type is not CertType.REGISTRATION else [],
        issuing_authority=authority,
        valid_from=valid_from,
        valid_until=valid_until,
        status=status,
        employer=person.employer,
        source="synthetic",
    )


CERT_DOC_TYPE: dict[CertType, DocType] = {v: k for k, v in DOC_TYPE_TO_CERT_TYPE.items()}
CERT_FIELDS = CERTIFICATE_FIELDS


def certificate_extraction(
    record: RegistryRecord, *, source: str | None = None, **overrides: FieldValueType
) -> Extraction:
    """The extraction a clean scan of the record's certificate would give; `overrides` replace values."""
    values: dict[str, FieldValueType] = {}
    for key in CERT_FIELDS:
        value = getattr(record, key)
        if isinstance(value, date):
            value = value.isoformat()
        if value not in (None, [], ""):
            values[key] = value
    values.update(overrides)
    return Extraction(
        source=source or f"{record.cert_type}-{record.cert_number}.jpg",
        page=1,
        doc_type=CERT_DOC_TYPE[record.cert_type],
        doc_type_confidence=0.99,
        fields={k: ExtractedField(v, 0.95) for k, v in values.items() if v is not None},
    )


def noisy(text: str, rng: random.Random, *, kind: str | None = None) -> str:
    """`text` with one OCR error: a look-alike glyph, another character, a dropped or doubled one."""
    kinds = ("confusable", "substitute", "delete", "insert")
    kind = kind or rng.choice(kinds)
    positions = list(range(len(text)))
    rng.shuffle(positions)
    if kind == "confusable":
        for i in positions:
            if text[i] in _CONFUSABLE_OF:
                return text[:i] + _CONFUSABLE_OF[text[i]] + text[i + 1 :]
        kind = "substitute"
    i = positions[0]
    ch = text[i]
    if kind == "substitute":
        cjk = "\u4e00" <= ch <= "\u9fff"
        pool = "0123456789" if ch.isdigit() else GIVEN + SURNAMES if cjk else "ABCDEFGHJKMNPRTUVWXY"
        other = rng.choice([c for c in pool if c != ch])
        return text[:i] + other + text[i + 1 :]
    if kind == "delete" and len(text) > 2:
        return text[:i] + text[i + 1 :]
    return text[:i] + ch + text[i:]


def with_value(extraction: Extraction, key: str, value: FieldValueType) -> Extraction:
    fields = dict(extraction.fields)
    if value is None:
        fields.pop(key, None)
    else:
        fields[key] = ExtractedField(value, 0.9)
    return replace(extraction, fields=fields)
