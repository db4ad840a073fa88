"""``kh-excel report``: draft the narrative report (docx, and text) from a form or a roll-up."""
from __future__ import annotations

from pathlib import Path

import click

from .. import app
from ..report.narrative import STYLES
from .main import cli
from .i18n import english
from .options import force_option
from .store import store_options

_FILE = click.Path(dir_okay=False, path_type=Path)


@english(
    """Draft the report (Word, and a text version) from a roll-up or one filled form.

    INPUT is a roll-up made by kh-excel, or the form of one unit (commune, district,
    province; the Tổng cộng column alone will do). A sentence whose figures are missing is left
    out, never written with 0. With data errors in the input the command stops (exit code 1)
    unless --allow-errors is given.

    \b
    Examples:
      kh-excel report tong_hop_2023.xlsx -o bao_cao_2023.docx
      kh-excel report tong_hop_2023.xlsx --style tin-bai -o tin_bai.docx --text tin_bai.md
      kh-excel report 2023_066_huyen-na-ri.xlsx -o bao_cao.docx --so 05 --ngay 18/01/2024
      kh-excel report tong_hop_2023.xlsx -o bao_cao.docx --config van_ban.toml --trace nguon.json
      kh-excel report tong_hop_2023.xlsx --style tin-bai -o tin_bai.docx --ngay-to-chuc 18/01/2024
          --dia-diem "Hội trường UBND huyện" --thanh-phan "đồng chí Nông Quang Kế – Phó Chủ tịch UBND huyện"
      kh-excel report 2023_066_huyen-na-ri.xlsx --previous NaRi_2022_tong-hop.xlsx -o bao_cao.docx
    """,
    style="bao-cao: the year's or half-year's report (Decree 30 layout); tin-bai: a news item "
          "for the portal.",
    output="The Word file to write (.docx).",
    text_path="Also write a text version (Markdown, .md).",
    trace_path="Write a JSON file telling which indicators and cells each sentence used.",
    templates="A folder of your own sentence templates (copied from templates/docx_text, "
              "then edited).",
    config="A TOML file of document details: ten_to_chuc, co_quan_chu_quan, so, ky_hieu, "
           "dia_danh, ngay, tham_quyen, chuc_vu, nguoi_ky, noi_nhan, tac_gia, ten_don_vi; "
           "table [tin_bai]: su_kien, ngay_to_chuc, dia_diem, thanh_phan.",
    so="Document number (blank by default: Số: …/BC-HKH).",
    ngay="Signing date, like 18/01/2024 (blank by default).",
    nguoi_ky="Name of the signatory.",
    ten_don_vi="The unit's name printed in the documents, when the form's is not the one in "
               "force for the period (e.g. \"Huyện Kỳ Anh\" before it became a thị xã).",
    su_kien="News item: the event (default: Hội nghị tổng kết công tác khuyến học, khuyến tài "
            "… năm N, triển khai nhiệm vụ năm N+1).",
    ngay_to_chuc="News item: the date of the event, like 18/01/2024.",
    dia_diem="News item: where it was held.",
    thanh_phan="News item: who attended (e.g. đồng chí Nông Văn Nguyên – Bí thư Huyện ủy). Also "
               "in the table [tin_bai] of the --config file.",
    period="The period, when the file does not say (a blank form): 2024 or 2024-H1.",
    previous="Last period's roll-up, or the unit's own filled form of last period, to compare "
             "with.",
    allow_errors="Draft even with data errors (the document then says so).",
    final="The final version: no \"DỰ THẢO\" mark at the top of page 1.",
    strict="Write nothing while the draft has places marked \"[Hội bổ sung: …]\" (exit "
           "code 1).",
    force="Overwrite output files that exist.")
@cli.command("report")
@click.argument("input_path", metavar="INPUT", type=_FILE)
@click.option("--style", type=click.Choice(STYLES), default="bao-cao", show_default=True,
              help="bao-cao: báo cáo tổng kết/sơ kết (thể thức Nghị định 30); tin-bai: tin bài "
                   "cho cổng thông tin.")
@click.option("-o", "--output", type=_FILE, required=True, help="Tệp Word sẽ tạo (.docx).")
@click.option("--text", "text_path", type=_FILE, help="Ghi thêm bản chữ (Markdown, .md).")
@click.option("--trace", "trace_path", type=_FILE,
              help="Ghi tệp JSON cho biết mỗi câu dùng chỉ tiêu nào, ô nào.")
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path),
              help="Thư mục mẫu văn bản riêng (chép từ templates/docx_text rồi sửa).")
@click.option("--config", type=_FILE,
              help="Tệp TOML thông tin văn bản: ten_to_chuc, co_quan_chu_quan, so, ky_hieu, "
                   "dia_danh, ngay, tham_quyen, chuc_vu, nguoi_ky, noi_nhan, tac_gia, ten_don_vi; bảng "
                   "[tin_bai]: su_kien, ngay_to_chuc, dia_diem, thanh_phan.")
@click.option("--so", help="Số văn bản (mặc định để trống: Số: …/BC-HKH).")
@click.option("--ngay", help="Ngày ký, dạng 18/01/2024 (mặc định để trống).")
@click.option("--nguoi-ky", help="Họ tên người ký.")
@click.option("--ten-don-vi", help="Tên đơn vị in trong văn bản, khi tên trong biểu không phải "
              "tên của kỳ báo cáo (ví dụ \"Huyện Kỳ Anh\" trước khi thành thị xã).")
