"""The generated panel (.xlsm), checked structurally: its VBA as olevba reads it, buttons bound to
macros, protection, xlwings.conf, schema validity, and LibreOffice opening it. No Excel here."""
from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("xlsxwriter")
xlwings = pytest.importorskip("xlwings")
olefile = pytest.importorskip("olefile")
from oletools.olevba import VBA_Parser, decompress_stream  # noqa: E402

from kh_excel.cli.main import cli  # noqa: E402
from kh_excel.excel import cfb, vba  # noqa: E402
from ooxml import assert_valid_ooxml  # noqa: E402

XLWINGS_DIR = Path(xlwings.__file__).parent
# Written by hand from the issue: caption → macro → Python call.
BUTTONS = {"Tạo biểu mẫu": ("TaoBieuMau", "kh_excel.excel.tao_bieu_mau()"),
           "Kiểm tra": ("KiemTra", "kh_excel.excel.kiem_tra()"),
           "Tổng hợp": ("TongHop", "kh_excel.excel.tong_hop()"),
           "Lập báo cáo": ("LapBaoCao", "kh_excel.excel.lap_bao_cao()")}
INPUT_CELLS = {"C5", "C6", "C7", "C8", "C9", "C11", "C12", "C13"}
OUTPUT_CELLS = {"C15", "C16", "C17", "C18", "C19", "C20", "C21"}
NS = {"x": "urn:schemas-microsoft-com:office:excel"}


