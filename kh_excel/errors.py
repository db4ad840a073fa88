"""Errors that stop a command, and the exit codes of every command.

Problems in a user's data are findings, not exceptions. These exceptions are for "cannot
proceed": each carries a Vietnamese (and English) one-line message that names the file or the
unit and says what to do. The CLI turns them into one ``Lỗi: …`` line in one place.
"""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2
    BAD_INPUT = 3
    CANNOT_WRITE = 4     # an output file or folder that cannot be written
    INTERRUPTED = 130    # Ctrl-C, as shells report a process ended by SIGINT


class KhError(Exception):
    """Base of every error that stops a command."""

    exit_code: ExitCode = ExitCode.USAGE
    vi: str = "{detail}"
    en: str = "{detail}"

    def __init__(self, **params: object) -> None:
        self.params = params
        super().__init__(self.message("vi"))

    def message(self, lang: str = "vi", cli: bool = False) -> str:
        """The message in ``lang``; ``cli`` words it for the command line (flags, not arguments)."""
        template = self.en if lang == "en" else self.vi
        if cli:
            template = getattr(self, "en_cli" if lang == "en" else "vi_cli", template)
        return template.format(**self.params)


class UsageError(KhError):
    """A flag or argument the command cannot work with."""

    vi = "{detail}"
    en = "{detail_en}"


class InvalidPeriod(KhError):
    """A period that is neither YYYY nor YYYY-H1."""

    vi = ("Kỳ báo cáo '{period}' không hợp lệ. Ghi năm (ví dụ 2024) cho báo cáo tổng kết năm, "
          "hoặc năm-H1 (ví dụ 2024-H1) cho sơ kết 6 tháng đầu năm.")
    en = ("Invalid period '{period}'. Use a year (e.g. 2024) for an annual report or "
          "YEAR-H1 (e.g. 2024-H1) for the first six months.")


class UnknownScheme(KhError):
    """A scheme name that is not one of the two administrative schemes."""

    vi = ("Không có hệ thống đơn vị hành chính '{scheme}'. Dùng 'legacy-3tier' (tỉnh – huyện – xã, "
          "đến 30/6/2025) hoặc 'two-tier-2025' (tỉnh – xã, từ 1/7/2025).")
    en = ("Unknown scheme '{scheme}'. Use 'legacy-3tier' (province – district – commune, until "
          "30/6/2025) or 'two-tier-2025' (province – commune, from 1/7/2025).")


class SchemeMismatch(KhError):
    """A period that does not belong to the scheme asked for."""

    vi = ("Kỳ báo cáo {period} không thuộc hệ thống '{scheme}': {why} "
          "Bỏ tuỳ chọn --scheme để dùng hệ thống đúng với kỳ báo cáo.")
    en = ("Period {period} does not belong to scheme '{scheme}': {why_en} "
          "Leave out --scheme to use the scheme of the period.")


class UnitNotFound(KhError):
    """No unit of the registry matches the name or code given."""

    exit_code = ExitCode.USAGE
    vi = "Không tìm thấy đơn vị '{query}'{where}.{suggest}"
    en = "No unit '{query}'{where_en}.{suggest_en}"


class AmbiguousUnit(KhError):
    """Several units match the name given."""

    vi = ("Tên '{query}' trùng với nhiều đơn vị{where}: {matches}. "
          "Ghi rõ hơn (ví dụ '{example}'), dùng mã đơn vị, hoặc thêm --parent.")
    en = ("'{query}' matches several units{where_en}: {matches}. "
          "Be more precise (e.g. '{example}'), use the unit code, or add --parent.")


class TierMismatch(KhError):
    """The tier asked for is not the tier of the unit."""

    vi = "{unit} là đơn vị {actual}, không phải {wanted}. Bỏ --tier hoặc chọn đúng đơn vị."
    en = "{unit} is a {actual_en} unit, not {wanted_en}. Leave out --tier or choose the right unit."


class OutputExists(KhError):
    """An output file exists and overwriting it was not asked for (``force=True``, ``--force``)."""

    vi = "Tệp {path} đã có. Gọi lại với force=True để ghi đè, hoặc chọn tên tệp khác."
    en = "{path} exists. Pass force=True to overwrite it, or choose another file name."
    vi_cli = "Tệp {path} đã có. Thêm --force để ghi đè, hoặc chọn tên tệp khác."
    en_cli = "{path} exists. Add --force to overwrite it, or choose another file name."


class BadDataFile(KhError):
    """A data file (extra units, rulebook, catalogue) that cannot be used."""

    exit_code = ExitCode.BAD_INPUT
    vi = "Tệp {path} không dùng được: {detail}"
    en = "{path} cannot be used: {detail_en}"


class FormUnreadable(KhError):
    """A file that is not a readable workbook."""

    exit_code = ExitCode.BAD_INPUT
    vi = "Không đọc được tệp {path}: {detail}"
    en = "Cannot read {path}: {detail_en}"


class UnknownTemplate(KhError):
    """A workbook that is not a kh-excel form, or of a version this program does not know."""

    exit_code = ExitCode.BAD_INPUT
    vi = "Tệp {path} không phải biểu mẫu kh-excel đã biết: {detail}"
    en = "{path} is not a known kh-excel form: {detail_en}"


class LibreOfficeFailed(KhError):
    """LibreOffice (soffice) is missing, failed, stopped early or timed out."""

    exit_code = ExitCode.BAD_INPUT
    vi = "LibreOffice không chuyển được tệp: {detail}"
    en = "LibreOffice could not convert the files: {detail_en}"


