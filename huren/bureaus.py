"""How issuing bodies' names end, and the words that overlay a document: data shared by reading and matching.

Reading (`ocr`) uses these to tell a whole authority from one cut short or run on into the next
text; matching (`matching.authorities`) to bring every form of a bureau's name to one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable


def pieces(words: Iterable[str], *, leave_out: Collection[str] = ()) -> tuple[str, ...]:
    """Every piece of two characters or more of `words`, longest first: what a mark that crossed a
    value leaves of its words at the value's end."""
    found = {word[i:j] for word in words for i in range(len(word)) for j in range(i + 2, len(word) + 1)}
    return tuple(sorted(found - set(leave_out), key=lambda piece: (-len(piece), piece)))


# Every way a market-regulation bureau's kind is written, longest first when matching.
MARKET_BUREAU_SUFFIXES: tuple[str, ...] = (
    "质量技术监督管理局",
    "质量技术监督局",
    "技术监督局",
    "质量监督局",
    "质监局",
    "市场监督管理局",
    "市场监管局",
    "市场监督局",
    "市场监管委",
    "工商行政管理局",
)

# An ID card's issuer: a city's or county's public security bureau, or one of its branches.
POLICE_SUFFIXES: tuple[str, ...] = ("公安分局", "公安局", "分局")

# The provinces, municipalities and regions as an authority's name begins with them (the zone's three first).
PROVINCE_NAMES: tuple[str, ...] = (
    "上海市",
    "江苏省",
    "浙江省",
    "北京市",
    "天津市",
    "重庆市",
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "内蒙古自治区",
    "广西壮族自治区",
    "西藏自治区",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
)

# Real cities whose names are a character away from a municipality's (南京市 and 北京市, 临海市 and 上海市):
# an authority beginning with one of them is read right and never mended to the municipality.
PLACES_NEAR_PROVINCES: tuple[str, ...] = (
    "南京市",
    "上饶市",
    "北海市",
    "威海市",
    "珠海市",
    "临海市",
    "乌海市",
    "北流市",
    "北安市",
    "北票市",
    "北镇市",
    "北屯市",
    "天水市",
    "天门市",
    "天长市",
    "安庆市",
    "肇庆市",
    "大庆市",
)

# The zone's provinces' prefecture cities and the municipality's districts, as an authority's name
# begins with them (苏州市公安局吴江分局, 上海市浦东新区…): one home, read by `matching.authorities` (which
# province a bureau is of) and by `ocr.validators` (a run-on word before a known place is cut off).
SHANGHAI_DISTRICTS: tuple[str, ...] = (
    *("黄浦", "徐汇", "长宁", "静安", "普陀", "虹口", "杨浦", "闵行", "宝山", "嘉定", "浦东新", "金山"),
    *("松江", "青浦", "奉贤", "崇明"),
)
JIANGSU_CITIES: tuple[str, ...] = (
    *("南京", "无锡", "徐州", "常州", "苏州", "南通", "连云港", "淮安", "盐城", "扬州", "镇江", "泰州", "宿迁"),
)
ZHEJIANG_CITIES: tuple[str, ...] = (
    "杭州",
    "宁波",
    "温州",
    "嘉兴",
    "湖州",
    "绍兴",
    "金华",
    "衢州",
    "舟山",
    "台州",
    "丽水",
)

# Places an issuer names that the zone's table (`huren.zone`) does not: those above, the county-level
# cities and districts around the zone's three areas, and 嘉善县's neighbour 海盐县.
CITIES_NEAR_ZONE: tuple[str, ...] = (
    *(f"{city}市" for city in (*JIANGSU_CITIES, *ZHEJIANG_CITIES)),
    *(f"{city}市" for city in ("昆山", "常熟", "张家港", "太仓", "吴江", "桐乡", "海宁", "平湖")),
    *(f"{district}区" for district in SHANGHAI_DISTRICTS),
    *(f"{district}区" for district in ("吴江", "吴中", "相城", "姑苏", "南湖", "秀洲", "西湖")),
    "嘉善县",
    "海盐县",
)

# National bodies printed in full.
NATIONAL_AUTHORITIES: tuple[str, ...] = (
    "国家市场监督管理总局",
    "市场监管总局",
    "国家质量监督检验检疫总局",
    "国家质检总局",
    "国家质量技术监督局",
)

# Other bodies that issue or countersign metrologists' papers.
OTHER_AUTHORITY_SUFFIXES: tuple[str, ...] = ("人力资源和社会保障局", "人力资源和社会保障厅", "委员会", "厅")

AUTHORITY_SUFFIXES: tuple[str, ...] = tuple(
    sorted({*MARKET_BUREAU_SUFFIXES, *POLICE_SUFFIXES, *OTHER_AUTHORITY_SUFFIXES}, key=len, reverse=True)
)

# A name cut off before its kind is complete (…公安, …市场监督管理): read, but not whole.
TRUNCATED_AUTHORITY_ENDINGS: tuple[str, ...] = (
    "公安",
    "公安分",
    "市场监督管理",
    "市场监督",
    "市场监管",
    "质量技术监督",
    "质量技术",
    "技术监督",
    "质量监督",
    "监督管理",
)

# Words printed or stamped over a document that are never part of a value: copy marks, seals, specimens.
OVERLAY_WORDS: tuple[str, ...] = (
    "复印无效",
    "再次复印无效",
    "复印件无效",
    "与原件一致",
    "与原件相符",
    "此件与原件一致",
    "仅供",
    "使用",
    "他用无效",
    "样本",
    "样张",
    "样证",
    "SPECIMEN",
    "COPY",
)

# What a copy mark that crossed a value's end leaves there (本科无效 from 复印无效, …号原件 from 与原件一致):
# every piece of two characters or more of the Chinese words above.  One character is no evidence.
OVERLAY_PIECES: tuple[str, ...] = pieces(word for word in OVERLAY_WORDS if not word.isascii())

# Characters of those words that no address or organisation's name writes (住址 …木仅渎镇…): one inside
# a value is a copy mark's stroke read into it, but only on a page where a copy mark was seen.  Not 效
# (高效…有限公司), 复 (复兴路), 印 (印染厂), 供 (供销社), 致 (致远路), 原, 相, 一, 本.
OVERLAY_STRAYS: tuple[str, ...] = ("仅", "他")

# Characters of those words that begin no place's, organisation's, person's or instrument's name: one
# alone before a value (与苏州市…, 此上海市…) is a copy mark's piece, on a page where that mark was seen.
# Not 无 (无锡市, 无为县), 原 (原平市, 原子吸收…), 相 (相城区), 本 (本溪市), 张 (张家港市, a surname),
# 印 (印江县), 一 (一氧化碳…), 复 (复兴区), 致 (致远科技…), 使 (a surname), 样/证/用/供/效/再/次…: some
# name begins with each.  A piece of two characters or more (原件, 一致, 无效) carries its own evidence.
OVERLAY_LEADS: tuple[str, ...] = ("与", "此", "仅", "他", "件")

# Words from a seal's ring or its centre that a value may pick up when the seal overlaps it.
STAMP_WORDS: tuple[str, ...] = ("专用章", "公章", "印章", "盖章", "章", "印", "★", "☆")
