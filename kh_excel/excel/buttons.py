"""What the panel's buttons run: read the inputs from the calling workbook, call one or two
``kh_excel.app`` use cases, write the results back into the workbook.

Every button ends by showing one line in the panel's ``Kết quả`` cell. A problem that stops it
(a :class:`~kh_excel.errors.KhError`, or anything unexpected) is shown there in red and in a
message box, in Vietnamese: a Python traceback never reaches the user (xlwings would show one in
a dialog if the function raised).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import app
from ..errors import (AmbiguousUnit, InvalidPeriod, KhError, OutputExists, ReportHasErrors,
                      SchemeMismatch, TierMismatch, UnitNotFound, UsageError)
from ..periods import Period, scheme_for
from ..textnorm import ascii_slug
from . import layout as L
from . import results

TITLE = "kh-excel"
# Which input a use-case error is about, so that the message can name its cell.
_ABOUT = {UnitNotFound: "don_vi", AmbiguousUnit: "don_vi", TierMismatch: "don_vi",
          InvalidPeriod: "ky", SchemeMismatch: "ky"}


@dataclass
class Done:
    """What a button did: the line for the panel and the files to link to."""

    message: str
    links: list[Path] = field(default_factory=list)


class Inputs:
    """The panel's input cells, read once, with the checks every button needs."""

    def __init__(self, book) -> None:
        panel = book.sheets[L.PANEL]
        self.values = {f.key: _plain(panel.range(f.cell).value) for f in L.INPUTS}
        self.base = Path(book.fullname).parent if getattr(book, "fullname", None) else Path.cwd()

    def text(self, key: str) -> str:
        value = self.values.get(key, "")
        if not value:
            f = L.FIELDS[key]
            raise UsageError(detail=f"Chưa điền ô «{f.label}» ({f.cell}) ở trang {L.PANEL}. "
                                    f"{f.hint}",
                             detail_en=f"Cell {f.cell} ({f.label}) of sheet {L.PANEL} is empty.")
        return value

    def optional(self, key: str) -> str | None:
        return self.values.get(key) or None

    def path(self, key: str) -> Path:
        """A folder typed in the panel; relative to the workbook's folder if not absolute."""
        path = Path(self.text(key)).expanduser()
        return path if path.is_absolute() else self.base / path

    def folder(self, key: str) -> Path:
        """A folder that must exist."""
        path = self.path(key)
        if not path.is_dir():
            f = L.FIELDS[key]
            what = "là một tệp, không phải thư mục" if path.exists() else "không có"
            raise UsageError(detail=f"Thư mục {path} (ô «{f.label}», {f.cell}) {what}. Hãy ghi "
                                    "đúng đường dẫn thư mục.",
                             detail_en=f"Folder {path} (cell {f.cell}) does not exist.")
        return path

    def output(self) -> Path:
        """The output folder: never inside the folder of received forms, where the forms and
        roll-ups written there would be read back as received forms on the next press."""
        out = self.path("thu_muc_ket_qua")
        received = self.optional("thu_muc_bieu")
        if received:
            inbox = self.path("thu_muc_bieu")
            if out.resolve() == inbox.resolve() or inbox.resolve() in out.resolve().parents:
                f, g = L.FIELDS["thu_muc_ket_qua"], L.FIELDS["thu_muc_bieu"]
                raise UsageError(
                    detail=f"Thư mục ghi kết quả {out} ({f.cell}) nằm trong thư mục biểu đã nhận "
                           f"({g.cell}): kết quả sẽ bị đọc lại như biểu đã nộp. Hãy chọn thư mục "
                           "khác, ở ngoài thư mục biểu đã nhận.",
                    detail_en=f"The output folder {out} ({f.cell}) is inside the folder of "
                              f"received forms ({g.cell}). Choose a folder outside it.")
        return out

    @property
    def force(self) -> bool:
        return (self.values.get("ghi_de") or "").strip().lower() in ("có", "co", "x", "yes")


def _plain(value: object) -> str:
    """A cell's value as the text a user meant (Excel gives 2023 as 2023.0, dates as dates)."""
    if value is None:
        return ""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def run(action: Callable[[object, Inputs], Done]) -> None:
    """Run one button's ``action`` on the calling workbook and show how it went."""
    import xlwings as xw

    book = xw.Book.caller()
    try:
        panel = book.sheets[L.PANEL]
        _show(panel, "Đang chạy…", [], ok=True)
        done = action(book, Inputs(book))
        _show(panel, done.message, done.links, ok=True)
    except KhError as exc:
        _fail(book, explain(exc))
    except Exception as exc:  # noqa: BLE001 - the user must see a message, never a traceback
        _fail(book, f"Lỗi ngoài dự kiến trong kh-excel ({type(exc).__name__}: {exc}). "
                    "Hãy chụp màn hình thông báo này gửi người hỗ trợ.")


def explain(exc: KhError) -> str:
    """The Vietnamese message of an error that stopped a button, in the panel's words."""
    if isinstance(exc, OutputExists):
        f = L.FIELDS["ghi_de"]
        return (f"Tệp {exc.params['path']} đã có. Chọn «{L.YES}» ở ô «{f.label}» ({f.cell}) để "
                "ghi đè, hoặc chọn thư mục ghi kết quả khác.")
    if isinstance(exc, ReportHasErrors):
        return (f"Tệp tổng hợp {exc.params['path']} còn {exc.params['count']} lỗi số liệu nên "
                "chưa lập báo cáo. Bấm Kiểm tra để xem các lỗi, sửa biểu, rồi bấm Tổng hợp và "
                "Lập báo cáo lại.")
    message = exc.message("vi")
    key = next((k for cls, k in _ABOUT.items() if isinstance(exc, cls)), None)
    if key:
        f = L.FIELDS[key]
        message += f" (Ô «{f.label}», {f.cell}.)"
    return message


