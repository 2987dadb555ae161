"""`huren registry import` on workbooks: the dry run, all or nothing, --partial, the audit entry, bad input."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from api.db import audit_log
from cli.app import app
from db import open_database
from huren.domain import CertType, RecordStatus
from matching.files import ReadOptions
from matching.importer import Change, ImportOptions, file_sha256, import_files
from matching.store import RegistryStore

from .registry_builders import ZH_HEADER, ZH_ROWS, person_id, text_file, workbook

runner = CliRunner()


def zh_workbook(path: Path, rows: list[list[object]] | None = None) -> Path:
    return workbook(path, {"登记表": [["2024年注册计量师登记表"], ZH_HEADER, *(ZH_ROWS if rows is None else rows)]})


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(  # the `huren` command: imports audited in the service's log
        app, ["registry", "import", *args, "--database-url", f"sqlite:///{db}", "--cert-type", "registration"]
    )
    return result.exit_code, result.stdout, result.stderr


def audit_entries(db: Path) -> list[dict[str, object]]:
    engine = open_database(f"sqlite:///{db}")
    with engine.connect() as conn:
        rows = [
            dict(r._mapping) for r in conn.execute(select(audit_log).where(audit_log.c.action == "registry.import"))
        ]
    engine.dispose()
    return rows


def test_dry_run_shows_every_change_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite3"
    code, out, _ = run(db, str(zh_workbook(tmp_path / "v1.xlsx")), "--actor", "clerk")
    assert code == 0, out
    assert "inserted: 3  updated: 0  unchanged: 0  rejected: 0" in out

    changed = [list(r) for r in ZH_ROWS]
    changed[0][9] = "注销"  # 张伟 revoked
    changed[1][6] = "温度"  # 李秀英 loses 电磁
    bad = [
        4,
        "赵六",
        "沪ZC2019000999",
        "3.20582E+17",
        "男",
        "一级",
        "长度",
        "上海市市场监督管理局",
        "2019.03.01-2024.02.28",
        "有效",
        "",
    ]
    new = [5, "孙七", "沪ZC2024000001", person_id("31011819900101005"), "男", "二级", "声学", "上海市市场监督管理局",
           "2024.01.01-2029.12.31", "有效", ""]  # fmt: skip
    v2 = zh_workbook(tmp_path / "v2.xlsx", [*changed, bad, new])
    before = RegistryStore(f"sqlite:///{db}").get(CertType.REGISTRATION, "沪ZC2019000123")
    code, out, err = run(db, str(v2), "--dry-run")
    assert code == 1, "a row error"
    assert f"+ {v2}[登记表]:7: insert registration 沪ZC2024000001 孙七" in out
    assert f"~ {v2}[登记表]:3: update registration 沪ZC2019000123 张伟\n    status: 'valid' → 'revoked'" in out
    assert "    categories: '温度;电磁' → '温度'" in out
    assert f"= {v2}[登记表]:5: unchanged registration 浙ZC2021000045 王芳" in out
    assert f"{v2}[登记表]:6: id_number (身份证号码): 身份证号码被 Excel 存成了数字" in err
    assert "Excel stored the ID number as a number" in err
    assert "inserted: 1  updated: 2  unchanged: 1  rejected: 1" in out and "dry run: nothing written" in out
    assert RegistryStore(f"sqlite:///{db}").get(CertType.REGISTRATION, "沪ZC2019000123") == before
    assert RegistryStore(f"sqlite:///{db}").count() == 3
    assert len(audit_entries(db)) == 1, "a dry run is not an import"


def test_row_errors_write_nothing_unless_partial(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite3"
    bad = [4, "赵六", "沪ZC2019000999", "310118198503120010", "男", "一级", "长度", "", "", "有效", ""]
    path = zh_workbook(tmp_path / "r.xlsx", [*ZH_ROWS, bad])
    code, out, err = run(db, str(path))
    assert code == 1
    assert "nothing written: 1 row error(s)" in out
    assert f"{path}[登记表]:6: id_number (身份证号码): invalid check digit" in err
    assert RegistryStore(f"sqlite:///{db}").count() == 0 and audit_entries(db) == []

    code, out, _ = run(db, str(path), "--partial", "--actor", "clerk")
    assert code == 1 and "inserted: 3" in out and "nothing written" not in out
    assert RegistryStore(f"sqlite:///{db}").count() == 3


def test_real_import_is_audited_with_who_and_the_files_sha256(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite3"
    path = zh_workbook(tmp_path / "r.xlsx")
    code, out, _ = run(db, str(path), "--actor", "王科长")
    assert code == 0, out
    (entry,) = audit_entries(db)
    assert entry["actor"] == "cli:王科长" and entry["target"] == "r.xlsx"
    detail = entry["detail"]
    assert isinstance(detail, dict)
    assert detail["files"][0]["sha256"] == file_sha256(path)
    assert (detail["inserted"], detail["updated"], detail["rejected"]) == (3, 0, 0)
    record = RegistryStore(f"sqlite:///{db}").get(CertType.REGISTRATION, "苏ZC2020000007")
    assert record is not None and record.status is RecordStatus.REVOKED and record.source == "r.xlsx"


def test_conflicting_repeat_in_a_file_is_a_row_error(store: RegistryStore, tmp_path: Path) -> None:
    twice = [*ZH_ROWS, [9, *ZH_ROWS[0][1:5], "二级", *ZH_ROWS[0][6:]], ZH_ROWS[1]]
    path = zh_workbook(tmp_path / "r.xlsx", twice)
    options = ImportOptions(read=ReadOptions(cert_type=CertType.REGISTRATION), partial=True)
    report = import_files(store, [path], options=options)
    assert [(r.line, r.field) for r in report.rejected] == [(6, "cert_number")]
    assert (
        "repeats registration 沪ZC2019000123 of an earlier row with other values (level)" in report.rejected[0].reason
    )
    assert (report.inserted, report.written) == (3, True), "the identical repeat of row 4 is dropped"
    record = store.get(CertType.REGISTRATION, "沪ZC2019000123")
    assert record is not None and record.level == 1, "the first row stands"


def test_import_in_small_batches_matches_on_every_backend(
    store: RegistryStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of 2 over 3 rows, imported twice: inserts (COPY on PostgreSQL), then all unchanged, then updates."""
    import matching.importer as importer

    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    options = ImportOptions(read=ReadOptions(cert_type=CertType.REGISTRATION))
    path = text_file(tmp_path / "r.csv", [ZH_HEADER, *ZH_ROWS], encoding="gbk")
    first = import_files(store, [path], options=options)
    assert (first.inserted, first.updated, first.unchanged, first.written) == (3, 0, 0, True)
    record = store.get(CertType.REGISTRATION, "沪ZC2019000123")
    assert record is not None and record.categories == ["长度", "力学"] and record.valid_until is not None
    again = import_files(store, [path], options=options)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    changes: list[Change] = []
    rows = [[*r[:9], "暂停", r[10]] for r in ZH_ROWS]
    changed = text_file(tmp_path / "r2.csv", [ZH_HEADER, *rows], encoding="utf-8")
    third = import_files(store, [changed], options=options, on_change=changes.append)
    assert (third.inserted, third.updated, third.unchanged) == (0, 2, 1)
    assert [c.fields for c in changes if c.kind == "update"] == [
        {"status": ("valid", "suspended")},
        {"status": ("revoked", "suspended")},
    ]
    assert store.count() == 3