@click.option("--su-kien", help="Tin bài: tên sự kiện (mặc định: Hội nghị tổng kết công tác "
              "khuyến học, khuyến tài … năm N, triển khai nhiệm vụ năm N+1).")
@click.option("--ngay-to-chuc", help="Tin bài: ngày tổ chức, dạng 18/01/2024.")
@click.option("--dia-diem", help="Tin bài: nơi tổ chức.")
@click.option("--thanh-phan", help="Tin bài: thành phần dự (ví dụ: đồng chí Nông Văn Nguyên – Bí "
              "thư Huyện ủy). Có thể ghi trong bảng [tin_bai] của tệp --config.")
@click.option("--period", help="Kỳ báo cáo, khi tệp không ghi (biểu mẫu trắng): 2024 hoặc 2024-H1.")
@click.option("--previous", "previous", type=_FILE,
              help="Tệp tổng hợp hoặc biểu đã điền của chính đơn vị kỳ trước, để so sánh.")
@click.option("--allow-errors", is_flag=True,
              help="Vẫn lập bản dự thảo khi số liệu còn lỗi (văn bản sẽ ghi rõ điều này).")
@click.option("--final", is_flag=True,
              help="Bản chính thức: không ghi dấu \"DỰ THẢO\" ở đầu trang 1.")
@click.option("--strict", is_flag=True,
              help="Không ghi văn bản còn chỗ đánh dấu \"[Hội bổ sung: …]\" (mã thoát 1).")
@force_option
@click.pass_context
@store_options
def report_cmd(ctx: click.Context, input_path: Path, style: str, output: Path,
               text_path: Path | None, trace_path: Path | None, templates: Path | None,
               config: Path | None, so: str | None, ngay: str | None, nguoi_ky: str | None,
               ten_don_vi: str | None, su_kien: str | None, ngay_to_chuc: str | None,
               dia_diem: str | None, thanh_phan: str | None, period: str | None,
               previous: Path | None, allow_errors: bool, final: bool, strict: bool, force: bool,
               store=None) -> None:
    """Lập dự thảo báo cáo (Word, và bản chữ) từ biểu tổng hợp hoặc một biểu mẫu đã điền.

    INPUT là tệp tổng hợp do kh-excel tạo, hoặc biểu của một đơn vị (xã, huyện, tỉnh; có
    thể chỉ điền cột Tổng cộng). Câu nào thiếu số liệu thì bỏ, không ghi 0. Nếu số liệu còn
    lỗi, lệnh dừng (mã thoát 1) trừ khi thêm --allow-errors.

    \b
    Ví dụ:
      kh-excel report tong_hop_2023.xlsx -o bao_cao_2023.docx
      kh-excel report tong_hop_2023.xlsx --style tin-bai -o tin_bai.docx --text tin_bai.md
      kh-excel report 2023_066_huyen-na-ri.xlsx -o bao_cao.docx --so 05 --ngay 18/01/2024
      kh-excel report tong_hop_2023.xlsx -o bao_cao.docx --config van_ban.toml --trace nguon.json
      kh-excel report tong_hop_2023.xlsx --style tin-bai -o tin_bai.docx --ngay-to-chuc 18/01/2024
          --dia-diem "Hội trường UBND huyện" --thanh-phan "đồng chí Nông Quang Kế – Phó Chủ tịch UBND huyện"
      kh-excel report 2023_066_huyen-na-ri.xlsx --previous NaRi_2022_tong-hop.xlsx -o bao_cao.docx
    """
    en = ctx.obj.get("lang") == "en"
    report = app.draft_report(input_path, style, templates=templates, allow_errors=allow_errors,
                              config=config, period=period, lang=ctx.obj.get("lang", "vi"),
                              final=final, strict=strict, so=so, ngay=ngay, nguoi_ky=nguoi_ky,
                              ten_don_vi=ten_don_vi, su_kien=su_kien,
                              ngay_to_chuc=ngay_to_chuc, dia_diem=dia_diem,
                              thanh_phan=thanh_phan, store=store, previous=previous)
    written = app.write_report(report, output, text=text_path, trace=trace_path, force=force)
    inp = report.input
    for path in written:
        click.echo(f"Wrote {path}" if en else f"Đã ghi {path}")
    if inp.previous_source:  # last period from the history store
        click.echo(f"Last period: {inp.previous_source}" if en
                   else f"Số liệu kỳ trước: {inp.previous_source}")
    prompts = len(report.narrative.prompts)
    if prompts:
        click.echo((f"Note: {prompts} place(s) marked [Hội bổ sung: …] are left for the "
                    "association to complete." if en else f"Lưu ý: văn bản còn {prompts} chỗ "
                    "đánh dấu [Hội bổ sung: …] để Hội bổ sung."), err=True)
    if report.allowed_errors:
        click.echo((f"Note: the input still has {inp.errors} data error(s); the draft says so."
                    if en else f"Lưu ý: số liệu đầu vào còn {inp.errors} lỗi; bản dự thảo đã "
                    "ghi rõ điều này."), err=True)
