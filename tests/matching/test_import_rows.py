"""The rows an import stores are byte for byte what a row-by-row upsert stores; bad rows are still named."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import text

from huren import sealed
from matching.files import write_records
from matching.importer import COLUMN_ORDER, ImportOptions, import_files
from matching.store import RegistryStore, registry_records
from samples.records import generate_records

# Cells written as people write them: spaces around values, a 15-digit ID number, no ID number, dates
# with slashes, lists with other separators; each must land as the clean value would.
MESSY = [
    [
        "registration",
        " 沪ZC2023000901 ",
        " 张 三 ",
        " 310101198001010018 ",
        "男",
        "1",
        "长度、力学",
        "",
        " 上海市市场监督管理局 ",
        "2023/5/1",
        " 2028-04-30 ",
        "有效",
        "",
        "",
        "",
    ],
    [
        "registration",
        "沪ZC2023000902",
        "李四",
        "310101800101001",
        "女",
        "二级",
        "长度，力学",
        "卡尺；千分尺",
        "",
        "2023-05-01",
        "",
        "valid",
        "",
        "",
        "",
    ],
    [
        "assessment",
        "苏KH2023000903",
        "阿依·古丽",
        "",
        "",
        "",
        "温度",
        "温度计 压力表",
        "",
        "",
        "",
        "注销",
        "某公司",
        "",
        "",
    ],
]
BAD = [  # (row, field): a wrong check digit, an impossible date, an unknown status
    ["registration", "沪ZC2023000904", "王五", "310101198001010015", "", "", "", "", "", "", "", "valid", "", "", ""],
    ["registration", "沪ZC2023000905", "赵六", "", "", "", "", "", "", "2023-02-30", "", "valid", "", "", ""],
    ["registration", "沪ZC2023000906", "钱七", "", "", "", "", "", "", "", "", "作废", "", "", ""],
]


def _raw_rows(store: RegistryStore) -> list[tuple[object, ...]]:
    """Every stored column as the database holds it (ID numbers opened: their nonces differ), by certificate."""
    at, written = COLUMN_ORDER.index("id_number"), COLUMN_ORDER.index("updated_at")
    with store.engine.connect() as conn:
        rows = conn.execute(text(f"SELECT {', '.join(COLUMN_ORDER)} FROM {registry_records.name}")).all()
    out = []
    for row in rows:
        values = list(row)
        values[at] = None if values[at] is None else sealed.active().open(values[at])
        values[written] = None
        out.append(tuple(values))
    return sorted(out, key=lambda r: (str(r[0]), str(r[1])))


def test_an_import_stores_what_a_row_by_row_upsert_stores(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        write_records(list(generate_records(300, seed=41)), fh)
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([*MESSY, *BAD])
    bulk = RegistryStore(f"sqlite:///{tmp_path / 'bulk.sqlite3'}")
    report = import_files(bulk, [path], ImportOptions(partial=True))
    assert (report.inserted, report.written) == (303, True)
    assert [(r.line, r.field) for r in report.rejected] == [(305, "id_number"), (306, "valid_from"), (307, "status")]

    one_by_one = RegistryStore(f"sqlite:///{tmp_path / 'one-by-one.sqlite3'}")
    for record in bulk.iter_records():
        one_by_one.upsert([record])
    stored = _raw_rows(bulk)
    assert stored == _raw_rows(one_by_one)
    messy = {r[1]: r for r in stored if str(r[1]).endswith(("901", "902", "903"))}
    assert messy["沪ZC2023000901"][2:4] == ("张三", "310101198001010018")
    assert messy["沪ZC2023000902"][3] == "310101198001010018"  # widened to 18 with its check digit
    assert messy["沪ZC2023000901"][9:11] == ("2023-05-01", "2028-04-30")
    bulk.dispose()
    one_by_one.dispose()
