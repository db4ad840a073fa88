"""Building filled and damaged form files for the reading and check tests."""
from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from kh_excel.forms.fill import fill_form
from kh_excel.forms.layout import DATA_SHEET, value_name
from kh_excel.forms.writer import FormSpec, write_form
from kh_excel.periods import Period

# A consistent commune (Xã Văn Vũ, 2023): every rule of the rulebook holds.
XA = {
    "dan_so": 3280, "hoi_vien": 820, "hoi_vien_moi": 31, "so_hoi_co_so": 1, "so_chi_hoi": 14,
    "so_ban_khuyen_hoc": 1, "quy_van_dong": 45_600_000, "tong_quy": 60_000_000,
    "heo_dat_so": 12, "heo_dat_tien": 6_000_000, "hoc_bong_suat": 40, "hoc_bong_tien": 16_000_000,
    "ho_tro_ngheo_suat": 20, "ho_tro_ngheo_tien": 10_000_000, "khen_hsg_suat": 90,
    "khen_hsg_tien": 13_500_000, "khen_nguoi_lon_suat": 0, "khen_nguoi_lon_tien": 0,
    "qua_suat": 60, "qua_tien": 6_000_000, "gia_dinh_hoc_tap": 560, "tong_so_ho": 820,
    "dong_ho_hoc_tap": 10, "tong_dong_ho": 16, "cong_dong_hoc_tap": 9, "tong_thon": 12,
    "don_vi_hoc_tap": 5, "tong_don_vi": 10, "cdht_dang_ky": 1500, "cdht_cong_nhan": 1000,
    "cdht_doi_tuong": 2000, "xa_cdht_dat": 1, "tthtcd_lop": 8, "tthtcd_hoc_vien": 300,
    "lop_tap_huan": 1, "hoc_vien_tap_huan": 35, "giay_khen": 3, "so_nhiem_vu": 6,
    "so_chi_tieu": 5, "so_giai_phap": 6,
}
XA_VALUES = {(code, "xa"): v for code, v in XA.items()}
INFO = {"nguoi_lap": "Nguyễn Thị Hoa", "chuc_vu": "Chủ tịch Hội", "dien_thoai": "0209.3812345",
        "ngay_lap": "15/12/2023"}
TEXTS = {"noi_bat": "Quỹ khuyến học tăng; trao học bổng đúng đối tượng.",
         "kien_nghi": "Đề nghị hỗ trợ kinh phí hoạt động."}

# The district association of Na Rì, its own-level form: communes' column and its own column.
HUYEN_VALUES = {
    ("dan_so", "xa"): 45210, ("hoi_vien", "xa"): 10360, ("hoi_vien", "huyen"): 120,
    ("quy_van_dong", "xa"): 1_250_000_000, ("quy_van_dong", "huyen"): 80_000_000,
    ("hoc_bong_suat", "xa"): 340, ("hoc_bong_tien", "xa"): 170_000_000,
    ("hoc_bong_suat", "huyen"): 20, ("hoc_bong_tien", "huyen"): 20_000_000,
}


def commune_spec(units) -> FormSpec:
    return FormSpec("xa", "legacy-3tier", Period.parse("2023"), units["van_vu"], units["na_ri"])


def district_spec(units) -> FormSpec:
    return FormSpec("huyen", "legacy-3tier", Period.parse("2023"), units["na_ri"],
                    units["bac_kan"])


def filled(folder: Path, spec: FormSpec, values: dict, name: str = "form.xlsx",
           info: dict | None = None, texts: dict | None = None) -> Path:
    """A generated form filled by name (saved by openpyxl: formulas have no cached values)."""
    folder.mkdir(parents=True, exist_ok=True)
    blank = write_form(folder / f".blank-{name}", spec, force=True)
    return fill_form(blank, folder / name, values, info=info, texts=texts, force=True)


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def named_cell(wb, code: str, level: str):
    """The cell of a value's defined name in an openpyxl workbook."""
    (sheet, ref), = wb.defined_names[value_name(code, level)].destinations
    return wb[sheet][ref.replace("$", "")]


def edited(src: Path, dst: Path, edit) -> Path:
    """A copy of ``src`` changed by ``edit(workbook)`` and saved by openpyxl."""
    wb = load_workbook(src)
    edit(wb)
    wb.save(dst)
    return dst


def with_cells(src: Path, dst: Path, cells: dict[tuple[str, str], object]) -> Path:
    """A copy with some value cells overwritten (texts as text, never formulas)."""
    def edit(wb):
        for (code, level), value in cells.items():
            cell = named_cell(wb, code, level)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
    return edited(src, dst, edit)


def rezip(src: Path, dst: Path, replace: dict[str, bytes | None] | None = None,
          add: dict[str, bytes] | None = None) -> Path:
    """A copy of a zip package with parts replaced, removed (None) or added."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = replace.get(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    dst.write_bytes(out.getvalue())
    return dst


def sheet_part(path: Path, sheet: str = DATA_SHEET) -> str:
    """The zip part name of a sheet (xl/worksheets/sheetN.xml)."""
    import re
    with zipfile.ZipFile(path) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="([^"]+)"', wb).group(1)
    target = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*Target="([^"]+)"', rels) or \
        re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels)
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "' + (f"&lol{i - 1};" if i > 1 else "&lol;") * 10 + '">'
              for i in range(1, 10))
    + "]>"
)


def with_entity_bomb(xml: bytes, use: bool = True) -> bytes:
    """An XML part with a billion-laughs DOCTYPE after its declaration (and an entity used)."""
    text = xml.decode("utf-8")
    end = text.index("?>") + 2 if text.startswith("<?xml") else 0
    text = text[:end] + BILLION_LAUGHS + text[end:]
    if use:  # the entity as text of the root element: a parser that expands it blows up
        root_end = text.index(">", text.index("<", end + len(BILLION_LAUGHS))) + 1
        text = text[:root_end] + "&lol9;" + text[root_end:]
    return text.encode("utf-8")
