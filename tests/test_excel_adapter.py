"""The panel's buttons (kh_excel.excel) against a fake xlwings Book: no Excel runs here.

The fake implements the part of the xlwings API the adapter uses (``sheets[…]``,
``range(…).value``, ``.color``, ``.font.bold``, ``add_hyperlink``, ``sheets.add``, ``clear``,
``app.alert``) and is loaded from a panel workbook made by ``excel_panel``, so the adapter is
tested against the real layout. Results read back from the fake sheets are compared with what
the CLI's ``--json`` prints for the same input.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

xlwings = pytest.importorskip("xlwings")

import kh_excel.excel as panel_buttons  # noqa: E402
from kh_excel.cli.main import cli  # noqa: E402
from kh_excel.excel import layout as L  # noqa: E402
from kh_excel.excel.panel import write_panel  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NA_RI = ROOT / "examples" / "na-ri-2023"
BROKEN = ROOT / "examples" / "broken"
SEVERITY = {"loi": "Lỗi", "canh_bao": "Cảnh báo", "thong_tin": "Thông tin"}  # by hand
PINK = (255, 199, 206)  # error rows, as the "coloured" means here
RED_STATUS = PINK


# --- the fake xlwings Book -------------------------------------------------------------------

def _rc(ref: str) -> tuple[int, int]:
    letters, digits = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(digits), col


class FakeFont:
    def __init__(self, rng):
        self._rng = rng

    @property
    def bold(self):
        return all(c in self._rng.sheet.bold for c in self._rng.cells())

    @bold.setter
    def bold(self, value):
        self._rng.sheet.guard("format")
        for c in self._rng.cells():
            (self._rng.sheet.bold.add if value else self._rng.sheet.bold.discard)(c)


class FakeRange:
    def __init__(self, sheet, address: str):
        self.sheet = sheet
        first, _, last = address.partition(":")
        self.r1, self.c1 = _rc(first)
        self.r2, self.c2 = _rc(last) if last else (self.r1, self.c1)

    def cells(self):
        return [(r, c) for r in range(self.r1, self.r2 + 1) for c in range(self.c1, self.c2 + 1)]

    @property
    def value(self):
        if (self.r1, self.c1) == (self.r2, self.c2):
            return self.sheet.cells.get((self.r1, self.c1))
        return [[self.sheet.cells.get((r, c)) for c in range(self.c1, self.c2 + 1)]
                for r in range(self.r1, self.r2 + 1)]

    @value.setter
    def value(self, value):
        rows = value if isinstance(value, list) else [[value]]
        rows = rows if rows and isinstance(rows[0], list) else [rows]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                self.sheet.put((self.r1 + i, self.c1 + j), v)

    @property
    def color(self):
        return self.sheet.colors.get((self.r1, self.c1))

    @color.setter
    def color(self, rgb):
        self.sheet.guard("format")
        for c in self.cells():
            self.sheet.colors[c] = rgb

    @property
    def font(self):
        return FakeFont(self)

    @property
    def number_format(self):
        return self.sheet.formats.get((self.r1, self.c1), "General")

    @number_format.setter
    def number_format(self, fmt):
        self.sheet.guard("format")
        for c in self.cells():
            self.sheet.formats[c] = fmt

    def add_hyperlink(self, address, text_to_display=None, screen_tip=None):
        self.sheet.guard("link")
        self.sheet.links[(self.r1, self.c1)] = address
        self.sheet.put((self.r1, self.c1), text_to_display or address)

    def clear_contents(self):
        for c in self.cells():
            self.sheet.cells.pop(c, None)


class FakeSheet:
    def __init__(self, name: str, book):
        self.name, self.book = name, book
        self.clear()

    protected = False         # as Excel: a protected sheet refuses writes to locked cells,
    unlocked: set = set()     # and formats and new links unless its protection allows them
    allows_format = allows_links = True

    def clear(self):
        self.guard("format")
        self.cells, self.colors, self.links, self.formats = {}, {}, {}, {}
        self.bold, self.formulas = set(), set()

    def guard(self, what: str, rc=None) -> None:
        if not self.protected:
            return
        if what == "value" and rc not in self.unlocked:
            raise RuntimeError(f"Excel: cell {rc} of protected sheet {self.name} is locked")
        if (what == "format" and not self.allows_format) or \
                (what == "link" and not self.allows_links):
            raise RuntimeError(f"Excel: {what} not allowed on protected sheet {self.name}")

    def put(self, rc, value):
        self.guard("value", rc)
        # As Excel does: a leading apostrophe keeps text as text; "=…" would be a formula.
        if isinstance(value, str) and value.startswith("'"):
            value = value[1:]
        elif isinstance(value, str) and value.startswith("="):
            self.formulas.add(rc)
        if value is None:
            self.cells.pop(rc, None)
        else:
            self.cells[rc] = value

    def range(self, address: str) -> FakeRange:
        return FakeRange(self, address)

    def rows(self, first: int = 2) -> list[list]:
        """Every non-empty row from ``first`` down, as values."""
        last_row = max((r for r, _ in self.cells), default=0)
        last_col = max((c for _, c in self.cells), default=0)
        return [[self.cells.get((r, c)) for c in range(1, last_col + 1)]
                for r in range(first, last_row + 1)]


class FakeSheets:
    def __init__(self, book, names):
        self._book = book
        self._list = [FakeSheet(n, book) for n in names]

    def __getitem__(self, key):
        if isinstance(key, int):
            return self._list[key]
        for s in self._list:
            if s.name == key:
                return s
        raise KeyError(key)

    def __iter__(self):
        return iter(self._list)

    def __len__(self):
        return len(self._list)

    def add(self, name=None, before=None, after=None):
        sheet = FakeSheet(name, self._book)
        self._list.insert(self._list.index(after) + 1 if after else 0, sheet)
        return sheet


class FakeApp:
    def __init__(self):
        self.alerts: list[dict] = []

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append({"prompt": prompt, "title": title, "mode": mode})


class FakeBook:
    def __init__(self, fullname: Path, names: list[str]):
        self.fullname = str(fullname)
        self.app = FakeApp()
        self.sheets = FakeSheets(self, names)

    @classmethod
    def from_file(cls, path: Path) -> FakeBook:
        """The sheets and cell values of a real workbook (the generated panel)."""
        import openpyxl

        wb = openpyxl.load_workbook(path)
        book = cls(path, wb.sheetnames)
        for ws in wb:
            sheet = book.sheets[ws.title]
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        sheet.cells[(cell.row, cell.column)] = cell.value
                    if not cell.protection.locked:
                        sheet.unlocked = sheet.unlocked | {(cell.row, cell.column)}
            # openpyxl: True means the action is prohibited.
            sheet.protected = bool(ws.protection.sheet)
            sheet.allows_format = not ws.protection.formatCells
            sheet.allows_links = not ws.protection.insertHyperlinks
        return book

    def panel(self) -> FakeSheet:
        return self.sheets[L.PANEL]

    def status(self) -> str:
        return self.panel().range(L.STATUS_CELL).value

    def links(self) -> list[str]:
        sheet = self.panel()
        return [sheet.links[_rc(c)] for c in L.FILE_CELLS if _rc(c) in sheet.links
                and sheet.cells.get(_rc(c))]


@pytest.fixture(scope="module")
def panel_file(tmp_path_factory) -> Path:
    return write_panel(tmp_path_factory.mktemp("panel") / "BangDieuKhien.xlsm")


@pytest.fixture
def book(panel_file, monkeypatch) -> FakeBook:
    fake = FakeBook.from_file(panel_file)
    monkeypatch.setattr(xlwings.Book, "caller", classmethod(lambda cls: fake))
    return fake


def fill(book: FakeBook, **values: str) -> None:
    for key, value in values.items():
        book.panel().range(L.FIELDS[key].cell).value = value  # a user may: the cell is unlocked


def test_the_fake_refuses_what_excel_refuses_on_the_protected_panel(book):
    with pytest.raises(RuntimeError, match="locked"):
        book.panel().range("B5").value = "x"  # a label
    book.panel().range(L.STATUS_CELL).color = (1, 2, 3)  # allowed by the panel's protection


def cli_json(*args: str):
    result = CliRunner().invoke(cli, [*args, "--json"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def finding_rows(data: dict) -> list[list]:
    findings = data["findings"] if "findings" in data else \
        [f for entry in data["files"] for f in entry["findings"]]
    return [[Path(f["file"]).name if f["file"] else None, f["unit_name"] or f["unit"],
             f["sheet"], f["cell"], SEVERITY[f["severity"]], f["message"]] for f in findings]


def blank_to_none(rows):
    return [[None if v == "" else v for v in row] for row in rows]


# --- the buttons on the examples -------------------------------------------------------------

def test_kiem_tra_on_the_broken_examples_matches_check_json(book, tmp_path):
    before = digest(BROKEN)
    fill(book, thu_muc_bieu=str(BROKEN), thu_muc_ket_qua=str(tmp_path / "ket-qua"))
    panel_buttons.kiem_tra()

    expected = cli_json("check", str(BROKEN))
    sheet = book.sheets[L.FINDINGS]
    assert sheet.rows(1)[0] == ["Tệp", "Đơn vị", "Trang", "Ô", "Mức độ", "Nội dung"]
    assert blank_to_none(sheet.rows()) == finding_rows(expected)
    assert expected["summary"]["loi"] > 0
    for n, row in enumerate(sheet.rows(), start=2):
        colour = sheet.colors.get((n, 1))
        assert (colour == PINK) == (row[4] == "Lỗi"), row
    s = expected["summary"]
    assert book.status() == (f"Đã kiểm tra {s['files']} tệp: {s['loi']} lỗi, {s['canh_bao']} "
                             f"cảnh báo, {s['thong_tin']} thông tin. Chi tiết ở trang «Kết quả "
                             f"kiểm tra». Bản sao tô lỗi để gửi trả: {s['files']} tệp trong "
                             f"{tmp_path / 'ket-qua' / 'tra-lai'}.")
    copies = sorted((tmp_path / "ket-qua" / "tra-lai").iterdir())
    assert len(copies) == s["files"]
    assert book.links()[0] == str(tmp_path / "ket-qua" / "tra-lai")
    assert set(book.links()[1:]) <= {str(p) for p in copies}
    assert book.app.alerts == []
    assert digest(BROKEN) == before  # the forms are never modified


def test_kiem_tra_on_na_ri(book, tmp_path):
    fill(book, thu_muc_bieu=str(NA_RI), thu_muc_ket_qua=str(tmp_path / "kq"))
    panel_buttons.kiem_tra()
    expected = cli_json("check", str(NA_RI))
    assert blank_to_none(book.sheets[L.FINDINGS].rows()) == finding_rows(expected)
    assert book.status().startswith(f"Đã kiểm tra {len(expected['files'])} tệp: "
                                    f"{expected['summary']['loi']} lỗi")


def test_tong_hop_on_na_ri_matches_rollup_json(book, tmp_path):
    out = tmp_path / "kq"
    fill(book, thu_muc_bieu=str(NA_RI), don_vi="Huyện Na Rì", ky=2023.0,  # Excel gives floats
         thu_muc_ket_qua=str(out))
    panel_buttons.tong_hop()

    expected = cli_json("rollup", str(NA_RI), "--unit", "Huyện Na Rì", "--period", "2023",
                        "-o", str(tmp_path / "cli.xlsx"))
    path = out / "2023_066_huyen-na-ri_tong-hop.xlsx"
    assert path.is_file()
    assert book.links() == [str(path)]
    labels = {"da_nop": "Đã nộp", "chua_nop": "Chưa nộp", "trung_tep": "Trùng tệp",
              "mot_phan": "Nộp một phần"}
    status_rows = book.sheets[L.STATUS].rows()
    assert status_rows == [[c["unit"], c["name"], labels[c["status"]],
                            Path(c["file"]).name if c["file"] else None]
                           for c in expected["children"]]
    assert len(status_rows) == 17
    totals = book.sheets[L.TOTALS]
    header = totals.rows(1)[0]
    assert header[:3] == ["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính"]
    assert header[3:] == ["Cấp xã", "Cấp huyện", "Tổng cộng"]
    by_code = {row[0]: row for row in totals.rows()}
    assert set(by_code) == set(expected["totals"])
    for code, levels in expected["totals"].items():
        for level, value in levels.items():
            got = by_code[code][3 + ["xa", "huyen", "tong"].index(level)]
            assert got == pytest.approx(value), (code, level)
    assert by_code["quy_van_dong"][5] == expected["totals"]["quy_van_dong"]["tong"]
    rows = {row[0]: n for n, row in enumerate(totals.rows(), start=2)}
    assert totals.range(f"F{rows['quy_van_dong']}").number_format == "#,##0"
    assert totals.range(f"D{rows['ty_le_hoi_vien']}").number_format == "#,##0.00"
    assert blank_to_none(book.sheets[L.FINDINGS].rows()) == finding_rows(expected)
    c = expected["completeness"]
    assert f"đã nhận {c['received']}/{c['expected']} đơn vị" in book.status()


def test_tao_bieu_mau_writes_the_forms_the_cli_writes(book, tmp_path):
    fill(book, don_vi="Na Rì", ky="2023", thu_muc_ket_qua=str(tmp_path / "kq"))
    panel_buttons.tao_bieu_mau()
    made = sorted(p.name for p in (tmp_path / "kq" / "bieu-mau").iterdir())
    result = CliRunner().invoke(cli, ["template", "--children-of", "Huyện Na Rì", "--period",
                                      "2023", "--out-dir", str(tmp_path / "cli")],
                                catch_exceptions=False)
    assert result.exit_code == 0
    assert made == sorted(p.name for p in (tmp_path / "cli").iterdir())
    assert len(made) == 17 and "2023_02137_xa-van-vu.xlsx" in made
    assert book.status().startswith("Đã tạo 17 biểu cho các đơn vị trực thuộc Huyện Na Rì")
    assert book.links() == [str(tmp_path / "kq" / "bieu-mau")]


def test_lap_bao_cao_drafts_what_the_cli_drafts(book, tmp_path):
    out = tmp_path / "kq"
    fill(book, thu_muc_bieu=str(NA_RI), don_vi="Huyện Na Rì", ky="2023",
         thu_muc_ket_qua=str(out), so="05", ngay="18/01/2024", nguoi_ky="Nông Văn A")
    panel_buttons.lap_bao_cao()
    rolled = out / "2023_066_huyen-na-ri_tong-hop.xlsx"
    docx, md = out / "2023_066_huyen-na-ri_bao-cao.docx", out / "2023_066_huyen-na-ri_bao-cao.md"
    assert docx.is_file() and md.is_file() and rolled.is_file()
    assert book.links() == [str(docx), str(md), str(rolled)]
    result = CliRunner().invoke(cli, ["report", str(rolled), "-o", str(tmp_path / "cli.docx"),
                                      "--text", str(tmp_path / "cli.md"), "--so", "05", "--ngay",
                                      "18/01/2024", "--nguoi-ky", "Nông Văn A"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert md.read_text("utf-8") == (tmp_path / "cli.md").read_text("utf-8")
    assert "Nông Văn A" in md.read_text("utf-8")
    # The roll-up is there now: a second press uses it (no overwrite asked), and says where.
    panel_buttons.lap_bao_cao()
    assert "đã có" in book.status() and "C9" in book.status()  # the report itself exists


# --- what stops a button ---------------------------------------------------------------------

def assert_stopped(book: FakeBook, message: str) -> None:
    assert book.status() == message
    assert book.panel().colors[_rc(L.STATUS_CELL)] == RED_STATUS
    assert book.app.alerts == [{"prompt": message, "title": "kh-excel", "mode": "critical"}]


def test_a_bad_file_is_a_finding_not_a_crash(book, tmp_path):
    folder = tmp_path / "nhan"
    folder.mkdir()
    (folder / "2023_02137_xa-van-vu.xlsx").write_bytes(b"%PDF-1.4\n% not a workbook\n")
    shutil.copy(NA_RI / "2023_02140_xa-van-lang.xlsx", folder)
    fill(book, thu_muc_bieu=str(folder), thu_muc_ket_qua=str(tmp_path / "kq"))
    panel_buttons.kiem_tra()
    rows = book.sheets[L.FINDINGS].rows()
    bad = [r for r in rows if r[0] == "2023_02137_xa-van-vu.xlsx"]
    assert bad and bad[0][4] == "Lỗi"
    assert book.status().startswith("Đã kiểm tra 2 tệp: ")
    assert book.app.alerts == []


def test_a_missing_folder_is_named_with_its_cell(book, tmp_path):
    missing = tmp_path / "khong-co"
    fill(book, thu_muc_bieu=str(missing), thu_muc_ket_qua=str(tmp_path / "kq"))
    panel_buttons.kiem_tra()
    assert_stopped(book, f"Thư mục {missing} (ô «Thư mục biểu đã nhận», C5) không có. Hãy ghi "
                         "đúng đường dẫn thư mục.")
    assert not (tmp_path / "kq").exists()


def test_an_empty_input_cell_is_named(book, tmp_path):
    fill(book, thu_muc_bieu=str(NA_RI), don_vi="", ky="2023", thu_muc_ket_qua=str(tmp_path))
    panel_buttons.tong_hop()
    assert_stopped(book, "Chưa điền ô «Đơn vị tổng hợp» (C6) ở trang Bảng điều khiển. Tên hoặc "
                         "mã đơn vị của mình.")


def test_an_unknown_unit(book, tmp_path):
    fill(book, thu_muc_bieu=str(NA_RI), don_vi="Huyện Không Có Thật", ky="2023",
         thu_muc_ket_qua=str(tmp_path / "kq"))
    panel_buttons.tong_hop()
    message = book.status()
    assert message.startswith("Không tìm thấy đơn vị 'Huyện Không Có Thật'")
    assert message.endswith("(Ô «Đơn vị tổng hợp», C6.)")
    assert_stopped(book, message)
    assert not (tmp_path / "kq").exists()


def test_an_existing_output_needs_the_overwrite_cell(book, tmp_path):
    fill(book, thu_muc_bieu=str(NA_RI), don_vi="Huyện Na Rì", ky="2023",
         thu_muc_ket_qua=str(tmp_path))
    panel_buttons.tong_hop()
    path = tmp_path / "2023_066_huyen-na-ri_tong-hop.xlsx"
    first = path.read_bytes()
    panel_buttons.tong_hop()
    assert_stopped(book, f"Tệp {path} đã có. Chọn «Có» ở ô «Ghi đè tệp đã có» (C9) để ghi đè, "
                         "hoặc chọn thư mục ghi kết quả khác.")
    assert path.read_bytes() == first
    book.app.alerts.clear()
    fill(book, ghi_de="Có")
    panel_buttons.tong_hop()
    assert book.app.alerts == [] and book.status().startswith("Tổng hợp Huyện Na Rì kỳ 2023")


def test_an_unexpected_error_is_a_message_not_a_traceback(book, tmp_path, monkeypatch):
    import kh_excel.app

    def boom(*args, **kwargs):
        raise RuntimeError("ổ đĩa hỏng")
    monkeypatch.setattr(kh_excel.app, "check", boom)
    fill(book, thu_muc_bieu=str(NA_RI), thu_muc_ket_qua=str(tmp_path))
    panel_buttons.kiem_tra()  # does not raise
    assert_stopped(book, "Lỗi ngoài dự kiến trong kh-excel (RuntimeError: ổ đĩa hỏng). Hãy chụp "
                         "màn hình thông báo này gửi người hỗ trợ.")


def test_a_deleted_result_sheet_is_added_back(book, tmp_path):
    book.sheets._list.remove(book.sheets[L.FINDINGS])
    fill(book, thu_muc_bieu=str(BROKEN), thu_muc_ket_qua=str(tmp_path))
    panel_buttons.kiem_tra()
    assert book.sheets[L.FINDINGS].rows()


def test_text_that_looks_like_a_formula_stays_text(book):
    from kh_excel.excel.results import fill as fill_sheet

    sheet = fill_sheet(book, L.FINDINGS, L.FINDINGS_HEADER, [["=HYPERLINK(\"x\")", "-1 xã"]])
    assert sheet.rows()[0][:2] == ["=HYPERLINK(\"x\")", "-1 xã"]
    assert sheet.formulas == set()


def test_an_output_folder_inside_the_received_forms_is_refused(tmp_path, book):
    inbox = tmp_path / "nhan"
    shutil.copytree(NA_RI, inbox)
    fill(book, thu_muc_bieu=str(inbox), don_vi="Huyện Na Rì", ky="2023",
         thu_muc_ket_qua=str(inbox / "ket-qua"))
    panel_buttons.tong_hop()
    assert_stopped(book, f"Thư mục ghi kết quả {inbox / 'ket-qua'} (C8) nằm trong thư mục biểu "
                         "đã nhận (C5): kết quả sẽ bị đọc lại như biểu đã nộp. Hãy chọn thư mục "
                         "khác, ở ngoài thư mục biểu đã nhận.")
    assert not (inbox / "ket-qua").exists()


def test_relative_folders_are_read_from_the_workbooks_folder(book, tmp_path):
    book.fullname = str(tmp_path / "BangDieuKhien.xlsm")
    shutil.copytree(BROKEN, tmp_path / "bieu")
    fill(book, thu_muc_bieu="bieu", thu_muc_ket_qua="ket-qua")
    panel_buttons.kiem_tra()
    assert book.status().startswith("Đã kiểm tra 5 tệp")
    assert (tmp_path / "ket-qua" / "tra-lai").is_dir()


def test_a_write_excel_refuses_still_ends_in_a_message(book, tmp_path):
    book.panel().allows_format = False  # as if the panel's protection had been tightened
    fill(book, thu_muc_bieu=str(BROKEN), thu_muc_ket_qua=str(tmp_path))
    panel_buttons.kiem_tra()  # does not raise
    alert, = book.app.alerts
    assert alert["mode"] == "critical"
    assert alert["prompt"].startswith("Lỗi ngoài dự kiến trong kh-excel (RuntimeError: Excel: "
                                      "format not allowed on protected sheet Bảng điều khiển)")


def test_lap_bao_cao_stops_on_data_errors_and_says_what_to_do(book, tmp_path):
    fill(book, thu_muc_bieu=str(BROKEN), don_vi="Huyện Na Rì", ky="2023",
         thu_muc_ket_qua=str(tmp_path))
    panel_buttons.lap_bao_cao()
    rolled = tmp_path / "2023_066_huyen-na-ri_tong-hop.xlsx"
    expected = cli_json("rollup", str(BROKEN), "--unit", "Huyện Na Rì", "--period", "2023",
                        "-o", str(tmp_path / "cli" / "x.xlsx"))
    assert rolled.is_file()  # the roll-up is made, the report is not
    assert not list(tmp_path.glob("*_bao-cao.*"))
    assert_stopped(book, f"Tệp tổng hợp {rolled} còn {expected['summary']['loi']} lỗi số liệu "
                         "nên chưa lập báo cáo. Bấm Kiểm tra để xem các lỗi, sửa biểu, rồi bấm "
                         "Tổng hợp và Lập báo cáo lại.")
    # The findings of the roll-up are in their sheet, for the user to read.
    assert blank_to_none(book.sheets[L.FINDINGS].rows()) == finding_rows(expected)
