"""Registry files built inside the tests: synthetic people with valid GB 11643 check digits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from huren.normalize import id_check_digit


def person_id(body: str) -> str:
    """A valid 18-character ID number for a 17-digit body (region, birth date, sequence)."""
    return body + id_check_digit(body)


def body_with_x(prefix: str = "3205091990010") -> str:
    """A 17-digit body whose check character is X (the one Excel loses)."""
    for n in range(1000):
        body = f"{prefix}{n:04d}"
        if id_check_digit(body) == "X":
            return body
    raise AssertionError("no body with check character X")


ZH_HEADER = [
    "序号",
    "姓名",
    "注册证编号",
    "身份证号码",
    "性别",
    "级别",
    "执业类别",
    "发证机关",
    "有效期",
    "状态",
    "聘用单位",
]
ZH_ROWS: list[list[Any]] = [
    [1, "张伟", "沪ZC2019000123", person_id("31011819850312001"), "男", "一级", "长度、力学",
     "上海市市场监督管理局", "2019.03.01-2024.02.28", "有效", "上海青浦计量检测中心"],
    [2, "李秀英", "苏ZC2020000007", person_id("32050919900101002"), "女", "二级", "温度，电磁",
     "苏州市吴江区市场监督管理局", "2020年5月1日至2025年4月30日", "注销", "吴江计量测试所"],
    [3, "王芳", "浙ZC2021000045", person_id("33042119920615003"), "女", "贰级", "化学",
     "嘉善县市场监督管理局", "2021/6/1-长期", "暂停", "嘉善质量技术服务有限公司"],
]  # fmt: skip


def workbook(path: Path, sheets: dict[str, list[list[Any]]], *, merges: dict[str, list[str]] | None = None) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
        for cells in (merges or {}).get(title, []):
            ws.merge_cells(cells)
    book.save(path)
    return path


def text_file(path: Path, rows: list[list[Any]], *, encoding: str, delimiter: str = ",") -> Path:
    lines = [delimiter.join("" if v is None else str(v) for v in row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path