@pytest.fixture(scope="module")
def panel(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("panel") / "BangDieuKhien.xlsm"
    result = CliRunner().invoke(cli, ["excel-panel", "-o", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Đã ghi {path}\n")
    return path


def modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {stream.split("/")[-1]: code for _f, stream, _n, code in parser.extract_macros()}
    finally:
        parser.close()


def test_olevba_finds_the_xlwings_module_and_the_macros_calling_runpython(panel):
    found = modules(panel)
    assert set(found) == {"ThisWorkbook", "Sheet1", "Sheet2", "Sheet3", "Sheet4", "Sheet5",
                          "xlwings", "KhExcel"}
    shipped = (XLWINGS_DIR / "xlwings.bas").read_text("cp1252").replace("\r\n", "\n")
    assert found["xlwings"].replace("\r\n", "\n").strip() == shipped.strip()
    assert "Public Function RunPython(PythonCommand As String)" in found["xlwings"]
    assert "xlwings is distributed under a BSD 3-clause license." in found["xlwings"]
    ours = found["KhExcel"]
    for macro, call in BUTTONS.values():
        assert re.search(rf'Sub {macro}\(\)\s+RunPython "import kh_excel\.excel; {re.escape(call)}"'
                         r"\s+End Sub", ours), macro
    assert 'Attribute VB_Base = "0{00020820-0000-0000-C000-000000000046}"' in found["Sheet1"]


def test_the_project_is_source_only_and_matches_the_sheets_code_names(panel):
    z = zipfile.ZipFile(panel)
    ole = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")))
    # _VBA_PROJECT: reserved 0x61CC, version 0xFFFF: no compiled cache, Excel compiles the source.
    assert ole.openstream("VBA/_VBA_PROJECT").read()[:4] == bytes.fromhex("CC61FFFF")
    project = ole.openstream("PROJECT").read().decode("cp1252")
    assert "Module=xlwings\r\nModule=KhExcel\r\n" in project
    names = re.findall(r'codeName="(\w+)"', z.read("xl/workbook.xml").decode())
    for n in range(1, 6):
        names += re.findall(r'codeName="(\w+)"', z.read(f"xl/worksheets/sheet{n}.xml").decode())
    assert names == ["ThisWorkbook", "Sheet1", "Sheet2", "Sheet3", "Sheet4", "Sheet5"]
    for name in names:
        assert f"Document={name}/&H00000000\r\n" in project


def test_every_button_is_bound_to_its_macro(panel):
    import xml.etree.ElementTree as ET

    z = zipfile.ZipFile(panel)
    rels = z.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    vml_target = re.search(r'Target="\.\./drawings/(vmlDrawing\d+\.vml)"', rels).group(1)
    assert "<legacyDrawing r:id=" in z.read("xl/worksheets/sheet1.xml").decode()
    root = ET.fromstring(z.read(f"xl/drawings/{vml_target}"))
    bound = {}
    for shape in root.iter("{urn:schemas-microsoft-com:vml}shape"):
        data = shape.find("x:ClientData", NS)
        if data.get("ObjectType") == "Button":
            caption = "".join(shape.find("{urn:schemas-microsoft-com:vml}textbox").itertext())
            bound[caption] = data.find("x:FmlaMacro", NS).text
    assert bound == {caption: f"[0]!{macro}" for caption, (macro, _) in BUTTONS.items()}
    ct = z.read("[Content_Types].xml").decode()
    assert 'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"' in ct
    assert "application/vnd.ms-office.vbaProject" in ct
    assert "relationships/vbaProject" in z.read("xl/_rels/workbook.xml.rels").decode()


def test_input_and_output_cells_are_unlocked_and_the_rest_is_protected(panel):
    import openpyxl

    wb = openpyxl.load_workbook(panel)
    ws = wb["Bảng điều khiển"]
    assert ws.protection.sheet is True
    assert ws.protection.objects is True  # buttons cannot be moved or edited
    # The buttons colour the result cell and add links: Excel allows neither on a protected
    # sheet (even in unlocked cells) unless the protection lets it (openpyxl: False = allowed).
    assert ws.protection.formatCells is False and ws.protection.insertHyperlinks is False
    assert ws.protection.insertRows is True and ws.protection.deleteRows is True
    unlocked = {c.coordinate for row in ws.iter_rows(max_row=60, max_col=10) for c in row
                if not c.protection.locked}
    assert unlocked == INPUT_CELLS | OUTPUT_CELLS
    labels = {ws.cell(row=int(c[1:]), column=2).value for c in INPUT_CELLS}
    assert labels == {"Thư mục biểu đã nhận", "Đơn vị tổng hợp", "Kỳ báo cáo",
                      "Thư mục ghi kết quả", "Ghi đè tệp đã có", "Số văn bản", "Ngày ký",
                      "Người ký"}
    assert wb.sheetnames == ["Bảng điều khiển", "Kết quả kiểm tra", "Tình hình nộp biểu",
                             "Số liệu tổng hợp", "xlwings.conf"]
    conf = wb["xlwings.conf"]
    assert (conf["A1"].value, conf["B1"].value) == ("Interpreter_Win", sys.executable)
    assert conf["A3"].value is None  # xlwings reads keys from A1 down to the first blank


def test_the_panel_passes_the_open_xml_validator(panel):
    assert_valid_ooxml(panel)


@pytest.mark.libreoffice
def test_libreoffice_opens_the_panel_and_renders_the_sheet(panel, tmp_path):
    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice or poppler-utils not installed")
    from kh_excel.libreoffice import convert

    pdf, = convert([panel], tmp_path, fmt="pdf")
    text = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    for words in ("BẢNG ĐIỀU KHIỂN KH-EXCEL", "Thư mục biểu đã nhận", "Đơn vị tổng hợp",
                  "Kỳ báo cáo", "Cách dùng", "Lập báo cáo"):
        assert words in text, words


@pytest.mark.libreoffice
def test_libreoffice_reads_the_vba_project_and_binds_each_button_to_its_macro(panel, tmp_path):
    """A second, independent reader of the VBA project: LibreOffice imports the modules from
    vbaProject.bin and resolves each button's macro to the module that holds it."""
    import html

    if not shutil.which("soffice"):
        pytest.skip("LibreOffice not installed")
    # ODF keeps the imported modules as Basic/*.xml; kh_excel.libreoffice has no ods filter.
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--headless", "--convert-to", "ods", "--outdir", str(tmp_path), str(panel)],
                   capture_output=True, timeout=300, check=True)
    z = zipfile.ZipFile(tmp_path / f"{panel.stem}.ods")
    ours = html.unescape(z.read("Basic/VBAProject/KhExcel.xml").decode())
    for macro, call in BUTTONS.values():
        assert f'Sub {macro}()\n    RunPython "import kh_excel.excel; {call}"\nEnd Sub' in ours
    assert "Public Function RunPython(PythonCommand As String)" in html.unescape(
        z.read("Basic/VBAProject/xlwings.xml").decode())
    content = z.read("content.xml").decode()
    labels = re.findall(r'<form:button [^>]*form:label="([^"]+)"', content)
    targets = re.findall(r'xlink:href="vnd\.sun\.star\.script:VBAProject\.KhExcel\.(\w+)\?', content)
    assert labels == list(BUTTONS)
    assert targets == [macro for macro, _ in BUTTONS.values()]


def test_another_python_can_be_named(tmp_path):
    import openpyxl

    path = tmp_path / "p.xlsm"
    python = r"C:\Users\hkh\AppData\Local\Programs\Python\Python312\pythonw.exe"
    result = CliRunner().invoke(cli, ["excel-panel", "-o", str(path), "--python", python],
                                catch_exceptions=False)
    assert result.exit_code == 0
    assert openpyxl.load_workbook(path)["xlwings.conf"]["B1"].value == python


def test_the_xlsm_suffix_is_required(tmp_path):
    result = CliRunner().invoke(cli, ["excel-panel", "-o", str(tmp_path / "a.xlsx")])
    assert result.exit_code == 2
    assert result.output.strip() == (f"Lỗi: Tệp {tmp_path / 'a.xlsx'} phải có đuôi .xlsm (sổ "
                                     "tính có macro), ví dụ BangDieuKhien.xlsm.")
    assert not (tmp_path / "a.xlsx").exists()


# --- the VBA project's parts -----------------------------------------------------------------

def test_compression_round_trips_through_oletools():
    rng = random.Random(7)
    bas = (XLWINGS_DIR / "xlwings.bas").read_bytes()
    samples = [b"", b"a", b"abc" * 3000, bas, bytes(rng.randrange(256) for _ in range(8192))]
    for data in samples:
        packed = vba.compress(data)
        assert packed[0] == 1
        assert bytes(decompress_stream(bytearray(packed))) == data
    assert len(vba.compress(bas)) < len(bas) // 2


def test_project_values_decrypt_like_excels():
    # The PROJECT stream of xlwings' quickstart, saved by Excel: not protected, visible.
    quick = zipfile.ZipFile(XLWINGS_DIR / "quickstart_standalone.xlsm").read("xl/vbaProject.bin")
    text = olefile.OleFileIO(io.BytesIO(quick)).openstream("PROJECT").read().decode("cp1252")
    values = dict(re.findall(r'^(\w+)="([^"]*)"', text, re.M))
    key = sum(values["ID"].encode()) & 0xFF
    assert vba.decrypt(values["CMG"]) == (key, b"\0\0\0\0")
    assert vba.decrypt(values["DPB"]) == (key, b"\0")
    assert vba.decrypt(values["GC"]) == (key, b"\xff")
    for seed in range(20):
        sealed = vba.encrypt(b"\x01\x02", "{ABC}", random.Random(seed))
        assert vba.decrypt(sealed) == (sum(b"{ABC}") & 0xFF, b"\x01\x02")


def test_compound_file_is_read_back_by_olefile():
    root = cfb.Storage("Root Entry")
    sub = root.add("VBA", cfb.Storage("VBA"))
    streams = {f"m{n}": bytes([n]) * (n * 700) for n in range(1, 12)}  # both sides of 4,096
    for name, data in streams.items():
        sub.add(name, data)
    root.add("PROJECT", b"ID=x\r\n")
    ole = olefile.OleFileIO(io.BytesIO(cfb.build(root)))
    assert sorted(ole.listdir()) == sorted([["PROJECT"]] + [["VBA", n] for n in streams])
    for name, data in streams.items():
        assert ole.openstream(f"VBA/{name}").read() == data
    assert ole.openstream("PROJECT").read() == b"ID=x\r\n"


def printable_copy(panel: Path, out: Path) -> Path:
    """A copy of the panel whose buttons are marked printable: LibreOffice leaves unprintable
    form controls out of a PDF, and the picture should show them."""
    with zipfile.ZipFile(panel) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/drawings/vmlDrawing"):
                data = data.replace(b"<x:PrintObject>False</x:PrintObject>",
                                    b"<x:PrintObject>True</x:PrintObject>")
            dst.writestr(item, data)
    return out


@pytest.mark.libreoffice
def test_the_panel_renders_as_a_picture(panel, tmp_path):
    """The panel's first page as PNG (KH_PANEL_PNG=docs/panel.png writes the README's picture)."""
    import os

    if not shutil.which("soffice") or not shutil.which("pdftoppm"):
        pytest.skip("LibreOffice or poppler-utils not installed")
    from kh_excel.libreoffice import convert

    pdf, = convert([printable_copy(panel, tmp_path / "BangDieuKhien.xlsm")], tmp_path / "pdf",
                   fmt="pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                    "-x", "55", "-y", "45", "-W", "800", "-H", "560", str(pdf),
                    str(tmp_path / "panel")], check=True)
    png = tmp_path / "panel.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    if os.environ.get("KH_PANEL_PNG"):
        shutil.copy(png, os.environ["KH_PANEL_PNG"])


def test_without_xlwings_the_command_says_what_to_install(tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "xlwings" else real(name, *a))
    result = CliRunner().invoke(cli, ["excel-panel", "-o", str(tmp_path / "p.xlsm")])
    assert result.exit_code == 2
    assert result.output.strip() == ('Lỗi: Cài thêm phần Excel của kh-excel: pip install '
                                     '"kh-excel[excel]" (xlwings chưa có).')
    assert not (tmp_path / "p.xlsm").exists()