# --- bad input: a clear message, nothing written ------------------------------------------------------


def _encrypted(tmp_path: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = zh_workbook(tmp_path / "plain.xlsx")
    out = tmp_path / "locked.xlsx"
    with plain.open("rb") as src, out.open("wb") as dst:
        OOXMLFile(src).encrypt("secret", dst)
    return out


def _old_xls(tmp_path: Path) -> Path:
    # the OLE2 compound-file header every Excel 97–2003 workbook starts with (sector shift 9 = 512 bytes)
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(22) + b"\x09\x00" + bytes(16) + b"\x01\x00\x00\x00"
    path = tmp_path / "old.xls"
    path.write_bytes(head + bytes(4096 - len(head)) + "Workbook".encode("utf-16-le"))
    return path


def _not_a_table(tmp_path: Path) -> Path:
    path = tmp_path / "notes.csv"
    path.write_text("会议纪要\n今天讨论了登记库的导入。\n下次再议。\n", encoding="utf-8")
    return path


def _image(tmp_path: Path) -> Path:
    path = tmp_path / "scan.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    return path


def _two_columns_one_field(tmp_path: Path) -> Path:
    return workbook(tmp_path / "two.xlsx", {"S": [["姓名", "证书编号", "注册证编号"], ["张三", "A1", "A2"]]})


def _million_empty_rows(tmp_path: Path) -> Path:
    """A header, then 1,000,000 rows of styled empty cells, as a template formatted down to the sheet's end."""
    plain = workbook(tmp_path / "plain.xlsx", {"S": [ZH_HEADER]})
    out = tmp_path / "empty.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = re.sub(r'<dimension ref="[^"]*" ?/>', '<dimension ref="A1:K1000001"/>', text)
                head, tail = text.split("</sheetData>")
                with dst.open(item.filename, "w") as fh:
                    fh.write(head.encode())
                    for start in range(2, 1_000_002, 10_000):
                        fh.write(
                            "".join(
                                f'<row r="{n}"><c r="A{n}" s="0"/></row>' for n in range(start, start + 10_000)
                            ).encode()
                        )
                    fh.write(("</sheetData>" + tail).encode())
            else:
                dst.writestr(item, data)
    return out


BAD_FILES = [
    (_encrypted, "password-protected"),
    (_old_xls, "Excel 97–2003 workbook \\(.xls\\) cannot be read: save it as .xlsx"),
    (_not_a_table, "not a registry table|no header row found"),
    (_image, "not a table \\(a PDF or an image\\)"),
    (_two_columns_one_field, "'证书编号' and '注册证编号' both map to cert_number"),
    (_million_empty_rows, "no rows under the header .*stopped at row 10,001 after 10,000 empty rows"),
]


@pytest.mark.parametrize(("make", "message"), BAD_FILES, ids=[m.__name__.strip("_") for m, _ in BAD_FILES])
def test_bad_file_is_a_clear_message_and_nothing_is_written(tmp_path: Path, make: object, message: str) -> None:
    db = tmp_path / "r.sqlite3"
    good = zh_workbook(tmp_path / "good.xlsx")
    path = make(tmp_path)  # type: ignore[operator]
    code, out, err = run(db, str(good), str(path))  # a good file first: it must not land either
    assert code == 2, out + err
    assert "registry_file_invalid" in err and re.search(message, err), err
    assert "nothing written" in err
    assert RegistryStore(f"sqlite:///{db}").count() == 0 and audit_entries(db) == []


def test_a_rolled_back_first_load_keeps_the_indexes(store: RegistryStore, tmp_path: Path) -> None:
    """A first load into an empty table indexes at the end; a dry run or a failure must not lose the indexes."""
    from sqlalchemy import inspect

    def indexes() -> set[str]:
        return {str(i["name"]) for i in inspect(store.engine).get_indexes("registry_records")}

    before = indexes()
    assert "ix_registry_records_cert_key" in before
    path = zh_workbook(tmp_path / "r.xlsx")
    options = ImportOptions(read=ReadOptions(cert_type=CertType.REGISTRATION), dry_run=True)
    report = import_files(store, [path], options=options)
    assert (report.inserted, report.written, store.count()) == (3, False, 0)
    assert indexes() == before, "the dry run's rollback restored the indexes"
    report = import_files(store, [path], options=ImportOptions(read=options.read))
    assert (report.written, store.count(), indexes()) == (True, 3, before)


# --- a large load into a filled SQLite table: the blocking indexes built at the end ------------------


def _block_columns(store: RegistryStore) -> list[tuple[object, ...]]:
    from db.tables import REGISTRY_BLOCK_KEYS, registry_records

    t = registry_records
    keys = [t.c[name] for name in REGISTRY_BLOCK_KEYS]
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(t.c.cert_type, t.c.cert_number, *keys).order_by(t.c.id))]