class ReportHasErrors(KhError):
    """The input of a report has error-severity findings and --allow-errors was not given."""

    exit_code = ExitCode.FINDINGS
    vi = ("Tệp {path} còn {count} lỗi số liệu nên chưa lập báo cáo. {how} Sửa các lỗi rồi chạy "
          "lại, hoặc gọi với allow_errors=True để vẫn lập bản dự thảo (bản dự thảo sẽ ghi rõ số "
          "liệu còn lỗi).")
    en = ("{path} still has {count} data error(s), so no report was drafted. {how_en} Correct "
          "them and run again, or pass allow_errors=True to draft anyway (the draft will say so).")
    vi_cli = ("Tệp {path} còn {count} lỗi số liệu nên chưa lập báo cáo. {how} Sửa các lỗi rồi "
              "chạy lại, hoặc thêm --allow-errors để vẫn lập bản dự thảo (bản dự thảo sẽ ghi rõ "
              "số liệu còn lỗi).")
    en_cli = ("{path} still has {count} data error(s), so no report was drafted. {how_en} "
              "Correct them and run again, or add --allow-errors to draft anyway (the draft will "
              "say so).")


class ReportTemplateError(KhError):
    """A narrative template (the user's or ours) that cannot be rendered."""

    exit_code = ExitCode.BAD_INPUT
    vi = "Mẫu văn bản {path} không dùng được: {detail}"
    en = "Template {path} cannot be used: {detail_en}"


class OutputNotWritable(KhError):
    """An output folder that cannot be created or written to."""

    exit_code = ExitCode.CANNOT_WRITE
    vi = "Không ghi được vào {path}: {detail} Hãy chọn thư mục khác."
    en = "Cannot write to {path}: {detail_en} Choose another folder."


class NothingToRollUp(KhError):
    """A roll-up with no valid child form and no own form: there is nothing to add up."""

    exit_code = ExitCode.FINDINGS
    vi = ("Không có biểu hợp lệ nào của {unit} kỳ {period} trong {paths} ({files} tệp đọc "
          "được): chưa ghi tệp tổng hợp. {why}")
    en = ("No valid form for {unit}, period {period}, in {paths} ({files} readable file(s)): "
          "no roll-up written. {why_en}")


class WrongPeriod(KhError):
    """Most forms given are for another period than the one asked for."""

    vi = ("{count}/{files} biểu trong {paths} là kỳ {found}, không phải kỳ {period}. "
          "Có phải kỳ {found}? Chạy lại với --period {found}, hoặc chọn đúng thư mục.")
    en = ("{count} of {files} forms in {paths} are for period {found}, not {period}. "
          "Did you mean period {found}? Run again with --period {found}, or pick the right folder.")


class StoreUnreadable(KhError):
    """The history store is not a kh-excel database this program can use (corrupt, or newer)."""

    exit_code = ExitCode.BAD_INPUT
    vi = ("Kho lịch sử {path} không dùng được: {detail} Tệp được giữ nguyên, không bị tạo lại. "
          "Hãy khôi phục bản sao lưu (kh-excel store --backup), chọn kho khác bằng --store, hoặc "
          "chạy với --no-store.")
    en = ("The history store {path} cannot be used: {detail_en} The file is left as it is. "
          "Restore a backup (kh-excel store --backup), choose another store with --store, or "
          "run with --no-store.")


class StoreNotWritable(KhError):
    """The history store cannot be created or written where it is asked to be."""

    exit_code = ExitCode.BAD_INPUT
    vi = ("Không tạo hoặc ghi được kho lịch sử {path}: {detail} Chọn chỗ khác bằng --store (hoặc "
          "biến môi trường KH_EXCEL_STORE), hoặc chạy với --no-store.")
    en = ("Cannot create or write the history store {path}: {detail_en} Choose another place "
          "with --store (or KH_EXCEL_STORE), or run with --no-store.")


class ReportHasPrompts(KhError):
    """``report --strict``: the draft still has prompts "[Hội bổ sung: …]" for the author."""

    exit_code = ExitCode.FINDINGS
    vi = ("Bản báo cáo còn {count} chỗ cần Hội bổ sung ({where}) nên chưa ghi (strict=True). "
          "Điền nội dung vào trang 'Thông tin chung' của biểu (kết quả nổi bật, tồn tại hạn chế, "
          "phương hướng, kiến nghị) rồi chạy lại, hoặc gọi với strict=False để lập bản dự thảo "
          "có đánh dấu các chỗ này.")
    en = ("The draft still has {count} place(s) for the association to complete ({where}), so "
          "nothing was written (strict=True). Fill in the texts on the sheet 'Thông tin chung' "
          "of the form and run again, or pass strict=False to get a draft with these places "
          "marked.")
    vi_cli = ("Bản báo cáo còn {count} chỗ cần Hội bổ sung ({where}) nên chưa ghi (--strict). "
              "Điền nội dung vào trang 'Thông tin chung' của biểu (kết quả nổi bật, tồn tại hạn "
              "chế, phương hướng, kiến nghị) rồi chạy lại, hoặc bỏ --strict để lập bản dự thảo "
              "có đánh dấu các chỗ này.")
    en_cli = ("The draft still has {count} place(s) for the association to complete ({where}), "
              "so nothing was written (--strict). Fill in the texts on the sheet 'Thông tin "
              "chung' of the form and run again, or leave out --strict to get a draft with these "
              "places marked.")


class CannotWrite(KhError):
    """An output file the system refuses: read-only or full disk, a folder in its place, a
    parent that is a file, a name too long; ``detail`` says which and what to do."""

    exit_code = ExitCode.CANNOT_WRITE
    vi = "Không ghi được {path}: {detail}"
    en = "Cannot write {path}: {detail_en}"