def _show(panel, message: str, links: list[Path], ok: bool) -> None:
    status = panel.range(L.STATUS_CELL)
    status.value = results.cell_text(message)
    status.color = L.OUTPUT_RGB if ok else L.ERROR_RGB
    for n, cell in enumerate(L.FILE_CELLS):
        target = panel.range(cell)
        if n < len(links):
            target.add_hyperlink(str(links[n]), text_to_display=str(links[n]),
                                 screen_tip="Bấm để mở")
        else:
            target.value = None


def _fail(book, message: str) -> None:
    """Show ``message`` in the panel (if it can still be written) and in a message box."""
    try:
        _show(book.sheets[L.PANEL], message, [], ok=False)
    except Exception:  # noqa: BLE001 - a deleted panel or a refused write: the box still shows
        pass
    try:
        book.app.alert(message, title=TITLE, mode="critical")
    except Exception:  # noqa: BLE001 - nothing more can be shown
        pass


# --- the four buttons ------------------------------------------------------------------------

def make_forms(book, inputs: Inputs) -> Done:
    """Tạo biểu mẫu: one pre-filled form per child unit, in <output>/bieu-mau."""
    out_dir = inputs.output() / "bieu-mau"
    made = app.make_forms(period=inputs.text("ky"), children_of=inputs.text("don_vi"),
                          out_dir=out_dir, force=inputs.force)
    return Done(f"Đã tạo {len(made.paths)} biểu cho các đơn vị trực thuộc {made.unit.name} "
                f"(kỳ {made.period}) trong thư mục {out_dir}.", [out_dir])


def check(book, inputs: Inputs) -> Done:
    """Kiểm tra: check every form in the folder; findings to their sheet, marked-up copies to
    <output>/tra-lai."""
    folder = inputs.folder("thu_muc_bieu")
    out = inputs.output()
    report = app.check([folder], lang="vi", exclude=[out])
    if not report.files:
        raise UsageError(detail=f"Không có tệp biểu mẫu (.xlsx, .xlsm, .xls) nào trong {folder}.",
                         detail_en=f"No form files in {folder}.")
    results.write_findings(book, report.findings)
    summary = report.to_dict()["summary"]
    message = (f"Đã kiểm tra {summary['files']} tệp: {summary['loi']} lỗi, {summary['canh_bao']} "
               f"cảnh báo, {summary['thong_tin']} thông tin. Chi tiết ở trang «{L.FINDINGS}».")
    links: list[Path] = []
    if report.findings:
        returned = out / "tra-lai"
        annotated = app.annotate(report, returned, force=inputs.force)
        if annotated.written:
            message += (f" Bản sao tô lỗi để gửi trả: {len(annotated.written)} tệp trong "
                        f"{returned}.")
            links = [returned, *annotated.written][:len(L.FILE_CELLS)]
    return Done(message, links)


def rollup_path(inputs: Inputs, unit, period) -> Path:
    """The roll-up workbook's path in the output folder: ``2023_066_huyen-na-ri_tong-hop.xlsx``."""
    name = f"{period}_{unit.code}_{ascii_slug(unit.name)}_tong-hop.xlsx"
    return inputs.output() / name


def rollup(book, inputs: Inputs) -> Done:
    """Tổng hợp: roll the forms up into a workbook; who sent a form, totals and findings to
    their sheets."""
    folder = inputs.folder("thu_muc_bieu")
    inputs.output()  # refused before the work, not after it
    result = app.rollup([folder], unit=inputs.text("don_vi"), period=inputs.text("ky"), lang="vi")
    path = app.write_rollup(result, rollup_path(inputs, result.unit, result.period),
                            force=inputs.force)
    results.write_findings(book, result.findings)
    results.write_submissions(book, result)
    results.write_totals(book, result, app.list_indicators())
    summary = result.to_dict()["summary"]
    return Done(f"Tổng hợp {result.unit.name} kỳ {result.period}: đã nhận {result.received}/"
                f"{result.expected} đơn vị; {summary['loi']} lỗi, {summary['canh_bao']} cảnh báo. "
                f"Xem các trang «{L.STATUS}», «{L.TOTALS}», «{L.FINDINGS}».", [path])


def report(book, inputs: Inputs) -> Done:
    """Lập báo cáo: draft the report from the roll-up in the output folder (made first if it is
    not there, or again when overwriting is allowed)."""
    period = Period.parse(inputs.text("ky"))
    unit, = app.find_units(inputs.text("don_vi"), scheme=scheme_for(period, None))
    source = rollup_path(inputs, unit, period)
    made = ""
    if inputs.force or not source.exists():
        made = rollup(book, inputs).message + " "
    drafted = app.draft_report(source, "bao-cao", lang="vi", so=inputs.optional("so"),
                               ngay=inputs.optional("ngay"), nguoi_ky=inputs.optional("nguoi_ky"))
    stem = source.name.removesuffix("_tong-hop.xlsx")
    written = app.write_report(drafted, source.with_name(f"{stem}_bao-cao.docx"),
                               text=source.with_name(f"{stem}_bao-cao.md"), force=inputs.force)
    links = [*written, source]
    return Done(f"{made}Đã lập dự thảo báo cáo từ {source.name}: {written[0]}.", links)