def _content(store: RegistryStore) -> list[object]:
    """Every record without the time it was written."""
    from dataclasses import replace

    return [replace(r, updated_at=None) for r in store.iter_records()]


def _index_names(store: RegistryStore) -> set[str]:
    from sqlalchemy import inspect

    return {str(i["name"]) for i in inspect(store.engine).get_indexes("registry_records")}


def _two_loads(tmp_path: Path) -> tuple[list[object], list[object], Path, Path]:
    """40 synthetic records held, then a file of 60 new ones and 10 of the held ones changed."""
    from dataclasses import replace

    from matching.files import write_records
    from samples.records import generate_records

    records = list(generate_records(100, seed=31))[:100]
    held, new = records[:40], records[40:]
    changed = [replace(r, employer="上海新单位有限公司") for r in held[:10]]
    first, second = tmp_path / "held.csv", tmp_path / "load.csv"
    with first.open("w", encoding="utf-8", newline="") as fh:
        write_records(held, fh)
    with second.open("w", encoding="utf-8", newline="") as fh:
        write_records([*new[:30], *changed, *new[30:]], fh)
    return list(held), [*new, *changed], first, second


@pytest.fixture
def drops(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Batches of 5 (so 40 held rows make 10 written a large load); records each drop of the indexes."""
    import matching.importer as importer

    monkeypatch.setattr(importer, "BATCH_SIZE", 5)
    seen: list[int] = []
    real = importer._DeferredIndexes._drop

    def drop(self: importer._DeferredIndexes) -> None:
        seen.append(1)
        real(self)

    monkeypatch.setattr(importer._DeferredIndexes, "_drop", drop)
    return seen


def test_a_large_load_into_a_filled_table_matches_a_row_by_row_upsert(
    store: RegistryStore, tmp_path: Path, drops: list[int]
) -> None:
    from dataclasses import replace

    from matching.search import record_block_keys

    held, loaded, first, second = _two_loads(tmp_path)
    before = _index_names(store)
    assert import_files(store, [first]).inserted == 40
    drops.clear()
    report = import_files(store, [second])
    assert (report.inserted, report.updated, report.written) == (60, 10, True)
    sqlite = store.engine.dialect.name == "sqlite"
    assert drops == ([1] if sqlite else []), "SQLite drops the blocking indexes once; PostgreSQL keeps them"
    assert _index_names(store) == before

    row_by_row = RegistryStore(f"sqlite:///{tmp_path / 'row-by-row.sqlite3'}")
    row_by_row.upsert(held)  # type: ignore[arg-type]
    for record in loaded:
        row_by_row.upsert([record])  # type: ignore[list-item]
    assert _content(store) == _content(row_by_row)
    assert sorted(_block_columns(store)) == sorted(_block_columns(row_by_row))
    a_new_one = loaded[45]
    keys = {rule: [value] for rule, value in record_block_keys(a_new_one).items() if value}  # type: ignore[arg-type]
    found = [replace(r, updated_at=None) for r in store.candidates(keys, None)]
    assert a_new_one in found, "the rebuilt indexes find a row loaded while they were away"
    row_by_row.dispose()


def test_a_failed_large_load_leaves_the_table_and_its_indexes_as_they_were(
    store: RegistryStore, tmp_path: Path, drops: list[int]
) -> None:
    _, _, first, second = _two_loads(tmp_path)
    before = _index_names(store)
    import_files(store, [first])
    held = _block_columns(store)
    records = list(store.iter_records())
    drops.clear()
    with second.open("a", encoding="utf-8") as fh:  # a row error at the end: nothing of the file lands
        fh.write("registration,沪ZC2019009999,赵六,12345,男,1,长度,,上海市市场监督管理局,,,valid,,,\n")
    report = import_files(store, [second])
    assert (report.written, len(report.rejected)) == (False, 1)
    sqlite = store.engine.dialect.name == "sqlite"
    assert drops == ([1] if sqlite else []), "the indexes were dropped before the bad row came"

    def fail(change: Change) -> None:
        if change.line > 50:
            raise RuntimeError("killed midway")

    drops.clear()
    with pytest.raises(RuntimeError, match="killed midway"):
        import_files(store, [second], on_change=fail)
    assert drops == ([1] if sqlite else [])
    assert _index_names(store) == before
    assert (_block_columns(store), list(store.iter_records())) == (held, records)
